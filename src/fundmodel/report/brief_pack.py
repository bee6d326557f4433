"""The briefing pack's working state: the output folder, the files written, progress lines,
summary lines and the sizes of its seeded runs."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from fundmodel.core.files import write_csv_atomic
from fundmodel.parameters.assumptions import assumptions_frame
from fundmodel.report import house

STEPS = 10
SENSITIVITY_VARIANTS = 5_000
SENSITIVITY_CONCENTRATION = 50.0
DUTIES_DRAWS = 2_000
DUTIES_SEED = 2026


class _Pack:
    """Collects the files written and the summary lines; prints progress to stderr."""

    def __init__(self, out: Path, progress: bool, steps: int = STEPS) -> None:
        self.out = out
        self.steps = steps
        self.progress = progress
        self.files: list[Path] = []
        self.lines: list[str] = []
        self.step = 0
        self.council_lines: list[str] = []
        self.assumptions: list[pd.DataFrame] = []

    def announce(self, message: str) -> None:
        self.step += 1
        if self.progress:
            print(f"[{self.step}/{self.steps}] {message}", file=sys.stderr, flush=True)

    def table(self, name: str, frame: pd.DataFrame) -> None:
        path = self.out / name
        write_csv_atomic(path, frame)
        self.files.append(path)

    def chart(self, stem: str, data: pd.DataFrame, draw: Callable[[pd.DataFrame], Figure],
              rests_on: Sequence[object] = ()) -> None:
        """Write ``stem``.csv/.png/.svg; ``rests_on`` (the formulas, scenarios, standards or
        records the page uses, and any assumption stated in words) feeds the pack's
        ``assumptions.csv``."""
        self.table(f"{stem}.csv", data)
        self.files.extend(house.save_chart(draw(data), self.out / stem))
        statements = [("page", item) for item in rests_on if isinstance(item, str)]
        frame = assumptions_frame(*(m for m in rests_on if not isinstance(m, str)),
                                  statements=statements)
        frame.insert(0, "page", stem)
        self.assumptions.append(frame)

    def write_assumptions(self) -> None:
        """``assumptions.csv``: one row per page and assumption (stated or a record)."""
        self.table("assumptions.csv", pd.concat(self.assumptions, ignore_index=True))


