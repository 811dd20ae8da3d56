#!/usr/bin/env python3
"""Markdown tables from the logs of scripts/examples/imagenet_lite0.sh (Scalpel never needs Python):

    python3 scripts/examples/lite0_table.py LOGS PREFIX [PREFIX…]

One row per block (stem, block1…7, head, last, all) and one column group per PREFIX (blocks,
noise, permuted): from LOGS/PREFIX-BLOCK.json the chosen run (learning rate, validation and its
epoch, test) and the trained parameters; from LOGS/PREFIX-BLOCK.log (/usr/bin/time -v) the
wall time, CPU time and peak RSS. With one PREFIX the table has every column; with several,
the test accuracy of each and the block with the best validation accuracy (ties: best test).
"""
import json
import pathlib
import re
import sys

BLOCKS = ["stem"] + [f"block{i}" for i in range(1, 8)] + ["head", "last", "all"]


def read(logs, prefix, block):
    j, t = logs / f"{prefix}-{block}.json", logs / f"{prefix}-{block}.log"
    if not j.exists():
        return None
    d = json.loads(j.read_text())
    chosen = d["chosen"][0]
    text = t.read_text()

    def timed(pattern):
        m = re.search(pattern, text)
        return m.group(1) if m else None

    wall = timed(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)")
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":")))) if wall else float("nan")
    user, system = float(timed(r"User time \(seconds\): ([\d.]+)") or "nan"), float(timed(r"System time \(seconds\): ([\d.]+)") or "nan")
    trained = max(e["trainableParameters"] for e in chosen["epochs"] if e["epoch"] <= chosen["bestEpoch"])
    return dict(lr=chosen["learningRate"], val=chosen["bestValidationAccuracy"], epoch=chosen["bestEpoch"],
                test=chosen["test"]["accuracy"], trained=trained, total=d["totalParameters"],
                train=sum(r["seconds"] for r in d["runs"]), wall=seconds, cpu=user + system,
                rss=int(timed(r"Maximum resident set size \(kbytes\): (\d+)") or 0) / 1048576,
                none=d["noAdaptation"]["accuracy"])


def main():
    logs, prefixes = pathlib.Path(sys.argv[1]), sys.argv[2:]
    rows = {p: {b: read(logs, p, b) for b in BLOCKS} for p in prefixes}
    pct = lambda x: f"{100 * x:.2f}%"
    if len(prefixes) == 1:
        print("| `--method` | trained parameters | chosen lr | validation (epoch) | test | train s | wall s | CPU s | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for b in BLOCKS:
            r = rows[prefixes[0]][b]
            if r is None:
                print(f"| `{b}` | not run | | | | | | | |")
                continue
            name = b if b in ("last", "all") else f"surgical:{b}"
            print(f"| `{name}` | {r['trained']:,} ({100 * r['trained'] / r['total']:.2f}%) | {r['lr']:g} | "
                  f"{pct(r['val'])} ({r['epoch']}) | {pct(r['test'])} | {r['train']:.0f} | {r['wall']:.0f} | "
                  f"{r['cpu']:.0f} | {r['rss']:.1f} GB |")
        return
    print("| block | " + " | ".join(f"{p}: validation / test" for p in prefixes) + " |")
    print("|---|" + "---:|" * len(prefixes))
    for b in BLOCKS:
        cells = [f"{pct(r['val'])} / {pct(r['test'])}" if (r := rows[p][b]) else "not run" for p in prefixes]
        print(f"| `{b}` | " + " | ".join(cells) + " |")
    for p in prefixes:
        done = {b: r for b, r in rows[p].items() if r}
        if done:
            best = max(done, key=lambda b: (done[b]["val"], done[b]["test"]))
            top = max(done, key=lambda b: done[b]["test"])
            print(f"\n{p}: no adaptation {pct(next(iter(done.values()))['none'])}; best by validation `{best}` "
                  f"(test {pct(done[best]['test'])}); best test `{top}` ({pct(done[top]['test'])})")


if __name__ == "__main__":
    main()
