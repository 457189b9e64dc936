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


def aten_cpu_capability():
    """The vector tier of ATen's own kernels (element-wise, norms, optimizers): AVX512, AVX2, ... It follows
    ATEN_CPU_CAPABILITY (compare.sh sets avx2 for the peer of GradScope's AVX2 tier); torch 1.13 reports it only in
    its build summary."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return None


class Residual(nn.Module):
    def __init__(self, branch, weight):
        super().__init__()
        self.branch, self.weight = branch, weight

    def forward(self, h):
        return h + self.weight * self.branch(h)


def stage(inputs, norm):
    layers = [nn.Linear(inputs, WIDTH)]
    if norm == "batch":
        layers.append(nn.BatchNorm1d(WIDTH))
    elif norm == "layer":
        layers.append(nn.LayerNorm(WIDTH))
    layers.append(nn.ReLU())
    return layers


def pre_activation_stage(norm):
    """[norm] → relu → linear: a stage of a pre-activation residual branch (He et al. 2016), which ends in a linear map."""
    layers = []
    if norm == "batch":
        layers.append(nn.BatchNorm1d(WIDTH))
    elif norm == "layer":
        layers.append(nn.LayerNorm(WIDTH))
    return layers + [nn.ReLU(), nn.Linear(WIDTH, WIDTH)]


def build_blocks(arch, inputs):
    """The blocks of [resnet-][batch-|layer-]relu as in GradScope's zoo (SPEC §1.2, NetworkBuilder), input side first.
    Residual nets use the zoo's default branch layout, pre-activation: a linear → [norm] input map without relu, then
    units of two [norm] → relu → linear stages (a relu at the input map would hand the units a non-negative stream)."""
    residual = arch.startswith("resnet-")
    norm = "batch" if "batch-" in arch else "layer" if "layer-" in arch else None
    if not residual:
        return [nn.Sequential(*stage(inputs if b == 0 else WIDTH, norm)) for b in range(DEPTH)]
    units = math.ceil((DEPTH - 1) / 2)
    blocks, remaining = [nn.Sequential(*stage(inputs, norm)[:-1])], DEPTH - 1
    while remaining > 0:
        m = min(2, remaining)
        remaining -= m
        branch = []
        for _ in range(m):
            branch += pre_activation_stage(norm)
        blocks.append(Residual(nn.Sequential(*branch), 1 / math.sqrt(units)))
    return blocks


def build(arch, inputs):
    return nn.Sequential(*build_blocks(arch, inputs), nn.Linear(WIDTH, CLASSES))


def linear_weights(inputs):
    return inputs * WIDTH + (DEPTH - 1) * WIDTH * WIDTH + WIDTH * CLASSES


def time_training(arch, batch, inputs, seconds, optimizer):
    torch.manual_seed(1)
    net = build(arch, inputs)
    # GradScope's initialisation (SPEC §1.2): Gaussian, variance 2/fan_in for hidden relu layers, 1/fan_in for the output.
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    for i, linear in enumerate(linears):
        gain = 1.0 if i == len(linears) - 1 else 2.0
        nn.init.normal_(linear.weight, std=math.sqrt(gain / linear.in_features))
        nn.init.zeros_(linear.bias)
    opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(net.parameters(), lr=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, inputs)
    y = torch.randint(0, CLASSES, (batch,))

    def step():
        opt.zero_grad(set_to_none=False)
        loss_fn(net(x), y).backward()
        opt.step()

    # Warm-up as in GradScope's bench: half of the measuring time, between 0.2 and 0.5 s, at least 5 steps.
    warm, warm_start = 0, time.perf_counter()
    while warm < 5 or time.perf_counter() - warm_start < min(max(seconds / 2, 0.2), 0.5):
        step()
        warm += 1
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
        "arch": arch, "batch": batch, "inputs": inputs, "optimizer": optimizer,
        "steps_per_second": per_second, "examples_per_second": per_second * batch,
        "gflops": per_second * flops / 1e9,
    }


class GroupedBatchNorm(nn.Module):
    """Batch norm of C independent copies of one batch stacked as C·B rows: each copy is normalised by its own batch
    statistics (biased variance, as nn.BatchNorm1d in training mode), with the wrapped layer's affine parameters."""

    def __init__(self, norm, batch):
        super().__init__()
        self.norm, self.batch = norm, batch

    def forward(self, h):
        v = h.view(-1, self.batch, h.shape[-1])
        mean = v.mean(dim=1, keepdim=True)
        var = v.var(dim=1, unbiased=False, keepdim=True)
        out = (v - mean) / torch.sqrt(var + self.norm.eps) * self.norm.weight + self.norm.bias
        return out.view_as(h)


def grouped(module, batch):
    """The same network with every BatchNorm1d replaced by GroupedBatchNorm (parameters shared)."""
    for name, child in module.named_children():
        if isinstance(child, nn.BatchNorm1d):
            setattr(module, name, GroupedBatchNorm(child, batch))
        else:
            grouped(child, batch)
    return module


def gsc_profile(arch, batch=256, inputs=784, copies=8):
    """Exact GSC(k, 0) profile of a 50 x 100 network on `batch` Gaussian inputs in float64 (SPEC §2.2), batch statistics:
    GSC(k, 0) = ||J||_F / sqrt(B d_k) * ||f_k|| / ||f_0||, J = d(per-example losses)/d(f_k). Without batch norm J is
    block-diagonal and one backward pass of the summed losses gives every row at once. With batch norm the examples
    interact and J has B dense rows, one per example's loss: the batch is stacked `copies` times (each copy normalised by
    its own statistics, so each is the original network), copy c back-propagates example c's loss, and B / copies
    passes of copies·B rows give every row as large matrix products (the same work as B backward passes of B rows,
    without B round trips through autograd). Returns (seconds, profile by position 1..L)."""
    torch.manual_seed(1)
    blocks = [b.double() for b in build_blocks(arch, inputs)]
    output = nn.Linear(WIDTH, CLASSES).double()
    x = torch.randn(batch, inputs, dtype=torch.float64)
    y = torch.randint(0, CLASSES, (batch,))
    coupled = "batch-" in arch
    start = time.perf_counter()
    feats, h = [], x
    for block in blocks:
        h = block(h)
        feats.append(h)
    losses = nn.functional.cross_entropy(output(h), y, reduction="none")
    if coupled:
        squares = [0.0] * len(feats)
        stacked_blocks = [grouped(block, batch) for block in blocks]
        for first in range(0, batch, copies):
            c = min(copies, batch - first)
            stacked, h = [], x.repeat(c, 1)
            for block in stacked_blocks:
                h = block(h)
                stacked.append(h)
            per_copy = nn.functional.cross_entropy(output(h), y.repeat(c), reduction="none").view(c, batch)
            chosen = per_copy[torch.arange(c), torch.arange(first, first + c)].sum()
            for k, g in enumerate(torch.autograd.grad(chosen, stacked)):
                squares[k] += float(g.pow(2).sum())
    else:
        grads = torch.autograd.grad(losses.sum(), feats)
        squares = [float(g.pow(2).sum()) for g in grads]
    loss_norm = float(losses.norm())
    profile = [math.sqrt(sq / (batch * f.shape[1])) * float(f.norm()) / loss_norm for sq, f in zip(squares, feats)]
    seconds = time.perf_counter() - start
    return seconds, profile[::-1]  # position 1 is the last block


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum timing per configuration")
    parser.add_argument("--archs", default="relu,batch-relu,resnet-relu")
    parser.add_argument("--batches", default="32,128,1000")
    parser.add_argument("--inputs", default="784,3072")
    parser.add_argument("--optimizers", default="adam")
    parser.add_argument("--gsc", default="", help="also time the exact GSC profile (float64) of these architectures")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    peak = sgemm_peak.measure(threads=args.threads)  # before the training runs, with the same threads
    results = []
    for arch in filter(None, args.archs.split(",")):
        for inputs in map(int, args.inputs.split(",")):
            for batch in map(int, args.batches.split(",")):
                for optimizer in args.optimizers.split(","):
                    results.append(time_training(arch, batch, inputs, args.seconds, optimizer))
                    print(f"pytorch {arch:17s} batch {batch:5d} inputs {inputs:5d} {optimizer:5s}: "
                          f"{results[-1]['examples_per_second']:10.0f} ex/s", file=sys.stderr)
    diagnostics = []
    for arch in filter(None, args.gsc.split(",")):
        seconds, profile = gsc_profile(arch)
        diagnostics.append({"arch": arch, "part": "gsc profile (float64)", "milliseconds": 1000 * seconds, "profile": profile})
        print(f"pytorch {arch:17s} exact GSC profile, float64, 50 x 100 on 256 inputs: {1000 * seconds:8.0f} ms", file=sys.stderr)
    print(json.dumps({
        "tool": "pytorch", "version": torch.__version__, "threads": args.threads,
        "openblas_coretype": CORETYPE_USED, "openblas_coretype_requested": CORETYPE_REQUESTED,
        "aten_cpu_capability": aten_cpu_capability(),
        "machine": platform.processor() or platform.machine(),
        "sgemm_peak_gflops": peak["sgemm_gflops"], "sgemm_peak": peak,
        "training": results,
        "diagnostics": diagnostics,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }, indent=2))


if __name__ == "__main__":
    main()
