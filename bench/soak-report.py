#!/usr/bin/env python3
"""The figures of bench/soak.sh (standard library only).

  soak-report.py sample OUT N LOAD_LINE METRICS PREV_METRICS DELIVERY_JSON RSS_KB CPU_CORES LOAD1 DB_BYTES EVENTS
      appends sample N to OUT/soak.csv (and the activations by grain type to OUT/activations.csv) and prints it
  soak-report.py report OUT TITLE [MINUTES]
      prints the table and the verdicts, writes OUT/soak.svg and OUT/summary.txt; exit 0 when every headline series is flat;
      MINUTES (comma-separated, e.g. 22,30) are samples left out of the fits, e.g. ones a heap dump disturbed

Flatness: a least-squares line through the series' samples in the second half of the run (the first half holds the
warm-up: tiered JIT, caches and pools filling, grains activating for the first time). Its rise over that half, relative
to the series' mean there, must stay within the series' threshold; a rise beyond it whose slope is not distinguishable
from noise (|t| < 2) is reported as flat within noise.
"""
import csv
import json
import math
import os
import re
import sys

KINDS = ["top", "latest", "comments", "vote", "comment", "submit", "transfer", "deposit"]
COLUMNS = (["minute", "t_s", "rss_mb", "heap_mb", "gc_committed_mb", "activations", "gateway_cores", "load1",
            "ops_s", "errors", "behind_schedule", "p50_all", "p99_all", "max_all"]
           + [f"p99_{k}" for k in KINDS]
           + ["lag_mean_ms", "lag_p99_ms", "lag_events", "db_mb", "events"])

# (column, what, relative threshold over the second half, absolute floor in the column's unit). Noise is handled by the
# slope's t statistic (a rise needs |t| >= 2 to count), so the threshold says what rise matters. Memory: 5% of the mean
# over the second half (on a 30-minute run about 20% an hour; 10% let a steady ~2 MB/min on ~380 MB through). Per-minute
# p99s and delivery lag on 2 cores shared with other builds jump by tens of percent from one minute to the next (and
# follow the machine's load), so they get 25%, with a floor (2 ms, 5 ms, 1,000 events: the checkpoints move in steps)
# where the mean is so small that a percentage means nothing.
SERIES = [
    ("rss_mb", "gateway RSS (MB)", 0.05, 5.0),
    ("heap_mb", "managed heap after last GC (MB)", 0.05, 5.0),
    ("p99_all", "p99 latency, all calls (ms)", 0.25, 2.0),
    ("lag_p99_ms", "delivery lag p99 (ms)", 0.25, 5.0),
    ("lag_events", "delivery lag, events behind the log head", 0.25, 1000.0),
]
DETAIL = ([(f"p99_{k}", f"p99 {k} (ms)", 0.25, 2.0) for k in KINDS]
          + [("lag_mean_ms", "delivery lag mean (ms)", 0.25, 5.0), ("activations", "grain activations", 0.05, 50.0),
             ("gc_committed_mb", "GC committed (MB)", 0.05, 5.0)])


def metric_lines(path):
    """(name, labels dict, value) of every sample in a Prometheus text scrape."""
    pattern = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
    label = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
    if not path or not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = pattern.match(line)
            if m:
                try:
                    value = float(m.group(3))
                except ValueError:
                    continue
                yield m.group(1), dict(label.findall(m.group(2) or "")), value


def scrape(path):
    heap = committed = activations = 0.0
    by_type = {}
    lag_buckets, lag_sum, lag_count = {}, 0.0, 0.0
    for name, labels, value in metric_lines(path):
        if name == "dotnet_gc_last_collection_heap_size_bytes":
            heap += value
        elif name == "dotnet_gc_last_collection_memory_committed_size_bytes":
            committed += value
        elif name == "orleans_catalog_activations":
            activations += value
            by_type[labels.get("grain_type", "?")] = by_type.get(labels.get("grain_type", "?"), 0) + value
        elif name == "actors_stream_delivery_lag_milliseconds_bucket":
            le = math.inf if labels["le"] == "+Inf" else float(labels["le"])
            lag_buckets[le] = lag_buckets.get(le, 0.0) + value
        elif name == "actors_stream_delivery_lag_milliseconds_sum":
            lag_sum += value
        elif name == "actors_stream_delivery_lag_milliseconds_count":
            lag_count += value
    return {"heap": heap, "committed": committed, "activations": activations, "by_type": by_type,
            "lag_buckets": lag_buckets, "lag_sum": lag_sum, "lag_count": lag_count}


def histogram_quantile(buckets, q):
    """Prometheus-style: linear interpolation inside the bucket holding the q-th observation."""
    edges = sorted(buckets)
    if not edges or buckets[edges[-1]] <= 0:
        return None
    target, lower, below = q * buckets[edges[-1]], 0.0, 0.0
    for edge in edges:
        if buckets[edge] >= target:
            if math.isinf(edge):
                return lower
            inside = buckets[edge] - below
            return lower + (edge - lower) * ((target - below) / inside if inside > 0 else 1.0)
        lower, below = edge, buckets[edge]
    return lower


def parse_load_line(line):
    figures = dict(token.split("=", 1) for token in line.split()[2:] if "=" in token)

    def p(kind, index):
        value = figures.get(kind, "-")
        return "" if value == "-" else value.split("/")[index]

    row = {"t_s": figures.get("t", "0"), "ops_s": figures.get("ops/s", ""), "errors": figures.get("errors", ""),
           "behind_schedule": figures.get("behind", ""), "p50_all": p("all", 0), "p99_all": p("all", 1), "max_all": p("all", 2)}
    for k in KINDS:
        row[f"p99_{k}"] = p(k, 1)
    return row


def sample(out, n, load_line, metrics, prev_metrics, delivery, rss_kb, cores, load1, db_bytes, events):
    now, before = scrape(metrics), scrape(prev_metrics)
    row = {c: "" for c in COLUMNS}
    row["t_s"] = "0"
    if n != "0":
        row.update(parse_load_line(load_line))
    row["minute"] = f"{float(row['t_s'] or 0) / 60:.2f}"
    row["rss_mb"] = f"{int(rss_kb) / 1024:.1f}" if rss_kb else ""
    row["heap_mb"] = f"{now['heap'] / 2**20:.1f}"
    row["gc_committed_mb"] = f"{now['committed'] / 2**20:.1f}"
    row["activations"] = f"{now['activations']:.0f}"
    row["gateway_cores"] = cores
    row["load1"] = load1
    if n != "0" and prev_metrics:
        delta = {le: now["lag_buckets"].get(le, 0.0) - before["lag_buckets"].get(le, 0.0) for le in now["lag_buckets"]}
        count = now["lag_count"] - before["lag_count"]
        if count > 0:
            row["lag_mean_ms"] = f"{(now['lag_sum'] - before['lag_sum']) / count:.2f}"
            quantile = histogram_quantile(delta, 0.99)
            row["lag_p99_ms"] = f"{quantile:.2f}" if quantile is not None else ""
    try:
        progress = json.load(open(delivery, encoding="utf-8"))
        row["lag_events"] = str(max(q["behind"] for q in progress["queues"]))
    except (OSError, ValueError, KeyError):
        pass
    row["db_mb"] = f"{int(db_bytes) / 2**20:.1f}" if db_bytes else ""
    row["events"] = events

    path = os.path.join(out, "soak.csv")
    new = not os.path.exists(path)
    with open(path, "a", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, COLUMNS)
        if new:
            writer.writeheader()
        writer.writerow(row)
    path = os.path.join(out, "activations.csv")
    new = not os.path.exists(path)
    with open(path, "a", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(["minute", "grain_type", "activations"])
        for grain_type, count in sorted(now["by_type"].items()):
            writer.writerow([row["minute"], grain_type, f"{count:.0f}"])
    print(f"  [{row['minute']:>6} min] rss {row['rss_mb']} MB, heap {row['heap_mb']} MB, activations {row['activations']}, "
          f"{row['ops_s'] or '-'} calls/s, p99 {row['p99_all'] or '-'} ms, lag p99 {row['lag_p99_ms'] or '-'} ms / "
          f"{row['lag_events'] or '-'} events, db {row['db_mb']} MB, {events} events, gateway {cores} cores, load {load1}", flush=True)


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def fit(points):
    """Least-squares line: (slope per minute, intercept, t statistic of the slope)."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return 0.0, my, 0.0
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    intercept = my - slope * mx
    if n <= 2:
        return slope, intercept, math.inf
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in points) / (n - 2)
    se = math.sqrt(residual / sxx) if residual > 0 else 0.0
    return slope, intercept, (slope / se if se > 0 else math.inf if slope else 0.0)


def verdict(rows, column, threshold, floor, excluded=()):
    points = [(number(r["minute"]), number(r[column])) for r in rows if number(r["minute"]) not in excluded]
    points = [(x, y) for x, y in points if x is not None and y is not None]
    if len(points) < 3:
        return None
    end = points[-1][0]
    half = [(x, y) for x, y in points if x >= end / 2]
    if len(half) < 3:
        half = points[-3:]
    slope, intercept, t = fit(half)
    mean = sum(y for _, y in half) / len(half)
    span = half[-1][0] - half[0][0]
    rise = slope * span
    allowed = max(threshold * abs(mean), floor)
    if abs(rise) <= allowed:
        word = "flat"
    elif abs(t) < 2:
        word = "flat within noise"
    else:
        word = "GROWS" if rise > 0 else "falls"
    return {"first": points[0][1], "last": points[-1][1], "mean": mean, "slope": slope, "rise": rise,
            "relative": rise / mean if mean else math.inf, "t": t, "allowed": allowed, "word": word,
            "line": (half[0][0], intercept + slope * half[0][0], half[-1][0], intercept + slope * half[-1][0])}


def report(out, title, excluded=()):
    with open(os.path.join(out, "soak.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    shown = ["minute", "rss_mb", "heap_mb", "activations", "ops_s", "errors", "p50_all", "p99_all", "p99_top", "p99_vote",
             "p99_transfer", "lag_mean_ms", "lag_p99_ms", "lag_events", "db_mb", "events", "gateway_cores", "load1"]
    widths = [max(len(c), *(len(r[c]) for r in rows)) for c in shown]
    lines = ["  ".join(c.rjust(w) for c, w in zip(shown, widths))]
    lines += ["  ".join(r[c].rjust(w) for c, w in zip(shown, widths)) for r in rows]

    lines.append("")
    lines.append("Second half of the run, least-squares line: rise over the half vs its mean (allowed = threshold or floor)"
                 + (f"; samples left out of the fit: minutes {', '.join(f'{m:g}' for m in excluded)}" if excluded else ""))
    results, headline_flat = {}, True
    for group, series in (("headline", SERIES), ("detail", DETAIL)):
        for column, what, threshold, floor in series:
            v = verdict(rows, column, threshold, floor, excluded)
            results[column] = v
            if v is None:
                lines.append(f"  {what:<44} too few samples")
                continue
            if group == "headline" and v["word"] not in ("flat", "flat within noise", "falls"):
                headline_flat = False
            lines.append(
                f"  {what:<44} first {v['first']:>10.1f}  last {v['last']:>10.1f}  slope {v['slope']:>+9.2f}/min  "
                f"rise {v['rise']:>+9.1f} ({v['relative']:>+6.1%}; allowed {v['allowed']:.1f})  t {v['t']:>+6.1f}  {v['word']}"
                + ("" if group == "headline" else "  (detail)"))
    events = [(number(r["minute"]), number(r["events"])) for r in rows]
    events = [(x, y) for x, y in events if x is not None and y is not None]
    db = [(number(r["minute"]), number(r["db_mb"])) for r in rows]
    db = [(x, y) for x, y in db if x is not None and y is not None]
    if len(events) >= 2 and len(db) >= 2:
        lines.append(f"  history (grows by design): events {events[0][1]:,.0f} -> {events[-1][1]:,.0f} "
                     f"({fit(events)[0]:,.0f}/min), database {db[0][1]:.0f} -> {db[-1][1]:.0f} MB ({fit(db)[0]:.1f} MB/min)")
    loads = [number(r["load1"]) for r in rows if number(r["load1"]) is not None]
    if loads:
        lines.append(f"  load average (1 min) over the samples: min {min(loads):.1f}, mean {sum(loads) / len(loads):.1f}, max {max(loads):.1f}")
    lines.append(f"verdict: {'every headline series is flat' if headline_flat else 'NOT flat: see GROWS above'}")
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(out, "summary.txt"), "w", encoding="utf-8") as f:
        f.write(title + "\n\n" + text + "\n")
    with open(os.path.join(out, "soak.svg"), "w", encoding="utf-8") as f:
        f.write(svg(rows, results, title, excluded))
    return 0 if headline_flat else 1


def svg(rows, results, title, excluded=()):
    width, panel, left, right, top = 900, 210, 70, 250, 50
    height = top + 3 * (panel + 40) + 10
    minutes = [number(r["minute"]) or 0.0 for r in rows]
    xmax = max(minutes) if minutes and max(minutes) > 0 else 1.0
    plot_w = width - left - right
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-family="sans-serif" font-size="11">',
             '<rect width="100%" height="100%" fill="white"/>',
             f'<text x="{left}" y="22" font-size="14" font-weight="bold">{escape(title)}</text>',
             f'<text x="{left}" y="38" fill="#555">sampled every {sample_seconds(rows)} s; dashed: least-squares line over the second half; '
             f'scaled without the first tenth and the left-out samples (higher points at the top)</text>']
    times = sorted({number(r["minute"]) for r in rows if number(r["minute"]) is not None})
    settled_after = max(xmax / 10, times[1] if len(times) > 1 else 0.0)
    panels = [
        ("memory (MB)", [("rss_mb", "gateway RSS", "#1f77b4", 2), ("heap_mb", "managed heap", "#ff7f0e", 2),
                         ("gc_committed_mb", "GC committed", "#bbbbbb", 1)], ["rss_mb", "heap_mb"]),
        ("p99 latency per minute (ms)", [("p99_all", "all calls", "#000000", 2.5)] +
         [(f"p99_{k}", k, c, 1) for k, c in zip(KINDS, ["#1f77b4", "#17becf", "#9edae5", "#d62728", "#ff9896", "#9467bd",
                                                        "#2ca02c", "#98df8a"])], ["p99_all"]),
        ("delivery lag (ms)", [("lag_p99_ms", "p99", "#d62728", 2), ("lag_mean_ms", "mean", "#ff7f0e", 1.5)], ["lag_p99_ms"]),
    ]
    for index, (name, series, fitted) in enumerate(panels):
        y0 = top + index * (panel + 40) + 20
        values = [number(r[c]) for c, *_ in series for r in rows
                  if number(r[c]) is not None and (number(r["minute"]) or 0.0) > settled_after and number(r["minute"]) not in excluded]
        ymax = nice(max(values) * 1.15 if values else 1.0)
        parts.append(f'<text x="{left}" y="{y0 - 6}" font-weight="bold">{escape(name)}</text>')
        parts.append(f'<rect x="{left}" y="{y0}" width="{plot_w}" height="{panel}" fill="none" stroke="#999"/>')
        for i in range(5):
            value = ymax * i / 4
            y = y0 + panel - panel * i / 4
            parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
            parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>')
        step = next(s for s in (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240) if xmax / s <= 10)
        minute = 0.0
        while minute <= xmax + 1e-9:
            x = left + plot_w * minute / xmax
            parts.append(f'<text x="{x:.1f}" y="{y0 + panel + 14}" text-anchor="middle">{minute:g}</text>')
            minute += step
        parts.append(f'<text x="{left + plot_w / 2}" y="{y0 + panel + 28}" text-anchor="middle" fill="#555">minutes</text>')
        for minute in excluded:
            x = left + plot_w * minute / xmax
            parts.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + panel}" stroke="#999" stroke-dasharray="2,3"/>')
            parts.append(f'<text x="{x - 3:.1f}" y="{y0 + panel - 4}" text-anchor="end" fill="#777">left out</text>')

        def xy(x, y):
            return left + plot_w * x / xmax, y0 + panel - panel * min(y, ymax) / ymax

        for i, (column, label, color, stroke) in enumerate(series):
            points = [xy(number(r["minute"]) or 0.0, number(r[column])) for r in rows if number(r[column]) is not None]
            if points:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="{stroke}"/>')
            v = results.get(column)
            legend = label + (f": {v['word']}" if v and column in fitted else "")
            ly = y0 + 12 + 14 * i
            parts.append(f'<line x1="{left + plot_w + 10}" y1="{ly - 4}" x2="{left + plot_w + 28}" y2="{ly - 4}" stroke="{color}" stroke-width="{max(stroke, 1.5)}"/>')
            parts.append(f'<text x="{left + plot_w + 32}" y="{ly}">{escape(legend)}</text>')
            if v and column in fitted:
                x1, y1, x2, y2 = v["line"]
                (a, b), (c, d) = xy(x1, max(y1, 0)), xy(x2, max(y2, 0))
                parts.append(f'<line x1="{a:.1f}" y1="{b:.1f}" x2="{c:.1f}" y2="{d:.1f}" stroke="{color}" stroke-width="1.5" stroke-dasharray="5,3"/>')
    parts.append("</svg>\n")
    return "\n".join(parts)


def sample_seconds(rows):
    times = [number(r["t_s"]) for r in rows if number(r["t_s"]) is not None]
    return f"{times[2] - times[1]:.0f}" if len(times) > 2 else "?"


def nice(value):
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "sample" and len(sys.argv) == 13:
        sample(*sys.argv[2:])
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "report":
        left_out = tuple(float(m) for m in sys.argv[4].split(",") if m) if len(sys.argv) == 5 else ()
        sys.exit(report(sys.argv[2], sys.argv[3], left_out))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
