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


def radar_png(labels: list[str], values: list[float | None], title: str, *,
              previous: list[float | None] | None = None, legend: tuple[str, str] = ("", ""),
              size: float = 6.0, dpi: int = 110) -> bytes:
    """A PNG radar of category scores (0–100 %). `None` values are drawn at 0 with a hollow marker."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=str(font_path()))
    n = len(labels)
    angles = [2 * math.pi * i / n for i in range(n)]
    fig = Figure(figsize=(size, size), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111, projection="polar")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100])
    ax.set_yticklabels(["20", "40", "60", "80", "100%"], fontproperties=font, fontsize=7, color="#666666")
    ax.set_xticks(angles)
    ax.set_xticklabels(labels, fontproperties=font, fontsize=10)
    ax.tick_params(axis="x", pad=12)

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
    ax.set_title(title, fontproperties=font, fontsize=13, pad=22)
    if previous is not None and legend[0]:
        ax.legend(loc="lower right", bbox_to_anchor=(1.18, -0.12), prop=font, fontsize=8, frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
