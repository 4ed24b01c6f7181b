"""A hand-written SVG (no dependency) of throughput against size: one panel each for BLAS-1, gemv,
gemm and the fused activation backward; gradkernel solid, peers dashed, the machine's roofs from
the same run as grey horizontal lines. Both axes logarithmic."""
import math

PANELS = (("BLAS-1 (GB/s)", ("read", "read+write")),
          ("gemv 4096² (GB/s)", ("read",)),
          ("gemm (GFLOP/s)", ("peak FMA",)),
          ("activations backward (GB/s)", ("read+write", "2 read + 1 write")))
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
          "#17becf", "#7f7f7f", "#bcbd22")
W, H = 460, 320  # one panel
L, R, T, B = 58, 150, 30, 40  # margins: legend on the right


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def size_label(n):
    if n >= 1 << 20:
        return f"{n >> 20}M"
    if n >= 1 << 10 and n % 1024 == 0:
        return f"{n >> 10}K"
    return str(n)


def panel(title, roof_names, series, roofs, ox, oy):
    pts = [p for (t, _), v in series.items() if t == title for p in v]
    ys = [y for _, y in pts if y > 0] + [roofs[r] for r in roof_names if roofs.get(r)]
    out = [f'<g transform="translate({ox},{oy})">',
           f'<text x="{L}" y="18" font-size="13" font-weight="bold">{esc(title)}</text>']
    if not pts:
        out.append(f'<text x="{L}" y="{T + 40}" font-size="11">not measured in this run</text></g>')
        return out
    xs = [x for x, _ in pts]
    x0, x1 = math.log10(min(xs)) - 0.2, math.log10(max(xs)) + 0.2
    y0, y1 = math.log10(min(ys)) - 0.1, math.log10(max(ys)) + 0.15
    pw, ph = W - L - R, H - T - B

    def px(x):
        return L + (math.log10(x) - x0) / (x1 - x0) * pw

    def py(y):
        return T + ph - (math.log10(y) - y0) / (y1 - y0) * ph

    out.append(f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="none" stroke="#000"/>')
    for e in range(math.floor(y0), math.ceil(y1) + 1):
        for m in (1, 2, 5):
            v = m * 10 ** e
            if y0 <= math.log10(v) <= y1:
                y = py(v)
                out.append(f'<line x1="{L}" x2="{L + pw}" y1="{y:.1f}" y2="{y:.1f}" '
                           f'stroke="#eee"/><text x="{L - 4}" y="{y + 4:.1f}" font-size="10" '
                           f'text-anchor="end">{v:g}</text>')
    for x in sorted(set(xs)):
        out.append(f'<text x="{px(x):.1f}" y="{T + ph + 14}" font-size="10" '
                   f'text-anchor="middle">{size_label(x)}</text>')
    out.append(f'<text x="{L + pw / 2}" y="{T + ph + 30}" font-size="10" '
               f'text-anchor="middle">size (elements; n for n³ gemm)</text>')
    for r in roof_names:
        v = roofs.get(r)
        if v:
            y = py(v)
            out.append(f'<line x1="{L}" x2="{L + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#888" '
                       f'stroke-width="2" stroke-dasharray="1,3"/><text x="{L + pw - 2}" '
                       f'y="{y - 3:.1f}" font-size="9" text-anchor="end" fill="#555">'
                       f'{esc(r)} roof {v:.3g}</text>')
    names = [n for (t, n) in series if t == title]
    for i, name in enumerate(names):
        v = sorted(series[(title, name)])
        c = COLORS[i % len(COLORS)]
        peer = "OpenBLAS" in name or "twin" in name
        dash = ' stroke-dasharray="5,3"' if peer else ""
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in v if y > 0)
        out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="1.5"{dash}/>')
        for x, y in v:
            if y > 0:
                out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="2.5" fill="{c}">'
                           f'<title>{esc(name)} {size_label(x)}: {y:.3g}</title></circle>')
        ly = T + 8 + 14 * i
        out.append(f'<line x1="{L + pw + 8}" x2="{L + pw + 26}" y1="{ly}" y2="{ly}" stroke="{c}" '
                   f'stroke-width="1.5"{dash}/><text x="{L + pw + 30}" y="{ly + 4}" '
                   f'font-size="10">{esc(name if peer else "gradkernel " + name)}</text>')
    out.append("</g>")
    return out


def render(series, roofs):
    """series: {(panel title, series name): [(size, rate)]}; roofs: {name: rate or None}."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{2 * H}" '
             f'font-family="sans-serif">', f'<rect width="{2 * W}" height="{2 * H}" fill="#fff"/>']
    for i, (title, roof_names) in enumerate(PANELS):
        parts += panel(title, roof_names, series, roofs, (i % 2) * W, (i // 2) * H)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
