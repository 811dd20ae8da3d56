#!/usr/bin/env python3
"""Writes the PyTorch golden fixtures that Scalpel's tests compare against.

Run by hand (PyTorch is not needed to build or test Scalpel):

    pip install torch safetensors
    python3 scripts/torch_fixtures.py            # all fixtures
    python3 scripts/torch_fixtures.py optim      # one group

Each group is a module in scripts/fixtures/ with a `write(out_dir)` function; the files go
to Tests/Fixtures/ and are committed (small: the whole set stays under 2 MB).
"""
import importlib
import pathlib
import sys

import torch

GROUPS = ["optim", "ops", "network", "models", "methods", "images", "user_data", "ops2", "models2", "vit_tv"]


def main() -> None:
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    root = pathlib.Path(__file__).resolve().parent
    out = root.parent / "Tests" / "Fixtures"
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(root))
    wanted = sys.argv[1:] or GROUPS
    for name in wanted:
        try:
            module = importlib.import_module(f"fixtures.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"fixtures.{name}":
                print(f"skip {name}: no scripts/fixtures/{name}.py")
                continue
            raise
        module.write(out)
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
