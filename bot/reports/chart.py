"""The radar chart of a quiz result, rendered headless (Agg) with a CJK font from the install files.

The font is Noto Sans SC (SIL Open Font License 1.1), installed with the `pylopdf-fonts-zh-cn` package
whose wheel carries the licence text. Matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import io
import math
from importlib import resources
from pathlib import Path

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"


def font_path() -> Path:
    return Path(str(resources.files(FONT_PACKAGE).joinpath(FONT_FILE)))


def missing_glyphs(text: str, path: Path | None = None) -> set[str]:
    """Characters of `text` the font cannot draw (would render as empty boxes)."""
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(path or font_path()))
    return {ch for ch in set(text) if not ch.isspace() and font.get_char_index(ord(ch)) == 0}


LABEL_SIZE = 13  # category labels; the PDF prints the chart at about 3/4 size, so they end up near 10 pt
TICK_SIZE = 10.5
TITLE_SIZE = 15
LABEL_PAD = 8  # points between the outer ring and the nearest corner of a category label
MARGIN = 10  # pixels kept free at the image edges


def _label_alignment(angle: float) -> tuple[str, str]:
    """Text alignment that puts a label outside the ring at `angle` (clockwise from the top).

    The anchor is the label corner (or edge middle) nearest the ring, so the whole box lies outward.
    """
    x, y = math.sin(angle), math.cos(angle)
    ha = "center" if abs(x) < 0.2 else ("left" if x > 0 else "right")
    va = "center" if abs(y) < 0.2 else ("bottom" if y > 0 else "top")
    return ha, va


def _fit_ring(boxes: list[tuple[float, float, float, float, float, float]], low: float, high: float,
              width: float) -> tuple[float, float, float] | None:
    """The largest ring (radius, centre x, centre y) inside `width` × [low, high] pixels that keeps every box in,
    centred across and as high as it goes (the image is cropped below the chart).

    Each box is (dx, dy, x0, x1, y0, y1): a unit direction and the box's extent relative to the point where
    that direction meets the ring, which does not depend on the radius.
    """
    def place(r: float, lo_edge: float, hi_edge: float, extents, *, middle: bool) -> float | None:
        lo = max(lo_edge - (d * r + a) for d, a, _ in extents)
        hi = min(hi_edge - (d * r + b) for d, _, b in extents)
        return None if lo > hi else (lo + hi) / 2 if middle else hi

    best = None
    lo_r, hi_r = 10.0, min(width, high - low) / 2
    for _ in range(40):
        r = (lo_r + hi_r) / 2
        cx = place(r, MARGIN, width - MARGIN, [(dx, x0, x1) for dx, _, x0, x1, _, _ in boxes], middle=True)
        cy = place(r, low, high, [(dy, y0, y1) for _, dy, _, _, y0, y1 in boxes], middle=False)  # just below the title
        if cx is None or cy is None:
            hi_r = r
        else:
            lo_r, best = r, (r, cx, cy)
    return best


def _axes(fig, font, labels: list[str], angles: list[float]):
    """The polar axes with rings, legible percentage ticks, and the category labels outside the ring."""
    from matplotlib import patheffects

    ax = fig.add_axes((0.25, 0.25, 0.5, 0.5), projection="polar")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 100)
    ax.set_xticks(angles)
    ax.set_xticklabels([])
    ax.set_yticks([20, 40, 60, 80, 100])
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    ax.set_yticklabels(["20", "40", "60", "80", "100%"], fontproperties=font, fontsize=TICK_SIZE,
                       color="#333333", path_effects=halo)
    ax.set_rlabel_position(180 / len(angles) if angles else 22.5)  # between the first two spokes
    ax.grid(color="#bbbbbb", linewidth=0.8)
    ax.spines["polar"].set_color("#555555")
    notes = []
    for angle, label in zip(angles, labels, strict=True):
        ha, va = _label_alignment(angle)
        notes.append(ax.annotate(label, xy=(angle, 100), textcoords="offset points",
                                 xytext=(LABEL_PAD * math.sin(angle), LABEL_PAD * math.cos(angle)),
                                 ha=ha, va=va, multialignment=ha, fontproperties=font, fontsize=LABEL_SIZE,
                                 annotation_clip=False, linespacing=1.15))
    return ax, notes


def _plot(ax, angles: list[float], values: list[float | None], previous: list[float | None] | None,
          legend: tuple[str, str]) -> None:
    def closed(vals):
        v = [x if x is not None else 0.0 for x in vals]
        return angles + angles[:1], v + v[:1]

    if previous is not None:
        xs, ys = closed(previous)
        ax.plot(xs, ys, color="#999999", linewidth=1.2, linestyle="--", label=legend[1] or None)
    xs, ys = closed(values)
    ax.plot(xs, ys, color="#1f6fb2", linewidth=2, label=legend[0] or None)
    ax.fill(xs, ys, color="#1f6fb2", alpha=0.18)
    for angle, value in zip(angles, values, strict=True):
        if value is None:
            ax.plot([angle], [0], marker="o", markerfacecolor="white", markeredgecolor="#c0392b")
        else:
            ax.plot([angle], [value], marker="o", color="#1f6fb2", markersize=4)


def _layout(fig, renderer, ax, notes, angles: list[float], top: float) -> None:
    """Size and place the ring so that it and every label fit between the image sides and `top` (pixels)."""
    width, height = fig.bbox.width, fig.bbox.height
    # each label's box relative to its ring point, and the ring itself, as (dx, dy, x0, x1, y0, y1)
    centre = ax.transData.transform((0, 0))
    boxes = [(dx, dy, 0.0, 0.0, 0.0, 0.0) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
    for angle, note in zip(angles, notes, strict=True):
        point = ax.transData.transform((angle, 100))
        extent = note.get_window_extent(renderer)
        dx, dy = (point - centre) / math.hypot(*(point - centre))
        boxes.append((dx, dy, extent.x0 - point[0], extent.x1 - point[0], extent.y0 - point[1], extent.y1 - point[1]))
    fit = _fit_ring(boxes, MARGIN, top, width)
    if fit is not None:
        r, cx, cy = fit
        ax.set_position(((cx - r) / width, (cy - r) / height, 2 * r / width, 2 * r / height))


def radar_figure(labels: list[str], values: list[float | None], title: str, *,
                 previous: list[float | None] | None = None, legend: tuple[str, str] = ("", ""),
                 size: float = 6.0, dpi: int = 110):
    """The radar as a laid-out matplotlib figure: (figure, polar axes, the category label artists).

    Category labels are placed by hand just outside the outer ring (matplotlib's own tick labels are centred
    on the spoke and run into the ring), then the ring is made as large as the image allows with every label
    and the title inside it.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=str(font_path()))
    angles = [2 * math.pi * i / len(labels) for i in range(len(labels))]
    fig = Figure(figsize=(size, size), dpi=dpi)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax, notes = _axes(fig, font, labels, angles)
    _plot(ax, angles, values, previous, legend)
    height = fig.bbox.height
    heading = fig.text(0.5, 1 - MARGIN / height, title, ha="center", va="top", fontproperties=font,
                       fontsize=TITLE_SIZE)
    top = heading.get_window_extent(renderer).y0 - 12
    if previous is not None and legend[0]:
        legend_font = font.copy()
        legend_font.set_size(LABEL_SIZE - 2)
        handles, names = ax.get_legend_handles_labels()  # drawn last time first; listed this time first
        key = fig.legend(handles[::-1], names[::-1], loc="upper center", bbox_to_anchor=(0.5, top / height),
                         ncols=2, prop=legend_font, frameon=False, borderaxespad=0)
        top = key.get_window_extent(renderer).y0 - 10
    _layout(fig, renderer, ax, notes, angles, top)
    return fig, ax, notes


def radar_png(labels: list[str], values: list[float | None], title: str, *,
              previous: list[float | None] | None = None, legend: tuple[str, str] = ("", ""),
              size: float = 6.0, dpi: int = 110) -> bytes:
    """A PNG radar of category scores (0–100 %). `None` values are drawn at 0 with a hollow marker.

    The image is cropped to its contents, so it is square only when the labels are.
    """
    fig, _ax, _notes = radar_figure(labels, values, title, previous=previous, legend=legend, size=size, dpi=dpi)
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight", pad_inches=MARGIN / dpi)
    return out.getvalue()
