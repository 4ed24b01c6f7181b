"""Turns target/bench/{jmh,numpy,torch}-rN.json into the Markdown table of BENCHMARKS.md and an
SVG plot (throughput.svg, see plot.py).

usage: report.py OUT_DIR JDK_HOME COMMAND. bin/bench runs R rounds, each the JMH suite followed by
the Python peers (A/B/A/B). A row's time is the median over rounds (each round's figure is listed);
a ratio is peer time / gradkernel time (> 1: gradkernel faster), taken per round from the same
round and then the median. The in-JVM OpenBLAS peer runs inside the same JMH run. Roof fractions
use the roofs measured in the same run (LimitsBench). "other CPU" is what every other process used
during the row's measured iterations (LoadProfiler), in cores: a two-thread row on a 2-core machine
is marked unreliable when that exceeds half a core.
"""
import datetime
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot  # noqa: E402

out_dir, jdk, command = sys.argv[1], sys.argv[2], sys.argv[3]
NCPU = os.cpu_count() or 1
BUSY_LIMIT = 0.5  # cores used by others above which a two-thread row is unreliable


def load(path):
    with open(path) as f:
        return json.load(f)


def rounds_of(prefix):
    """Per-round files prefix-rN.json in round order (or prefix.json as a single round)."""
    files = sorted(glob.glob(os.path.join(out_dir, prefix + "-r*.json")),
                   key=lambda p: int(re.search(r"-r(\d+)\.json$", p).group(1)))
    if not files and os.path.exists(os.path.join(out_dir, prefix + ".json")):
        files = [os.path.join(out_dir, prefix + ".json")]
    out = []
    for p in files:
        try:
            out.append(load(p))
        except (OSError, ValueError):
            out.append(None)
    return out


JMH = [r or [] for r in rounds_of("jmh")]
NUMPY = rounds_of("numpy")
TORCH = rounds_of("torch")
TO_MS = {"ms/op": 1.0, "us/op": 1e-3, "ns/op": 1e-6, "s/op": 1e3}


class M:
    """One figure per round (None where that round lacks it), plus load per round."""

    def __init__(self, ms, err=None, other=None):
        self.ms = ms
        self.err = err or [None] * len(ms)
        self.other = other or [None] * len(ms)

    def ok(self):
        return any(v is not None for v in self.ms)

    def median(self):
        v = [x for x in self.ms if x is not None]
        return statistics.median(v) if v else None

    def max_other(self):
        v = [x for x in self.other if x is not None]
        return max(v) if v else None


def find(bench, **params):
    ms, err, other = [], [], []
    for rnd in JMH:
        hit = None
        for r in rnd:
            name = r["benchmark"].rsplit(".", 2)
            if name[-2] + "." + name[-1] != bench:
                continue
            p = r.get("params", {})
            if all(str(p.get(k)) == str(v) for k, v in params.items()):
                hit = r
                break
        if hit is None:
            ms.append(None), err.append(None), other.append(None)
            continue
        m = hit["primaryMetric"]
        f = TO_MS[m["scoreUnit"]]
        e = m["scoreError"]
        e = e if isinstance(e, (int, float)) and e == e else 0.0
        ms.append(m["score"] * f)
        err.append(e * f)
        o = hit.get("secondaryMetrics", {}).get("·othercpu")
        other.append(o["score"] if o else None)
    return M(ms, err, other)


def peer(src, key):
    ms = []
    for rnd in src:
        if rnd is None or key not in rnd["results"]:
            ms.append(None)
        else:
            ms.append(rnd["results"][key]["ms"])
    return M(ms)


def ratio(p, ours):
    """Median over rounds of peer / ours, pairing round i with round i (None if no pair)."""
    v = [a / b for a, b in zip(p.ms, ours.ms) if a is not None and b is not None and b > 0]
    if not v and p.ok() and ours.ok():  # peers from a different number of rounds: medians
        return p.median() / ours.median()
    return statistics.median(v) if v else None


N64 = 1 << 26
N16 = 1 << 24
read = find("LimitsBench.streamRead")
rw = find("LimitsBench.streamScale")
prod = find("LimitsBench.streamProduct")
fma = find("LimitsBench.peakFma")
read_gbs = 4 * N64 / read.median() / 1e6 if read.ok() else None
rw_gbs = 8 * N64 / rw.median() / 1e6 if rw.ok() else None
# two arrays read, a third written: the fused activation backward's own access pattern (12 bytes
# counted per element; the written line is also read first, which in-place scale avoids)
prod_gbs = 12 * N16 / prod.median() / 1e6 if prod.ok() else None
peak = 2 * 16 * 12 * (1 << 16) / fma.median() / 1e6 if fma.ok() else None

rows = []
series = {}  # plot series: (panel, name) -> [(size, rate)]


def fmt(x):
    return "–" if x is None else f"{x:.4g}"


def row(label, ours, work=None, unit=None, roof=None, peers=(), threads=1, plot_as=None,
        note=None):
    """peers: (name, peer M, ours M or None for this row's ours); note: text after the ratios."""
    if not ours.ok():
        return
    ms = ours.median()
    rate = frac = ""
    if work is not None:
        value = work / ms / 1e6
        rate = f"{value:.1f} {unit}"
        if roof:
            frac = f"{value / roof:.0%}"
        if plot_as:
            series.setdefault((plot_as[0], plot_as[1]), []).append((plot_as[2], value))
    ratios = []
    for name, p, o in peers:
        q = ratio(p, o if o is not None else ours)
        if q is not None:
            ratios.append(f"{q:.2f}× {name}")
    if note:
        ratios.append(note)
    other = ours.max_other()
    load = "" if other is None else f"{other:.2f}"
    if threads > 1 and other is not None and other > BUSY_LIMIT * (NCPU - threads + 1):
        load += " ⚠ unreliable: second core busy"
    per_round = " / ".join(fmt(x) for x in ours.ms)
    rows.append(f"| {label} | {per_round} | {rate} | {frac} | {', '.join(ratios)} | {load} |")


def plot_peer(panel, name, size, m, work):
    if m.ok():
        series.setdefault((panel, name), []).append((size, work / m.median() / 1e6))


row("stream read 256 MiB (roof)", read, 4 * N64, "GB/s")
row("stream read+write 256 MiB (roof)", rw, 8 * N64, "GB/s")
row("stream 2 read + 1 write 3×64 MiB (roof of the fused backward)", prod, 12 * N16, "GB/s")
row("peak FMA loop (roof)", fma, 2 * 16 * 12 * (1 << 16), "GFLOP/s")

SIZES = (7, 33, 100, 1000, 16384, N64)
LABEL = {7: "7", 33: "33", 100: "100", 1000: "1000", 16384: "16K", N64: "64M", N16: "16M"}
violations = []
for op, bytes_per, roof in (("dot", 8, read_gbs), ("nrm2", 4, read_gbs), ("axpy", 12, rw_gbs),
                            ("scal", 8, rw_gbs), ("copy", 8, rw_gbs)):
    for size in SIZES:
        ours = find("Blas1Bench." + op, size=size, impl="panama")
        twin = find("Blas1Bench." + op, size=size, impl="scalar")
        peers = []
        if op != "copy":
            peers.append(("scalar twin", twin, None))
            q = ratio(twin, ours)
            if q is not None and q < 1:
                violations.append(f"{op} {LABEL[size]}: {q:.2f}× its scalar twin")
        if op in ("dot", "nrm2"):
            g = find("OpenBlasVectorBench." + op, size=size, impl="gradkernel")
            o = find("OpenBlasVectorBench." + op, size=size, impl="openblas")
            peers.append(("OpenBLAS in-JVM", o, g))
            plot_peer("BLAS-1 (GB/s)", f"{op} OpenBLAS", size, o, bytes_per * size)
            if size in (16384, N64):
                peers.append(("numpy", peer(NUMPY, f"{op}_{size}"), None))
        plot_peer("BLAS-1 (GB/s)", f"{op} scalar twin", size, twin, bytes_per * size) \
            if op in ("dot", "nrm2") else None
        row(f"{op} {LABEL[size]} floats", ours, bytes_per * size, "GB/s",
            roof if size == N64 else None, peers, plot_as=("BLAS-1 (GB/s)", op, size))

for op, ejml, key in (("gemv", "gemvEjml", "gemv_4096"), ("gemvT", "gemvTEjml", "gemvT_4096")):
    g = find("OpenBlasGemvBench." + op, impl="gradkernel")
    o = find("OpenBlasGemvBench." + op, impl="openblas")
    if not g.ok():  # first runs had gemv inside OpenBlasVectorBench (size=4096)
        g = find("OpenBlasVectorBench." + op, size=4096, impl="gradkernel")
        o = find("OpenBlasVectorBench." + op, size=4096, impl="openblas")
    ours = find("GemvBench." + op)
    ours = ours if ours.ok() else g
    row(f"{op} 4096²", ours, 4 * 4096 * 4096, "GB/s", read_gbs,
        [("OpenBLAS in-JVM", o, g), ("EJML", find("GemvBench." + ejml), None),
         ("numpy/OpenBLAS", peer(NUMPY, key), None)], plot_as=("gemv 4096² (GB/s)", op, 4096))
    plot_peer("gemv 4096² (GB/s)", f"{op} OpenBLAS", 4096, o, 4 * 4096 * 4096)

SHAPE_LABEL = {"xWt": "x·Wᵀ", "dW": "d·W", "dTx": "dᵀ·x"}


def shape_dims(shape):
    p = shape.split("_")
    if p[0] == "sq":
        n = int(p[1])
        return f"{n}³", n, n, n
    b = int(p[1])
    out, inn = (int(x) for x in p[2].split("x"))
    m, n, k = {"xWt": (b, out, inn), "dW": (b, inn, out), "dTx": (out, inn, b)}[p[0]]
    return f"{SHAPE_LABEL[p[0]]} batch {b}, W {out}×{inn} (m={m} n={n} k={k})", m, n, k


for n in (256, 1024):
    ours = find("GemmBench.gemm", n=n)
    g = find("OpenBlasGemmBench.gemm", shape=f"sq_{n}", impl="gradkernel")
    o = find("OpenBlasGemmBench.gemm", shape=f"sq_{n}", impl="openblas")
    ours = ours if ours.ok() else g
    row(f"gemm {n}³", ours, 2 * n ** 3, "GFLOP/s", peak,
        [("OpenBLAS in-JVM", o, g), ("EJML", find("GemmBench.gemmEjml", n=n), None),
         ("numpy/OpenBLAS", peer(NUMPY, f"gemm_{n}"), None)], plot_as=("gemm (GFLOP/s)", "gemm", n))
    plot_peer("gemm (GFLOP/s)", "OpenBLAS", n, o, 2 * n ** 3)
    g2 = find("OpenBlasGemmParallelBench.gemmTwoThreads", shape=f"sq_{n}", impl="gradkernel")
    o2 = find("OpenBlasGemmParallelBench.gemmTwoThreads", shape=f"sq_{n}", impl="openblas")
    two = find("GemmBench.gemmTwoThreads", n=n)
    row(f"gemm {n}³, 2 threads", two if two.ok() else g2, 2 * n ** 3, "GFLOP/s",
        2 * peak if peak else None,
        [("gradkernel 1 thread", ours, None), ("OpenBLAS in-JVM 2 threads", o2, g2),
         ("OpenBLAS in-JVM 1 thread", o, None),
         ("numpy/OpenBLAS 1 thread", peer(NUMPY, f"gemm_{n}"), None)], threads=2)
    if o2.ok() and o.ok():
        row(f"OpenBLAS in-JVM gemm {n}³, 2 threads (peer row)", o2, 2 * n ** 3, "GFLOP/s",
            2 * peak if peak else None, [("OpenBLAS 1 thread", o, None)], threads=2)
for b in (32, 256):
    for w in ("1024x1024", "4096x1024"):
        for op in ("xWt", "dW", "dTx"):
            shape = f"{op}_{b}_{w}"
            label, m, n, k = shape_dims(shape)
            g = find("OpenBlasGemmBench.gemm", shape=shape, impl="gradkernel")
            o = find("OpenBlasGemmBench.gemm", shape=shape, impl="openblas")
            row(f"gemm {label}", g, 2 * m * n * k, "GFLOP/s", peak, [("OpenBLAS in-JVM", o, None)])

ACTS = ("tanh", "sigmoid", "gelu", "silu", "relu")
for g in ACTS:
    for size in (7, 33, 100, 1000, 16384, N16):
        ours = find("ActivationBench.fused", g=g, size=size)
        if not ours.ok() and size == N16:
            ours = find("ActivationBench.fused", g=g)  # older runs: no size parameter
        twin = find("ActivationBench.scalarTwin", g=g, size=size)
        kernel = find("ActivationBench.activeKernel", g=g, size=size)
        peers = [("scalar twin", twin, None),
                 ("vector kernel without the API's checks", kernel, None),
                 ("Java loop (Math.tanh/exp)", find("ActivationBench.javaLoop", g=g, size=size),
                  None)]
        # kernel against twin at the same call level; older runs have only the API row
        q = ratio(twin, kernel if kernel.ok() else ours)
        if q is not None and q < 1:
            violations.append(f"{g} backward kernel {LABEL[size]}: {q:.2f}× its scalar twin")
        if g == "tanh" and size == N16:
            peers.append(("numpy 1-tanh²", peer(NUMPY, "tanh_backward_16777216"), None))
        if g == "relu":
            peers.append(("copy", find("ActivationBench.copy", g=g, size=size), None))
        note = None
        if size == N16 and rw_gbs and ours.ok():
            note = f"{12 * size / ours.median() / 1e6 / rw_gbs:.0%} of the in-place read+write roof"
        row(f"{g} fused backward {LABEL[size]}", ours, 12 * size, "GB/s",
            prod_gbs if size == N16 else None, peers,
            plot_as=("activations backward (GB/s)", g, size), note=note)
        if g in ("tanh", "gelu"):
            plot_peer("activations backward (GB/s)", f"{g} scalar twin", size, twin, 12 * size)

flops16 = 16 * 2 * 2 * 256 * 1024 * 1024
row("chain backward 16×1024², batch 256", find("ChainBench.batchedBackward"), flops16, "GFLOP/s",
    peak, [("its 32 gemms alone", find("ChainBench.batchedGemmRoof"), None),
           ("with profile", find("ChainBench.batchedBackwardWithProfile"), None)])
row("chain backward 16×1024², batch 256, 2 threads", find("ChainBench.batchedBackwardTwoThreads"),
    flops16, "GFLOP/s", 2 * peak if peak else None,
    [("1 thread", find("ChainBench.batchedBackward"), None)], threads=2)
row("chain backward 64×1024², one vector", find("ChainBench.singleVectorBackward"),
    64 * 4 * 1024 * 1024, "GB/s", read_gbs,
    [("its 64 gemvᵀ alone", find("ChainBench.singleVectorGemvTRoof"), None)])
gpt2 = 124439808
clip = peer(TORCH, "clip_grad_norm_gpt2")
row("clip byGlobalNorm GPT-2 (clipping)", find("ClipBench.byGlobalNormActive"), 3 * 4 * gpt2,
    "GB/s", rw_gbs, [("PyTorch clip_grad_norm_", clip, None)])
row("clip byGlobalNorm GPT-2, 2 threads", find("ClipBench.byGlobalNormActiveTwoThreads"),
    3 * 4 * gpt2, "GB/s", 2 * rw_gbs if rw_gbs else None,
    [("PyTorch clip_grad_norm_", clip, None),
     ("1 thread", find("ClipBench.byGlobalNormActive"), None)], threads=2)
row("clip byGlobalNorm GPT-2 (no clipping)", find("ClipBench.byGlobalNormInactive"), 4 * gpt2,
    "GB/s", read_gbs, [("PyTorch clip_grad_norm_", clip, None)])
row("clip scaleToNorm GPT-2 (norm from backward)", find("ClipBench.scaleToNormGivenNorm"),
    8 * gpt2, "GB/s", rw_gbs, [("in-place scal", find("ClipBench.scalInPlace"), None)])
row("σ_max 1024² Lanczos to 1e-4, cold", find("SpectralBench.lanczosCold"),
    peers=[("power iteration cold", find("SpectralBench.powerIterationCold"), None)])
row("σ_max 1024² Lanczos to 1e-4, warm", find("SpectralBench.lanczosWarm"))
row("σ_max 1024² power iteration, cold", find("SpectralBench.powerIterationCold"))
row("σ_max 1024² power iteration, warm", find("SpectralBench.powerIterationWarm"))
row("singular values 256² (bidiagonal QR, double)", find("SpectralBench.svd256"),
    peers=[("EJML float SVD", find("SpectralBench.svd256EjmlFloat"), None),
           ("EJML double SVD", find("SpectralBench.svd256EjmlDouble"), None)])
row("singular values 1024² (bidiagonal QR, double)", find("SpectralBench.svd1024"),
    peers=[("EJML double SVD", find("SpectralBench.svd1024EjmlDouble"), None)])
for n in (256, 1024):
    row(f"σ_min alone {n}² (LU + Lanczos on W⁻¹, double)", find(f"SpectralBench.sigmaMin{n}"),
        peers=[("our full SVD", find(f"SpectralBench.svd{n}"), None),
               ("EJML double SVD", find(f"SpectralBench.svd{n}EjmlDouble"), None)])


def machine_load():
    """Load average at start/end and busy/steal cores over the run, from bin/bench's snapshots."""
    snap = {}
    for which in ("start", "end"):
        p = os.path.join(out_dir, f"load-{which}.txt")
        if os.path.exists(p):
            lines = open(p).read().splitlines()
            if len(lines) >= 3:
                snap[which] = (lines[0], lines[1].split()[:3], [int(x) for x in lines[2].split()[1:]])
    if "start" not in snap:
        return "not recorded"
    t0, l0, s0 = snap["start"]
    text = f"load average {' '.join(l0)} at {t0}"
    if "end" in snap:
        t1, l1, s1 = snap["end"]
        d = [b - a for a, b in zip(s0, s1)]
        total = sum(d[:8]) or 1
        busy = (d[0] + d[1] + d[2] + d[5] + d[6]) / total * NCPU
        steal = (d[7] if len(d) > 7 else 0) / total * NCPU
        text += (f", {' '.join(l1)} at {t1}; over the run all processes (this one included) kept "
                 f"{busy:.2f} of {NCPU} cores busy, steal {steal:.2f} cores")
    return text


java = subprocess.run([os.path.join(jdk, "bin", "java"), "-version"], capture_output=True,
                      text=True).stderr.splitlines()[0]
cpu = "unknown"
if os.path.exists("/proc/cpuinfo"):
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
np_version = next((r["numpy"] for r in NUMPY if r), "not run")
torch_version = next((r["torch"] for r in TORCH if r), "not run")
print(f"- date: {datetime.date.today().isoformat()}")
print(f"- command: `{command}`; rounds (JMH then peers, A/B/A/B): {len(JMH)}")
print(f"- machine: {cpu}, {NCPU} cores, {platform.system()} {platform.release()}")
print(f"- load: {machine_load()}")
print(f"- JDK: {java}; vector species: 512 bits where AVX-512 is present (16 float lanes)")
print(f"- peers: OpenBLAS 0.3.31 in the JMH run (JavaCPP 1.5.13, off-heap buffers), numpy "
      f"{np_version}, PyTorch {torch_version}"
      + (", EJML 0.46.1 (in the JMH run)" if any("Ejml" in r["benchmark"] for rnd in JMH
                                                 for r in rnd) else ""))
print()
print("| benchmark | ms/op per round | rate (median) | of roof | peer time / ours, median over "
      "rounds (>1: gradkernel faster) | other CPU (cores) |")
print("|---|---|---|---|---|---|")
for r in rows:
    print(r)
print()
print("Kernels slower than their scalar twin (median over rounds): "
      + ("; ".join(violations) if violations else "none measured."))
svg = plot.render(series, {"read": read_gbs, "read+write": rw_gbs, "peak FMA": peak,
                          "2 read + 1 write": prod_gbs})
with open(os.path.join(out_dir, "throughput.svg"), "w") as f:
    f.write(svg)
