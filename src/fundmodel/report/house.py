"""fundmodel's house style for charts: colour-blind-safe colours, the style sheet, titles with
findings, source footnotes, and saving as PNG, SVG and CSV."""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from fundmodel._version import __version__
from fundmodel.core.files import write_bytes_atomic

BLUE, ORANGE, GREEN, GREY = "#0072B2", "#E69F00", "#009E73", "#595959"
VERMILLION = "#D55E00"
"""The Okabe-Ito colour-blind-safe palette (and a dark grey for text and guides)."""
HEX_ACKNOWLEDGEMENT = (
    "Hex layout: House of Commons Library, UK hex cartogram of upper-tier local "
    "authorities (2023), Open Parliament Licence"
)


@contextmanager
def house_style() -> Iterator[None]:
    """Use fundmodel's matplotlib style inside the block."""
    style = resources.files("fundmodel.report").joinpath("style/fundmodel.mplstyle")
    with resources.as_file(style) as path, plt.style.context(str(path)):
        yield


def finish_chart(fig: Figure, title: str, units: str, sources: Sequence[str]) -> Figure:
    """Title (the finding), units line, and a footnote with sources and version.

    The axes (with their tick labels) are first fitted inside the figure, so the title and
    footnote line up with the left edge of everything drawn."""
    extra = units.count("\n")  # lines under the units line (e.g. assumptions) need room
    height = fig.get_figheight()
    top = 0.93 if extra == 0 else max(0.5, 0.93 - 0.2 * extra / height)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # colorbar axes are not tight-layout aware
        fig.tight_layout(rect=(0.0, 0.0, 1.0, top))
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold", y=1.0)
    fig.text(0.01, 0.955 if extra == 0 else 1.0 - 0.25 / height, units, ha="left", va="top",
             fontsize=10, color=GREY)
    lines = [*(f"Source: {s}" for s in sources), f"Made with fundmodel {__version__}"]
    note = "\n".join(textwrap.fill(line, width=150, subsequent_indent="  ") for line in lines)
    fig.text(0.01, -0.01, note, ha="left", va="top", fontsize=7.5, color=GREY)
    return fig


def save_chart(fig: Figure, stem: Path) -> list[Path]:
    """Save ``fig`` as ``stem.png`` and ``stem.svg`` (each written atomically)."""
    paths = []
    for ext, metadata in (("png", {"Software": None}), ("svg", {"Date": None})):
        buffer = io.BytesIO()
        # the SVG ids are hashed with this salt only if it is set while saving
        with plt.rc_context({"svg.hashsalt": "fundmodel"}):
            fig.savefig(buffer, format=ext, metadata=metadata, bbox_inches="tight",
                        pad_inches=0.25, dpi=200 if ext == "png" else 100)
        path = stem.with_suffix(f".{ext}")
        write_bytes_atomic(path, buffer.getvalue())
        paths.append(path)
    plt.close(fig)
    return paths


# ---------------------------------------------------------------- ranked bars
