"""Allocation results: the inputs, the arrays, and tidy tables for people.

An :class:`Allocation` never recomputes anything: charts and comparisons read its arrays.

>>> from fundmodel import allocate, load_authorities
>>> from fundmodel.presets import children_act_formula
>>> res = allocate(children_act_formula(), load_authorities(), total=500_000_000)
>>> frame = res.to_frame()
>>> list(frame.columns[:6])
['code', 'name', 'region', 'council_type', 'need_share', 'amount']
>>> round(float(frame["amount"].sum()), 2)
500000000.0
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from fundmodel._types import FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.data.authorities import Authorities
from fundmodel.engine.formula import NeedsFormula
from fundmodel.engine.money import format_gbp
from fundmodel.parameters.assumptions import assumptions_used


@dataclass(frozen=True, eq=False)
class Allocation:
    """The result of :func:`fundmodel.allocate`: arrays of shape (variants, authorities)."""

    formula: NeedsFormula
    authorities: Authorities
    total_pence: int
    weights: FloatArray
    need: FloatArray
    shares: FloatArray
    formula_amount: FloatArray
    amount_pence: IntArray
    baseline: FloatArray | None
    gain_scale: FloatArray | None
    scaling_factor: FloatArray | None
    version: str = __version__
    resources: FloatArray | None = None
    equalisation_x: FloatArray | None = None
    thresholds: dict[str, float] = field(default_factory=dict)
    transformed: dict[str, FloatArray] = field(default_factory=dict)
    year: str | None = None
    rule_status: npt.NDArray[np.str_] | None = None
    rule_sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # read-only views: a result must keep summing to its total whoever holds it
        for name in ("weights", "need", "shares", "formula_amount", "amount_pence", "baseline",
                     "gain_scale", "scaling_factor"):
            array = getattr(self, name)
            if isinstance(array, np.ndarray) and array.flags.writeable:
                view = array.view()
                view.setflags(write=False)
                object.__setattr__(self, name, view)

    @property
    def n_variants(self) -> int:
        """Number of weight variants computed."""
        return int(self.amount_pence.shape[0])

    @property
    def total(self) -> float:
        """The control total in pounds."""
        return self.total_pence / 100.0

    def amounts(self, variant: int = 0) -> FloatArray:
        """Final amounts in pounds (whole pence) for one variant."""
        pounds: FloatArray = self.amount_pence[variant] / 100.0
        return pounds

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.formula.name

    def council_amounts(self, variant: int = 0) -> pd.Series:
        """Final amount per council in pounds, indexed by ONS code (for :func:`compare`)."""
        return pd.Series(self.amounts(variant), index=self.authorities.codes, name=self.label)

    def sources(self) -> list[str]:
        """Citations for everything behind this result: the weights and the data columns."""
        from fundmodel.data.provenance import cite_columns

        columns = [c for i in self.formula.indicators for c in (i.column, i.times) if c]
        columns += [i.transform.per for i in self.formula.indicators
                    if i.transform is not None and i.transform.per]
        resources = self.formula.resources
        if resources is not None:
            columns += [c for c in resources.columns() if c in self.authorities.numeric_columns]
        if self.formula.area_cost_adjustment:
            columns.append(self.formula.area_cost_adjustment)
        if self.formula.damping is not None and self.formula.damping.baseline is not None:
            columns.append(self.formula.damping.baseline)
        weights = {f"weights: {i.weight.source.cite()}"
                   + (" (assumption)" if i.weight.assumption else "")
                   for i in self.formula.indicators}
        transforms = [
            f"indicator {i.name!r}: "
            + " x ".join([i.transform.describe(i.column, self.thresholds.get(i.name), i.times),
                          *([i.times] if i.times else []),
                          *([f"{i.scale:g}"] if i.scale != 1.0 else [])])
            for i in self.formula.indicators if i.transform is not None]
        extra = []
        if resources is not None:
            extra.append(f"resources adjustment: {resources.describe()}")
            extra += [f"resources: {p.label}: {p.cite()}"
                      + (" (assumption)" if p.assumption else "")
                      for p in resources.parameters()]
        proxies = [f"proxy: {i.proxy}" for i in self.formula.indicators if i.proxy]
        return [*sorted(weights), *transforms, *extra, *self.rule_sources, *proxies,
                *cite_columns(columns)]

    def to_frame(self, variant: int = 0) -> pd.DataFrame:
        """One row per authority: need share, final amount (£, whole pence), need (weighted
        indicators, in the formula's units), share of the pot actually received (differs from
        the need share under damping), per child aged 0-17, and change against the baseline."""
        la = self.authorities
        children = la.column("children_0_17") if "children_0_17" in la.numeric_columns else None
        amount = self.amounts(variant)
        frame = pd.DataFrame(
            {
                "code": la.codes,
                "name": la.names,
                "region": la.regions,
                "council_type": la.council_types,
                "need_share": self.shares[variant],
                "amount": amount,
                "need": self.need[variant],
                "amount_share": self.amount_pence[variant] / self.total_pence
                if self.total_pence else np.nan,
                "formula_amount": self.formula_amount[variant],
            }
        )
        if children is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                frame["per_child"] = np.where(children > 0, amount / children, np.nan)
        for name, values in self.transformed.items():
            frame[f"indicator_{name}"] = values
        if self.resources is not None:
            frame["resources"] = self.resources
            frame["cut_to_zero"] = (self.shares[variant] > 0) & (self.amount_pence[variant] == 0)
        if self.rule_status is not None:
            frame["rule"] = self.rule_status
        if self.baseline is not None:
            frame["baseline"] = self.baseline
            frame["change"] = amount - self.baseline
            with np.errstate(divide="ignore", invalid="ignore"):
                frame["change_pct"] = np.where(
                    self.baseline > 0, 100.0 * (amount / self.baseline - 1.0), np.nan
                )
        frame["rank"] = frame["amount"].rank(ascending=False, method="min").astype(int)
        return frame

    def variants_frame(self) -> pd.DataFrame:
        """Long table of all variants: variant, code, amount (£)."""
        v, n = self.amount_pence.shape
        return pd.DataFrame(
            {
                "variant": np.repeat(np.arange(v), n),
                "code": np.tile(self.authorities.codes, v),
                "amount": self.amount_pence.ravel() / 100.0,
            }
        )

    def summary(self, variant: int = 0) -> str:
        """A few lines of plain text: the pot, the largest and smallest allocations."""
        frame = self.to_frame(variant).sort_values(["amount", "code"], ascending=[False, True])
        lines = [
            f"{self.formula.name}: {format_gbp(self.total)} across {len(frame)} authorities",
            f"  largest : {frame.iloc[0]['name']} {format_gbp(frame.iloc[0]['amount'])}",
            f"  smallest: {frame.iloc[-1]['name']} "
            f"{format_gbp(frame.iloc[-1]['amount'], 'auto')}",
        ]
        if "per_child" in frame:
            pc = frame["per_child"]
            lines.append(
                f"  per child aged 0-17: median £{pc.median():,.2f}, "
                f"range £{pc.min():,.2f} to £{pc.max():,.2f}"
            )
        if self.gain_scale is not None:
            lines.append(f"  damping: gains scaled by {self.gain_scale[variant]:.4f}")
        for name, t in self.thresholds.items():
            lines.append(f"  top-up {name!r}: above a threshold of {t:.6g}")
        if self.resources is not None and self.equalisation_x is not None:
            cut = frame[frame["cut_to_zero"]]
            named = ", ".join(cut["name"].sort_values()) if len(cut) else "none"
            lines.append(
                f"  resources adjustment: {format_gbp(float(self.resources.sum()))} of "
                f"resources netted off; grossed-up total X = "
                f"{format_gbp(float(self.equalisation_x[variant]))}; cut to zero "
                f"({len(cut)}): {named}")
        if self.rule_status is not None:
            counts = pd.Series(self.rule_status).value_counts().sort_index()
            lines.append("  grant rules: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            equal = frame[frame["rule"] == "equal share"]["amount"]
            if len(equal):
                lines.append(f"  equal share: {format_gbp(float(equal.min()), '', 2)} to "
                             f"{format_gbp(float(equal.max()), '', 2)} each "
                             f"({len(equal)} councils)")
        return "\n".join(lines)

    def allocations_frame(self, variant: int = 0) -> pd.DataFrame:
        """The tidy table ``fundmodel run --out`` writes as allocations.csv: code, name, year,
        amount (pounds, two decimals) and, where they apply, need_share, resources and
        baseline."""
        frame = self.to_frame(variant)
        keep = ["code", "name", "amount", "need_share"] + [
            c for c in ("resources", "cut_to_zero", "rule", "baseline") if c in frame]
        out = frame[keep].copy()
        out.insert(2, "year", self.year or "")
        out["amount"] = out["amount"].round(2)
        return out

    def __repr__(self) -> str:
        return (
            f"Allocation({self.formula.name!r}, total={format_gbp(self.total)}, "
            f"authorities={self.authorities.n}, variants={self.n_variants})"
        )

    def _repr_html_(self) -> str:
        """The summary, the damping applied, the five largest and smallest allocations (with
        £ per child and the change against the baseline), the sources and the assumptions.

        >>> from fundmodel import allocate, load_authorities
        >>> from fundmodel.presets import children_act_formula
        >>> page = allocate(children_act_formula(), load_authorities(), 270e6)._repr_html_()
        >>> "£ per child" in page and "Sources" in page and "ASSUMED" in page
        True
        """
        frame = self.to_frame().sort_values(["amount", "code"], ascending=[False, True])
        head = frame if len(frame) <= 10 else pd.concat([frame.head(5), frame.tail(5)])
        extra = [c for c in ("per_child", "change") if c in frame]
        titles = {"per_child": "£ per child", "change": "change vs baseline"}

        def cell(r: pd.Series, column: str) -> str:
            value = float(r[column])
            text = (f"£{value:,.2f}" if column == "per_child" else format_gbp(value, "m", 2))
            return f"<td style='text-align:right'>{html.escape(text)}</td>"

        rows = "".join(
            f"<tr><td>{html.escape(str(r['code']))}</td><td>{html.escape(str(r['name']))}</td>"
            f"{cell(r, 'amount')}" + "".join(cell(r, c) for c in extra) + "</tr>"
            for _, r in head.iterrows())
        header = "".join(f"<th>{titles[c]}</th>" for c in extra)
        sources = "".join(f"<li>{html.escape(s)}</li>" for s in self.sources())
        assumed = "".join(f"<li>ASSUMED: {html.escape(p.label)}"
                          f"{' (' + html.escape(p.ref) + ')' if p.ref else ''}</li>"
                          for _, p in assumptions_used(self.formula))
        return (
            f"<div><pre>{html.escape(self.summary())}</pre>{self._damping_html()}"
            "<table><thead><tr><th>code</th><th>authority</th><th>amount</th>"
            f"{header}</tr></thead><tbody>{rows}</tbody></table>"
            f"<small>top and bottom five; use .to_frame() for all</small>"
            f"<p>Sources</p><ul>{sources}</ul>"
            + (f"<p>Assumptions</p><ul>{assumed}</ul>" if assumed else "")
            + f"<small>fundmodel {html.escape(self.version)}</small></div>")

    def _damping_html(self) -> str:
        damping = self.formula.damping
        if damping is None:
            return ""
        parts = [f"floor {100 * damping.floor:+.1f}%" if damping.floor is not None else "",
                 f"ceiling {100 * damping.ceiling:+.1f}%" if damping.ceiling is not None
                 else ""]
        against = (f" against the baseline column {damping.baseline}" if damping.baseline
                   else " against a baseline")
        purpose = ("to pay for the floor" if damping.floor is not None
                   else "to share out what the ceiling holds back")
        scale = (f"; gains scaled by {self.gain_scale[0]:.4f} {purpose}"
                 if self.gain_scale is not None else "")
        text = " and ".join(p for p in parts if p) + against + scale
        return f"<p><strong>Damping</strong>: {html.escape(text)}</p>"
