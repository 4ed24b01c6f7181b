"""PyTorch CPU peer: clip_grad_norm_ on GPT-2 small's 148 gradient shapes (124.4M floats), one
thread, clipping active on every call (the limit shrinks by 0.1% per call, as in ClipBench).
Prints JSON to stdout. Debian's python3-torch (1.13) runs under /usr/bin/python3."""
import json
import sys
import time

import torch


def gpt2_sizes():
    d = 768
    s = [50257 * d, 1024 * d]
    for _ in range(12):
        s += [d, d, d * 3 * d, 3 * d, d * d, d, d, d, d * 4 * d, 4 * d, 4 * d * d, d]
    s += [d, d]
    return s


def main():
    quick = "--quick" in sys.argv
    reps = 3 if quick else 10
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(7)
    params = []
    for n in gpt2_sizes():
        p = torch.nn.Parameter(torch.empty(n))
        p.grad = (torch.rand(n, generator=g) * 2 - 1) * 1e-3
        params.append(p)
    limit = float(torch.norm(torch.stack([torch.norm(p.grad) for p in params])))
    times = []
    for i in range(reps + 1):
        limit *= 0.999
        t = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, limit)
        if i > 0:
            times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    half = times[: max(1, reps // 2)]
    out = {"torch": torch.__version__, "tensors": len(params),
           "floats": sum(p.numel() for p in params),
           "results": {"clip_grad_norm_gpt2": {"ms": half[0], "error": half[-1] - half[0]}}}
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
