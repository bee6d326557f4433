"""The spending analysis (:class:`SpendingAnalysis`): spend and shares by category, real terms,
growth, ranks, aggregates, demand."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel._types import BoolArray, FloatArray
from fundmodel._version import __version__
from fundmodel.engine.money import format_gbp
from fundmodel.engine.years import Deflator
from fundmodel.errors import FormulaError
from fundmodel.parameters.records import Parameter

if TYPE_CHECKING:
    from fundmodel.scenarios.family_help import InvestmentResult
from fundmodel.scenarios.spending.arithmetic import (
    add_to_target,
    arc_elasticity,
    move_to_target,
    shares,
)
from fundmodel.scenarios.spending.cube import (
    DEMAND_MEASURES,
    _cube,
    _fy_offset,
    _html_block,
    _pence,
    _take,
)
from fundmodel.scenarios.spending.lines import ELASTICITY_MIN_DEMAND_CHANGE, LINE_DATASET
from fundmodel.scenarios.spending.targets import TargetCheck, _target_parameter
from fundmodel.scenarios.spending.taxonomy import Taxonomy


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
    flags: pd.DataFrame | None = None
    """Data-quality flags (``flags.csv``) on the values used; ``None`` if none."""
    substitutions: pd.DataFrame | None = None
    """Values replaced under the opt-in ``substitute_ro3`` rule (code, period, line, s251,
    ro3); ``None`` when the rule is off."""

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

    def first_complete_period(self) -> str:
        """The first year in which every mapped line has a figure for some council (2010-11
        for ``s251_history``: no Sure Start or young people's lines before)."""
        has = ~np.isnan(self.agg_values).all(axis=1)  # lines x periods
        complete = np.flatnonzero(has.all(axis=0))
        return self.periods[int(complete[0])] if complete.size else self.periods[0]

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
        from fundmodel.data.provenance import cite_columns

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
        s = self._period_index(start or self.first_complete_period())
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
        present: BoolArray = ~np.isnan(values)
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
        _, matrix = self.taxonomy.matrix(LINE_DATASET[self.dataset])
        # a line with no figure anywhere in a year (not in that year's layout) is a gap
        in_layout: BoolArray = np.asarray(present.any(axis=1))
        line_sums = np.where(in_layout[None, :, :], line_sums, np.nan)
        cats = np.einsum("cl,alt->act", matrix, np.nan_to_num(line_sums))
        gaps: BoolArray = np.asarray(
            np.einsum("cl,alt->act", matrix, np.isnan(line_sums).astype(float)) > 0)
        cats[gaps] = np.nan
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
            from fundmodel.scenarios.family_help.asks import care_review_ask, family_help_ask

            asks = (family_help_ask().run(), care_review_ask().run())
        return TargetCheck(analysis=self, target=param, period=self.periods[t],
                           focus_spend=focus, total=total, move_pence=move, add_pence=add,
                           asks=tuple(asks))

    # ------------------------------------------------------------ display
    def summary(self, start: str | None = None, end: str | None = None) -> str:
        """Plain-text headline: England's focus share in ``start`` and ``end`` (default the
        first and last years), councils whose share fell, gaps."""
        agg = self.aggregates()
        top = agg[agg["area"] == agg["area"].iloc[-1]].set_index("period")
        first, last = start or self.first_complete_period(), end or self.periods[-1]
        change = self.share_change(first, last)
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
