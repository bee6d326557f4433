"""Budgets by service line, one format for every scenario: the embedded RA data or your CSV.

A budget table is long: one row per council, period and line, with the budget in pounds
and where it came from. Two sources give one:

* :func:`embedded_budgets`: MHCLG Revenue Account (RA) budgets, children's social care
  lines 310-330, net current expenditure (``budgets.csv``; 2021-22, 2023-24, 2025-26);
* :func:`read_budgets_csv`: your own file with exactly these columns::

      code,period,line,budget
      E06000001,2023-24,lac,20500000

  ``code`` a current ONS code, ``period`` a financial year label (``2023-24``), ``line``
  a line key of :data:`BUDGET_LINES` (``lac``, ``csc``, ...) or its RA line number as
  printed (``313``, ``330``), ``budget`` pounds as a plain number (net budgets may be
  negative: income above spend). Every cell is checked; an error names file, row, column
  and value. Duplicate (code, period, line) rows are refused.

:func:`paired_with_outturn` sets a budget table against RO3 outturn (``series.csv``) line by
line, using the RA-to-RO3 line map (``ra_ro3_lines.csv``). Nothing is filled: a council
lacking either figure keeps NaN and a ``reason``.

>>> b = embedded_budgets()
>>> kent = b[(b["code"] == "E10000016") & (b["period"] == "2023-24") & (b["line"] == "csc")]
>>> float(kent["budget"].iloc[0]), kent["budget_source"].iloc[0]
(299643000.0, 'data')
>>> sorted(BUDGET_LINES)[:3]
['asylum_seekers', 'csc', 'family_support']
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from fundmodel.core.files import read_csv_rows
from fundmodel.errors import DataError

BUDGET_CSV_COLUMNS: tuple[str, ...] = ("code", "period", "line", "budget")
"""The exact header of a user budget file."""

FRAME_COLUMNS: tuple[str, ...] = ("code", "period", "line", "budget", "budget_source", "origin",
                                  "reason")
"""Columns of every budget table (``origin``: the file or dataset; ``reason``: why a budget
is missing, '' when present)."""

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_CODE = re.compile(r"^E(06|08|09|10)\d{6}$")


@dataclass(frozen=True)
class BudgetLine:
    """One service line: its key, RA line number and measure, the RO3 outturn measure."""

    key: str
    ra_line: str
    label: str
    ra_measure: str
    ro3_measure: str


@cache
def _lines() -> dict[str, BudgetLine]:
    from fundmodel.data.tables import load_line_map

    rows = load_line_map()
    rows = rows[rows["relation"] == "same_line"]
    out = {}
    for r in rows.itertuples():
        key = str(r.ra_measure).removeprefix("ra_budget_").removesuffix("_net")
        out[key] = BudgetLine(key, str(r.ra_line), str(r.ra_label), str(r.ra_measure),
                              str(r.ro3_measure))
    return out


BUDGET_LINES: dict[str, BudgetLine] = _lines()
"""Line key -> :class:`BudgetLine` (from ``ra_ro3_lines.csv``): the nine RA lines that pair
with an RO3 line of the same asset code (``csc`` is the total, line 330)."""


def line_key(text: str) -> str:
    """The line key for a key or an RA line number (``"313"`` -> ``"lac"``).

    >>> line_key("313"), line_key("csc")
    ('lac', 'csc')
    """
    if text in BUDGET_LINES:
        return text
    for line in BUDGET_LINES.values():
        if line.ra_line == text:
            return line.key
    numbers = ", ".join(b.ra_line for b in BUDGET_LINES.values())
    raise DataError(f"unknown budget line {text!r}; use a key ({', '.join(sorted(BUDGET_LINES))})"
                    f" or an RA line number ({numbers})")


def budget_periods(budgets: pd.DataFrame) -> tuple[str, ...]:
    """The periods a budget table covers (sorted)."""
    return tuple(sorted(budgets["period"].unique().tolist()))


def embedded_budgets(lines: Iterable[str] | None = None) -> pd.DataFrame:
    """The shipped RA budgets as a budget table (current authorities; predecessors left out).

    Empty budgets stay NaN with the source flag as ``reason`` (e.g. ``not_submitted``).

    >>> b = embedded_budgets(["csc"])
    >>> int(b[b["period"] == "2023-24"]["budget"].notna().sum())
    148
    """
    from fundmodel.data.tables import load_budgets

    keys = [line_key(x) for x in lines] if lines is not None else list(BUDGET_LINES)
    by_measure = {BUDGET_LINES[k].ra_measure: k for k in keys}
    raw = load_budgets()
    raw = raw[raw["measure"].isin(list(by_measure)) & (raw["flag"] != "predecessor")]
    frame = pd.DataFrame({
        "code": raw["code"].to_numpy(), "period": raw["period"].to_numpy(),
        "line": raw["measure"].map(by_measure).to_numpy(),
        "budget": raw["value"].to_numpy(np.float64),
        "budget_source": "data", "origin": "MHCLG Revenue Account budgets (budgets.csv)",
        "reason": np.where(raw["value"].isna(), raw["flag"].replace("", "empty in source"),
                           ""),
    })
    return frame.sort_values(["period", "line", "code"], ignore_index=True)


def read_budgets_csv(path: str | Path, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Read and check a user budget file (``code,period,line,budget``) into a budget table.

    ``codes``: the councils allowed (default: any upper-tier ONS code).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.csv"
    >>> _ = p.write_text("code,period,line,budget\\nE06000001,2023-24,313,1,000\\n")
    >>> read_budgets_csv(p)
    Traceback (most recent call last):
    ...
    fundmodel.errors.DataError: ...b.csv, row 2: 5 fields, header has 4 (thousands separators \
are not accepted)
    """
    file = Path(path)
    rows = read_csv_rows(file, "budget CSV", BUDGET_CSV_COLUMNS, error=DataError)
    allowed = set(codes) if codes is not None else None
    seen: dict[tuple[str, str, str], int] = {}
    out: list[tuple[str, str, str, float]] = []
    for r, row in enumerate(rows, start=2):
        if len(row) != 4:
            hint = " (thousands separators are not accepted)" if len(row) > 4 else ""
            raise DataError(f"{file}, row {r}: {len(row)} fields, header has 4{hint}")
        code, period, line, budget_text = row
        where = f"{file}, row {r}"
        if not _CODE.match(code) or (allowed is not None and code not in allowed):
            raise DataError(f"{where}, column code: value {code!r} is not the ONS code of "
                            "a council analysed")
        if not _valid_period(period):
            raise DataError(f"{where}, column period: value {period!r} is not a financial "
                            "year label like '2023-24'")
        try:
            key = line_key(line)
        except DataError as exc:
            raise DataError(f"{where}, column line: {exc}") from None
        value = _pounds(budget_text, f"{where}, column budget")
        if (code, period, key) in seen:
            raise DataError(f"{where}: {code} {period} {key} duplicates row "
                            f"{seen[(code, period, key)]}")
        seen[(code, period, key)] = r
        out.append((code, period, key, value))
    if not out:
        raise DataError(f"{file}: no data rows")
    frame = pd.DataFrame(out, columns=["code", "period", "line", "budget"])
    frame["budget_source"] = "data"
    frame["origin"] = f"user file {file.name}"
    frame["reason"] = ""
    return frame.sort_values(["period", "line", "code"], ignore_index=True)


def _valid_period(text: str) -> bool:
    m = _PERIOD.match(text)
    return m is not None and (int(m.group(1)) + 1) % 100 == int(m.group(2))


def _pounds(text: str, where: str) -> float:
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        hint = " (thousands separators are not accepted)" if "," in text else ""
        raise DataError(f"{where}: value {text!r} is not a plain number of pounds{hint}")
    value = float(text)
    if not math.isfinite(value):  # pragma: no cover - the pattern admits finite numbers only
        raise DataError(f"{where}: value {text!r} is not finite")
    return value


def budgets_from(path: str | Path | None, lines: Iterable[str] | None = None,
                 codes: Iterable[str] | None = None) -> pd.DataFrame:
    """A budget table: the user's file at ``path``, or the embedded RA data if ``None``."""
    if path is None:
        return embedded_budgets(lines)
    frame = read_budgets_csv(path, codes)
    if lines is not None:
        keys = [line_key(x) for x in lines]
        frame = frame[frame["line"].isin(keys)].reset_index(drop=True)
    return frame


def outturn_lines(period: str, lines: Iterable[str] | None = None) -> pd.DataFrame:
    """RO3 outturn (net current expenditure, pounds) per current council for ``period`` by
    budget line key: code, period, line, outturn, outturn_reason ('' when present).

    >>> o = outturn_lines("2023-24", ["csc"])
    >>> int(o["outturn"].notna().sum())
    142
    """
    from fundmodel.data.series import load_series

    keys = [line_key(x) for x in lines] if lines is not None else list(BUDGET_LINES)
    by_measure = {BUDGET_LINES[k].ro3_measure: k for k in keys}
    s = load_series()
    rows = s[s["measure"].isin(list(by_measure)) & (s["period"] == period)
             & (s["flag"] != "predecessor")]
    if rows.empty:
        raise DataError(f"no RO3 outturn for {period}: the embedded RO3 series covers "
                        f"{', '.join(sorted(s[s['measure'] == 'ro3_csc_net']['period'].unique()))}")
    return pd.DataFrame({
        "code": rows["code"].to_numpy(), "period": period,
        "line": rows["measure"].map(by_measure).to_numpy(),
        "outturn": rows["value"].to_numpy(np.float64),
        "outturn_reason": np.where(rows["value"].isna(),
                                   rows["flag"].replace("", "empty in source"), ""),
    }).reset_index(drop=True)


def paired_with_outturn(budgets: pd.DataFrame, period: str, codes: Iterable[str],
                        lines: Iterable[str] | None = None) -> pd.DataFrame:
    """Budget against RO3 outturn for ``period``: one row per council in ``codes`` and line.

    Columns: code, period, line, ra_line, budget, outturn, budget_source, origin,
    complete (both figures present), reason (why not, naming which figure is missing).

    >>> p = paired_with_outturn(embedded_budgets(["csc"]), "2023-24", ["E06000039"], ["csc"])
    >>> p[["budget", "complete", "reason"]].to_dict("records")
    [{'budget': nan, 'complete': False, 'reason': 'no budget (not_submitted)'}]
    """
    keys = [line_key(x) for x in lines] if lines is not None else list(BUDGET_LINES)
    wanted = list(codes)
    grid = pd.MultiIndex.from_product([wanted, keys], names=["code", "line"])
    b = budgets[(budgets["period"] == period) & budgets["line"].isin(keys)]
    b = b.set_index(["code", "line"]).reindex(grid)
    o = outturn_lines(period, keys).set_index(["code", "line"]).reindex(grid)
    frame = pd.DataFrame({"period": period, "budget": b["budget"], "outturn": o["outturn"]},
                         index=grid).reset_index()
    frame["ra_line"] = frame["line"].map({k: v.ra_line for k, v in BUDGET_LINES.items()})
    frame["budget_source"] = b["budget_source"].fillna("data").to_numpy()
    frame["origin"] = b["origin"].fillna("").to_numpy()
    no_b = frame["budget"].isna().to_numpy()
    no_o = frame["outturn"].isna().to_numpy()
    b_why = np.where(b["reason"].fillna("").to_numpy() == "", "not in the budget data",
                     b["reason"].fillna("").to_numpy())
    o_why = np.where(o["outturn_reason"].fillna("").to_numpy() == "", "not in the RO3 series",
                     o["outturn_reason"].fillna("").to_numpy())
    b_text = "no budget (" + b_why.astype(object) + ")"
    o_text = "no RO3 outturn (" + o_why.astype(object) + ")"
    reason = np.where(no_b & no_o, b_text + "; " + o_text,
                      np.where(no_b, b_text, np.where(no_o, o_text, "")))
    frame["complete"] = ~(no_b | no_o)
    frame["reason"] = reason
    return frame[["code", "period", "line", "ra_line", "budget", "outturn", "budget_source",
                  "origin", "complete", "reason"]]
