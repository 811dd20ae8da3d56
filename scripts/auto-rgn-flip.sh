#!/bin/bash
# The experiments of docs/results/auto-rgn-flip.md: every run of its tables,
# niced, one engine thread, JSON per run into OUT, then the per-block weight summary.
#   scripts/auto-rgn-flip.sh [SCALPEL] [OUT]     (defaults: .build/release/scalpel, /tmp/auto-rgn-flip)
# About 30 minutes on a busy 2-core machine; needs jq for the summary.
set -euo pipefail
S=${1:-.build/release/scalpel}
OUT=${2:-/tmp/auto-rgn-flip}
mkdir -p "$OUT"
ck="--checkpoint checkpoints/resnet26-fmnist.safetensors --shift fmnist-flip"
demo="$ck --tune-per-class 16 --test-per-class 50 --epochs 4 --batch-size 32 --seeds 0,1"
full="$ck --tune-per-class 100 --test-per-class 100 --epochs 15 --batch-size 64 --seeds 0"
run() {
    local name=$1; shift
    [ -e "$OUT/$name.json" ] && return 0
    SCALPEL_THREADS=1 nice -n 19 "$S" finetune "$@" --json "$OUT/$name.tmp.json" > "$OUT/$name.txt"
    mv "$OUT/$name.tmp.json" "$OUT/$name.json"
    printf '%-22s %s\n' "$name" "$(grep 'test accuracy' "$OUT/$name.txt")"
}
# Demo sizes (16 tune / 10 validation / 50 test per class, 4 epochs, batch 32, seeds 0 and 1).
run last $demo --method last --lr 1e-1,1e-2
run all $demo --method all --lr 1e-3,1e-4
run all-hi $demo --method all --lr 1e-2
run rgn $demo --method auto-rgn --lr 1e-3,1e-4
for c in max reset no-bn once max+no-bn max+reset no-bn+reset; do
    run "abl-$c" $demo --method "auto-rgn-ablation:$c" --lr 1e-3,1e-4
done
run rgn-authors $demo --method auto-rgn:authors --lr 1e-3,1e-4
run rgn-hi $demo --method auto-rgn --lr 1e-1,1e-2
run rgn-authors-hi $demo --method auto-rgn:authors --lr 1e-1,1e-2
run rgn-15 $demo --method auto-rgn --lr 1e-3,1e-4 --epochs 15
# The paper's protocol, single runs (100 tune / 10 validation per class, 15 epochs, batch 64, seed 0).
run full-last $full --method last --lr 1e-1,1e-2,1e-3
run full-all $full --method all --lr 1e-3
run full-rgn $full --method auto-rgn --lr 1e-3
run full-rgn-hi $full --method auto-rgn --lr 1e-2
run full-rgn-authors $full --method auto-rgn:authors --lr 1e-3
run full-abl-no-bn+reset $full --method auto-rgn-ablation:no-bn+reset --lr 1e-3
run full-abl-once $full --method auto-rgn-ablation:once --lr 1e-3
# Mean weight per block over tensors and epochs of the lr 1e-3 runs: other tensors / BatchNorm tensors.
for f in rgn rgn-authors rgn-15 abl-max abl-once abl-max+no-bn full-rgn full-rgn-authors; do
    jq -r --arg f "$f" '
      def block: if test("^(conv1|bn1)\\.") then "stem" elif startswith("layer1") then "block1"
                 elif startswith("layer2") then "block2" elif startswith("layer3") then "block3" else "last" end;
      def isbn: test("bn|downsample\\.1");
      def mean: if length > 0 then (add / length * 100 | round / 100 | tostring) else "–" end;
      [.runs[] | select(.learningRate > 0.0009 and .learningRate < 0.0011) | .epochs[] | .tensorWeights | to_entries[]] as $all
      | ["stem", "block1", "block2", "block3", "last"]
      | map(. as $b | "\($b) \([$all[] | select((.key | block) == $b and (.key | isbn | not)) | .value] | mean)" +
                     "/\([$all[] | select((.key | block) == $b and (.key | isbn)) | .value] | mean)")
      | "\($f): " + join(", ")' "$OUT/$f.json"
done
