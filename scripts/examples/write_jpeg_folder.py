#!/usr/bin/env python3
"""Writes a synthetic image folder of JPEG files for `scalpel bench data` at ImageNet-like sizes
(Scalpel itself never needs Python; the images are not committed):

    python3 scripts/examples/write_jpeg_folder.py OUT_DIR [--count 50000] [--classes 10] [--seed 0]

OUT_DIR/<class>/<i>.jpg: `count` RGB JPEG files (quality 90, baseline), each 256…320 pixels on
a side (so `--resize 224 --crop 224` does real work): one of 64 base images (a smooth random
colour field with rectangles and noise, so files compress like photographs, ~20-40 kB, not like
flat colour), cropped at a random offset, maybe mirrored, with a random rectangle of its own.
"""
import argparse
import pathlib

import numpy as np
from PIL import Image


def base(rng, size=320):
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    out = np.empty((size, size, 3), np.float32)
    for c in range(3):
        a, b, p = rng.uniform(0.005, 0.05, size=3)
        out[..., c] = 128 + 90 * np.sin(a * x + p * 6) * np.cos(b * y)
    for _ in range(int(rng.integers(2, 6))):
        y0, x0 = int(rng.integers(0, size - 40)), int(rng.integers(0, size - 40))
        out[y0:y0 + int(rng.integers(20, 120)), x0:x0 + int(rng.integers(20, 120))] = rng.uniform(0, 255, size=3)
    out += rng.normal(0, 12, size=out.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def image(rng, bases):
    h, w = (int(v) for v in rng.integers(256, 321, size=2))
    src = bases[int(rng.integers(len(bases)))]
    y0, x0 = int(rng.integers(0, 321 - h)), int(rng.integers(0, 321 - w))
    out = src[y0:y0 + h, x0:x0 + w].copy()
    if rng.integers(2):
        out = out[:, ::-1]
    y1, x1 = int(rng.integers(0, h - 40)), int(rng.integers(0, w - 40))
    out[y1:y1 + int(rng.integers(20, 80)), x1:x1 + int(rng.integers(20, 80))] = rng.integers(0, 256, size=3)
    return Image.fromarray(np.ascontiguousarray(out), "RGB")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--count", type=int, default=50000)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    root = pathlib.Path(a.out)
    for k in range(a.classes):
        (root / f"class{k:02d}").mkdir(parents=True, exist_ok=True)
    bases = [base(rng) for _ in range(64)]
    for i in range(a.count):
        image(rng, bases).save(root / f"class{i % a.classes:02d}" / f"{i:06d}.jpg", quality=90)
    print(f"wrote {a.count} JPEG files in {a.classes} class folders under {root}")


if __name__ == "__main__":
    main()
