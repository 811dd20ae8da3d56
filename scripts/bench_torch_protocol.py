"""`bench_torch.py protocol`: one run of the paper's fine-tuning protocol in PyTorch, the way
the authors' code schedules it: every epoch trains on the tuning set, then evaluates the
validation and the test set; BatchNorm in eval mode while tuning; Adam(lr, weight_decay=1e-4)
on the trainable parameters only (the others have requires_grad=False, so autograd skips their
weight gradients but still runs the forward pass through every block, every batch).

Same case and JSON fields as `scalpel bench protocol` (random 1x28x28 images, 10 classes,
1000 tune / 2000 validation / 8000 test, batch 64, 15 epochs). With --next-run,
`seconds_next_run` repeats the run at another learning rate, which costs PyTorch the same.
"""
import time

import torch
import torch.nn.functional as F


def add_parser(sub, common):
    p = sub.add_parser("protocol", parents=[common], help="seconds of one fine-tuning protocol run (authors' schedule)")
    p.add_argument("--arch", default="resnet26")
    p.add_argument("--method", default="all", help="all, last, or surgical (with --tune)")
    p.add_argument("--tune", help="blocks joined by + for --method surgical (block3, stem+block1)")
    p.add_argument("--tune-size", type=int, default=1000)
    p.add_argument("--validation-size", type=int, default=2000)
    p.add_argument("--test-size", type=int, default=8000)
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch-size", "--batch", dest="batch", type=int, default=64)
    p.add_argument("--eval-batch", type=int, default=500)
    p.add_argument("--layout", choices=["nchw", "channels_last"], default="channels_last")
    p.add_argument("--next-run", action="store_true", help="also time a second run (costs the same as the first)")


def run(args, model_class, select_trainable, layouts, peak_rss_mb):
    depth = int(args.arch.removeprefix("resnet"))
    torch.manual_seed(0)
    fmt = layouts[args.layout]
    model = model_class(in_channels=1, classes=10, width=1, blocks=(depth - 2) // 6).to(memory_format=fmt)
    g = torch.Generator().manual_seed(5)

    def examples(n):
        return (torch.randn(n, 1, 28, 28, generator=g).contiguous(memory_format=fmt),
                torch.randint(0, 10, (n,), generator=g))

    tune, validation, test = examples(args.tune_size), examples(args.validation_size), examples(args.test_size)
    selection = args.tune if args.method == "surgical" else args.method
    if selection is None:
        raise SystemExit("bench_torch protocol: --method surgical needs --tune")
    state = {k: v.clone() for k, v in model.state_dict().items()}

    def evaluate(data):
        model.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(data[1]), args.eval_batch):
                correct += (model(data[0][i:i + args.eval_batch]).argmax(1) == data[1][i:i + args.eval_batch]).sum().item()
        return correct / len(data[1])

    def one_run(lr):
        model.load_state_dict(state)
        params = select_trainable(model, "last" if selection == "last" else selection)
        opt = torch.optim.Adam(params, lr=lr, weight_decay=1e-4)
        g_order = torch.Generator().manual_seed(0)
        for _ in range(args.epochs):
            model.train()
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.eval()
            order = torch.randperm(args.tune_size, generator=g_order)
            for i in range(0, args.tune_size, args.batch):
                idx = order[i:i + args.batch]
                F.cross_entropy(model(tune[0][idx]), tune[1][idx]).backward()
                opt.step()
                opt.zero_grad(set_to_none=True)
            evaluate(validation)
            evaluate(test)
        return sum(p.numel() for p in params)

    start = time.perf_counter()
    trainable = one_run(1e-3)
    seconds = time.perf_counter() - start
    next_run = None
    if args.next_run:
        start = time.perf_counter()
        one_run(1e-4)
        next_run = time.perf_counter() - start
    return {"engine": "pytorch", "arch": args.arch, "method": args.method if args.method != "surgical" else f"surgical:{args.tune}",
            "threads": args.threads, "epochs": args.epochs, "batch": args.batch, "tune_size": args.tune_size,
            "validation_size": args.validation_size, "test_size": args.test_size, "seconds": seconds,
            "seconds_next_run": next_run, "trainable_parameters": trainable,
            "cached_blocks": [], "status": "done", "peak_rss_mb": peak_rss_mb(), "layout": args.layout}
