#!/usr/bin/env bash
# Runs one of the paper's studies (issue 17) as a resumable sweep into results/, on the engine
# every run of the studies was computed with: commit 88c3c73, which is d6d79e1 (the engine's
# arithmetic before the batch-norm kernels of a8482a6; later builds differ in float rounding
# only, by about 0.05 points on a rerun) with successive halving's second rule (3223a75) and no
# other change; the two reproduce each other's runs bit for bit. The first call builds that
# commit in a git worktree (.build-studies/); later calls reuse it. Reports come from the current build: scalpel report results/STUDY.sqlite
# --out results/STUDY.
#
#   scripts/studies.sh per-block --reuse results/selection.sqlite
#   scripts/studies.sh selection --reuse results/per-block.sqlite
#
# Environment: SCALPEL_STUDIES_BIN=PATH uses an existing build of that commit instead;
# SCALPEL_THREADS (default 1) and NICE (default 10) as for any sweep. Two calls of the same
# study may share its database (docs/scaling.md).
set -euo pipefail

readonly engine=88c3c737bfaafd21f570a4d34155b63a6c9bf3d6
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() { echo "usage: scripts/studies.sh STUDY [sweep flags…]" >&2; exit 64; }
[ $# -ge 1 ] || usage

binary=${SCALPEL_STUDIES_BIN:-}
if [ -z "$binary" ]; then
    tree="$root/.build-studies/tree"
    if [ ! -d "$tree" ]; then
        mkdir -p "$root/.build-studies"
        git worktree add --detach "$tree" "$engine" >&2
    elif [ "$(git -C "$tree" rev-parse HEAD)" != "$engine" ]; then
        git -C "$tree" checkout --quiet --detach "$engine" >&2
    fi
    (cd "$tree" && swift build -c release --product scalpel >&2)
    binary="$tree/.build/release/scalpel"
fi
[ -x "$binary" ] || { echo "scripts/studies.sh: $binary: not an executable" >&2; exit 66; }

study=$1; shift
spec="experiments/$study.yaml"
[ -f "$spec" ] || { echo "scripts/studies.sh: $spec: no such study" >&2; exit 66; }
export SCALPEL_COMMIT=$engine SCALPEL_THREADS=${SCALPEL_THREADS:-1}
exec nice -n "${NICE:-10}" "$binary" sweep "$spec" --db "results/$study.sqlite" "$@"
