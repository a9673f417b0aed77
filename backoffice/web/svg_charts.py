"""Charts as inline SVG drawn on the server: no script, no CDN, readable in any browser and in a
printed page. Each shape carries its figure in a <title> (the browser's tooltip) and in
``data-value``, so people and tests read the same numbers the bars are drawn from."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDTH = 720
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 220
VALUE_WIDTH = 150
COLUMN_AREA = 200


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    # The figure as people read it: «12 000,00 ₽», «7 обещаний».
    text: str
    # A class of style.css that colours the bar (.c0 … .c7, .kept, .broken …).
    css: str = "c0"


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    segments: list[Bar] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(segment.value for segment in self.segments)


def _scale(largest: float, room: float) -> float:
    return room / largest if largest > 0 else 0.0


def horizontal_bars(bars: Sequence[Bar], *, title: str) -> Markup:
    """One bar per row, label on the left, figure on the right."""
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = _scale(max((bar.value for bar in bars), default=0), room)
    height = max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for index, bar in enumerate(bars):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = max(bar.value * scale, 1.0 if bar.value else 0.0)
        parts.append(
            f'<g class="bar" data-label="{escape(bar.label)}" data-value="{bar.value:g}">'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect class="{escape(bar.css)}" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}"><title>{escape(bar.label)}: {escape(bar.text)}</title></rect>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 16}">{escape(bar.text)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_columns(columns: Sequence[Column], *, title: str) -> Markup:
    """A column per category (a day), stacked from its segments (outcomes), the total on top."""
    step = WIDTH / max(len(columns), 1)
    width = step * 0.7
    top = 20
    scale = _scale(max((column.total for column in columns), default=0), COLUMN_AREA)
    height = top + COLUMN_AREA + 24
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for index, column in enumerate(columns):
        x = index * step + (step - width) / 2
        y = top + COLUMN_AREA
        parts.append(f'<g class="column" data-label="{escape(column.label)}" '
                     f'data-value="{column.total:g}">')
        for segment in column.segments:
            size = segment.value * scale
            y -= size
            parts.append(f'<rect class="{escape(segment.css)}" x="{x:.1f}" y="{y:.1f}" '
                         f'width="{width:.1f}" height="{size:.1f}" data-value="{segment.value:g}">'
                         f'<title>{escape(column.label)}, {escape(segment.label)}: '
                         f'{escape(segment.text)}</title></rect>')
        if column.total:
            parts.append(f'<text x="{x + width / 2:.1f}" y="{y - 4:.1f}" '
                         f'text-anchor="middle">{column.total:g}</text>')
        parts.append(f'<text x="{x + width / 2:.1f}" y="{top + COLUMN_AREA + 16}" '
                     f'text-anchor="middle">{escape(column.label)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
