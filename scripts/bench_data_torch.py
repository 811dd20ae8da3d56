#!/usr/bin/env python3
"""The reference for `scalpel bench data PATH`: reads an image folder with torchvision's
ImageFolder (PIL decoding) through a DataLoader (num_workers 0, batch 256, one torch thread),
with the same preprocessing, and prints images/s (median of --runs) and peak resident memory.

    python3 scripts/bench_data_torch.py PATH [--channels 1|3] [--resize N] [--crop S] [--runs 3]
"""
import argparse
import resource
import time

import torch
from torchvision import datasets, transforms


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("--channels", type=int, default=None)
    p.add_argument("--resize", type=int, default=None)
    p.add_argument("--crop", type=int, default=None)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(1)
    steps = []
    if a.channels == 1:
        steps.append(transforms.Grayscale(1))
    elif a.channels == 3:
        steps.append(transforms.Lambda(lambda im: im.convert("RGB")))
    steps.append(transforms.ToTensor())
    if a.resize:
        steps.append(transforms.Resize(a.resize, antialias=True))
    if a.crop:
        steps.append(transforms.CenterCrop(a.crop))
    data = datasets.ImageFolder(a.path, transform=transforms.Compose(steps))
    loader = torch.utils.data.DataLoader(data, batch_size=256, num_workers=0)
    times = []
    for _ in range(a.runs + 1):
        start = time.perf_counter()
        n = sum(x.shape[0] for x, _ in loader)
        times.append(time.perf_counter() - start)
    median = sorted(times[1:])[len(times[1:]) // 2]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{a.path}: {n} images, median {median:.3f} s per read, {n / median:.0f} images/s (1 thread); peak resident {peak:.0f} MB")


if __name__ == "__main__":
    main()
