"""The spending series as lines x councils x years arrays, with the reason for every gap."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel.data.codes import REORGANISED
from fundmodel.engine.money import format_gbp, pence_in_range
from fundmodel.engine.years import year_start
from fundmodel.errors import DataError

if TYPE_CHECKING:
    pass
from fundmodel.scenarios.spending.lines import (
    RECONCILE_TOLERANCE,
    TOTAL_LINE,
    ObjArray,
    dataset_lines,
)


@dataclass(frozen=True, eq=False)
class _Cube:
    """Measures x entities x periods, with the source flag of every cell."""

    measures: tuple[str, ...]
    codes: tuple[str, ...]
    periods: tuple[str, ...]
    values: FloatArray
    flags: ObjArray


_ABSENT = "authority did not exist (reorganisation)"


def _long(source: str) -> pd.DataFrame:
    """The long table behind a dataset: ``series`` (series.csv) or ``s251_history``."""
    if source == "s251_history":
        from fundmodel.scenarios.spending.history import s251_history_frame

        return s251_history_frame()
    from fundmodel.data.series import load_series

    return load_series()


@lru_cache(maxsize=16)
def _cube(measures: tuple[str, ...], periods: tuple[str, ...] | None,
          predecessors: bool, source: str = "series") -> _Cube:
    """Pivot the long series table to arrays. ``predecessors=False``: current authorities
    (same-area recodes kept, so Buckinghamshire has its full history); ``True``: every
    authority with a figure, same-area recodes dropped (the summing rule of the data).
    ``source``: ``series`` or ``s251_history`` (see :func:`_long`)."""
    frame = _long(source)
    rows = frame[frame["measure"].isin(measures)]
    flags = rows["flag"].str.split(";")
    is_pred = flags.map(lambda f: "predecessor" in f).to_numpy(bool)
    is_recoded = flags.map(lambda f: "recoded_same_area" in f).to_numpy(bool)
    rows = rows[~is_recoded] if predecessors else rows[~is_pred]
    codes = tuple(sorted(rows["code"].unique()))
    if periods is None:
        periods = tuple(sorted(rows["period"].unique()))
    rows = rows[rows["period"].isin(periods)]
    m = pd.Index(measures).get_indexer(pd.Index(rows["measure"]))
    n = pd.Index(codes).get_indexer(pd.Index(rows["code"]))
    t = pd.Index(periods).get_indexer(pd.Index(rows["period"]))
    values = np.full((len(measures), len(codes), len(periods)), np.nan)
    values[m, n, t] = rows["value"].to_numpy(np.float64)
    cell_flags = np.full(values.shape, _ABSENT, dtype=object)
    cell_flags[m, n, t] = rows["flag"].to_numpy(object)
    values.setflags(write=False)
    return _Cube(measures, codes, periods, values, cell_flags)


def _take(cube: _Cube, codes: np.ndarray) -> tuple[FloatArray, np.ndarray]:
    """The cube's rows for ``codes`` (NaN and 'absent' for codes without any row)."""
    idx = pd.Index(cube.codes).get_indexer(pd.Index(codes))
    values = np.where(idx[None, :, None] >= 0, cube.values[:, np.maximum(idx, 0), :], np.nan)
    flags = np.where(idx[None, :, None] >= 0, cube.flags[:, np.maximum(idx, 0), :], _ABSENT)
    return values, flags


def _gap_reasons(lines: tuple[str, ...], values: FloatArray, flags: np.ndarray) -> np.ndarray:
    """Per council-year: '' when every line has a figure, else which lines are missing and
    why (the series flag, or that the authority did not exist)."""
    out = np.full(values.shape[1:], "", dtype=object)
    for k, line in enumerate(lines):  # a handful of lines
        miss = np.isnan(values[k])
        if not miss.any():
            continue
        why = np.where(flags[k] == "", "empty in source", flags[k])
        text = np.char.add(f"{line}: ", why.astype(str)).astype(object)
        out = np.where(miss, np.where(out == "", text, out + "; " + text), out)
    return out


def _fy_offset(periods: tuple[str, ...], offset: int) -> list[str]:
    """Calendar-year labels ``offset`` years after each financial year's start."""
    return [str(year_start(p) + offset) for p in periods]


@lru_cache(maxsize=1)
def _neighbours() -> pd.DataFrame:
    raw = resources.files("fundmodel.data").joinpath("neighbours.csv").read_bytes()
    return pd.read_csv(io.BytesIO(raw), dtype={"code": str, "neighbour_code": str})


def statistical_neighbours(code: str) -> list[str]:
    """DfE's 2025 statistical neighbours of ``code``, nearest first.

    >>> statistical_neighbours("E06000001")[:2]
    ['E06000003', 'E08000024']
    """
    frame = _neighbours()
    rows = frame[frame["code"] == code].sort_values("rank")
    if rows.empty:
        raise DataError(f"no statistical neighbours for {code!r} in fundmodel/data/neighbours.csv")
    return rows["neighbour_code"].tolist()


DEMAND_MEASURES: dict[str, str] = {
    "referrals": "referrals", "cin": "cin_count", "cpp": "cpp_count", "cla": "cla_count_lait",
}
"""Demand measure name -> embedded series (counts). For financial year 2016-17 fundmodel
takes referrals in the year to 31 March 2017 and children in need, on a plan and looked
after at 31 March 2017; rates use the mid-2016 population (the DfE convention: the computed
looked-after rate equals DfE's published rate for every council from 2019)."""


def _html_block(title: str, summary: str, version: str) -> str:
    lines = summary.splitlines()
    items = "".join(f"<li>{html.escape(x.strip())}</li>" for x in lines[1:])
    return (f"<div><strong>{html.escape(title)}</strong><p>{html.escape(lines[0])}</p>"
            f"<ul>{items}</ul><small>fundmodel {html.escape(version)}; use .to_frame()"
            "</small></div>")


def _pence(pounds: FloatArray) -> IntArray:
    """Whole pence (NaN -> -1 sentinel is never used: callers keep a mask)."""
    out: IntArray = pence_in_range(np.nan_to_num(pounds, nan=0.0) * 100.0, "spend")
    return out


def _aggregate_entities(cube_codes: tuple[str, ...], codes: np.ndarray,
                        successors: dict[str, tuple[str, ...]] | None = None) -> BoolArray:
    """Entities summed in the aggregates: the analysed councils, plus a former authority
    when every one of its successors is analysed (so a subset never takes a whole county).
    ``successors``: predecessor -> successor codes (default the 2019-2023 reorganisations)."""
    chosen = set(codes.tolist())
    succ = successors if successors is not None else {
        c: r.successors for c, r in REORGANISED.items()}
    keep = [c in chosen or (c in succ and set(succ[c]) <= chosen) for c in cube_codes]
    return np.array(keep, dtype=bool)


def _reconcile(dataset: str, lines: tuple[str, ...], values: FloatArray, codes: np.ndarray,
               periods: tuple[str, ...], source: str = "series") -> pd.DataFrame:
    """Council-years where the mapped lines differ from the published total by more than
    rounding (when the taxonomy maps every spend line of the dataset)."""
    columns = ["code", "period", "lines_sum", "published_total", "difference"]
    if set(lines) != set(dataset_lines(dataset)):
        return pd.DataFrame(columns=columns)
    total = _take(_cube((TOTAL_LINE[dataset],), periods, False, source), codes)[0][0]
    summed = values.sum(axis=0)
    diff = total - summed
    bad = np.abs(diff) > RECONCILE_TOLERANCE[dataset]
    n, t = np.nonzero(bad)
    return pd.DataFrame({"code": codes[n], "period": np.array(periods)[t],
                         "lines_sum": summed[n, t], "published_total": total[n, t],
                         "difference": diff[n, t]}, columns=columns)


def _notes(dataset: str, recon: pd.DataFrame) -> tuple[str, ...]:
    notes = [
        "s251 lines are GROSS expenditure, RO3 lines NET of income: shares differ between them"
        if dataset.startswith("s251") else
        "RO3 lines are NET current expenditure (after income); s251 lines are gross",
        "per child: mid-year population at the start of the financial year (mid-2016 for "
        "2016-17)",
    ]
    if dataset == "ro3":
        notes.append("RO3 national rows sum the councils' returns; MHCLG's England row also "
                     "holds its estimates for councils that did not submit (data_report.md)")
    for code, period, summed, published in zip(
        recon["code"].tolist(), recon["period"].tolist(), recon["lines_sum"].tolist(),
        recon["published_total"].tolist(), strict=True,
    ):
        notes.append(f"{code} {period}: the mapped lines sum to {format_gbp(summed, '')}, the "
                     f"published total is {format_gbp(published, '')} (as published; fundmodel "
                     "uses the lines)")
    return tuple(notes)
