"""Server-side SVG charts. Pure: plain data in, `Markup` out; every text passed in is escaped here.

Charts never rely on colour alone: stacked bars fill each series with its colour and a pattern of
its own and label every segment tall enough with the series' short name; bars carry their value as
text. Each chart is `<svg role="img">` with `<title>` and `<desc>` (aria-labelledby both), and the
page shows the same numbers in a data table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

_INK = "#1a1a1a"
_GRID = "#767676"


@dataclass(frozen=True)
class Series:
    key: str  # safe id part: [a-z0-9-]
    name: str  # shown in the legend
    short: str  # segment label (e.g. "R")
    colour: str  # "#RRGGBB"
    pattern: str  # "solid" | "stripes" | "crosshatch" | "dots" | "outline"
    ink: str = _INK  # label colour on this fill


# FIRST TLP 2.0 colours; the pattern tells the levels apart without colour.
TLP_SERIES: tuple[Series, ...] = (
    Series("red", "TLP:RED", "R", "#FF2B2B", "solid"),
    Series("amber-strict", "TLP:AMBER+STRICT", "A+S", "#FFC000", "crosshatch"),
    Series("amber", "TLP:AMBER", "A", "#FFC000", "stripes"),
    Series("green", "TLP:GREEN", "G", "#33FF00", "dots"),
    Series("clear", "TLP:CLEAR", "C", "#FFFFFF", "outline"),
)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _pattern(prefix: str, s: Series) -> str:
    pid = f"{prefix}-{s.key}"
    body = f'<rect width="8" height="8" fill="{s.colour}"/>'
    if s.pattern == "stripes":
        body += f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{_INK}" stroke-width="1.2"/>'
    elif s.pattern == "crosshatch":
        body += f'<path d="M0,0 l8,8 M8,0 l-8,8" stroke="{_INK}" stroke-width="1"/>'
    elif s.pattern == "dots":
        body += f'<circle cx="4" cy="4" r="1.5" fill="{_INK}"/>'
    return f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">{body}</pattern>'


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def _safe_id(chart_id: str) -> str:
    if not chart_id or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in chart_id):
        raise ValueError("chart ids are ASCII letters, digits and '-'")
    return chart_id


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    values: Sequence[Sequence[int]],
    legend_names: Sequence[str] | None = None,
) -> Markup:
    """Vertical bars, one per label, stacked by series (`values[bar][series]`), with a legend."""
    cid = _safe_id(chart_id)
    width, height = 720, 300
    left, right, top, bottom = 48, 12, 12, 92
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((sum(v) for v in values), default=0)
    scale_max = max(peak, 1)
    step = plot_w / max(len(labels), 1)
    bar_w = max(step * 0.7, 2)
    out = [_open(cid, title, desc, width, height), "<defs>"]
    out += [_pattern(cid, s) for s in series]
    out.append("</defs>")
    # axis and three grid lines with values
    for frac in (0, 0.5, 1):
        y = top + plot_h - plot_h * frac
        out.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{width - right}" y2="{_num(y)}" '
            f'stroke="{_GRID}" stroke-width="0.5"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end" font-size="11" fill="{_INK}">'
            f"{escape(_num(scale_max * frac))}</text>"
        )
    for i, (label, row) in enumerate(zip(labels, values, strict=True)):
        x = left + i * step + (step - bar_w) / 2
        y = top + plot_h
        for s, v in zip(series, row, strict=True):
            if v <= 0:
                continue
            h = plot_h * v / scale_max
            y -= h
            outline = f' stroke="{_INK}" stroke-width="1"'
            out.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(bar_w)}" height="{_num(h)}" '
                f'fill="url(#{cid}-{s.key})"{outline}><title>{escape(label)}: {escape(s.name)} {v}</title></rect>'
            )
            if h >= 14 and bar_w >= 22:
                out.append(
                    f'<text x="{_num(x + bar_w / 2)}" y="{_num(y + h / 2 + 4)}" text-anchor="middle" '
                    f'font-size="10" class="seg" fill="{s.ink}">{escape(s.short)}</text>'
                )
        total = sum(row)
        out.append(
            f'<text x="{_num(x + bar_w / 2)}" y="{_num(y - 3)}" text-anchor="middle" font-size="10" fill="{_INK}">'
            f"{total}</text>"
        )
        out.append(
            f'<text x="{_num(x + bar_w / 2)}" y="{top + plot_h + 14}" text-anchor="end" font-size="10" '
            f'fill="{_INK}" transform="rotate(-45 {_num(x + bar_w / 2)} {top + plot_h + 14})">{escape(label)}</text>'
        )
    names = legend_names or [s.name for s in series]
    lx, ly = left, height - 18
    for s, name in zip(series, names, strict=True):
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="14" height="14" fill="url(#{cid}-{s.key})" stroke="{_INK}"/>')
        out.append(f'<text x="{lx + 18}" y="{ly + 1}" font-size="11" fill="{_INK}">{escape(name)}</text>')
        lx += 28 + 7 * len(name)
    out.append("</svg>")
    return Markup("".join(out))


def horizontal_bars(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, int]]) -> Markup:
    """One labelled bar per row, its value written after it."""
    cid = _safe_id(chart_id)
    width, row_h, label_w = 720, 24, 260
    height = max(len(rows), 1) * row_h + 8
    peak = max((v for _, v in rows), default=0)
    plot_w = width - label_w - 60
    out = [_open(cid, title, desc, width, height)]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * row_h
        shown = label if len(label) <= 40 else label[:37] + "..."
        w = plot_w * value / peak if peak else 0
        out.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12" fill="{_INK}">'
            f"{escape(shown)}</text>"
        )
        out.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{_num(w)}" height="{row_h - 8}" fill="#3a5a8c" stroke="{_INK}"/>'
        )
        out.append(
            f'<text x="{_num(label_w + w + 6)}" y="{y + 16}" font-size="12" fill="{_INK}">{escape(str(value))}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))
