#!/usr/bin/env python3
"""Writes two image folders for the docs/data.md examples (Scalpel itself never needs Python):

    python3 scripts/examples/write_image_folders.py OUT_DIR [--with-train]

OUT_DIR/fmnist-test/<class>/<i>.png   the 10,000 Fashion-MNIST test images (28×28 gray), from the
                                      IDX files `scalpel data fetch` installs under $SCALPEL_DATA
OUT_DIR/fmnist-train/<class>/<i>.png  with --with-train: the 60,000 training images (a target whose
                                      test split is large, for docs/data.md's memory figures)
OUT_DIR/uci-digits/<digit>/<i>.png    the 1,797 UCI optical digits (8×8, 0…16 scaled to 0…255)
"""
import gzip
import os
import pathlib
import sys

import numpy as np
from PIL import Image

CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]


def main():
    out = pathlib.Path(sys.argv[1])
    data = pathlib.Path(os.environ.get("SCALPEL_DATA", pathlib.Path.home() / ".cache" / "scalpel"))
    for prefix, name in [("t10k", "fmnist-test")] + ([("train", "fmnist-train")] if "--with-train" in sys.argv else []):
        with gzip.open(data / "fashion-mnist" / f"{prefix}-images-idx3-ubyte.gz") as f:
            images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
        with gzip.open(data / "fashion-mnist" / f"{prefix}-labels-idx1-ubyte.gz") as f:
            labels = np.frombuffer(f.read(), np.uint8, offset=8)
        for i, (image, label) in enumerate(zip(images, labels)):
            d = out / name / f"{label}-{CLASSES[label]}"
            d.mkdir(parents=True, exist_ok=True)
            Image.fromarray(image, "L").save(d / f"{i:05d}.png")
    with gzip.open(data / "uci-digits" / "digits.csv.gz", "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.float64)
    for i, row in enumerate(rows):
        d = out / "uci-digits" / str(int(row[-1]))
        d.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.round(row[:64].reshape(8, 8) * 255 / 16).astype(np.uint8), "L").save(d / f"{i:04d}.png")


if __name__ == "__main__":
    main()
