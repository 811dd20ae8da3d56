#!/usr/bin/env python3
"""Runs `scalpel bench` and scripts/bench_torch.py on the same cases and prints the ratios.

    swift build -c release --product scalpel
    python3 scripts/bench_compare.py [--scalpel .build/release/scalpel] [--threads 2] [--rounds 3]

ratio = Scalpel's speed / PyTorch's speed (GFLOP/s over GFLOP/s, images/s over images/s,
PyTorch's ms over Scalpel's ms): above 1 Scalpel is faster. PyTorch's figure is its faster
memory format (column `torch fmt`).

Noise: the two engines alternate case by case (one process per case), so a burst of load from
another process hits one case, not a whole engine. With --rounds N every case runs N times
per engine and keeps its best round; --wait-idle S waits (up to S seconds) before each case
until the CPUs are 90% idle. The load average is printed before and after.
"""
import argparse
import json
import math
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODES = ["forward", "all", "stem+block1", "block3", "last"]
# One run of the fine-tuning protocol: Scalpel's (frozen prefix cached, test once) against
# PyTorch's with the authors' schedule (validation and test every epoch).
PROTOCOLS = [["--method", "all"], ["--method", "last"], ["--method", "surgical", "--tune", "block3"],
             ["--method", "surgical", "--tune", "stem+block1"]]


def cpu_busy(seconds=1.0):
    """Share of all CPUs busy over `seconds` (/proc/stat)."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    return 1 - (i1 - i0) / max(1, t1 - t0)


def wait_idle(limit):
    """Waits up to `limit` seconds for the machine to be at least 90% idle."""
    waited = 0
    while waited < limit and cpu_busy() > 0.10:
        waited += 1
        if waited % 30 == 0:
            print(f"  waiting for idle CPUs ({waited} s)", file=sys.stderr)


def run_json(cmd, idle_wait):
    wait_idle(idle_wait)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def collect(args):
    """Runs every case of both engines `--rounds` times; returns the raw JSON reports."""
    threads = ["--threads", str(args.threads)]
    engines = {"scalpel": [args.scalpel, "bench"], "pytorch": [sys.executable, str(ROOT / "scripts/bench_torch.py")]}
    cases = []
    if args.only in (None, "engine"):
        names = subprocess.run(engines["pytorch"] + ["engine", "--list"], check=True, capture_output=True,
                               text=True, cwd=ROOT).stdout.splitlines()
        cases += [["engine", "--json", "--filter", name] for name in names if args.filter in name]
    if args.only in (None, "protocol"):
        cases += [["protocol", "--json", "--arch", args.arch] + p for p in PROTOCOLS]
    if args.only in (None, "model"):
        extra = ["--classes", str(args.classes)] if args.classes else []
        extra += ["--steps", str(args.steps)] if args.steps else []
        extra += ["--warmup", str(args.warmup)] if args.warmup is not None else []
        cases += [["model", "--json", "--arch", args.arch, "--input", args.input, "--batch-size", str(args.batch),
                   "--mode", mode] + extra for mode in args.modes.split(",")]
    raw = []
    for r in range(args.rounds):
        for i, case in enumerate(cases):
            print(f"round {r + 1}/{args.rounds}, case {i + 1}/{len(cases)}: {' '.join(case[2:])}", file=sys.stderr)
            for cmd in engines.values():
                raw.append(run_json(cmd + case + threads, args.wait_idle))
    return raw


def best_reports(raw):
    """Per (engine, kind, case): the best of the rounds."""
    engine, model, protocol, meta = {}, {}, {}, {}
    for report in raw:
        e = report["engine"]
        meta.setdefault(e, report)
        if "seconds" in report:
            key = (e, report["method"])
            if key not in protocol or report["seconds"] < protocol[key]["seconds"]:
                protocol[key] = report
        elif "results" in report:
            for r in report["results"]:
                key = (e, r["group"], r["name"], r["pass"])
                if key not in engine or r["ms"] < engine[key]["ms"]:
                    engine[key] = r
        else:
            key = (e, report["mode"])
            if key not in model or report["images_per_second"] > model[key]["images_per_second"]:
                model[key] = report
    return engine, model, protocol, meta


def fmt(x, digits=1):
    return "-" if x is None else f"{x:.{digits}f}"


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else None


def print_engine(engine):
    print(f"{'kernel':22}{'pass':18}{'scalpel':>9}{'pytorch':>9}{'ratio':>7}  {'torch fmt':14}unit")
    by_pass = {}
    for (e, group, name, pass_), s in engine.items():
        t = engine.get(("pytorch", group, name, pass_))
        if e != "scalpel" or t is None:
            continue
        if s.get("gflops") is not None:
            a, b, unit, ratio = s["gflops"], t["gflops"], "GFLOP/s", s["gflops"] / t["gflops"]
        else:
            a, b, unit, ratio = s["ms"], t["ms"], "ms", t["ms"] / s["ms"]
        if group == "conv" and not name.startswith("stem"):
            by_pass.setdefault(pass_, []).append(ratio)
        digits = 1 if unit == "GFLOP/s" else 3
        print(f"{name:22}{pass_:18}{fmt(a, digits):>9}{fmt(b, digits):>9}{ratio:>7.2f}  {t.get('layout', ''):14}{unit}")
    for pass_, ratios in by_pass.items():
        print(f"{'conv geomean, no stem':22}{pass_:18}{'':18}{geomean(ratios):>7.2f}")
    peak = max((r["gflops"] for (e, g, n, _), r in engine.items() if e == "scalpel" and n.startswith("sgemm")),
               default=0)
    convs = [r["gflops"] for (e, g, n, _), r in engine.items() if e == "scalpel" and g == "conv"
             and not n.startswith("stem")]
    if peak and convs:
        print(f"Scalpel's SGEMM peak {peak:.0f} GFLOP/s; its non-stem conv passes reach "
              f"{100 * min(convs) / peak:.0f}-{100 * max(convs) / peak:.0f}% of it")


def print_models(model):
    s0 = next((r for (e, _), r in model.items() if e == "scalpel"), None)
    if s0:
        print(f"\n{s0['arch']} {s0['input']}, batch {s0['batch']}: images/s; peak resident MB "
              f"(Scalpel: process VmHWM / buffer-pool peak)")
    print(f"{'mode':14}{'scalpel':>9}{'pytorch':>9}{'ratio':>7}  {'torch fmt':14}{'scalpel MB':>12}{'pytorch MB':>12}")
    for mode in dict.fromkeys(m for (_, m) in model):
        s, t = model.get(("scalpel", mode)), model.get(("pytorch", mode))
        if not s or not t:
            continue
        ratio = s["images_per_second"] / t["images_per_second"]
        mem = f"{fmt(s.get('peak_rss_mb'), 0)}/{fmt(s.get('pool_peak_mb'), 0)}"
        print(f"{mode:14}{s['images_per_second']:>9.0f}{t['images_per_second']:>9.0f}{ratio:>7.2f}  "
              f"{t['layout']:14}{mem:>12}{fmt(t.get('peak_rss_mb'), 0):>12}")


def print_protocols(protocol):
    s0 = next((r for (e, _), r in protocol.items() if e == "scalpel"), None)
    if s0:
        print(f"\nOne protocol run: {s0['epochs']} epochs of {s0['tune_size']} images (batch {s0['batch']}), "
              f"validation {s0['validation_size']}; Scalpel tests {s0['test_size']} once, PyTorch after every "
              f"epoch (the authors' schedule); seconds")
    print(f"{'method':22}{'scalpel':>9}{'next run':>9}{'pytorch':>9}{'ratio':>7}  computed once (Scalpel)")
    for (e, method), s in protocol.items():
        t = protocol.get(("pytorch", method))
        if e != "scalpel" or not t:
            continue
        print(f"{method:22}{s['seconds']:>9.1f}{fmt(s.get('seconds_next_run')):>9}{t['seconds']:>9.1f}"
              f"{t['seconds'] / s['seconds']:>7.2f}  {', '.join(s.get('cached_blocks') or []) or '-'}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scalpel", default=str(ROOT / ".build/release/scalpel"), help="the release binary")
    p.add_argument("--threads", type=int, default=int(os.environ.get("SCALPEL_THREADS", os.cpu_count())))
    p.add_argument("--rounds", type=int, default=1, help="runs of every case per engine; the best is kept")
    p.add_argument("--only", choices=["engine", "model", "protocol"], help="run one part")
    p.add_argument("--arch", default="resnet26")
    p.add_argument("--input", default="1x28x28")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--filter", default="", help="only engine cases whose name contains this text (e.g. dw)")
    p.add_argument("--classes", type=int, help="classes of the model's head (model part; default: the bench's)")
    p.add_argument("--modes", default=",".join(MODES), help="comma-separated modes of the model part")
    p.add_argument("--steps", type=int, help="timed steps per model case (default: the bench's)")
    p.add_argument("--warmup", type=int, help="untimed steps per model case (default: the bench's)")
    p.add_argument("--wait-idle", type=int, default=0, metavar="S",
                   help="before each case, wait up to S seconds for the CPUs to be 90%% idle")
    p.add_argument("--json-out", help="also write every raw report to this file")
    p.add_argument("--from-json", help="print the tables of a file written by --json-out, without running")
    args = p.parse_args()

    load_before = load_average()
    if args.from_json:
        raw = json.loads(pathlib.Path(args.from_json).read_text())
    else:
        if not os.access(args.scalpel, os.X_OK):
            sys.exit(f"bench_compare: no binary at {args.scalpel}; run `swift build -c release --product scalpel`")
        raw = collect(args)
        if args.json_out:
            pathlib.Path(args.json_out).write_text(json.dumps(raw, indent=1))
    engine, model, protocol, meta = best_reports(raw)
    torch_version = meta.get("pytorch", {}).get("torch", "?")
    threads = meta.get("scalpel", {}).get("threads", args.threads)
    print(f"Scalpel vs PyTorch {torch_version} (CPU), {threads} thread(s); ratio = Scalpel speed / PyTorch speed")
    if not args.from_json:
        print(f"best of {args.rounds} round(s); load average (1 min) before {load_before:.2f}, "
              f"after {load_average():.2f}")
    print()
    if engine:
        print_engine(engine)
    if model:
        print_models(model)
    if protocol:
        print_protocols(protocol)


if __name__ == "__main__":
    main()
