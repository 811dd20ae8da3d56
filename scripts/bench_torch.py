#!/usr/bin/env python3
"""PyTorch's figures for the cases of `scalpel bench`, on the CPU, with the same JSON fields.

    python3 scripts/bench_torch.py engine [--threads T] [--json]
    python3 scripts/bench_torch.py model --arch resnet26 --input 1x28x28 --batch-size 128 \
        --mode forward|all|SEL [--threads T] [--steps N] [--json]
    python3 scripts/bench_torch.py protocol --method all|last|surgical [--tune SEL] [--json]

Each case is timed in both memory formats, NCHW and channels_last, and the faster one is
reported (field `layout`; `layouts` holds both). Timing as in Scalpel: warm-up runs, then the
median of the timed runs; FLOPs = 2*MACs.

The glibc heap is tuned as in the issue "Engine speed": with the default heap PyTorch returns
freed activations to the kernel and page-faults them back every step (30-60% slower here), so
this script re-executes itself with MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ set to
34359738368 unless they are already set or --default-heap is given.
"""
import argparse
import json
import os
import pathlib
import statistics
import sys
import time

HEAP_VARIABLES = {"MALLOC_MMAP_THRESHOLD_": "34359738368", "MALLOC_TRIM_THRESHOLD_": "34359738368"}


def tune_heap(argv):
    """Re-executes this script with the tuned glibc heap (read only at process start)."""
    if "--default-heap" in argv or all(k in os.environ for k in HEAP_VARIABLES):
        return
    env = dict(os.environ, **HEAP_VARIABLES)
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + argv, env)


tune_heap(sys.argv[1:])

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).parent / "fixtures"))
from models import CIFARResNet  # noqa: E402  (the PyTorch twin of Scalpel's ResNet-26)

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import bench_torch_protocol  # noqa: E402

LAYOUTS = {"nchw": torch.contiguous_format, "channels_last": torch.channels_last}

# The cases of Sources/scalpel/Bench/EngineCases.swift, under the same names.
GEMMS = [("sgemm 512^3", 512, 512, 512), ("sgemm 1024^3", 1024, 1024, 1024), ("sgemm 2048^3", 2048, 2048, 2048),
         ("im2col 16->16 28x28", 128 * 28 * 28, 16, 16 * 9), ("im2col 32->32 14x14", 128 * 14 * 14, 32, 32 * 9),
         ("im2col 64->64 7x7", 128 * 7 * 7, 64, 64 * 9)]
# name, in channels, out channels, input size, kernel, stride (padding kernel // 2, no bias)
CONVS = [("stem 1->16 28x28", 1, 16, 28, 3, 1), ("3x3 16->16 28x28", 16, 16, 28, 3, 1),
         ("3x3 16->32 s2 28x28", 16, 32, 28, 3, 2), ("1x1 16->32 s2 28x28", 16, 32, 28, 1, 2),
         ("3x3 32->32 14x14", 32, 32, 14, 3, 1), ("3x3 32->64 s2 14x14", 32, 64, 14, 3, 2),
         ("1x1 32->64 s2 14x14", 32, 64, 14, 1, 2), ("3x3 64->64 7x7", 64, 64, 7, 3, 1)]
# EfficientNet-Lite0's depthwise convolutions at 224x224 (groups = channels), as ConvCase.depthwise.
DEPTHWISE = [("dw3x3 32 112x112", 32, 32, 112, 3, 1, 32), ("dw3x3 96 s2 112x112", 96, 96, 112, 3, 2, 96),
             ("dw5x5 240 28x28", 240, 240, 28, 5, 1, 240), ("dw5x5 672 s2 14x14", 672, 672, 14, 5, 2, 672)]
NORMS = [("bn 16x28x28", 16, 28), ("bn 32x14x14", 32, 14), ("bn 64x7x7", 64, 7)]
ELEMENTWISE = [("relu 16x28x28", "relu", 16, 28), ("add 16x28x28", "add", 16, 28)]


def samples(warmup, runs, run):
    """`run()` returns the seconds of the part it times; warm-ups first, then sorted samples."""
    for _ in range(warmup):
        run()
    return sorted(run() for _ in range(max(1, runs)))


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def spread(values):
    n = len(values)
    med = statistics.median(values)
    return (values[(3 * n) // 4] - values[n // 4]) / med if n >= 4 and med > 0 else 0.0


def result(group, name, pass_, values, flops, layout=None, layouts=None):
    med = statistics.median(values)
    r = {"group": group, "name": name, "pass": pass_, "ms": med * 1e3, "fastest_ms": values[0] * 1e3,
         "gflops": flops / med / 1e9 if flops else None, "spread": spread(values), "runs": len(values)}
    if layout:
        r["layout"] = layout
        r["layouts"] = layouts
    return r


def best_layout(group, name, pass_, by_layout, flops):
    """The faster layout's result, with every layout's median ms in `layouts`."""
    layout = min(by_layout, key=lambda k: statistics.median(by_layout[k]))
    layouts = {k: statistics.median(v) * 1e3 for k, v in by_layout.items()}
    return result(group, name, pass_, by_layout[layout], flops, layout, layouts)


def bench_gemm(args, name, m, n, k):
    a, b, c = torch.randn(m, k), torch.randn(k, n), torch.empty(m, n)
    values = samples(args.warmup, args.runs, lambda: timed(lambda: torch.mm(a, b, out=c)))
    return [result("gemm", name, "forward", values, 2.0 * m * n * k)]


def bench_conv(args, name, cin, cout, size, kernel, stride, groups=1):
    n, pad = args.batch, kernel // 2
    out = (size + 2 * pad - kernel) // stride + 1
    flops = 2.0 * n * cout * out * out * cin // groups * kernel * kernel
    conv = torch.ops.aten.convolution_backward
    passes = {"forward": {}, "backward-data": {}, "backward-weights": {}}
    for layout, fmt in LAYOUTS.items():
        x = torch.randn(n, cin, size, size).contiguous(memory_format=fmt)
        w = (0.1 * torch.randn(cout, cin // groups, kernel, kernel)).contiguous(memory_format=fmt)
        gy = torch.randn(n, cout, out, out).contiguous(memory_format=fmt)

        def backward(mask):
            return lambda: timed(lambda: conv(gy, x, w, None, [stride] * 2, [pad] * 2, [1, 1], False, [0, 0], groups, mask))

        with torch.no_grad():
            passes["forward"][layout] = samples(args.warmup, args.runs, lambda: timed(
                lambda: F.conv2d(x, w, None, stride, pad, groups=groups)))
            passes["backward-data"][layout] = samples(args.warmup, args.runs, backward([True, False, False]))
            passes["backward-weights"][layout] = samples(args.warmup, args.runs, backward([False, True, False]))
    return [best_layout("conv", name, p, v, flops) for p, v in passes.items()]


def bench_norm(args, name, c, size):
    passes = {"forward": {}, "backward": {}}
    for layout, fmt in LAYOUTS.items():
        x = torch.randn(args.batch, c, size, size).contiguous(memory_format=fmt)
        gy = torch.randn(args.batch, c, size, size).contiguous(memory_format=fmt)
        gamma, beta, mean, var = torch.ones(c), torch.zeros(c), torch.zeros(c), torch.ones(c)
        with torch.no_grad():
            forward = lambda: torch.ops.aten.native_batch_norm(x, gamma, beta, mean, var, True, 0.1, 1e-5)  # noqa: E731
            _, save_mean, save_invstd = forward()
            passes["forward"][layout] = samples(args.warmup, args.runs, lambda: timed(forward))
            passes["backward"][layout] = samples(args.warmup, args.runs, lambda: timed(
                lambda: torch.ops.aten.native_batch_norm_backward(gy, x, gamma, mean, var, save_mean, save_invstd,
                                                                  True, 1e-5, [True, True, True])))
    return [best_layout("batchnorm", name, p, v, None) for p, v in passes.items()]


def bench_elementwise(args, name, op, c, size):
    passes = {"forward": {}, "backward": {}} if op == "relu" else {"forward": {}}
    for layout, fmt in LAYOUTS.items():
        x, other = (torch.randn(args.batch, c, size, size).contiguous(memory_format=fmt) for _ in range(2))
        with torch.no_grad():
            forward = (lambda: torch.relu(x)) if op == "relu" else (lambda: torch.add(x, other))
            passes["forward"][layout] = samples(args.warmup, args.runs, lambda: timed(forward))
            if op == "relu":
                y = torch.relu(x)
                passes["backward"][layout] = samples(args.warmup, args.runs, lambda: timed(
                    lambda: torch.ops.aten.threshold_backward(other, y, 0.0)))
    return [best_layout("elementwise", name, p, v, None) for p, v in passes.items()]


def run_engine(args):
    cases = [(bench_gemm, g) for g in GEMMS] + [(bench_conv, c) for c in CONVS + DEPTHWISE] + [(bench_norm, b) for b in NORMS] \
        + [(bench_elementwise, e) for e in ELEMENTWISE]
    if args.list:
        print("\n".join(case[0] for _, case in cases))
        return
    results = []
    if not args.json:
        print(f"bench_torch engine: torch {torch.__version__}, {args.threads} thread(s), batch {args.batch}")
        print(f"{'case':22}{'pass':18}{'ms':>10}{'GFLOP/s':>10}  layout")
    for fn, case in cases:
        if args.filter and args.filter not in case[0]:
            continue
        for r in fn(args, *case):
            results.append(r)
            if not args.json:
                gf = f"{r['gflops']:.1f}" if r["gflops"] else ""
                print(f"{r['name']:22}{r['pass']:18}{r['ms']:>10.3f}{gf:>10}  {r.get('layout', '')}")
    if args.json:
        print(json.dumps({"engine": "pytorch", "torch": torch.__version__, "threads": args.threads,
                          "batch": args.batch, "results": results}, indent=2, sort_keys=True))


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def reset_peak_rss():
    """Restarts VmHWM from the current resident size (Linux /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def select_trainable(model, mode, blocks=None):
    """Scalpel's blocks (default the CIFAR ResNet's: stem = conv1+bn1, blockK = layerK, last = fc;
    others from `twin`); SEL joins them with '+'."""
    blocks = blocks or {"stem": ["conv1", "bn1"], "block1": ["layer1"], "block2": ["layer2"], "block3": ["layer3"],
                        "last": ["fc"]}
    names = list(blocks) if mode == "all" else mode.split("+")
    unknown = [b for b in names if b not in blocks]
    if unknown:
        sys.exit(f"bench_torch: unknown block(s) {unknown}; expected all or {'+'.join(blocks)} terms")
    prefixes = tuple(p + "." for b in names for p in blocks[b])
    for pname, p in model.named_parameters():
        p.requires_grad_(pname.startswith(prefixes))
    return [p for p in model.parameters() if p.requires_grad]


def twin(arch, c, classes):
    """The PyTorch model of a Scalpel architecture and its blocks (docs/models.md)."""
    if arch in ("resnet18", "resnet34", "resnet50", "resnet101"):
        import torchvision
        model = getattr(torchvision.models, arch)(num_classes=classes)
        model.conv1 = torch.nn.Conv2d(c, 64, 7, 2, 3, bias=False)
        return model, {"stem": ["conv1", "bn1"], **{f"block{k}": [f"layer{k}"] for k in range(1, 5)}, "last": ["fc"]}
    if arch == "mobilenet_v2":
        import torchvision
        model = torchvision.models.mobilenet_v2(num_classes=classes)
        ends = [1, 2, 4, 7, 11, 14, 17, 18]
        stages = {f"block{k + 1}": [f"features.{i}" for i in range(ends[k], ends[k + 1])] for k in range(7)}
        return model, {"stem": ["features.0"], **stages, "head": ["features.18"], "last": ["classifier"]}
    if arch.startswith("efficientnet-lite"):
        from efficientnet_lite_pytorch import EfficientNet  # pip install efficientnet-lite-pytorch
        model = EfficientNet.from_name(arch, num_classes=classes, in_channels=c)
        outputs = [b._block_args.output_filters for b in model._blocks]
        stages = {}
        for i, o in enumerate(outputs):  # a stage is a run of blocks with the same output channels
            stages.setdefault(o, []).append(f"_blocks.{i}")
        return model, {"stem": ["_conv_stem", "_bn0"], **{f"block{k + 1}": v for k, v in enumerate(stages.values())},
                       "head": ["_conv_head", "_bn1"], "last": ["_fc"]}
    if not arch.startswith("resnet") or (int(arch.removeprefix("resnet")) - 2) % 6:
        sys.exit(f"bench_torch: --arch {arch} has no twin here")
    depth = int(arch.removeprefix("resnet"))
    return CIFARResNet(in_channels=c, classes=classes, width=1, blocks=(depth - 2) // 6), None


def run_model_layout(args, layout):
    c, h, w = (int(d) for d in args.input.split("x"))
    torch.manual_seed(0)
    model, blocks = twin(args.arch, c, args.classes)
    model = model.to(memory_format=LAYOUTS[layout])
    x = torch.randn(args.batch, c, h, w).contiguous(memory_format=LAYOUTS[layout])
    labels = torch.randint(0, args.classes, (args.batch,))
    trainable = 0
    if args.mode == "forward":
        model.eval()

        def step():
            with torch.no_grad():
                model(x)
    else:
        params = select_trainable(model, args.mode, blocks)
        trainable = sum(p.numel() for p in params)
        model.train()
        opt = torch.optim.Adam(params, lr=1e-3)

        def step():
            F.cross_entropy(model(x), labels).backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
    steps = args.steps or (20 if args.mode == "forward" else 10)
    reset_peak_rss()
    values = samples(args.warmup, steps, lambda: timed(step))
    return values, trainable, peak_rss_mb()


def run_model(args):
    layouts = list(LAYOUTS) if args.layout == "best" else [args.layout]
    runs = {k: run_model_layout(args, k) for k in layouts}
    layout = min(runs, key=lambda k: statistics.median(runs[k][0]))
    values, trainable, rss = runs[layout]
    med = statistics.median(values)
    report = {"engine": "pytorch", "arch": args.arch, "input": args.input, "batch": args.batch, "mode": args.mode,
              "threads": args.threads, "steps": len(values), "trainable_parameters": trainable,
              "images_per_second": args.batch / med, "ms_per_step": med * 1e3, "fastest_ms_per_step": values[0] * 1e3,
              "spread": spread(values), "peak_rss_mb": rss, "pool_peak_mb": None, "layout": layout,
              "layouts": {k: args.batch / statistics.median(v[0]) for k, v in runs.items()}}
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(f"bench_torch model: {args.arch} {args.input} batch {args.batch}, mode {args.mode}, "
              f"{args.threads} thread(s), {len(values)} steps, layout {layout}")
        print(f"  {report['images_per_second']:.0f} images/s ({med * 1e3:.1f} ms per step); "
              f"by layout: " + ", ".join(f"{k} {v:.0f}" for k, v in report["layouts"].items()))
        print(f"  trainable parameters: {trainable}; peak resident memory {rss:.0f} MB")


def main():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--threads", type=int, default=int(os.environ.get("SCALPEL_THREADS", os.cpu_count())))
    common.add_argument("--warmup", type=int, default=3, help="untimed runs before each case")
    common.add_argument("--json", action="store_true", help="print one JSON document")
    common.add_argument("--default-heap", action="store_true", help="keep glibc's default heap settings")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    engine = sub.add_parser("engine", parents=[common], help="GEMM, conv2d passes and batch norm")
    engine.add_argument("--runs", type=int, default=15)
    engine.add_argument("--batch-size", "--batch", dest="batch", type=int, default=128)
    engine.add_argument("--filter", help="only cases whose name contains this text")
    engine.add_argument("--list", action="store_true", help="print the case names and exit")
    model = sub.add_parser("model", parents=[common], help="images/s of a forward pass or a training step")
    model.add_argument("--arch", default="resnet26")
    model.add_argument("--input", default="1x28x28", help="CxHxW")
    model.add_argument("--batch-size", "--batch", dest="batch", type=int, default=128)
    model.add_argument("--classes", type=int, default=10)
    model.add_argument("--mode", default="forward", help="forward, all, or blocks joined by + (stem+block1, last)")
    model.add_argument("--steps", type=int)
    model.add_argument("--layout", choices=["best", *LAYOUTS], default="best")
    bench_torch_protocol.add_parser(sub, common)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.command == "protocol":
        report = bench_torch_protocol.run(args, CIFARResNet, select_trainable, LAYOUTS, peak_rss_mb)
        print(json.dumps(report, indent=2, sort_keys=True) if args.json else
              f"bench_torch protocol: {report['method']}: one run {report['seconds']:.1f} s, "
              f"next run {report['seconds_next_run'] or float('nan'):.1f} s, peak RSS {report['peak_rss_mb']:.0f} MB")
    else:
        run_engine(args) if args.command == "engine" else run_model(args)


if __name__ == "__main__":
    main()
