"""Server-rendered SVG charts: no JavaScript, print well, scale to 375 px.

Each function returns the <svg> markup only; the templates put it in a
<figure> with a caption and the same figures in a table. The SVG is
`role="img"` with a <title> (what it shows) so assistive technology reads
one image and then the table; its text is in the page's language.

The drawing is in a fixed coordinate system (WIDTH units wide) that the
browser scales to the page: at 375 px a unit is about one CSS pixel, so
labels stay readable; on a desktop the charts are limited in width by CSS.
Colours are the site's, each at least 3:1 against the white card (WCAG
1.4.11) and text at least 4.5:1.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

WIDTH = 340
INK, MUTED, LINE = "#1d2433", "#55607a", "#d9dce3"
#: Series colours: blue, green, dark orange, each >= 4.5:1 on white.
SERIES = ("#1f5fbf", "#1e6b3a", "#a34a00")
FONT = 'font-family="inherit"'


@dataclass(frozen=True)
class Bar:
    label: str          # drawn above the bar
    value: float        # its length, in the chart's units
    text: str           # the figure written after the label (e.g. "5 of 7")
    series: int = 0     # colour index
    marker: float | None = None  # a thin mark across the bar (e.g. the pass mark)


def _svg(height: float, title: str, body: str, css_class: str) -> Markup:
    return Markup(
        f'<svg class="chart {css_class}" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>")


def bar_chart(groups: list[tuple[str, list[Bar]]], maximum: float, title: str, css_class: str = "bars") -> Markup:
    """Horizontal bars in groups (e.g. per module): a group heading, then per
    bar a label with its figure on one line and the bar under it."""
    y, parts = 0.0, []
    scale = (WIDTH - 2) / maximum if maximum else 0
    for heading, bars in groups:
        if heading:
            y += 16
            parts.append(f'<text x="0" y="{y:.0f}" font-size="13" font-weight="700" fill="{INK}" {FONT}>'
                         f"{escape(heading)}</text>")
            y += 6
        for bar in bars:
            y += 15
            parts.append(f'<text x="0" y="{y:.0f}" font-size="12" fill="{INK}" {FONT}>{escape(bar.label)}'
                         f'<tspan font-weight="700"> {escape(bar.text)}</tspan></text>')
            y += 4
            width = max(0.0, min(bar.value, maximum)) * scale
            parts.append(f'<rect x="0" y="{y:.0f}" width="{WIDTH - 2}" height="12" rx="2" fill="{LINE}" '
                         f'fill-opacity="0.45"/>')
            if width:
                parts.append(f'<rect x="0" y="{y:.0f}" width="{width:.1f}" height="12" rx="2" '
                             f'fill="{SERIES[bar.series % len(SERIES)]}"/>')
            if bar.marker is not None:
                x = bar.marker * scale
                parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 2:.0f}" y2="{y + 14:.0f}" '
                             f'stroke="{INK}" stroke-width="2"/>')
            y += 16
        y += 4
    return _svg(y + 2, title, "".join(parts), css_class)


def column_chart(columns: list[tuple[str, int]], title: str, css_class: str = "columns") -> Markup:
    """Vertical columns (e.g. learners per week) with their value on top and
    a short label under each; at most about 12 columns."""
    top, bottom, height = 16, 30, 120
    count = max(1, len(columns))
    step = WIDTH / count
    biggest = max((value for _label, value in columns), default=0) or 1
    parts = [f'<line x1="0" x2="{WIDTH}" y1="{top + height}" y2="{top + height}" stroke="{MUTED}" stroke-width="1"/>']
    for i, (label, value) in enumerate(columns):
        x = i * step + step * 0.15
        w = step * 0.7
        h = height * value / biggest
        parts.append(f'<rect x="{x:.1f}" y="{top + height - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                     f'fill="{SERIES[0]}"/>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{top + height - h - 3:.1f}" font-size="10" '
                     f'text-anchor="middle" fill="{INK}" {FONT}>{value}</text>')
        if len(columns) <= 8 or (len(columns) - 1 - i) % 2 == 0:  # every other label when crowded
            parts.append(f'<text x="{x + w / 2:.1f}" y="{top + height + 13:.0f}" font-size="10" '
                         f'text-anchor="middle" fill="{MUTED}" {FONT}>{escape(label)}</text>')
    return _svg(top + height + bottom - 8, title, "".join(parts), css_class)


def calendar_strip(first_monday: date, weeks: int, studied: set, today: date, day_names: list[str],
                   month_name, title: str) -> Markup:
    """Weeks as columns, Monday to Sunday as rows; a filled square per day
    studied, an outlined one otherwise; today ringed; month names above."""
    left, top = 30, 16
    cell = (WIDTH - left) / weeks
    size = min(cell - 3, 18)
    parts, last_month = [], None
    for row, name in enumerate(day_names):
        if row % 2 == 0:  # Mon, Wed, Fri, Sun: enough to read the rows
            parts.append(f'<text x="0" y="{top + row * (size + 3) + size - 4:.1f}" font-size="10" '
                         f'fill="{MUTED}" {FONT}>{escape(name)}</text>')
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        x = left + week * cell
        if monday.month != last_month:
            last_month = monday.month
            parts.append(f'<text x="{x:.1f}" y="11" font-size="10" fill="{MUTED}" {FONT}>'
                         f"{escape(month_name(monday))}</text>")
        for row in range(7):
            day = monday + timedelta(days=row)
            if day > today:
                continue
            y = top + row * (size + 3)
            if day in studied:
                style = f'fill="{SERIES[1]}"'
            else:
                style = f'fill="#ffffff" stroke="{MUTED}" stroke-width="1"'
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{size:.1f}" height="{size:.1f}" rx="3" {style}/>')
            if day == today:
                parts.append(f'<rect x="{x - 2:.1f}" y="{y - 2:.1f}" width="{size + 4:.1f}" height="{size + 4:.1f}" '
                             f'rx="4" fill="none" stroke="{INK}" stroke-width="2"/>')
    return _svg(top + 7 * (size + 3) + 2, title, "".join(parts), "calendar")
