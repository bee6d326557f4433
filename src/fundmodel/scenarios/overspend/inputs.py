"""Budgets and outturn for the overspend scenario: a user's CSV or the embedded series."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.core.files import read_csv_rows
from fundmodel.core.numbers import is_plain_decimal
from fundmodel.core.text import excerpt
from fundmodel.data.codes import REORGANISED
from fundmodel.engine.years import check_consecutive, year_label, year_start
from fundmodel.errors import DataError, ScenarioError

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.scenarios.overspend.model import EmbeddedOutturn, OverspendScenario
from fundmodel.scenarios.overspend.measures import _valid
from fundmodel.scenarios.overspend.result import OverspendResult

CSV_COLUMNS = ("code", "period", "budget", "outturn")
"""The exact header of a budget/outturn CSV file."""



def read_budget_csv(
    path: str | Path, authorities: Authorities
) -> tuple[Authorities, tuple[str, ...], FloatArray, FloatArray]:
    """Read and validate a budget/outturn CSV: (councils in it, periods, budget, outturn),
    arrays of shape (councils, periods) with NaN for council-years absent from the file.

    >>> import tempfile, pathlib
    >>> from fundmodel.testing import synthetic_authorities
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.csv"
    >>> _ = p.write_text("code,period,budget,outturn\\nE06900001,2023-24,100,1e2x\\n")
    >>> read_budget_csv(p, synthetic_authorities([[1.0], [2.0]]))
    Traceback (most recent call last):
    ...
    fundmodel.errors.DataError: ...b.csv, row 2, column outturn: value '1e2x' is not a number
    """
    file = Path(path)
    rows = read_csv_rows(file, "budget CSV", CSV_COLUMNS, error=DataError)
    known = {c: i for i, c in enumerate(authorities.codes.tolist())}
    cells: dict[tuple[str, str], tuple[float, float, int]] = {}
    for r, row in enumerate(rows, start=2):
        if len(row) != 4:
            raise DataError(f"{file}, row {r}: {len(row)} fields, header has 4")
        code, period, budget_text, outturn_text = row
        if code not in known:
            former = REORGANISED.get(code)
            hint = (f" ({former.name} was replaced in {former.year} by "
                    f"{', '.join(former.successors)}: map it to the current code(s) first)"
                    if former is not None else "")
            raise DataError(
                f"{file}, row {r}, column code: value {excerpt(code)} is not one of the "
                f"{authorities.n} authorities in {authorities.source}{hint}"
            )
        try:
            year_start(period)
        except ScenarioError:
            raise DataError(
                f"{file}, row {r}, column period: value {excerpt(period)} is not a financial year "
                "label like '2023-24'"
            ) from None
        budget = _number(budget_text, file, r, "budget", positive=True)
        outturn = _number(outturn_text, file, r, "outturn", positive=False)
        if (code, period) in cells:
            raise DataError(
                f"{file}, row {r}: {code} {period} duplicates row {cells[(code, period)][2]}"
            )
        cells[(code, period)] = (budget, outturn, r)
    if not cells:
        raise DataError(f"{file}: no data rows")
    periods = tuple(year_label(y) for y in sorted({year_start(p) for _, p in cells}))
    try:
        check_consecutive(periods, str(file))
    except ScenarioError as exc:
        raise DataError(str(exc)) from None
    present = sorted({known[c] for c, _ in cells})
    sub = authorities.take(present)
    row_of = {c: i for i, c in enumerate(sub.codes.tolist())}
    col_of = {p: j for j, p in enumerate(periods)}
    budget_arr = np.full((sub.n, len(periods)), np.nan)
    outturn_arr = np.full((sub.n, len(periods)), np.nan)
    keys = list(cells)
    idx = np.array([row_of[c] for c, _ in keys]), np.array([col_of[p] for _, p in keys])
    values = np.array([cells[k][:2] for k in keys])
    budget_arr[idx] = values[:, 0]
    outturn_arr[idx] = values[:, 1]
    return sub, periods, budget_arr, outturn_arr


def _number(text: str, file: Path, row: int, column: str, *, positive: bool) -> float:
    where = f"{file}, row {row}, column {column}"
    try:
        value = float(text)
    except ValueError:
        hint = " (thousands separators are not accepted)" if "," in text else ""
        raise DataError(f"{where}: value {excerpt(text)} is not a number{hint}") from None
    if text != text.strip() or not math.isfinite(value) or not is_plain_decimal(text):
        raise DataError(f"{where}: value {excerpt(text)} must be a plain finite number "
                        "(ASCII digits, optional sign, point and exponent)")
    if value < 0 or (positive and value == 0):
        need = "positive" if positive else "non-negative"
        raise DataError(f"{where}: value {text!r} must be {need} (pounds)")
    return value


def _embedded(
    data: EmbeddedOutturn, authorities: Authorities
) -> tuple[Authorities, tuple[str, ...], FloatArray, FloatArray]:
    from fundmodel.data.series import series_table

    table = series_table(data.measure)
    periods = tuple(data.periods) if data.periods else tuple(str(c) for c in table.columns)
    absent = [p for p in periods if p not in table.columns]
    if absent:
        raise ScenarioError(
            f"series {data.measure!r} has no period(s) {absent}; it has {list(table.columns)}"
        )
    check_consecutive(periods, f"series {data.measure!r}")
    unknown = sorted(set(authorities.codes.tolist()) - set(table.index))
    if unknown:
        raise DataError(
            f"series {data.measure!r} has no rows for code(s) {unknown[:8]}: the embedded "
            "series covers only the embedded authorities"
        )
    outturn = table.loc[authorities.codes.tolist(), list(periods)].to_numpy(np.float64)
    budget = outturn / (1.0 + data.assumed_overspend_pct.value / 100.0)
    return authorities, periods, budget, outturn


def _result(
    scenario: OverspendScenario,
    la: Authorities,
    periods: tuple[str, ...],
    budget: FloatArray,
    outturn: FloatArray,
    budget_source: tuple[str, ...] | None = None,
    extra_notes: tuple[str, ...] = (),
) -> OverspendResult:
    """Check for gaps and build the result; ``budget_source`` per period ('data' or
    'assumed'; default: 'assumed' for the embedded source, else 'data')."""
    valid = _valid(budget, outturn)
    gaps = np.argwhere(~valid)
    missing = tuple((str(la.codes[i]), periods[j]) for i, j in gaps)
    if missing and scenario.missing == "error":
        listed = "; ".join(f"{c} {p}" for c, p in missing[:8])
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        raise DataError(
            f"budget or outturn missing for {len(missing)} council-year(s): {listed}{more}. "
            "Supply them, or opt in to 'missing: exclude' (left out of counts and sums; "
            "a missing year breaks a persistence run)."
        )
    assumed = scenario.data.source == "embedded"
    if budget_source is None:
        budget_source = tuple("assumed" if assumed else "data" for _ in periods)
    notes = list(extra_notes)
    if assumed:
        data = cast("EmbeddedOutturn", scenario.data)
        p = data.assumed_overspend_pct
        notes.append(
            f"BUDGETS ARE ASSUMED, not data: budget = outturn / {1 + p.value / 100:.4g} "
            f"({p.label}; {p.source.cite()}). Every council therefore overspends by "
            f"{p.value:g}%: counts and persistence restate the assumption."
        )
    if missing:
        notes.append(
            f"{len(missing)} council-year(s) excluded (missing outturn or budget; opt-in rule "
            "missing: exclude): " + ", ".join(f"{c} {p}" for c, p in missing)
        )
    return OverspendResult(scenario, la, periods, budget, outturn, valid,
                           "assumed" in budget_source, missing, tuple(notes),
                           budget_source=budget_source)
