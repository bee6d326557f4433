"""Council overspends: budget against outturn per council per year, persistence, projection.

Two kinds of input (``data.source``):

``csv``: a user file with one row per council per year and exactly these columns::

    code,period,budget,outturn
    E06000001,2023-24,41000000,45500000

* ``code``: the council's current ONS code (one of the authorities the scenario runs on;
  unknown or former codes are rejected);
* ``period``: a financial year label such as ``2023-24``; the periods in the file must be
  consecutive years (a gap is an error naming the missing year);
* ``budget`` and ``outturn``: pounds (GBP, not £m or £k), plain numbers without thousands
  separators; ``budget`` must be positive, ``outturn`` non-negative.

Every cell is validated and an error names the file, row, column and value. A council
present for some periods but not others is an error unless ``missing: exclude``.
A relative ``path`` is read from the current working directory.

``embedded``: outturn from the shipped multi-year series (``fundmodel.series.series_table``,
e.g. ``s251_cyps_total`` or ``s251_lac``), with budgets the user states as an
**assumption**: ``budget = outturn / (1 + assumed_overspend_pct / 100)``, e.g. the LGA's
reported 14.2% average overspend (:func:`lga_assumed_overspend`). Such budgets are never
data: the result, its ``to_frame()`` (column ``budget_is_assumed``) and its summary say so.
With one uniform assumed rate every council overspends by exactly that rate, so the
counts and persistence only restate the assumption; outturn growth is real data.

Measures (numpy over all councils at once): overspend £ and %, the number and share of
councils overspending per year, persistence (consecutive years overspending), outturn
growth against a funding growth rate (a Parameter), and a projection forward under
stated growth rates. Missing council-years (``missing: exclude``) are left out of each
year's counts and sums, break a persistence run, and are listed in the result.

>>> import numpy as np
>>> budget = np.array([100.0, 200.0, 300.0])
>>> outturn = np.array([110.0, 190.0, 330.0])
>>> float(share_overspending(budget, outturn)[0]), float(national_overspend(budget, outturn)[0])
(0.6666666666666666, 30.0)
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field

from fundmodel import __version__
from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel.codes import REORGANISED
from fundmodel.errors import DataError, FormulaError, ScenarioError
from fundmodel.model import FrozenModel
from fundmodel.money import format_gbp
from fundmodel.scenarios.base import Scenario, ScenarioHeader
from fundmodel.scenarios.family_help import check_consecutive, year_label, year_start
from fundmodel.sources import AnnualRate, Parameter, Source, Unit, parameter_checks

if TYPE_CHECKING:
    from fundmodel.absolute import DutyCostFormula
    from fundmodel.authorities import Authorities
    from fundmodel.scenarios.family_help import InvestmentResult

CSV_COLUMNS = ("code", "period", "budget", "outturn")
"""The exact header of a budget/outturn CSV file."""

ENGLAND_CODE = "E92000001"
"""ONS code of England, used for the national line of :func:`funding_gap`."""

REVIEWED = dt.date(2026, 12, 1)

LGA_AVERAGE_OVERSPEND = Parameter(
    value=14.2,
    unit=Unit.PERCENT,
    label="Average children's social care overspend, 2022-23 to 2024-25 (LGA)",
    source=Source(
        title="Councils overspent children's social care budgets by 14.2% a year on average",
        publisher="Local Government Association (as reported)",
        year=2025,
        section="reported November 2025",
        quote="overspent children's social care budgets by 14.2% a year on average over "
        "2022-23 to 2024-25",
    ),
    note="A national average. Used as an ASSUMED uniform overspend to infer budgets from "
    "outturn (budget = outturn / 1.142); it is not any council's budget.",
    reviewed=REVIEWED,
    assumption=True,
)

NAO_2017_18_SHARE_OVERSPENT = Parameter(
    value=91.0,
    unit=Unit.PERCENT,
    label="Share of councils overspending children's social care, 2017-18 (NAO)",
    source=Source(title="Pressures on children's social care", publisher="National Audit Office",
                  year=2019, quote="91% overspent"),
    note="Reference point for the national aggregates (tests rebuild it).",
    reviewed=REVIEWED,
)
NAO_2017_18_OVERSPEND = Parameter(
    value=872.0,
    unit=Unit.GBP_MILLIONS,
    label="National children's social care overspend, 2017-18 (NAO)",
    source=NAO_2017_18_SHARE_OVERSPENT.source.model_copy(update={"quote": "£872m"}),
    note="Councils spent £8.8bn on children's social care in 2017-18.",
    reviewed=REVIEWED,
)

LGA_BUDGET_GROWTH_2025_26 = Parameter(
    value=0.101,
    unit=Unit.RATIO,
    label="Growth of councils' children's social care budgets into 2025-26 (LGA)",
    source=LGA_AVERAGE_OVERSPEND.source.model_copy(
        update={"quote": "2025-26 budgets up 10.1%"}),
    note="One year's budget growth; usable as a projection's budget growth for 2025-26. "
    "Carrying it forward to later years is an assumption.",
    reviewed=REVIEWED,
)

OVERSPEND_PARAMETERS = [LGA_AVERAGE_OVERSPEND, LGA_BUDGET_GROWTH_2025_26,
                        NAO_2017_18_SHARE_OVERSPENT, NAO_2017_18_OVERSPEND]
"""Every Parameter record in this module (for the convention tests)."""


# --------------------------------------------------------------------------- measures


def overspend(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Outturn minus budget, pounds (positive = overspent).

    >>> overspend(np.array([100.0]), np.array([114.2])).round(6).tolist()
    [14.2]
    """
    out: FloatArray = np.asarray(outturn, np.float64) - np.asarray(budget, np.float64)
    return out


def overspend_pct(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Overspend as a percentage of budget (NaN where the budget is not positive).

    >>> overspend_pct(np.array([200.0, 0.0]), np.array([250.0, 5.0])).tolist()
    [25.0, nan]
    """
    b = np.asarray(budget, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct: FloatArray = np.where(b > 0, 100.0 * (np.asarray(outturn) - b) / b, np.nan)
    return pct


def _valid(budget: FloatArray, outturn: FloatArray) -> BoolArray:
    ok: BoolArray = ~np.isnan(np.asarray(budget, np.float64)) & ~np.isnan(
        np.asarray(outturn, np.float64))
    return ok


def _columns(a: FloatArray) -> FloatArray:
    arr = np.asarray(a, np.float64)
    out: FloatArray = arr[:, None] if arr.ndim == 1 else arr
    return out


def councils_overspending(budget: FloatArray, outturn: FloatArray) -> IntArray:
    """Number of councils (rows) overspending in each period (column); NaN cells left out.

    >>> councils_overspending(np.array([[1.0, 1.0], [1.0, np.nan]]),
    ...                       np.array([[2.0, 1.0], [3.0, 5.0]])).tolist()
    [2, 0]
    """
    b, o = _columns(budget), _columns(outturn)
    counts: IntArray = ((o > b) & _valid(b, o)).sum(axis=0).astype(np.int64)
    return counts


def share_overspending(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Fraction of councils with data that overspend, per period (NaN with none)."""
    b, o = _columns(budget), _columns(outturn)
    n = _valid(b, o).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share: FloatArray = np.where(n > 0, councils_overspending(b, o) / n, np.nan)
    return share


def national_overspend(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Net national overspend per period: total outturn minus total budget over councils
    with both (pounds; underspends offset overspends)."""
    b, o = _columns(budget), _columns(outturn)
    ok = _valid(b, o)
    net: FloatArray = np.where(ok, o, 0.0).sum(axis=0) - np.where(ok, b, 0.0).sum(axis=0)
    return net


def gross_overspend(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Sum of overspends of the councils that overspent, per period (pounds).

    >>> gross_overspend(np.array([100.0, 100.0]), np.array([130.0, 90.0])).tolist()
    [30.0]
    """
    b, o = _columns(budget), _columns(outturn)
    over = np.where(_valid(b, o) & (o > b), o - b, 0.0)
    gross: FloatArray = over.sum(axis=0)
    return gross


def persistence(overspent: BoolArray) -> tuple[IntArray, IntArray]:
    """Per council (row): the current run of consecutive overspending years ending in the
    last period, and the longest run. Both lie in 0..n_periods. Loops over periods only.

    >>> current, longest = persistence(np.array([[True, True, False, True],
    ...                                          [True, True, True, False]]))
    >>> current.tolist(), longest.tolist()
    ([1, 0], [2, 3])
    """
    flags = np.asarray(overspent, dtype=bool)
    run = np.zeros(flags.shape[0], dtype=np.int64)
    longest = np.zeros(flags.shape[0], dtype=np.int64)
    for t in range(flags.shape[1]):
        run = (run + 1) * flags[:, t]
        longest = np.maximum(longest, run)
    return run, longest


def annual_growth(first: FloatArray, last: FloatArray, years: int) -> FloatArray:
    """Average annual growth rate from ``first`` to ``last`` over ``years`` years (NaN
    where ``first`` is not positive or a value is missing).

    >>> annual_growth(np.array([100.0]), np.array([121.0]), 2).round(10).tolist()
    [0.1]
    """
    f, la = np.asarray(first, np.float64), np.asarray(last, np.float64)
    if years < 1:
        return np.full(f.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        g: FloatArray = np.where(f > 0, (la / f) ** (1.0 / years) - 1.0, np.nan)
    return g


# --------------------------------------------------------------------------- inputs


OverspendPercent = Annotated[Parameter, *parameter_checks(Unit.PERCENT, above=-100)]
"""An overspend as a PERCENT of budget (14.2 = 14.2%), above -100."""


class CsvBudgets(FrozenModel):
    """Budget and outturn from a user CSV (schema in the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["csv"] = "csv"
    path: str = Field(min_length=1)


class EmbeddedOutturn(FrozenModel):
    """Outturn from the embedded series; budgets ASSUMED from an overspend rate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["embedded"] = "embedded"
    measure: str = Field(default="s251_cyps_total", min_length=1)
    periods: tuple[str, ...] = Field(default=(), description="default: every period")
    assumed_overspend_pct: OverspendPercent


OverspendInput = Annotated[CsvBudgets | EmbeddedOutturn, Field(discriminator="source")]


class Projection(FrozenModel):
    """Project outturn and budget forward from the last period at stated annual rates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    years: int = Field(ge=1, le=30)
    outturn_growth: AnnualRate
    budget_growth: AnnualRate


class OverspendScenario(Scenario):
    """Budget against outturn per council per year (see the module docstring)."""

    kind: Literal["overspend"] = "overspend"
    data: OverspendInput
    missing: Literal["error", "exclude"] = "error"
    funding_growth: AnnualRate | None = None
    projection: Projection | None = None

    def parameters(self) -> list[Parameter]:
        """Every Parameter the scenario uses."""
        found = []
        if isinstance(self.data, EmbeddedOutturn):
            found.append(self.data.assumed_overspend_pct)
        if self.funding_growth is not None:
            found.append(self.funding_growth)
        if self.projection is not None:
            found.extend([self.projection.outturn_growth, self.projection.budget_growth])
        return found

    def run(self, authorities: Authorities | None = None) -> OverspendResult:
        """Read the inputs and compute every measure (embedded authorities by default)."""
        from fundmodel.authorities import load_authorities

        la = authorities if authorities is not None else load_authorities()
        if isinstance(self.data, CsvBudgets):
            sub, periods, budget, outturn = read_budget_csv(self.data.path, la)
        else:
            sub, periods, budget, outturn = _embedded(self.data, la)
        return _result(self, sub, periods, budget, outturn)


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
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise DataError(f"{file}: cannot read file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        raise DataError(f"{file}: not valid CSV ({exc})") from None
    if not rows or tuple(rows[0]) != CSV_COLUMNS:
        got = rows[0] if rows else "nothing"
        raise DataError(f"{file}, header: expected exactly {','.join(CSV_COLUMNS)}, got {got}")
    known = {c: i for i, c in enumerate(authorities.codes.tolist())}
    cells: dict[tuple[str, str], tuple[float, float, int]] = {}
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != 4:
            raise DataError(f"{file}, row {r}: {len(row)} fields, header has 4")
        code, period, budget_text, outturn_text = row
        if code not in known:
            former = REORGANISED.get(code)
            hint = (f" ({former.name} was replaced in {former.year} by "
                    f"{', '.join(former.successors)}: map it to the current code(s) first)"
                    if former is not None else "")
            raise DataError(
                f"{file}, row {r}, column code: value {code!r} is not one of the "
                f"{authorities.n} authorities in {authorities.source}{hint}"
            )
        try:
            year_start(period)
        except ScenarioError:
            raise DataError(
                f"{file}, row {r}, column period: value {period!r} is not a financial year "
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
        raise DataError(f"{where}: value {text!r} is not a number{hint}") from None
    if text != text.strip() or not math.isfinite(value):
        raise DataError(f"{where}: value {text!r} must be a plain finite number")
    if value < 0 or (positive and value == 0):
        need = "positive" if positive else "non-negative"
        raise DataError(f"{where}: value {text!r} must be {need} (pounds)")
    return value


def _embedded(
    data: EmbeddedOutturn, authorities: Authorities
) -> tuple[Authorities, tuple[str, ...], FloatArray, FloatArray]:
    from fundmodel.series import series_table

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


# --------------------------------------------------------------------------- the result


def _result(
    scenario: OverspendScenario,
    la: Authorities,
    periods: tuple[str, ...],
    budget: FloatArray,
    outturn: FloatArray,
) -> OverspendResult:
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
    assumed = isinstance(scenario.data, EmbeddedOutturn)
    notes = []
    if assumed:
        assert isinstance(scenario.data, EmbeddedOutturn)
        p = scenario.data.assumed_overspend_pct
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
    return OverspendResult(scenario, la, periods, budget, outturn, valid, assumed, missing,
                           tuple(notes))


@dataclass(frozen=True, eq=False)
class OverspendResult:
    """Budget and outturn (councils x periods, pounds) and the measures derived from them."""

    scenario: OverspendScenario
    authorities: Authorities
    periods: tuple[str, ...]
    budget: FloatArray
    outturn: FloatArray
    valid: BoolArray
    budget_is_assumed: bool
    excluded: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    version: str = __version__

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.scenario.header.title

    def overspent(self) -> BoolArray:
        """Councils x periods: True where outturn exceeds budget (False where excluded)."""
        flags: BoolArray = self.valid & (self.outturn > self.budget)
        return flags

    def sources(self) -> list[Parameter]:
        """Every Parameter behind the result."""
        return self.scenario.parameters()

    def council_amounts(self, period: str | None = None) -> pd.Series:
        """Overspend per council in ``period`` (default the last), pounds, by ONS code."""
        j = self.periods.index(period) if period is not None else len(self.periods) - 1
        values = np.where(self.valid[:, j], self.outturn[:, j] - self.budget[:, j], np.nan)
        return pd.Series(values, index=self.authorities.codes, name=self.label)

    def to_frame(self) -> pd.DataFrame:
        """Long table, one row per council per period: budget, outturn, overspend £ and %,
        overspent, included (False for excluded council-years), budget_is_assumed."""
        la = self.authorities
        n_periods = len(self.periods)
        frame = pd.DataFrame(
            {
                "code": np.repeat(la.codes, n_periods),
                "name": np.repeat(la.names, n_periods),
                "region": np.repeat(la.regions, n_periods),
                "period": np.tile(np.array(self.periods), la.n),
                "budget": self.budget.ravel(),
                "outturn": self.outturn.ravel(),
                "overspend": overspend(self.budget, self.outturn).ravel(),
                "overspend_pct": overspend_pct(self.budget, self.outturn).ravel(),
                "overspent": self.overspent().ravel(),
                "included": self.valid.ravel(),
            }
        )
        frame["budget_is_assumed"] = self.budget_is_assumed
        return frame

    def national_frame(self) -> pd.DataFrame:
        """One row per period: councils with data, number and share overspending, total
        budget and outturn, net and gross overspend, overspend as % of budget."""
        ok = self.valid
        b = np.where(ok, self.budget, 0.0).sum(axis=0)
        o = np.where(ok, self.outturn, 0.0).sum(axis=0)
        frame = pd.DataFrame(
            {
                "period": list(self.periods),
                "councils": ok.sum(axis=0),
                "overspending": councils_overspending(self.budget, self.outturn),
                "share_overspending": share_overspending(self.budget, self.outturn),
                "budget": b,
                "outturn": o,
                "overspend": national_overspend(self.budget, self.outturn),
                "gross_overspend": gross_overspend(self.budget, self.outturn),
                "overspend_pct": overspend_pct(b, o),
            }
        )
        frame["budget_is_assumed"] = self.budget_is_assumed
        return frame

    def persistence_frame(self) -> pd.DataFrame:
        """One row per council: years overspent, current run (ending in the last period)
        and longest run of consecutive overspending years, out of ``n_periods``."""
        flags = self.overspent()
        current, longest = persistence(flags)
        la = self.authorities
        return pd.DataFrame(
            {
                "code": la.codes, "name": la.names, "region": la.regions,
                "years_with_data": self.valid.sum(axis=1),
                "years_overspent": flags.sum(axis=1),
                "current_run": current,
                "longest_run": longest,
                "n_periods": len(self.periods),
                "budget_is_assumed": self.budget_is_assumed,
            }
        )

    def growth_frame(self) -> pd.DataFrame:
        """Average annual outturn growth, first to last period, per council and for England
        (councils with both years), against the scenario's funding growth (if given)."""
        la = self.authorities
        years = len(self.periods) - 1
        first, last = self.outturn[:, 0], self.outturn[:, -1]
        both = self.valid[:, 0] & self.valid[:, -1]
        national = annual_growth(
            np.array([first[both].sum()]), np.array([last[both].sum()]), years
        )
        frame = pd.DataFrame(
            {
                "code": [*la.codes.tolist(), ENGLAND_CODE],
                "name": [*la.names.tolist(), "England (councils with both years)"],
                "outturn_first": [*np.where(both, first, np.nan).tolist(), first[both].sum()],
                "outturn_last": [*np.where(both, last, np.nan).tolist(), last[both].sum()],
                "outturn_growth": [*annual_growth(np.where(both, first, np.nan), last,
                                                  years).tolist(), float(national[0])],
            }
        )
        growth = self.scenario.funding_growth
        if growth is not None:
            frame["funding_growth"] = growth.value
            frame["growth_gap_pp"] = 100.0 * (frame["outturn_growth"] - growth.value)
        return frame

    def projection_frame(self) -> pd.DataFrame:
        """National projection: one row per projected year from the last period's totals
        (councils with data then), outturn and budget grown at the stated rates."""
        proj = self.scenario.projection
        if proj is None:
            raise ScenarioError("the scenario has no projection (set projection: years, "
                                "outturn_growth, budget_growth)")
        ok = self.valid[:, -1]
        o0 = float(self.outturn[ok, -1].sum())
        b0 = float(self.budget[ok, -1].sum())
        k = np.arange(1, proj.years + 1)
        start = year_start(self.periods[-1])
        o: FloatArray = o0 * (1.0 + proj.outturn_growth.value) ** k.astype(np.float64)
        b: FloatArray = b0 * (1.0 + proj.budget_growth.value) ** k.astype(np.float64)
        return pd.DataFrame(
            {
                "period": [year_label(start + int(i)) for i in k],
                "budget": b,
                "outturn": o,
                "overspend": o - b,
                "overspend_pct": overspend_pct(b, o),
                "budget_is_assumed": self.budget_is_assumed,
            }
        )

    def summary(self) -> str:
        """Plain-text headline per period, with every assumption stated."""
        nat = self.national_frame()
        lines = [f"{self.label}: {self.authorities.n} councils, {self.periods[0]}.."
                 f"{self.periods[-1]}" + (" (BUDGETS ASSUMED)" if self.budget_is_assumed else "")]
        for r in nat.itertuples():
            lines.append(
                f"  {r.period}: {r.overspending}/{r.councils} overspent "
                f"({100 * float(str(r.share_overspending)):.0f}%); net overspend "
                f"{format_gbp(float(str(r.overspend)))} on budgets of "
                f"{format_gbp(float(str(r.budget)))}"
            )
        pers = self.persistence_frame()
        lines.append(
            f"  persistence: {int((pers['current_run'] == len(self.periods)).sum())} councils "
            f"overspent in every one of {len(self.periods)} years"
        )
        if self.scenario.funding_growth is not None:
            g = self.growth_frame().iloc[-1]
            lines.append(
                f"  England outturn growth {100 * g['outturn_growth']:.1f}% a year vs funding "
                f"growth {100 * self.scenario.funding_growth.value:.1f}% a year"
            )
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"OverspendResult({self.label!r}, councils={self.authorities.n}, "
                f"periods={len(self.periods)}, budget_is_assumed={self.budget_is_assumed})")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(r.period))}</td><td>{int(str(r.overspending))}/"
            f"{int(str(r.councils))}</td><td style='text-align:right'>"
            f"{html.escape(format_gbp(float(str(r.overspend))))}</td></tr>"
            for r in self.national_frame().itertuples()
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        flag = " <em>(budgets assumed, not data)</em>" if self.budget_is_assumed else ""
        return (
            f"<div><strong>{html.escape(self.label)}</strong>{flag}; fundmodel "
            f"{html.escape(self.version)}<table><thead><tr><th>period</th>"
            "<th>overspent</th><th>net overspend</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><ul>{notes}</ul></div>"
        )


# --------------------------------------------------------------------------- presets


def lga_assumed_overspend(
    measure: str = "s251_cyps_total",
    periods: tuple[str, ...] = ("2022-23", "2023-24", "2024-25"),
    funding_growth: Parameter | None = None,
    projection: Projection | None = None,
) -> OverspendScenario:
    """Embedded outturn with budgets ASSUMED at the LGA's 14.2% average overspend.

    >>> s = lga_assumed_overspend()
    >>> s.data.assumed_overspend_pct.value, s.missing
    (14.2, 'exclude')
    """
    return OverspendScenario(
        header=ScenarioHeader(
            title=f"Overspends: {measure} outturn, budgets assumed at LGA 14.2%",
            source=LGA_AVERAGE_OVERSPEND.source,
            assumes=(
                "budget = outturn / 1.142 for every council and year (the LGA's reported "
                "national average over 2022-23 to 2024-25, applied uniformly: an assumption, "
                "not budget data); council-years without outturn excluded"
            ),
        ),
        data=EmbeddedOutturn(measure=measure, periods=periods,
                             assumed_overspend_pct=LGA_AVERAGE_OVERSPEND),
        missing="exclude",
        funding_growth=funding_growth,
        projection=projection,
    )


# --------------------------------------------------------------------------- funding gap


def funding_gap(
    authorities: Authorities | None = None,
    *,
    costs: DutyCostFormula | None = None,
    investment: InvestmentResult | None = None,
    investment_year: str | None = None,
    missing: Literal["error", "exclude"] = "error",
) -> pd.DataFrame:
    """What the duties cost (absolute mode) against what councils spend, and what an
    investment ask adds; one row per council plus a national line (code E92000001).

    ``costs`` defaults to :func:`fundmodel.presets.children_act_costs` (England-average
    2024-25 unit costs, so its national gap is zero by construction: the council rows show
    where need-based cost exceeds or falls short of spend). ``investment`` (a result of
    an investment scenario) adds its ``investment_year`` amount, or by default its average
    a year (total / number of years). ``missing="exclude"`` (opt-in) leaves councils
    missing any needed value out of the national line and shows them with NaN and a note;
    by default they are an error.

    Columns: code, name, region, duties_cost, spend, gap (cost - spend), gap_pct (of
    spend), investment, gap_after_investment, note.

    >>> from fundmodel.testing import synthetic_authorities
    >>> from fundmodel.absolute import Duty, DutyCostFormula
    >>> la = synthetic_authorities([[10.0], [30.0]], baseline=[900.0, 2000.0])
    >>> f = DutyCostFormula(name="£50 a child", funding_columns=("baseline",),
    ...                     duties=[Duty(name="all", column="children_0_17", unit_cost=50)])
    >>> funding_gap(la, costs=f)[["code", "duties_cost", "spend", "gap"]].to_dict("list")
    {'code': ['E06900000', 'E06900001', 'E92000001'], 'duties_cost': [500.0, 1500.0, 2000.0], \
'spend': [900.0, 2000.0, 2900.0], 'gap': [-400.0, -500.0, -900.0]}
    """
    from fundmodel.absolute import cost_duties
    from fundmodel.authorities import load_authorities
    from fundmodel.presets import children_act_costs

    la = authorities if authorities is not None else load_authorities()
    formula = costs if costs is not None else children_act_costs(la)
    if not formula.funding_columns:
        raise FormulaError(f"cost formula {formula.name!r} names no funding_columns (spend)")
    needed = [*(d.column for d in formula.duties), *(d.times for d in formula.duties if d.times),
              *formula.funding_columns]
    if formula.area_cost_adjustment:
        needed.append(formula.area_cost_adjustment)
    gaps = np.zeros(la.n, dtype=bool)
    why = np.full(la.n, "", dtype=object)
    for column in dict.fromkeys(needed):  # a handful of columns
        absent = np.isnan(la.column(column))
        why[absent & ~gaps] = f"excluded: {column} missing"
        gaps |= absent
    if gaps.any() and missing == "error":
        listed = "; ".join(f"{la.codes[i]} {la.names[i]} ({why[i][10:]})"
                           for i in np.flatnonzero(gaps)[:8])
        raise FormulaError(
            f"funding gap needs {sorted(set(needed))}; missing for {int(gaps.sum())} "
            f"council(s): {listed}. Supply values or opt in to missing='exclude'."
        )
    keep = np.flatnonzero(~gaps)
    result = cost_duties(formula, la if keep.size == la.n else la.take(keep))
    assert result.funding is not None
    cost = np.full(la.n, np.nan)
    spend = np.full(la.n, np.nan)
    cost[keep] = result.costs()
    spend[keep] = result.funding
    extra = np.full(la.n, np.nan)
    if investment is not None:
        per_council = _investment_per_year(investment, investment_year)
        unknown = sorted(set(la.codes.tolist()) - set(per_council.index))
        if unknown:
            raise DataError(f"the investment result has no amount for code(s) {unknown[:8]}")
        extra = per_council.reindex(la.codes.tolist()).to_numpy(np.float64)
    frame = pd.DataFrame({"code": la.codes, "name": la.names, "region": la.regions,
                          "duties_cost": cost, "spend": spend})
    frame["investment"] = extra if investment is not None else 0.0
    frame["note"] = why
    national = {
        "code": ENGLAND_CODE,
        "name": "England" + (f" ({keep.size} councils with complete data)" if gaps.any() else ""),
        "region": "England",
        "duties_cost": round(float(cost[keep].sum()), 2),
        "spend": round(float(spend[keep].sum()), 2),
        "investment": round(float(frame["investment"].to_numpy()[keep].sum()), 2),
        "note": f"national line over {keep.size} councils",
    }
    frame = pd.concat([frame, pd.DataFrame([national])], ignore_index=True)
    frame["gap"] = frame["duties_cost"] - frame["spend"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["gap_pct"] = np.where(frame["spend"] > 0, 100.0 * frame["gap"] / frame["spend"],
                                    np.nan)
    frame["gap_after_investment"] = frame["gap"] - frame["investment"]
    order = ["code", "name", "region", "duties_cost", "spend", "gap", "gap_pct", "investment",
             "gap_after_investment", "note"]
    return frame[order]


def _investment_per_year(investment: InvestmentResult, year: str | None) -> pd.Series:
    if year is None:
        return investment.council_amounts() / len(investment.years)
    if year not in investment.years:
        raise ScenarioError(f"investment year {year!r} is not one of {list(investment.years)}")
    y = investment.years.index(year)
    return pd.Series(investment.amount_pence[y] / 100.0, index=investment.authorities.codes)
