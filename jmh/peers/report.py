"""Turns target/bench/{jmh,numpy,torch}.json into the Markdown table of BENCHMARKS.md.

usage: report.py OUT_DIR JDK_HOME COMMAND. Ratios are peer time / gradkernel time, so > 1 means
gradkernel is faster; all figures come from the same run. Roof fractions use the roofs measured
in the same run (LimitsBench): streaming read or read+write bandwidth, or the peak-FMA loop.
"""
import datetime
import json
import os
import platform
import subprocess
import sys

out_dir, jdk, command = sys.argv[1], sys.argv[2], sys.argv[3]


def load(name):
    path = os.path.join(out_dir, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


jmh = load("jmh.json") or []
numpy = load("numpy.json")
torch = load("torch.json")

TO_MS = {"ms/op": 1.0, "us/op": 1e-3, "ns/op": 1e-6, "s/op": 1e3}


def find(bench, **params):
    """(ms, error ms) of a JMH result, or None."""
    for r in jmh:
        name = r["benchmark"].rsplit(".", 2)
        if name[-2] + "." + name[-1] != bench:
            continue
        p = r.get("params", {})
        if all(str(p.get(k)) == str(v) for k, v in params.items()):
            m = r["primaryMetric"]
            f = TO_MS[m["scoreUnit"]]
            err = m["scoreError"]
            err = err if isinstance(err, (int, float)) and err == err else 0.0
            return m["score"] * f, err * f
    return None


def peer(src, key):
    if src is None or key not in src["results"]:
        return None
    r = src["results"][key]
    return r["ms"], r["error"]


N64 = 1 << 26
N16 = 1 << 24
read = find("LimitsBench.streamRead")
rw = find("LimitsBench.streamScale")
fma = find("LimitsBench.peakFma")
read_gbs = 4 * N64 / read[0] / 1e6 if read else None
rw_gbs = 8 * N64 / rw[0] / 1e6 if rw else None
peak = 2 * 16 * 12 * (1 << 16) / fma[0] / 1e6 if fma else None

rows = []


def row(label, ours, work=None, unit=None, roof=None, peers=()):
    if ours is None:
        return
    ms, err = ours
    rate = ""
    frac = ""
    if work is not None:
        value = work / ms / 1e6
        rate = f"{value:.1f} {unit}"
        if roof:
            frac = f"{value / roof:.0%}"
    ratios = []
    for name, p in peers:
        if p is not None:
            ratios.append(f"{p[0] / ms:.2f}× {name}")
    rows.append(f"| {label} | {ms:.4g} ± {err:.2g} | {rate} | {frac} | {', '.join(ratios)} |")


row("stream read 256 MiB (roof)", read, 4 * N64, "GB/s")
row("stream read+write 256 MiB (roof)", rw, 8 * N64, "GB/s")
row("peak FMA loop (roof)", fma, 2 * 16 * 12 * (1 << 16), "GFLOP/s")
for size, label in ((16384, "16K"), (N64, "64M")):
    mem = size == N64
    for op, bytes_per, roof, key in (("dot", 8, read_gbs, "dot"), ("nrm2", 4, read_gbs, "nrm2"),
                                     ("axpy", 12, rw_gbs, None), ("scal", 8, rw_gbs, None),
                                     ("copy", 8, rw_gbs, None)):
        ours = find("Blas1Bench." + op, size=size, impl="panama")
        peers = [("scalar twin", find("Blas1Bench." + op, size=size, impl="scalar"))]
        if key:
            peers.append(("numpy", peer(numpy, f"{key}_{size}")))
        row(f"{op} {label} floats", ours, bytes_per * size, "GB/s", roof if mem else None,
            peers if op != "copy" else ())
for op, ejml, key in (("gemv", "gemvEjml", "gemv_4096"), ("gemvT", "gemvTEjml", "gemvT_4096")):
    row(f"{op} 4096²", find("GemvBench." + op), 4 * 4096 * 4096, "GB/s", read_gbs,
        [("EJML", find("GemvBench." + ejml)), ("numpy/OpenBLAS", peer(numpy, key))])
for n in (256, 1024):
    row(f"gemm {n}³", find("GemmBench.gemm", n=n), 2 * n ** 3, "GFLOP/s", peak,
        [("EJML", find("GemmBench.gemmEjml", n=n)), ("numpy/OpenBLAS", peer(numpy, f"gemm_{n}"))])
    row(f"gemm {n}³, 2 threads", find("GemmBench.gemmTwoThreads", n=n), 2 * n ** 3, "GFLOP/s",
        2 * peak if peak else None, [("gradkernel 1 thread", find("GemmBench.gemm", n=n)),
                                     ("numpy/OpenBLAS 1 thread", peer(numpy, f"gemm_{n}"))])
for g in ("tanh", "sigmoid", "gelu", "silu", "relu"):
    peers = [("Java loop (Math.tanh/exp)", find("ActivationBench.javaLoop", g=g))]
    if g == "tanh":
        peers.append(("numpy 1-tanh²", peer(numpy, "tanh_backward_16777216")))
    if g == "relu":
        peers.append(("copy", find("ActivationBench.copy", g=g)))
    row(f"{g} fused backward 16M", find("ActivationBench.fused", g=g), 12 * N16, "GB/s", rw_gbs,
        peers)
flops16 = 16 * 2 * 2 * 256 * 1024 * 1024
row("chain backward 16×1024², batch 256", find("ChainBench.batchedBackward"), flops16, "GFLOP/s",
    peak, [("its 32 gemms alone", find("ChainBench.batchedGemmRoof")),
           ("with profile", find("ChainBench.batchedBackwardWithProfile"))])
row("chain backward 64×1024², one vector", find("ChainBench.singleVectorBackward"),
    64 * 4 * 1024 * 1024, "GB/s", read_gbs,
    [("its 64 gemvᵀ alone", find("ChainBench.singleVectorGemvTRoof"))])
gpt2 = 124439808
row("clip byGlobalNorm GPT-2 (clipping)", find("ClipBench.byGlobalNormActive"), 3 * 4 * gpt2,
    "GB/s", rw_gbs, [("PyTorch 1.13 clip_grad_norm_", peer(torch, "clip_grad_norm_gpt2"))])
row("clip byGlobalNorm GPT-2, 2 threads", find("ClipBench.byGlobalNormActiveTwoThreads"),
    3 * 4 * gpt2, "GB/s", 2 * rw_gbs if rw_gbs else None,
    [("PyTorch 1.13 clip_grad_norm_", peer(torch, "clip_grad_norm_gpt2")),
     ("1 thread", find("ClipBench.byGlobalNormActive"))])
row("clip byGlobalNorm GPT-2 (no clipping)", find("ClipBench.byGlobalNormInactive"), 4 * gpt2,
    "GB/s", read_gbs, [("PyTorch 1.13 clip_grad_norm_", peer(torch, "clip_grad_norm_gpt2"))])
row("clip scaleToNorm GPT-2 (norm from backward)", find("ClipBench.scaleToNormGivenNorm"),
    8 * gpt2, "GB/s", rw_gbs, [("in-place scal", find("ClipBench.scalInPlace"))])
row("σ_max 1024² Lanczos to 1e-4, cold", find("SpectralBench.lanczosCold"), None, None, None,
    [("power iteration cold", find("SpectralBench.powerIterationCold"))])
row("σ_max 1024² Lanczos to 1e-4, warm", find("SpectralBench.lanczosWarm"))
row("σ_max 1024² power iteration, cold", find("SpectralBench.powerIterationCold"))
row("σ_max 1024² power iteration, warm", find("SpectralBench.powerIterationWarm"))
row("singular values 256² (Jacobi)", find("SpectralBench.svd256"), None, None, None,
    [("EJML float SVD", find("SpectralBench.svd256EjmlFloat")),
     ("EJML double SVD", find("SpectralBench.svd256EjmlDouble"))])

java = subprocess.run([os.path.join(jdk, "bin", "java"), "-version"], capture_output=True,
                      text=True).stderr.splitlines()[0]
cpu = "unknown"
if os.path.exists("/proc/cpuinfo"):
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
print(f"- date: {datetime.date.today().isoformat()}")
print(f"- command: `{command}`")
print(f"- machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
print(f"- JDK: {java}; vector species: 512 bits where AVX-512 is present (16 float lanes)")
print(f"- peers: numpy {numpy['numpy'] if numpy else 'not run'}, "
      f"PyTorch {torch['torch'] if torch else 'not run'}, EJML 0.46.1 (in the JMH run)")
print()
print("| benchmark | ms/op ± error | rate | of roof | peer time / ours (>1: gradkernel faster) |")
print("|---|---|---|---|---|")
for r in rows:
    print(r)
