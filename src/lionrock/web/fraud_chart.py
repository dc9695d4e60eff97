"""The risk history as a small SVG strip: one column a month, its height the level (0 to 3), its level
written under it, so nothing relies on colour; the page gives the same levels in a table."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

_INK = "#1a1a1a"
_FILL = {0: "#ffffff", 1: "#f2d16b", 2: "#e08a2c", 3: "#b3261e"}


def risk_strip(title: str, desc: str, points: Sequence[tuple[str, str, int]]) -> Markup:
    """`points`: (month label, level shown, level 0-3), oldest first."""
    width, col, top, plot_h = 720, 60, 8, 60
    height = top + plot_h + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="risk-strip-title risk-strip-desc">'
        f'<title id="risk-strip-title">{escape(title)}</title><desc id="risk-strip-desc">{escape(desc)}</desc>'
    ]
    for i, (month, shown, level) in enumerate(points):
        level = max(0, min(level, 3))
        x = i * col + 4
        h = plot_h * level / 3 if level else 2
        out.append(
            f'<rect x="{x}" y="{top + plot_h - h:.1f}" width="{col - 8}" height="{h:.1f}" fill="{_FILL[level]}" '
            f'stroke="{_INK}"><title>{escape(month)}: {escape(shown)}</title></rect>'
        )
        out.append(
            f'<text x="{x + (col - 8) / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10" '
            f'fill="{_INK}">{escape(month[2:])}</text>'
        )
        out.append(
            f'<text x="{x + (col - 8) / 2:.1f}" y="{top + plot_h + 30}" text-anchor="middle" font-size="9" '
            f'fill="{_INK}">{escape(shown)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))
