#!/usr/bin/env python3
"""Replays rules of successive halving on recorded learning curves (issue 17).

A successive-halving candidate is a surgical run of its block that pauses and resumes, so
its validation accuracy after epoch e is the one the plain surgical run of that block
recorded after epoch e (SuccessiveHalvingTests). The selection study records every block's
plain run (Cross-Val's block runs, learning rates 1e-3, 1e-4, 1e-5), so any rule that cuts
blocks by validation accuracy at some epochs can be replayed from the databases without
training: the block it picks, that block's test accuracy, and its cost (the epochs each
block trained, in recorded seconds per epoch, plus the winner's test-time overhead).

The replay is not exact in one respect: the sweep breaks ties of validation accuracy by
validation loss, which runs do not record per epoch; here ties go to block order. On the
first rule it picked the recorded block in 59 of 72 runs.

Usage (standard library only; Scalpel itself never needs Python):

  scripts/successive-halving-replay.py results/selection.sqlite results/per-block.sqlite
  scripts/successive-halving-replay.py --grid results/selection.sqlite results/per-block.sqlite

Output: per rule, the mean over shifts of (replayed test accuracy − Cross-Val's), mean over
three seeds, learning rate chosen per seed by validation as the protocol does, and the cost
of the rule's whole grid relative to `all`'s (recorded seconds), beside Cross-Val's.
"""
import json
import sqlite3
import statistics
import sys

LEARNING_RATES = (1e-3, 1e-4, 1e-5)
BLOCKS = ("stem", "block1", "block2", "block3", "last")
SEEDS = (0, 1, 2)


def same_rate(a, b):
    return abs(a - b) < 1e-12


def load(paths):
    """Block runs (shift, seed, lr, block) -> curves; `all` runs (shift, seed, lr) -> seconds."""
    blocks, full = {}, {}
    for path in paths:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows = db.execute("select shift, method, learning_rate, seed, best_validation_accuracy, test_accuracy, "
                          "seconds, result from runs where status = 'done'")
        for shift, method, lr, seed, best, test, seconds, result in rows:
            if not any(same_rate(lr, r) for r in LEARNING_RATES):
                continue
            if method.startswith("surgical:") and method[len("surgical:"):] in BLOCKS:
                epochs = json.loads(result).get("epochs", []) if result else []
                blocks[(shift, seed, lr, method[len("surgical:"):])] = {
                    "validation": [e["validationAccuracy"] for e in epochs],
                    "epoch_seconds": [e["seconds"] for e in epochs],
                    "best": best, "test": test, "seconds": seconds}
            elif method == "all":
                full[(shift, seed, lr)] = seconds
    return blocks, full


def replay(blocks, shift, seed, lr, rungs, exempt):
    """One grid point: rungs [(survivors, epoch)] over the blocks not in `exempt` (which train
    to the end); returns (block, best validation, test accuracy, seconds) or None."""
    run = {b: blocks.get((shift, seed, lr, b)) for b in BLOCKS}
    if any(r is None for r in run.values()):
        return None
    epochs = len(run["stem"]["validation"])
    trained = {b: (epochs if b in exempt else 0) for b in BLOCKS}
    alive = [b for b in BLOCKS if b not in exempt]
    previous = None
    for survivors, epoch in rungs:
        if previous is not None:
            alive = sorted(alive, key=lambda b: (-max(run[b]["validation"][:previous]), BLOCKS.index(b)))[:survivors]
        for b in alive:
            trained[b] = max(trained[b], epoch)
        previous = epoch
    finalists = alive + [b for b in BLOCKS if b in exempt]
    winner = min(finalists, key=lambda b: (-run[b]["best"], BLOCKS.index(b)))
    w = run[winner]
    seconds = sum(sum(run[b]["epoch_seconds"][:trained[b]]) for b in BLOCKS) + w["seconds"] - sum(w["epoch_seconds"])
    return winner, w["best"], w["test"], seconds


def evaluate(blocks, full, shifts, rungs, exempt):
    """Per shift: (replayed mean test, Cross-Val mean test, cost ×all, Cross-Val cost ×all)."""
    out = {}
    for shift in shifts:
        replayed, crossval = [], []
        cost = cost_cv = cost_all = 0.0
        for seed in SEEDS:
            points, cv_points = [], []
            for lr in LEARNING_RATES:
                r = replay(blocks, shift, seed, lr, rungs, exempt)
                if r is None or (shift, seed, lr) not in full:
                    break
                points.append((r[1], lr, r[2]))
                cost += r[3]
                chosen = min(BLOCKS, key=lambda b: (-blocks[(shift, seed, lr, b)]["best"], BLOCKS.index(b)))
                cv_points.append((blocks[(shift, seed, lr, chosen)]["best"], lr, blocks[(shift, seed, lr, chosen)]["test"]))
                cost_cv += sum(blocks[(shift, seed, lr, b)]["seconds"] for b in BLOCKS)
                cost_all += full[(shift, seed, lr)]
            if len(points) < len(LEARNING_RATES):
                break
            replayed.append(max(points, key=lambda p: (p[0], p[1]))[2])
            crossval.append(max(cv_points, key=lambda p: (p[0], p[1]))[2])
        if len(replayed) == len(SEEDS):
            out[shift] = (100 * statistics.mean(replayed), 100 * statistics.mean(crossval), cost / cost_all, cost_cv / cost_all)
    return out


def line(name, out):
    gap = statistics.mean(v[0] - v[1] for v in out.values())
    cost = statistics.mean(v[2] for v in out.values())
    cv = statistics.mean(v[3] for v in out.values())
    shifts = " ".join(f"{v[0] - v[1]:+.1f}" for v in out.values())
    return f"{name:44s} {gap:+.2f} points  cost {cost:.2f}× (Cross-Val {cv:.2f}×)  per shift: {shifts}"


def main(argv):
    grid = "--grid" in argv
    paths = [a for a in argv if not a.startswith("--")]
    if not paths:
        print(__doc__)
        return 64
    blocks, full = load(paths)
    shifts = sorted({k[0] for k in full if (k[0], 0, 1e-3, "stem") in blocks})
    print("shifts:", ", ".join(shifts))
    rules = {
        "rule 1: 5@2, 2@5, 1@15": ([(5, 2), (2, 5), (1, 15)], ()),
        "rule 1, head never cut: 4@2, 2@5, 1@15": ([(4, 2), (2, 5), (1, 15)], ("last",)),
        "rule 2: head never cut, 4@2, 2@10, 1@15": ([(4, 2), (2, 10), (1, 15)], ("last",)),
    }
    for name, (rungs, exempt) in rules.items():
        print(line(name, evaluate(blocks, full, shifts, rungs, exempt)))
    if grid:
        print("\nhead never cut; 4 blocks to epoch e1, n2 of them to epoch e2, one to 15:")
        for e1 in range(1, 6):
            for n2 in (1, 2, 3):
                for e2 in ([None] if n2 == 1 else range(e1 + 1, 13)):
                    rungs = [(4, e1), (n2, e2 or 15)] + ([(1, 15)] if e2 else [])
                    print(line(f"e1={e1} n2={n2} e2={e2}", evaluate(blocks, full, shifts, rungs, ("last",))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
