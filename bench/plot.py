"""The latency plot: p50 and p95 per query class for the three engines, one panel per corpus size."""

from __future__ import annotations

import json
from pathlib import Path

from bench.queries import KINDS

SERIES = (("ours", "http", "ours (over HTTP)", "#c0392b"), ("fts5", "inprocess", "SQLite FTS5 trigram", "#2980b9"),
          ("tantivy", "inprocess", "Tantivy + jieba", "#27ae60"))


def plot(results: list[Path], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    runs = [json.loads(p.read_text()) for p in results if p.exists()]
    fig, axes = plt.subplots(1, len(runs), figsize=(6.5 * len(runs), 4.6), squeeze=False)
    for ax, run in zip(axes[0], runs, strict=True):
        width = 0.26
        for k, (engine, key, label, colour) in enumerate(SERIES):
            lat = run["engines"][engine][key]
            xs = [i + (k - 1) * width for i in range(len(KINDS))]
            p50 = [lat[c]["p50"] for c in KINDS]
            p95 = [lat[c]["p95"] for c in KINDS]
            recall = run["engines"][engine]["exact"]["recall"]
            ax.bar(xs, p95, width, color=colour, alpha=0.35)
            # An engine that finds nothing answers in ~0 ms, which a log axis cannot show: say why in the legend.
            ax.bar(xs, p50, width, color=colour, label=f"{label}, phrase recall {recall or 0:.0%}")
        ax.set_xticks(range(len(KINDS)), [f"{c}\n({sum(1 for q in run['queries'] if q['kind'] == c)} queries)"
                                          for c in KINDS])
        ax.set_yscale("log")
        ax.set_ylabel("ms per query, top 10 with snippets (log)")
        ax.set_title(f"{run['documents']:,} articles: p50 (solid), p95 (pale)")
        ax.grid(axis="y", alpha=0.3, which="both")
        ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
