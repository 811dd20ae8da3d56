#!/usr/bin/env python3
"""Writes Tests/SafeTensorsTests/Fixtures/pytorch_small.safetensors with PyTorch's safetensors.

The values follow simple formulas that SafeTensorsTests checks; run from the repository root:
    python3 scripts/make_safetensors_fixture.py
"""
import os

import torch
from safetensors.torch import save_file

OUT = os.path.join("Tests", "SafeTensorsTests", "Fixtures", "pytorch_small.safetensors")

tensors = {
    # A small conv + batch-norm block as a state dict would hold it.
    "conv.weight": torch.arange(24, dtype=torch.float32).reshape(2, 3, 2, 2) * 0.25 - 3.0,
    "bn.weight": torch.tensor([1.0, 0.5], dtype=torch.float32),
    "bn.bias": torch.tensor([0.0, -0.125], dtype=torch.float32),
    "bn.running_mean": torch.tensor([0.1, -0.2], dtype=torch.float32),
    "bn.running_var": torch.tensor([1.5, 2.5], dtype=torch.float32),
    "bn.num_batches_tracked": torch.tensor(7, dtype=torch.int64),
    # Other dtypes, converted to Float by the reader.
    "half": torch.tensor([[0.5, -2.0, 65504.0], [6.103515625e-05, 5.960464477539063e-08, -0.0]], dtype=torch.float16),
    "bf16": torch.tensor([1.0, -3.5, 1.0e30, 0.0078125], dtype=torch.bfloat16),
    "double": torch.tensor([3.25, -1e-3], dtype=torch.float64),
    "labels": torch.tensor([0, 9, -1, 2**40], dtype=torch.int64),
    "int32": torch.tensor([-7, 123456], dtype=torch.int32),
    "bytes": torch.tensor([0, 1, 255], dtype=torch.uint8),
    "mask": torch.tensor([True, False, True], dtype=torch.bool),
    "empty": torch.zeros(0, 3, dtype=torch.float32),
}

save_file(tensors, OUT, metadata={"format": "pt", "note": "Scalpel fixture"})
print(OUT, os.path.getsize(OUT), "bytes")
