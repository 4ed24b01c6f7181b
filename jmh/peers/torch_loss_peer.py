"""PyTorch CPU peer of LossBench: F.cross_entropy (mean, class indices) forward + backward on
logits [256, 50257], one thread. Prints JSON (ms) to stdout. Debian's python3-torch (1.13) runs
under /usr/bin/python3."""
import json
import sys
import time

import torch
import torch.nn.functional as F


def best(times):
    """The fastest time and the spread of the faster half, as the other peers report."""
    half = sorted(times)[: max(1, len(times) // 2)]
    return {"ms": half[0], "error": half[-1] - half[0]}


def main():
    quick = "--quick" in sys.argv
    reps = 5 if quick else 20
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(11)
    x = ((torch.rand(256, 50257, generator=gen) * 2 - 1) * 4).requires_grad_()
    y = torch.randint(0, 50257, (256,), generator=gen)
    fb, fwd = [], []
    for i in range(reps + 1):
        x.grad = None
        t0 = time.perf_counter()
        loss = F.cross_entropy(x, y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        if i > 0:
            fb.append((t2 - t0) * 1e3)
            fwd.append((t1 - t0) * 1e3)
    out = {"torch": torch.__version__, "shape": [256, 50257],
           "results": {"cross_entropy_fwd_bwd": best(fb), "cross_entropy_fwd": best(fwd)}}
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
