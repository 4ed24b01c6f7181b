"""numpy / OpenBLAS peers for the JMH suite: same shapes, one thread. Prints JSON to stdout.

Run with OPENBLAS_NUM_THREADS=1 (bin/bench does). Each figure is the best of `reps` timed calls,
in milliseconds, plus the spread (max - min) of the fastest half as an error estimate.
"""
import json
import sys
import time

import numpy as np


def bench(f, reps):
    f()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    half = times[: max(1, reps // 2)]
    return {"ms": half[0], "error": half[-1] - half[0]}


def main():
    quick = "--quick" in sys.argv
    reps = 5 if quick else 20
    rng = np.random.default_rng(1)
    out = {"numpy": np.__version__, "results": {}}
    r = out["results"]
    x16k = rng.random(16384, dtype=np.float32)
    y16k = rng.random(16384, dtype=np.float32)
    big = rng.random(1 << 26, dtype=np.float32)
    big2 = rng.random(1 << 26, dtype=np.float32)
    r["dot_16384"] = bench(lambda: np.dot(x16k, y16k), reps * 50)
    r["nrm2_16384"] = bench(lambda: np.linalg.norm(x16k), reps * 50)
    r["dot_67108864"] = bench(lambda: np.dot(big, big2), reps)
    r["nrm2_67108864"] = bench(lambda: np.linalg.norm(big), reps)
    del big2
    a = rng.random((4096, 4096), dtype=np.float32)
    v = rng.random(4096, dtype=np.float32)
    r["gemv_4096"] = bench(lambda: a @ v, reps * 2)
    r["gemvT_4096"] = bench(lambda: v @ a, reps * 2)
    for n in (256, 1024):
        p = rng.random((n, n), dtype=np.float32)
        q = rng.random((n, n), dtype=np.float32)
        r[f"gemm_{n}"] = bench(lambda: p @ q, reps * (20 if n == 256 else 2))
    z = (rng.random(1 << 24, dtype=np.float32) - 0.5) * 12
    u = rng.random(1 << 24, dtype=np.float32)
    r["tanh_backward_16777216"] = bench(lambda: u * (1 - np.tanh(z) ** 2), reps)
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
