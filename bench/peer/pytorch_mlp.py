#!/usr/bin/python3
"""PyTorch peer of `gradscope bench`: the same networks, batch sizes and optimizer, timed the same way.

Run with Debian's python3-torch (/usr/bin/python3) and the OPENBLAS_CORETYPE that bench/compare.sh probes.
Prints JSON in the schema of `gradscope bench --json` plus `sgemm_peak_gflops`, measured in this process by
sgemm_peak.py, the one peak measurement of the benchmarks (docs/bench.md).
"""
import argparse, json, math, os, platform, resource, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sgemm_peak  # noqa: E402  (must fix OPENBLAS_CORETYPE before torch loads OpenBLAS)

CORETYPE_REQUESTED, CORETYPE_USED = sgemm_peak.guard_coretype()

import torch  # noqa: E402
import torch.nn as nn

WIDTH, DEPTH, CLASSES = 100, 50, 10


class Residual(nn.Module):
    def __init__(self, branch, weight):
        super().__init__()
        self.branch, self.weight = branch, weight

    def forward(self, h):
        return h + self.weight * self.branch(h)


def stage(inputs, norm):
    layers = [nn.Linear(inputs, WIDTH)]
    if norm:
        layers.append(nn.BatchNorm1d(WIDTH))
    layers.append(nn.ReLU())
    return layers


def build(arch, inputs):
    """relu, batch-relu, resnet-relu as in GradScope's zoo (SPEC §1.2)."""
    residual = arch.startswith("resnet-")
    norm = "batch-" in arch
    if not residual:
        layers = []
        for b in range(DEPTH):
            layers += stage(inputs if b == 0 else WIDTH, norm)
        return nn.Sequential(*layers, nn.Linear(WIDTH, CLASSES))
    units = math.ceil((DEPTH - 1) / 2)
    blocks, remaining = stage(inputs, norm), DEPTH - 1
    while remaining > 0:
        m = min(2, remaining)
        remaining -= m
        branch = []
        for _ in range(m):
            branch += stage(WIDTH, norm)
        blocks.append(Residual(nn.Sequential(*branch), 1 / math.sqrt(units)))
    return nn.Sequential(*blocks, nn.Linear(WIDTH, CLASSES))


def linear_weights(inputs):
    return inputs * WIDTH + (DEPTH - 1) * WIDTH * WIDTH + WIDTH * CLASSES


def time_training(arch, batch, inputs, seconds):
    torch.manual_seed(1)
    net = build(arch, inputs)
    # GradScope's initialisation (SPEC §1.2): Gaussian, variance 2/fan_in for hidden relu layers, 1/fan_in for the output.
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    for i, linear in enumerate(linears):
        gain = 1.0 if i == len(linears) - 1 else 2.0
        nn.init.normal_(linear.weight, std=math.sqrt(gain / linear.in_features))
        nn.init.zeros_(linear.bias)
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, inputs)
    y = torch.randint(0, CLASSES, (batch,))

    def step():
        opt.zero_grad(set_to_none=False)
        loss_fn(net(x), y).backward()
        opt.step()

    for _ in range(5):
        step()
    steps, start = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and steps >= 5:
            break
    per_second = steps / elapsed
    flops = 6.0 * batch * linear_weights(inputs)
    return {
        "arch": arch, "batch": batch, "inputs": inputs,
        "steps_per_second": per_second, "examples_per_second": per_second * batch,
        "gflops": per_second * flops / 1e9,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum timing per configuration")
    parser.add_argument("--archs", default="relu,batch-relu,resnet-relu")
    parser.add_argument("--batches", default="32,128,1000")
    parser.add_argument("--inputs", default="784,3072")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    peak = sgemm_peak.measure(threads=args.threads)  # before the training runs, with the same threads
    results = []
    for arch in args.archs.split(","):
        for inputs in map(int, args.inputs.split(",")):
            for batch in map(int, args.batches.split(",")):
                results.append(time_training(arch, batch, inputs, args.seconds))
                print(f"pytorch {arch:12s} batch {batch:5d} inputs {inputs:5d}: "
                      f"{results[-1]['examples_per_second']:10.0f} ex/s", file=sys.stderr)
    print(json.dumps({
        "tool": "pytorch", "version": torch.__version__, "threads": args.threads,
        "openblas_coretype": CORETYPE_USED, "openblas_coretype_requested": CORETYPE_REQUESTED,
        "machine": platform.processor() or platform.machine(),
        "sgemm_peak_gflops": peak["sgemm_gflops"], "sgemm_peak": peak,
        "training": results,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }, indent=2))


if __name__ == "__main__":
    main()
