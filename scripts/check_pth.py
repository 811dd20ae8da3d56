#!/usr/bin/env python3
"""Checks `scalpel convert` against torch.load on any .pth file:

    scalpel convert model.pth model.safetensors
    python3 scripts/check_pth.py model.pth model.safetensors [--prefix module.] [--key state_dict]

Loads the .pth with torch.load(weights_only=True) and the safetensors file with safetensors;
prints the tensor count and fails on any difference of names, shapes, dtypes or bytes.
"""
import argparse
import sys

import torch
from safetensors.torch import load_file


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pth")
    parser.add_argument("converted")
    parser.add_argument("--key", help="the saved dict's entry holding the state dict")
    parser.add_argument("--prefix", default="", help="the prefix scalpel removed from every name")
    args = parser.parse_args()
    state = torch.load(args.pth, map_location="cpu", weights_only=True)
    if args.key:
        state = state[args.key]
    expected = {k[len(args.prefix):]: v for k, v in state.items() if isinstance(v, torch.Tensor)}
    converted = load_file(args.converted)
    problems = []
    if set(expected) != set(converted):
        problems.append(f"names differ: only in .pth {sorted(set(expected) - set(converted))[:5]}, "
                        f"only in converted {sorted(set(converted) - set(expected))[:5]}")
    for name in sorted(set(expected) & set(converted)):
        a, b = expected[name].contiguous(), converted[name]
        if a.dtype != b.dtype or a.shape != b.shape:
            problems.append(f"{name}: {a.dtype}{list(a.shape)} vs {b.dtype}{list(b.shape)}")
        elif not torch.equal(a.view(-1).view(torch.uint8) if a.numel() else a, b.view(-1).view(torch.uint8) if b.numel() else b):
            problems.append(f"{name}: values differ")
    print(f"{len(expected)} tensors in {args.pth}, {len(converted)} in {args.converted}, "
          f"{sum(v.numel() for v in expected.values())} values; {len(problems)} differences")
    for p in problems[:20]:
        print("  " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
