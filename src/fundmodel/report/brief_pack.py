"""The briefing pack's working state: the output folder, the files written, progress lines,
summary lines and the sizes of its seeded runs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from fundmodel.core.files import write_csv_atomic
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

    def announce(self, message: str) -> None:
        self.step += 1
        if self.progress:
            print(f"[{self.step}/{self.steps}] {message}", file=sys.stderr, flush=True)

    def table(self, name: str, frame: pd.DataFrame) -> None:
        path = self.out / name
        write_csv_atomic(path, frame)
        self.files.append(path)

    def chart(self, stem: str, data: pd.DataFrame, draw: Callable[[pd.DataFrame], Figure]) -> None:
        self.table(f"{stem}.csv", data)
        self.files.extend(house.save_chart(draw(data), self.out / stem))


