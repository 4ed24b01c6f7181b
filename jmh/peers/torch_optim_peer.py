"""PyTorch CPU peer of OptimizerBench: clip_grad_norm_ + AdamW(foreach=True).step() on GPT-2
small's 148 parameter shapes (124.4M floats), one thread, clipping active on every call (max norm
= half the gradient norm), lr 1e-4, weight_decay 0.1 on every tensor. Prints JSON (ms) to stdout.
Debian's python3-torch (1.13) runs under /usr/bin/python3."""
import json
import sys
import time

import torch

from torch_loss_peer import best
from torch_peers import gpt2_sizes


def main():
    quick = "--quick" in sys.argv
    reps = 3 if quick else 8
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(7)
    params = []
    for n in gpt2_sizes():
        p = torch.nn.Parameter((torch.rand(n, generator=gen) * 2 - 1) * 0.02)
        p.grad = (torch.rand(n, generator=gen) * 2 - 1) * 1e-3
        params.append(p)
    max_norm = float(torch.norm(torch.stack([torch.norm(p.grad) for p in params]))) / 2
    opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1,
                            foreach=True)
    both, step_only = [], []
    for i in range(reps + 1):
        t0 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, max_norm)
        t1 = time.perf_counter()
        opt.step()
        t2 = time.perf_counter()
        if i > 0:
            both.append((t2 - t0) * 1e3)
            step_only.append((t2 - t1) * 1e3)
        for p in params:  # clip_grad_norm_ scaled g in place: restore its size for the next call
            p.grad.mul_(2.0)
    out = {"torch": torch.__version__, "tensors": len(params),
           "floats": sum(p.numel() for p in params),
           "results": {"clip_adamw_gpt2": best(both), "adamw_step_gpt2": best(step_only)}}
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
