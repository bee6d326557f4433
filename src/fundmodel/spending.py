"""The balance of spending per council over time: prevention vs late intervention, statutory
vs non-statutory, safeguarding vs non-safeguarding.

Data: the embedded section 251 outturn (gross, GBP cash, 2016-17 to 2024-25, seven service
lines) and RO3 (net, 2022-23 to 2024-25) series. A :class:`Taxonomy` maps every service line
of a dataset to a category, each line with its reason and source; three ship with fundmodel
(:func:`shipped_taxonomies`) and users write their own in YAML (:func:`load_taxonomy`).
:func:`analyse_spending` pivots the series to lines x councils x years arrays once and returns
a :class:`SpendingAnalysis`: spend and shares by category, real terms (a :class:`Deflator`
you pass), per child aged 0-17, growth, councils ranked by the change in the focus share,
national and regional aggregates (which reproduce the England totals DfE publishes),
demand per 10,000 children beside spend, simple spend/demand elasticities, and the cost of
reaching a target share (:meth:`SpendingAnalysis.target_check`).

**Gaps stay gaps.** A council-year with any mapped line missing (an authority that did not
exist yet, a figure withdrawn by DfE, a return not submitted) has no total and no shares;
the reason is kept (``gap`` column). Nothing is interpolated, filled or carried forward.

>>> a = analyse_spending(load_taxonomy("prevention"))
>>> eng = a.aggregates().query("area == 'England'").set_index("period")
>>> [round(100 * float(eng.loc[p, "focus_share"]), 1) for p in ("2016-17", "2024-25")]
[25.2, 18.4]
"""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import ConfigDict, Field, field_validator, model_validator

from fundmodel import __version__
from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel.codes import REORGANISED
from fundmodel.errors import DataError, FormulaError, InvalidInputError, ScenarioError
from fundmodel.model import FrozenModel
from fundmodel.money import format_gbp
from fundmodel.scenarios.base import Scenario, ScenarioHeader
from fundmodel.scenarios.family_help import Deflator, year_label, year_start
from fundmodel.sources import FUNDMODEL_ASSUMPTION, Parameter, Source, Unit, as_parameter
from fundmodel.yamlio import load_yaml_file, load_yaml_text

if TYPE_CHECKING:
    from fundmodel.authorities import Authorities
    from fundmodel.scenarios.family_help import InvestmentResult

REVIEWED = dt.date(2026, 12, 1)
ObjArray = npt.NDArray[np.object_]

# --------------------------------------------------------------------------- policy figures

NAO_2019 = Source(
    title="Pressures on children's social care",
    publisher="National Audit Office",
    year=2019,
    section="HC 1868, January 2019",
)
NAO_PREVENTIVE_SHARE_2010_11 = Parameter(
    value=41.0, unit=Unit.PERCENT,
    label="Preventive share of children's services spending, 2010-11 (NAO)",
    source=NAO_2019,
    note="As reported from the NAO's report (e.g. Bywaters, University of Huddersfield, Jan "
    "2019: 'reducing spend on prevention from 41% of total spend to just 25%'). The NAO's "
    "line mapping is not reproduced in fundmodel, so the 'prevention' taxonomy's shares are "
    "comparable in direction, not to the point. Used as a target share (restore 2010-11).",
    reviewed=REVIEWED)
NAO_PREVENTIVE_SHARE_2017_18 = Parameter(
    value=25.0, unit=Unit.PERCENT,
    label="Preventive share of children's services spending, 2017-18 (NAO)",
    source=NAO_2019,
    note="The end point of the NAO's 41% -> 25% fall; fundmodel's 'prevention' taxonomy gives "
    "23.0% for England in 2017-18 from the section 251 lines (a different line set).",
    reviewed=REVIEWED)
PROMISE_PREVENTIVE_SHARE = Parameter(
    value=5.0, unit=Unit.PERCENT,
    label="Scotland's Promise: share of community health and social care spend on "
    "preventative whole family support",
    source=Source(
        title="Helping families stay together (Whole Family Wellbeing Funding announcement)",
        publisher="Scottish Government", year=2022, section="8 July 2022",
        quote="from 2030, we will be investing at least 5% of all community-based health and "
        "social care spend in preventative whole family support measures"),
    note="Scotland's commitment is over ALL community-based health and social care spend "
    "(adults too), a much wider base than English councils' children's services spend; "
    "applying 5% to the s251 lines is an analogy, shown as a floor (Programme for "
    "Government 2021-22 first set the ambition).",
    reviewed=REVIEWED)
WEBB_2021 = Source(
    title="In Defence of Ordinary Help: Estimating the effect of Early Help/Family Support "
    "Spending on Children in Need Rates in England using ALT-SR",
    publisher="Calum Webb, Journal of Social Policy (Cambridge University Press)",
    year=2021, section="published online 6 December 2021",
    quote="1% increases in expenditure were associated with between 0.07% and 0.157% "
    "decreases in CIN rates")
WEBB_ELASTICITY_LOW = Parameter(
    value=-0.07, unit=Unit.RATIO,
    label="Elasticity of children-in-need rates to preventive spend, 2010-11 to 2014-15 "
    "(Webb, smaller)",
    source=WEBB_2021,
    note="A causal-model estimate for 2010-11 to 2014-15; not significant from 2014-15 on. "
    "Context for fundmodel's descriptive ratios, which are not causal.",
    reviewed=REVIEWED)
WEBB_ELASTICITY_HIGH = Parameter(
    value=-0.157, unit=Unit.RATIO,
    label="Elasticity of children-in-need rates to preventive spend, 2010-11 to 2014-15 "
    "(Webb, larger)",
    source=WEBB_2021, note=WEBB_ELASTICITY_LOW.note, reviewed=REVIEWED)
ELASTICITY_MIN_DEMAND_CHANGE = Parameter(
    value=5.0, unit=Unit.PERCENT,
    label="Smallest demand change for which a spend/demand ratio is reported as stable",
    source=FUNDMODEL_ASSUMPTION,
    note="Below a 5% change in demand the ratio of log growths explodes (division by nearly "
    "zero); such councils are flagged 'unstable', not dropped.",
    reviewed=REVIEWED, assumption=True)

SPENDING_PARAMETERS: list[Parameter] = [
    NAO_PREVENTIVE_SHARE_2010_11, NAO_PREVENTIVE_SHARE_2017_18, PROMISE_PREVENTIVE_SHARE,
    WEBB_ELASTICITY_LOW, WEBB_ELASTICITY_HIGH, ELASTICITY_MIN_DEMAND_CHANGE,
]
"""Every Parameter record in this module (for the convention tests)."""

# --------------------------------------------------------------------------- service lines

Dataset = Literal["s251", "ro3"]
Role = Literal["spend", "total", "component", "unit_cost"]


@dataclass(frozen=True)
class ServiceLine:
    """One service line of the embedded series: its dataset, label and role.

    Only ``spend`` lines can be mapped to categories: ``total`` lines reconcile them,
    ``component`` lines are parts of a mapped line (mapping both double counts), and
    ``unit_cost`` lines are not spend at all.
    """

    measure: str
    dataset: Dataset
    label: str
    role: Role
    note: str = ""


_ADOPTION_NOTE = ("LAIT's AdoptionFinance is a weekly unit cost in GBP per child per week, not "
                  "spend; adoption spend is already inside s251_lac")

SERVICE_LINES: dict[str, ServiceLine] = {
    line.measure: line for line in (
        ServiceLine("s251_lac", "s251", "Children looked after", "spend"),
        ServiceLine("s251_safeguarding", "s251", "Safeguarding children and young people",
                    "spend"),
        ServiceLine("s251_family_support", "s251", "Family support services", "spend"),
        ServiceLine("s251_other_children_family", "s251", "Other children's and family services",
                    "spend"),
        ServiceLine("s251_sure_start", "s251", "Sure Start children's centres and early years",
                    "spend"),
        ServiceLine("s251_young_people", "s251", "Services for young people", "spend"),
        ServiceLine("s251_youth_justice", "s251", "Youth justice", "spend"),
        ServiceLine("s251_cyps_total", "s251", "Children and young people's services total",
                    "total", "the sum of the seven s251 spend lines"),
        ServiceLine("s251_adoption", "s251", "Adoption (weekly unit cost)", "unit_cost",
                    _ADOPTION_NOTE),
        ServiceLine("ro3_lac_net", "ro3", "Children looked after (net)", "spend"),
        ServiceLine("ro3_safeguarding_net", "ro3", "Safeguarding (net)", "spend"),
        ServiceLine("ro3_family_support_net", "ro3", "Family support services (net)", "spend"),
        ServiceLine("ro3_other_children_family_net", "ro3",
                    "Other children and family services (net)", "spend"),
        ServiceLine("ro3_sure_start_net", "ro3", "Sure Start and early years (net)", "spend"),
        ServiceLine("ro3_young_people_net", "ro3", "Services for young people (net)", "spend"),
        ServiceLine("ro3_youth_justice_net", "ro3", "Youth justice (net)", "spend"),
        ServiceLine("ro3_asylum_seekers_net", "ro3", "Asylum seekers (net)", "spend"),
        ServiceLine("ro3_csc_net", "ro3", "Total children's social care (net)", "total",
                    "the sum of the eight RO3 spend lines"),
        *(ServiceLine(f"ro3_lac_{part}_net", "ro3", f"Children looked after: {part} (net)",
                      "component", "a part of ro3_lac_net")
          for part in ("fostering", "residential", "other", "uasc")),
    )
}
"""Every service line fundmodel knows, keyed by series measure."""

TOTAL_LINE: dict[str, str] = {"s251": "s251_cyps_total", "ro3": "ro3_csc_net"}
RECONCILE_TOLERANCE: dict[str, float] = {"s251": 10.0, "ro3": 10_000.0}
"""Largest difference (pounds) between the mapped lines and the published total that is
rounding: s251 is published to the pound (a few pounds over seven lines), RO3 in thousands
of pounds (up to £1,000 a line)."""


def dataset_lines(dataset: str, role: Role = "spend") -> tuple[str, ...]:
    """The service lines of ``dataset`` with ``role``.

    >>> dataset_lines("s251")[:2]
    ('s251_lac', 's251_safeguarding')
    """
    return tuple(m for m, s in SERVICE_LINES.items() if s.dataset == dataset and s.role == role)


# --------------------------------------------------------------------------- taxonomies

_ID = r"^[a-z][a-z0-9_]*$"


class Category(FrozenModel):
    """A spending category: an identifier and a label for tables and charts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)


class LineMapping(FrozenModel):
    """One service line assigned to a category, with the reason and the source (a key of the
    taxonomy's ``sources``). ``assumption`` marks fundmodel's (or your) reading."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: str
    category: str
    reason: str = Field(min_length=1)
    source: str
    assumption: bool = False


class ExcludedLine(FrozenModel):
    """A service line deliberately left out, with the reason."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: str
    reason: str = Field(min_length=1)


class Taxonomy(FrozenModel):
    """A spending taxonomy: categories, and every service line of each dataset it covers
    mapped to one category (or excluded) with its reason and source.

    ``focus`` is the category whose share is tracked (e.g. ``preventive``). A dataset is
    covered when any of its lines is mapped; then every spend line of that dataset must be
    mapped or excluded, so nothing drops out silently. Totals, components and unit costs
    cannot be mapped (they would double count or mix units).

    >>> t = load_taxonomy("prevention")
    >>> t.focus, t.datasets()
    ('preventive', ['ro3', 's251'])
    >>> t.mapping("s251")["s251_sure_start"]
    'preventive'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    focus: str
    reviewed: dt.date
    categories: tuple[Category, ...] = Field(min_length=2)
    sources: dict[str, Source] = Field(min_length=1)
    lines: tuple[LineMapping, ...] = Field(min_length=1)
    excluded: tuple[ExcludedLine, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Taxonomy:
        ids = [c.id for c in self.categories]
        if len(set(ids)) != len(ids):
            raise ValueError(f"taxonomy {self.name!r}: duplicate category ids {ids}")
        if self.focus not in ids:
            raise ValueError(f"taxonomy {self.name!r}: focus {self.focus!r} is not a category "
                             f"({', '.join(ids)})")
        seen: dict[str, str] = {}
        entries: list[LineMapping | ExcludedLine] = [*self.lines, *self.excluded]
        for entry in entries:
            if entry.line not in SERVICE_LINES:
                raise ValueError(f"taxonomy {self.name!r}: unknown service line {entry.line!r}; "
                                 f"known: {', '.join(SERVICE_LINES)}")
            if entry.line in seen:
                raise ValueError(f"taxonomy {self.name!r}: line {entry.line!r} appears twice")
            seen[entry.line] = "mapped" if isinstance(entry, LineMapping) else "excluded"
        for m in self.lines:
            info = SERVICE_LINES[m.line]
            if info.role != "spend":
                raise ValueError(f"taxonomy {self.name!r}: line {m.line!r} cannot be mapped: it "
                                 f"is a {info.role.replace('_', ' ')} line ({info.note})")
            if m.category not in ids:
                raise ValueError(f"taxonomy {self.name!r}: line {m.line!r} maps to unknown "
                                 f"category {m.category!r} ({', '.join(ids)})")
            if m.source not in self.sources:
                raise ValueError(f"taxonomy {self.name!r}: line {m.line!r} cites source "
                                 f"{m.source!r}, not among sources ({', '.join(self.sources)})")
        for dataset in self.datasets():
            missing = [line for line in dataset_lines(dataset) if line not in seen]
            if missing:
                raise ValueError(f"taxonomy {self.name!r}: {dataset} lines neither mapped nor "
                                 f"excluded: {', '.join(missing)}")
            used = set(self.mapping(dataset).values())
            if len(used) < 2 or self.focus not in used:
                raise ValueError(f"taxonomy {self.name!r}: the {dataset} lines must use the focus "
                                 f"category {self.focus!r} and at least one other")
        return self

    def datasets(self) -> list[str]:
        """The datasets this taxonomy covers (any line mapped)."""
        return sorted({SERVICE_LINES[m.line].dataset for m in self.lines})

    def mapping(self, dataset: str) -> dict[str, str]:
        """Line -> category for one dataset, in the taxonomy's order."""
        return {m.line: m.category for m in self.lines if SERVICE_LINES[m.line].dataset == dataset}

    def category_ids(self) -> tuple[str, ...]:
        """Category identifiers in the taxonomy's order."""
        return tuple(c.id for c in self.categories)

    def label(self, category: str) -> str:
        """The label of ``category``."""
        return {c.id: c.label for c in self.categories}[category]

    def matrix(self, dataset: str) -> tuple[tuple[str, ...], FloatArray]:
        """The lines of ``dataset`` and the categories x lines 0/1 matrix mapping them.

        >>> lines, m = load_taxonomy("statutory").matrix("s251")
        >>> m.sum(axis=0).tolist() == [1.0] * len(lines)
        True
        """
        if dataset not in self.datasets():
            raise FormulaError(f"taxonomy {self.name!r} maps no {dataset} lines "
                               f"(it covers {', '.join(self.datasets())})")
        mapping = self.mapping(dataset)
        lines = tuple(mapping)
        ids = self.category_ids()
        out = np.zeros((len(ids), len(lines)))
        out[[ids.index(mapping[line]) for line in lines], np.arange(len(lines))] = 1.0
        return lines, out

    def reasons(self) -> pd.DataFrame:
        """One row per line: dataset, line, label, category, reason, source, assumption
        (excluded lines with category ``(excluded)``)."""
        rows = [{"dataset": SERVICE_LINES[m.line].dataset, "line": m.line,
                 "label": SERVICE_LINES[m.line].label, "category": m.category,
                 "reason": m.reason, "source": self.sources[m.source].cite(),
                 "assumption": m.assumption} for m in self.lines]
        rows += [{"dataset": SERVICE_LINES[e.line].dataset, "line": e.line,
                  "label": SERVICE_LINES[e.line].label, "category": "(excluded)",
                  "reason": e.reason, "source": "", "assumption": False} for e in self.excluded]
        return pd.DataFrame(rows)


def shipped_taxonomies() -> list[str]:
    """Names of the taxonomies shipped with fundmodel.

    >>> shipped_taxonomies()
    ['prevention', 'safeguarding', 'statutory']
    """
    folder = resources.files("fundmodel.taxonomies")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def taxonomy_from_data(data: Any, label: str) -> Taxonomy:
    """Validate parsed YAML as a :class:`Taxonomy`; errors name ``label``, the field and value."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{label}: a taxonomy must be a mapping, got {type(data).__name__}")
    try:
        return Taxonomy.model_validate(data)
    except InvalidInputError as exc:
        raise ScenarioError(f"{label}: {exc}") from None


def load_taxonomy(name_or_path: str | Path) -> Taxonomy:
    """A shipped taxonomy by name (:func:`shipped_taxonomies`) or your own YAML file.

    >>> load_taxonomy("safeguarding").focus
    'non_safeguarding'
    >>> load_taxonomy("nonsense")
    Traceback (most recent call last):
    ...
    fundmodel.errors.ScenarioError: no taxonomy 'nonsense': give a shipped name (...) or a path ...
    """
    text = str(name_or_path)
    if text in shipped_taxonomies():
        raw = resources.files("fundmodel.taxonomies").joinpath(f"{text}.yaml").read_text("utf-8")
        return taxonomy_from_data(load_yaml_text(raw, f"fundmodel/taxonomies/{text}.yaml"), text)
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml") and path.exists():
        return taxonomy_from_data(load_yaml_file(path), str(path))
    raise ScenarioError(f"no taxonomy {text!r}: give a shipped name "
                        f"({', '.join(shipped_taxonomies())}) or a path to a .yaml file "
                        "that exists")


# --------------------------------------------------------------------------- vectorised measures


def category_spend(values: FloatArray, matrix: FloatArray) -> FloatArray:
    """Categories x councils x years from lines x councils x years; a council-year with any
    line missing (NaN) is missing in every category (never treated as zero).

    >>> v = np.array([[[10.0, 1.0]], [[30.0, np.nan]]])   # 2 lines, 1 council, 2 years
    >>> category_spend(v, np.array([[1.0, 0.0], [0.0, 1.0]])).tolist()
    [[[10.0, nan]], [[30.0, nan]]]
    """
    gap = np.isnan(values).any(axis=0)
    out: FloatArray = np.einsum("cl,lnt->cnt", matrix, np.nan_to_num(values))
    out[:, gap] = np.nan
    return out


def shares(parts: FloatArray) -> FloatArray:
    """Each category's share of the total over categories (axis 0); NaN where the total is
    not positive or missing.

    >>> shares(np.array([[25.0, 0.0], [75.0, 0.0]])).tolist()
    [[0.25, nan], [0.75, nan]]
    """
    total = parts.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(total > 0, parts / total, np.nan)
    return out


def _check_target(target: float) -> None:
    if not 0.0 <= target < 1.0:
        raise FormulaError(f"target share must be at least 0 and below 1, got {target}")


def move_to_target(focus: FloatArray, total: FloatArray, target: float) -> FloatArray:
    """Money to move into the focus category, total unchanged, to reach ``target`` share:
    max(0, target x total - focus). NaN stays NaN.

    >>> move_to_target(np.array([10.0, 40.0]), np.array([100.0, 100.0]), 0.25).tolist()
    [15.0, 0.0]
    """
    _check_target(target)
    out: FloatArray = np.maximum(0.0, target * total - focus)
    out[np.isnan(focus) | np.isnan(total)] = np.nan
    return out


def add_to_target(focus: FloatArray, total: FloatArray, target: float) -> FloatArray:
    """New money for the focus category, other spend unchanged, to reach ``target`` share:
    (focus + a) / (total + a) = target, so a = max(0, (target x total - focus) / (1 - target)).

    >>> add_to_target(np.array([10.0]), np.array([100.0]), 0.25).tolist()  # 30/120 = 25%
    [20.0]
    """
    _check_target(target)
    return move_to_target(focus, total, target) / (1.0 - target)


def arc_elasticity(spend_start: FloatArray, spend_end: FloatArray, demand_start: FloatArray,
                   demand_end: FloatArray) -> FloatArray:
    """Ratio of log growths, ln(spend_end / spend_start) / ln(demand_end / demand_start):
    1 = spend grew in step with demand. NaN where any value is not positive or demand did
    not change. Descriptive only: not a causal effect.

    >>> round(float(arc_elasticity(np.array([100.0]), np.array([121.0]),
    ...                            np.array([100.0]), np.array([110.0]))[0]), 6)
    2.0
    """
    arrays = [np.asarray(a, np.float64) for a in (spend_start, spend_end, demand_start,
                                                    demand_end)]
    ok = np.all([a > 0 for a in arrays], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log(np.where(ok, arrays[1] / arrays[0], np.nan))
        d = np.log(np.where(ok, arrays[3] / arrays[2], np.nan))
        out: FloatArray = np.where(ok & (d != 0), s / d, np.nan)
    return out


# --------------------------------------------------------------------------- the panel


@dataclass(frozen=True, eq=False)
class _Cube:
    """Measures x entities x periods, with the source flag of every cell."""

    measures: tuple[str, ...]
    codes: tuple[str, ...]
    periods: tuple[str, ...]
    values: FloatArray
    flags: ObjArray


_ABSENT = "authority did not exist (reorganisation)"


@lru_cache(maxsize=8)
def _cube(measures: tuple[str, ...], periods: tuple[str, ...] | None,
          predecessors: bool) -> _Cube:
    """Pivot the long series table to arrays. ``predecessors=False``: current authorities
    (same-area recodes kept, so Buckinghamshire has its full history); ``True``: every
    authority with a figure, same-area recodes dropped (the summing rule of the data)."""
    from fundmodel.series import load_series

    frame = load_series()
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


# --------------------------------------------------------------------------- the analysis


@dataclass(frozen=True, eq=False)
class SpendingAnalysis:
    """Spend by category per council per year (arrays: categories x councils x years), with
    the line figures, children aged 0-17, an optional deflator and the aggregates.

    Use :meth:`to_frame`, :meth:`focus_share`, :meth:`share_change`, :meth:`growth`,
    :meth:`aggregates`, :meth:`demand_frame`, :meth:`elasticities`, :meth:`target_check`.
    """

    taxonomy: Taxonomy
    dataset: str
    periods: tuple[str, ...]
    codes: np.ndarray
    names: np.ndarray
    regions: np.ndarray
    lines: tuple[str, ...]
    line_values: FloatArray
    category_values: FloatArray
    gap: np.ndarray
    children: FloatArray
    deflator: Deflator | None
    factors: FloatArray | None
    reconciliation: pd.DataFrame
    agg_codes: tuple[str, ...]
    agg_regions: np.ndarray
    agg_values: FloatArray
    agg_children: FloatArray
    complete_area: bool
    version: str = __version__
    notes: tuple[str, ...] = field(default=())

    # ------------------------------------------------------------ basics
    @property
    def categories(self) -> tuple[str, ...]:
        """Category identifiers."""
        return self.taxonomy.category_ids()

    @property
    def focus(self) -> str:
        """The tracked category."""
        return self.taxonomy.focus

    def _period_index(self, period: str) -> int:
        if period not in self.periods:
            raise FormulaError(f"no period {period!r} in the {self.dataset} series "
                               f"({self.periods[0]}..{self.periods[-1]})")
        return self.periods.index(period)

    @cached_property
    def total(self) -> FloatArray:
        """Sum of the mapped lines per council per year (councils x years; NaN = gap)."""
        out: FloatArray = self.category_values.sum(axis=0)
        return out

    @cached_property
    def category_shares(self) -> FloatArray:
        """Each category's share of the total (categories x councils x years)."""
        return shares(self.category_values)

    def focus_share(self) -> pd.DataFrame:
        """The focus category's share (0-1) per council (rows, ONS code) and year (columns)."""
        k = self.categories.index(self.focus)
        frame = pd.DataFrame(self.category_shares[k], index=pd.Index(self.codes, name="code"),
                             columns=pd.Index(self.periods, name="period"))
        return frame

    def sources(self) -> list[str]:
        """Citations: the embedded columns behind the lines and the taxonomy's sources."""
        from fundmodel.provenance import cite_columns

        cited = cite_columns([*self.lines, "children_0_17"])
        cited += [s.cite() for s in self.taxonomy.sources.values()]
        if self.deflator is not None:
            cited.append(f"deflator: {self.deflator.name}")
        return cited

    # ------------------------------------------------------------ tables
    def to_frame(self) -> pd.DataFrame:
        """One row per council per year: code, name, region, period, total, spend and share of
        each category, total_real (with a deflator), total and focus per child, year-on-year
        growth of the total (%), and ``gap`` (why a council-year has no figures; '' if none)."""
        n, t = self.total.shape
        frame = pd.DataFrame({
            "code": np.repeat(self.codes, t), "name": np.repeat(self.names, t),
            "region": np.repeat(self.regions, t), "period": np.tile(np.array(self.periods), n),
            "total": self.total.ravel(),
        })
        for k, cat in enumerate(self.categories):
            frame[cat] = self.category_values[k].ravel()
        for k, cat in enumerate(self.categories):
            frame[f"share_{cat}"] = self.category_shares[k].ravel()
        if self.factors is not None:
            frame["total_real"] = (self.total * self.factors[None, :]).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["total_per_child"] = (self.total / self.children).ravel()
            k = self.categories.index(self.focus)
            frame[f"{self.focus}_per_child"] = (self.category_values[k] / self.children).ravel()
            yoy = np.full(self.total.shape, np.nan)
            yoy[:, 1:] = 100.0 * (self.total[:, 1:] / self.total[:, :-1] - 1.0)
        frame["total_growth_pct"] = yoy.ravel()
        frame["gap"] = self.gap.ravel()
        return frame

    def share_change(self, start: str | None = None, end: str | None = None) -> pd.DataFrame:
        """Councils ranked by the change in focus share from ``start`` to ``end`` (default the
        first and last years): share_start, share_end (%), change_pp, ``rank`` (1 = largest
        fall), direction (fell / rose / unchanged / gap) and the gap reason. Councils without
        both years are listed unranked (NaN), never filled from another year."""
        s = self._period_index(start or self.periods[0])
        e = self._period_index(end or self.periods[-1])
        share = self.focus_share().to_numpy()
        a, b = 100.0 * share[:, s], 100.0 * share[:, e]
        change = b - a
        ok = ~np.isnan(change)
        direction = np.where(~ok, "gap", np.where(change < 0, "fell",
                                                  np.where(change > 0, "rose", "unchanged")))
        rank = np.full(change.shape, np.nan)
        order = np.lexsort((self.codes[ok], change[ok]))
        ranks = np.empty(order.size)
        ranks[order] = np.arange(1, order.size + 1)
        rank[ok] = ranks
        gap = np.where(ok, "", np.where(self.gap[:, s] != "", self.gap[:, s], self.gap[:, e]))
        frame = pd.DataFrame({"code": self.codes, "name": self.names, "region": self.regions,
                              "share_start": a, "share_end": b, "change_pp": change,
                              "rank": rank, "direction": direction, "gap": gap})
        frame.attrs.update(start=self.periods[s], end=self.periods[e], focus=self.focus)
        return frame.sort_values(["rank", "code"], na_position="last").reset_index(drop=True)

    def growth(self, start: str | None = None, end: str | None = None,
               real: bool = False) -> pd.DataFrame:
        """Growth (%) of each category and the total per council from ``start`` to ``end``,
        cash or real (needs a deflator), with the compound annual rate of the total."""
        s = self._period_index(start or self.periods[0])
        e = self._period_index(end or self.periods[-1])
        if real and self.factors is None:
            raise FormulaError("real-terms growth needs a deflator: analyse_spending(..., "
                               "deflator=...)")
        factor = self.factors if real and self.factors is not None else np.ones(len(self.periods))
        values = np.concatenate([self.category_values, self.total[None]]) * factor[None, None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = 100.0 * (values[:, :, e] / values[:, :, s] - 1.0)
            years = max(e - s, 1)
            cagr = 100.0 * ((values[-1, :, e] / values[-1, :, s]) ** (1.0 / years) - 1.0)
        frame = pd.DataFrame({"code": self.codes, "name": self.names, "region": self.regions})
        for k, cat in enumerate((*self.categories, "total")):
            frame[f"{cat}_growth_pct"] = pct[k]
        frame["total_annual_growth_pct"] = cagr
        frame.attrs.update(start=self.periods[s], end=self.periods[e], real=real)
        return frame

    def aggregates(self) -> pd.DataFrame:
        """England (all councils analysed) and each region per year: councils with a figure
        for every line, spend per line and category (each line summed over the councils that
        have it, predecessors included and same-area recodes not double counted), total,
        focus share, per child, and real terms. These sums reproduce DfE's England rows."""
        lines = self.lines
        values = self.agg_values  # lines x entities x periods
        present = ~np.isnan(values)
        summed = np.nan_to_num(values)
        regions = np.array(sorted(set(self.agg_regions.tolist())))
        group = np.searchsorted(regions, self.agg_regions)
        one_hot = np.zeros((regions.size + 1, group.size))
        one_hot[group, np.arange(group.size)] = 1.0
        one_hot[-1] = 1.0  # the national row
        area_names = [*regions.tolist(), "England" if self.complete_area else "All councils"]
        line_sums = np.einsum("ae,let->alt", one_hot, summed)
        complete = present.all(axis=0)
        councils = np.einsum("ae,et->at", one_hot, complete.astype(float))
        kids_ok = np.where(complete, np.nan_to_num(self.agg_children), 0.0)
        kids = np.einsum("ae,et->at", one_hot, kids_ok)
        _, matrix = self.taxonomy.matrix(self.dataset)
        cats = np.einsum("cl,alt->act", matrix, line_sums)
        total = cats.sum(axis=1)
        a, t = total.shape
        frame = pd.DataFrame({"area": np.repeat(area_names, t),
                              "period": np.tile(np.array(self.periods), a),
                              "councils_complete": councils.ravel().astype(int)})
        for k, line in enumerate(lines):
            frame[line] = line_sums[:, k, :].ravel()
        for k, cat in enumerate(self.categories):
            frame[cat] = cats[:, k, :].ravel()
        frame["total"] = total.ravel()
        k = self.categories.index(self.focus)
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["focus_share"] = (cats[:, k, :] / total).ravel()
            complete_total = np.einsum("ae,et->at", one_hot,
                                       np.where(complete, np.nansum(values, axis=0), 0.0))
            frame["total_per_child"] = (complete_total / kids).ravel()
        if self.factors is not None:
            frame["total_real"] = (total * self.factors[None, :]).ravel()
        frame.attrs.update(focus=self.focus)
        return frame

    # ------------------------------------------------------------ demand
    @cached_property
    def _demand(self) -> dict[str, FloatArray]:
        measures = (*DEMAND_MEASURES.values(), "cla_rate_per_10k_lait")
        snapshot = tuple(_fy_offset(self.periods, 1))
        cube = _cube(measures, snapshot, False)
        values, _ = _take(cube, self.codes)
        return {name: values[k] for k, name in enumerate((*DEMAND_MEASURES, "cla_published"))}

    def demand_frame(self) -> pd.DataFrame:
        """Demand beside spend, one row per council per financial year: referrals (in the year
        to 31 March), children in need, on a child protection plan and looked after (at 31
        March) as counts and per 10,000 children aged 0-17 (mid-year population at the start
        of the financial year); ``cla_per_10k_published`` is DfE's own rate (LAIT)."""
        n, t = self.total.shape
        frame = pd.DataFrame({"code": np.repeat(self.codes, t), "name": np.repeat(self.names, t),
                              "region": np.repeat(self.regions, t),
                              "period": np.tile(np.array(self.periods), n),
                              "as_at": np.tile(np.array(_fy_offset(self.periods, 1)), n),
                              "children_0_17": self.children.ravel()})
        with np.errstate(divide="ignore", invalid="ignore"):
            for name in DEMAND_MEASURES:
                frame[name] = self._demand[name].ravel()
                frame[f"{name}_per_10k"] = (1e4 * self._demand[name] / self.children).ravel()
        frame["cla_per_10k_published"] = self._demand["cla_published"].ravel()
        return frame

    def elasticities(self, demand: str = "cla", category: str | None = None,
                     start: str | None = None, end: str | None = None,
                     real: bool = False) -> pd.DataFrame:
        """Spend growth against demand growth per council from ``start`` to ``end``: growth of
        ``category`` spend (the total when None; real terms with ``real``) and of the
        ``demand`` count (referrals, cin, cpp, cla), and their ratio of log growths
        (:func:`arc_elasticity`). ``stable`` is False where demand changed by less than
        ELASTICITY_MIN_DEMAND_CHANGE (the ratio explodes). Descriptive, not causal: spend
        follows prices, placement mix and policy as well as numbers; counts at 31 March miss
        flows; recording practice changes; small councils swing. Webb (2021) gives causal
        estimates of -0.07 to -0.157 (children-in-need rates per 1% preventive spend)."""
        if demand not in DEMAND_MEASURES:
            raise FormulaError(f"unknown demand measure {demand!r}; use one of "
                               f"{', '.join(DEMAND_MEASURES)}")
        s = self._period_index(start or self.periods[0])
        e = self._period_index(end or self.periods[-1])
        if category is None:
            spend = self.total
        elif category in self.categories:
            spend = self.category_values[self.categories.index(category)]
        else:
            raise FormulaError(f"unknown category {category!r} ({', '.join(self.categories)})")
        if real:
            if self.factors is None:
                raise FormulaError("real-terms elasticities need a deflator")
            spend = spend * self.factors[None, :]
        d = self._demand[demand]
        with np.errstate(divide="ignore", invalid="ignore"):
            spend_growth = 100.0 * (spend[:, e] / spend[:, s] - 1.0)
            demand_growth = 100.0 * (d[:, e] / d[:, s] - 1.0)
        ratio = arc_elasticity(spend[:, s], spend[:, e], d[:, s], d[:, e])
        limit = ELASTICITY_MIN_DEMAND_CHANGE.value
        stable = np.abs(demand_growth) >= limit
        frame = pd.DataFrame({"code": self.codes, "name": self.names, "region": self.regions,
                              "spend_start": spend[:, s], "spend_end": spend[:, e],
                              "demand_start": d[:, s], "demand_end": d[:, e],
                              "spend_growth_pct": spend_growth,
                              "demand_growth_pct": demand_growth,
                              "elasticity": ratio, "stable": stable & ~np.isnan(ratio)})
        frame.attrs.update(demand=demand, category=category or "total",
                           start=self.periods[s], end=self.periods[e], real=real)
        return frame

    # ------------------------------------------------------------ targets
    def target_check(self, target: Parameter | float, period: str | None = None,
                     asks: tuple[InvestmentResult, ...] | None = None) -> TargetCheck:
        """What each council would need to reach ``target`` (a focus share in percent, e.g.
        :data:`PROMISE_PREVENTIVE_SHARE` or :data:`NAO_PREVENTIVE_SHARE_2010_11`) in ``period``
        (default the last year): money to move into the focus category within today's total,
        or new money to add to it, in whole pence; compared with investment asks (default the
        Family Help and Care Review asks, their average year)."""
        param = _target_parameter(target)
        t = self._period_index(period or self.periods[-1])
        k = self.categories.index(self.focus)
        focus = self.category_values[k, :, t]
        total = self.total[:, t]
        share = param.value / 100.0
        move = _pence(move_to_target(focus, total, share))
        add = _pence(add_to_target(focus, total, share))
        if asks is None:
            from fundmodel.presets import care_review_ask, family_help_ask

            asks = (family_help_ask().run(), care_review_ask().run())
        return TargetCheck(analysis=self, target=param, period=self.periods[t],
                           focus_spend=focus, total=total, move_pence=move, add_pence=add,
                           asks=tuple(asks))

    # ------------------------------------------------------------ display
    def summary(self) -> str:
        """Plain-text headline: England's focus share first and last year, councils whose
        share fell, gaps."""
        agg = self.aggregates()
        top = agg[agg["area"] == agg["area"].iloc[-1]].set_index("period")
        first, last = self.periods[0], self.periods[-1]
        change = self.share_change()
        fell = int((change["direction"] == "fell").sum())
        ranked = int(change["rank"].notna().sum())
        gaps = int((self.gap != "").sum())
        lines = [
            f"{self.taxonomy.title} ({self.dataset}, {first}..{last}): "
            f"{self.focus} share {100 * top.loc[first, 'focus_share']:.1f}% -> "
            f"{100 * top.loc[last, 'focus_share']:.1f}% ({agg['area'].iloc[-1]})",
            f"  total {format_gbp(float(top.loc[first, 'total']))} -> "
            f"{format_gbp(float(top.loc[last, 'total']))} cash",
            f"  {fell} of {ranked} councils with both years saw the {self.focus} share fall; "
            f"{len(change) - ranked} councils lack one of the years",
            f"  {gaps} council-years are gaps (shown as missing, never interpolated)",
        ]
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"SpendingAnalysis({self.taxonomy.name!r}, {self.dataset}, "
                f"{self.periods[0]}..{self.periods[-1]}, councils={self.codes.size})")

    def _repr_html_(self) -> str:
        return _html_block(f"{self.taxonomy.title}: spending analysis", self.summary(),
                           self.version)


def _html_block(title: str, summary: str, version: str) -> str:
    lines = summary.splitlines()
    items = "".join(f"<li>{html.escape(x.strip())}</li>" for x in lines[1:])
    return (f"<div><strong>{html.escape(title)}</strong><p>{html.escape(lines[0])}</p>"
            f"<ul>{items}</ul><small>fundmodel {html.escape(version)}; use .to_frame()"
            "</small></div>")


def _pence(pounds: FloatArray) -> IntArray:
    """Whole pence (NaN -> -1 sentinel is never used: callers keep a mask)."""
    out: IntArray = np.round(np.nan_to_num(pounds, nan=0.0) * 100.0).astype(np.int64)
    return out


def _target_parameter(target: Parameter | float) -> Parameter:
    param = as_parameter(target, "target share", Unit.PERCENT)
    if not isinstance(param, Parameter) or param.unit != Unit.PERCENT:
        raise FormulaError(f"target must be a percentage Parameter or a number, got {target!r}")
    _check_target(param.value / 100.0)
    return param


@dataclass(frozen=True, eq=False)
class TargetCheck:
    """The money each council would need to reach a focus-share target in one year."""

    analysis: SpendingAnalysis
    target: Parameter
    period: str
    focus_spend: FloatArray
    total: FloatArray
    move_pence: IntArray
    add_pence: IntArray
    asks: tuple[InvestmentResult, ...]

    @property
    def has_data(self) -> BoolArray:
        """Councils with a total in the period."""
        ok: BoolArray = ~np.isnan(self.total) & ~np.isnan(self.focus_spend)
        return ok

    @property
    def below(self) -> BoolArray:
        """Councils below the target share."""
        with np.errstate(invalid="ignore"):
            low: BoolArray = self.has_data & (self.move_pence > 0)
        return low

    @property
    def move_total(self) -> float:
        """Pounds to move within councils' budgets, summed over councils below target."""
        return int(self.move_pence[self.has_data].sum()) / 100.0

    @property
    def add_total(self) -> float:
        """New pounds a year, summed over councils below target."""
        return int(self.add_pence[self.has_data].sum()) / 100.0

    def ask_per_year(self) -> list[tuple[str, float, float]]:
        """(label, headline, average per year) of each ask, pounds."""
        return [(a.label, a.headline, a.total / len(a.years)) for a in self.asks]

    def to_frame(self) -> pd.DataFrame:
        """One row per council: focus spend, total, share (%), ``move_needed`` and
        ``add_needed`` (pounds), the first ask's average year for the council and whether it
        covers the add."""
        a = self.analysis
        ok = self.has_data
        with np.errstate(divide="ignore", invalid="ignore"):
            share = 100.0 * self.focus_spend / self.total
        frame = pd.DataFrame({
            "code": a.codes, "name": a.names, "region": a.regions,
            "focus_spend": self.focus_spend, "total": self.total, "share_pct": share,
            "target_pct": self.target.value,
            "move_needed": np.where(ok, self.move_pence / 100.0, np.nan),
            "add_needed": np.where(ok, self.add_pence / 100.0, np.nan),
        })
        if self.asks:
            first = self.asks[0]
            per_year = first.council_amounts().reindex(a.codes).to_numpy() / len(first.years)
            frame["ask_per_year"] = per_year
            covers = per_year >= frame["add_needed"].to_numpy()
            frame["ask_covers_add"] = np.where(ok, covers, False)
        frame.attrs.update(period=self.period, focus=a.focus,
                           ask=self.asks[0].label if self.asks else "")
        return frame

    def summary(self) -> str:
        """The target, councils below it, and the cost against the asks."""
        n_ok = int(self.has_data.sum())
        lines = [f"Target {self.target.value:g}% {self.analysis.focus} share "
                 f"({self.target.source.cite()}), {self.period}: "
                 f"{int(self.below.sum())} of {n_ok} councils below",
                 f"  move within budgets {format_gbp(self.move_total)}; or add "
                 f"{format_gbp(self.add_total)} a year of new {self.analysis.focus} money"]
        for label, headline, per_year in self.ask_per_year():
            lines.append(f"  vs {label}: {format_gbp(headline)} headline, "
                         f"{format_gbp(per_year)} a year on average; the add is "
                         f"{self.add_total / per_year:.2f}x a year of it")
        if self.asks:
            covered = self.to_frame()["ask_covers_add"]
            lines.append(f"  the {self.asks[0].label} average year covers the add in "
                         f"{int(covered[self.below].sum())} of {int(self.below.sum())} councils "
                         "below target")
        return "\n".join(lines)


# --------------------------------------------------------------------------- entry point


def analyse_spending(taxonomy: Taxonomy | str, *, dataset: Dataset = "s251",
                     deflator: Deflator | None = None,
                     authorities: Authorities | None = None) -> SpendingAnalysis:
    """Analyse the embedded ``dataset`` series under ``taxonomy`` (a model or a shipped name)
    for ``authorities`` (default the 153 embedded councils; codes must be current ONS codes).

    ``deflator`` gives real terms (``real = cash x index[base] / index[year]``); fundmodel
    ships no published deflator (see :func:`fundmodel.presets.illustrative_deflator`).

    >>> a = analyse_spending("statutory", dataset="ro3")
    >>> a.periods, a.categories
    (('2022-23', '2023-24', '2024-25'), ('statutory', 'non_statutory'))
    """
    from fundmodel.authorities import load_authorities

    tax = load_taxonomy(taxonomy) if isinstance(taxonomy, str) else taxonomy
    la = authorities if authorities is not None else load_authorities()
    lines, matrix = tax.matrix(dataset)
    cube = _cube(lines, None, False)
    unknown = sorted(set(la.codes.tolist()) - set(cube.codes))
    if unknown:
        raise DataError(f"no {dataset} series for authorities {unknown[:5]} (current ONS codes "
                        "of the embedded series only)")
    values, flags = _take(cube, la.codes)
    periods = cube.periods
    gap = _gap_reasons(lines, values, flags)
    cats = category_spend(values, matrix)
    kids_cube = _cube(("children_0_17",), tuple(_fy_offset(periods, 0)), False)
    children = _take(kids_cube, la.codes)[0][0]
    factors = None
    if deflator is not None:
        factors = np.array([deflator.factor(p) for p in periods])
    recon = _reconcile(dataset, lines, values, la.codes, periods)
    agg = _cube(lines, periods, True)
    agg_kids = _cube(("children_0_17",), tuple(_fy_offset(periods, 0)), True)
    keep = _aggregate_entities(agg.codes, la.codes)
    kids_idx = pd.Index(agg_kids.codes).get_indexer(pd.Index(np.array(agg.codes)[keep]))
    agg_children = np.where(kids_idx[:, None] >= 0,
                            agg_kids.values[0][np.maximum(kids_idx, 0)], np.nan)
    region_of = dict(zip(la.codes.tolist(), la.regions.tolist(), strict=True))
    agg_regions = np.array([region_of.get(c) or region_of[REORGANISED[c].successors[0]]
                            for c in np.array(agg.codes)[keep]])
    notes = _notes(dataset, recon)
    return SpendingAnalysis(
        taxonomy=tax, dataset=dataset, periods=periods, codes=la.codes, names=la.names,
        regions=la.regions, lines=lines, line_values=values, category_values=cats, gap=gap,
        children=children, deflator=deflator, factors=factors, reconciliation=recon,
        agg_codes=tuple(np.array(agg.codes)[keep]), agg_regions=agg_regions,
        agg_values=agg.values[:, keep, :], agg_children=agg_children,
        complete_area=la.n == 153 and set(la.codes) == set(load_authorities().codes),
        notes=notes)


def _aggregate_entities(cube_codes: tuple[str, ...], codes: np.ndarray) -> BoolArray:
    """Entities summed in the aggregates: the analysed councils, plus a former authority
    when every one of its successors is analysed (so a subset never takes a whole county)."""
    chosen = set(codes.tolist())
    keep = [c in chosen or (c in REORGANISED and set(REORGANISED[c].successors) <= chosen)
            for c in cube_codes]
    return np.array(keep, dtype=bool)


def _reconcile(dataset: str, lines: tuple[str, ...], values: FloatArray, codes: np.ndarray,
               periods: tuple[str, ...]) -> pd.DataFrame:
    """Council-years where the mapped lines differ from the published total by more than
    rounding (when the taxonomy maps every spend line of the dataset)."""
    columns = ["code", "period", "lines_sum", "published_total", "difference"]
    if set(lines) != set(dataset_lines(dataset)):
        return pd.DataFrame(columns=columns)
    total = _take(_cube((TOTAL_LINE[dataset],), periods, False), codes)[0][0]
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
        if dataset == "s251" else
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


# --------------------------------------------------------------------------- the scenario


class SpendingScenario(Scenario):
    """``kind: spending``: the balance of spending per council over time under a taxonomy,
    demand beside it, and the cost of reaching target shares.

    ``taxonomy`` is a shipped name, a path to your YAML file, or an inline taxonomy.
    ``targets`` are focus shares in percent (bare numbers are recorded as user-supplied).

    >>> s = prevention_scenario()
    >>> [t.value for t in s.targets], s.ask
    ([5.0, 41.0], 'family_help')
    """

    kind: Literal["spending"] = "spending"
    taxonomy: str | Taxonomy = "prevention"
    dataset: Dataset = "s251"
    start: str | None = None
    end: str | None = None
    targets: tuple[Parameter, ...] = (PROMISE_PREVENTIVE_SHARE, NAO_PREVENTIVE_SHARE_2010_11)
    deflator: Deflator | None = None
    demand: Literal["referrals", "cin", "cpp", "cla"] = "cla"
    ask: Literal["family_help", "care_review"] = "family_help"

    @field_validator("targets", mode="before")
    @classmethod
    def _target_parameters(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(as_parameter(v, "target share", Unit.PERCENT) for v in value)
        return value

    @field_validator("targets")
    @classmethod
    def _targets_percent(cls, value: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
        for p in value:
            if p.unit != Unit.PERCENT or not 0.0 <= p.value < 100.0:
                raise ValueError(f"target {p.label!r} must be a percentage in [0, 100), got "
                                 f"{p.value} {p.unit}")
        return value

    @field_validator("start", "end")
    @classmethod
    def _year(cls, value: str | None) -> str | None:
        if value is not None and year_label(year_start(value)) != value:
            raise ValueError(f"not a financial year label like '2016-17': {value!r}")
        return value

    def resolved_taxonomy(self) -> Taxonomy:
        """The taxonomy model (loading a shipped name or file)."""
        return self.taxonomy if isinstance(self.taxonomy, Taxonomy) else load_taxonomy(
            self.taxonomy)

    def run(self, authorities: Authorities | None = None) -> SpendingResult:
        """Analyse, rank the change, check each target against the ask."""
        from fundmodel.presets import care_review_ask, family_help_ask

        analysis = analyse_spending(self.resolved_taxonomy(), dataset=self.dataset,
                                    deflator=self.deflator, authorities=authorities)
        ask = (family_help_ask() if self.ask == "family_help" else care_review_ask()).run()
        checks = tuple(analysis.target_check(t, self.end, asks=(ask,)) for t in self.targets)
        return SpendingResult(
            scenario=self, analysis=analysis,
            change=analysis.share_change(self.start, self.end), targets=checks,
            elasticities=analysis.elasticities(self.demand, None, self.start, self.end))


def prevention_scenario() -> SpendingScenario:
    """Preset: prevention vs late intervention, s251 2016-17 to 2024-25, targets 5% (the
    Promise) and 41% (NAO 2010-11), against Family Help; cash terms.

    >>> prevention_scenario().header.title
    'Prevention vs late intervention, 2016-17 to 2024-25'
    """
    return SpendingScenario(
        header=ScenarioHeader(
            title="Prevention vs late intervention, 2016-17 to 2024-25",
            source=NAO_2019,
            assumes="the shipped 'prevention' line mapping (some lines fundmodel's reading); "
            "section 251 gross outturn in cash; targets applied to the s251 total although "
            "Scotland's 5% is of all community health and social care spend; Family Help's "
            "£2bn spread evenly over five years and distributed by the Children Act formula"),
    )


@dataclass(frozen=True, eq=False)
class SpendingResult:
    """What :meth:`SpendingScenario.run` returns."""

    scenario: SpendingScenario
    analysis: SpendingAnalysis
    change: pd.DataFrame
    targets: tuple[TargetCheck, ...]
    elasticities: pd.DataFrame
    version: str = __version__

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.scenario.header.title

    def council_amounts(self) -> pd.Series:
        """New money a year each council would need to reach the FIRST target (pounds, by
        ONS code; NaN where the council has no figures that year)."""
        if not self.targets:
            raise ScenarioError("the scenario has no targets, so no council amounts")
        frame = self.targets[0].to_frame().set_index("code")
        return frame["add_needed"].rename(f"add to reach {self.targets[0].target.value:g}%")

    def to_frame(self) -> pd.DataFrame:
        """One row per council: focus share start/end, change and rank, total spend growth,
        the add and move for each target, and the spend/demand elasticity."""
        frame = self.change.set_index("code")
        growth = self.analysis.growth(self.change.attrs["start"], self.change.attrs["end"])
        frame["total_growth_pct"] = growth.set_index("code")["total_growth_pct"]
        for check in self.targets:
            tf = check.to_frame().set_index("code")
            frame[f"move_to_{check.target.value:g}pct"] = tf["move_needed"]
            frame[f"add_to_{check.target.value:g}pct"] = tf["add_needed"]
        el = self.elasticities.set_index("code")
        frame["demand_growth_pct"] = el["demand_growth_pct"]
        frame["elasticity"] = el["elasticity"]
        frame["elasticity_stable"] = el["stable"]
        return frame.reset_index()

    def summary(self) -> str:
        """Headline lines of the analysis and every target."""
        parts = [self.label, self.analysis.summary(), *(c.summary() for c in self.targets)]
        el = self.elasticities
        stable = el[el["stable"]]
        if len(stable):
            parts.append(f"  spend/demand ({el.attrs['demand']}) ratio, median over "
                         f"{len(stable)} stable councils: {stable['elasticity'].median():.2f} "
                         "(descriptive, not causal)")
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"SpendingResult({self.label!r}, councils={self.analysis.codes.size})"

    def _repr_html_(self) -> str:
        return _html_block(self.label, self.summary(), self.version)

