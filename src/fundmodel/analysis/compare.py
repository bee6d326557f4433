"""Side-by-side comparison of results: who gains, who loses, and how evenly money is spread.

:func:`compare` takes two or more results over the same councils (anything with a
``label`` and ``council_amounts() -> pd.Series`` indexed by ONS code: an
:class:`~fundmodel.engine.result.Allocation`, an RCC result, ...) and measures each against a
baseline result. It never recomputes a result. Councils are grouped only by *baseline*
characteristics of the authority data (region, council type, deprivation quintile of
``child_poverty_pct``), never by a reform's outcome.

>>> from fundmodel.testing import synthetic_authorities, formula_for
>>> from fundmodel import allocate
>>> la = synthetic_authorities([[100.0, 10.0], [100.0, 30.0], [200.0, 20.0]])
>>> population = allocate(formula_for([1.0, 0.0]), la, 1000.0)
>>> need = allocate(formula_for([0.0, 1.0]), la, 1000.0)
>>> cmp = compare(population, need, labels=["population", "need"])
>>> cmp.to_frame().query("result == 'need'")["change"].tolist()
[-83.33, 250.0, -166.67]
>>> cmp.winners_losers()[["result", "gains", "losses", "no_change"]].to_dict("records")[1]
{'result': 'need', 'gains': 1, 'losses': 2, 'no_change': 0}
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray
from fundmodel.analysis.compare_notes import extreme_text, spans_of
from fundmodel.analysis.inequality import correlation, deprivation_quintile, gini
from fundmodel.engine.money import format_gbp
from fundmodel.errors import CompareError

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities

DEFAULT_TOLERANCE = 1.0
"""Changes smaller than this many pounds (either way) count as no change."""


class HasCouncilAmounts(Protocol):
    """What :func:`compare` needs from a result."""

    @property
    def label(self) -> str: ...

    def council_amounts(self) -> pd.Series: ...


@dataclass(frozen=True, eq=False)
class Comparison:
    """Results side by side, measured against ``labels[baseline]``.

    ``amounts`` has shape (results, councils) in pounds, councils in ``codes`` order.
    """

    labels: tuple[str, ...]
    baseline: int
    codes: np.ndarray
    amounts: FloatArray
    council_info: pd.DataFrame
    tolerance: float
    need_shares: tuple[FloatArray | None, ...]
    need_column: str | None
    need_column_share: FloatArray | None
    spans: tuple[str, ...] = ()
    """What period each result's amounts cover (e.g. "one year", "4 years 2022-23..2025-26")."""

    @property
    def baseline_label(self) -> str:
        """Label of the baseline result."""
        return self.labels[self.baseline]

    @property
    def change(self) -> FloatArray:
        """Pounds change against the baseline, shape (results, councils)."""
        diff: FloatArray = self.amounts - self.amounts[self.baseline][None, :]
        return diff

    def outcome(self) -> np.ndarray:
        """"gain", "loss" or "no change" per result and council (tolerance in pounds)."""
        d = self.change
        return np.where(d >= self.tolerance, "gain",
                        np.where(d <= -self.tolerance, "loss", "no change"))

    def to_frame(self) -> pd.DataFrame:
        """Long table, one row per (result, council): amount, baseline amount, change (£, %,
        per child aged 0-17), outcome, with the council's baseline characteristics."""
        k, n = self.amounts.shape
        base = self.amounts[self.baseline]
        children = self.council_info["children"].to_numpy(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(base[None, :] > 0, 100.0 * self.change / base[None, :], np.nan)
            per_child = np.where(children > 0, 1.0, np.nan)[None, :] / children[None, :]
        info = pd.concat([self.council_info] * k, ignore_index=True)
        frame = pd.DataFrame({"result": np.repeat(np.array(self.labels, dtype=object), n)})
        frame = pd.concat([frame, info], axis=1)
        frame["amount"] = self.amounts.ravel()
        frame["baseline_amount"] = np.tile(base, k)
        frame["change"] = np.round(self.change.ravel(), 2)
        frame["change_pct"] = pct.ravel()
        frame["amount_per_child"] = (self.amounts * per_child).ravel()
        frame["change_per_child"] = (self.change * per_child).ravel()
        frame["outcome"] = self.outcome().ravel()
        return frame

    def winners_losers(self) -> pd.DataFrame:
        """Per result: councils gaining, losing, unchanged (within the tolerance), total
        change, and the largest gain and loss."""
        out = self.outcome()
        d = self.change
        names = self.council_info["name"].to_numpy()
        return pd.DataFrame({
            "result": list(self.labels),
            "gains": (out == "gain").sum(axis=1),
            "losses": (out == "loss").sum(axis=1),
            "no_change": (out == "no change").sum(axis=1),
            "total_change": d.sum(axis=1),
            "largest_gain": d.max(axis=1),
            "largest_gain_council": np.where((out == "gain").any(axis=1),
                                             names[np.argmax(d, axis=1)], None),
            "largest_loss": d.min(axis=1),
            "largest_loss_council": np.where((out == "loss").any(axis=1),
                                             names[np.argmin(d, axis=1)], None),
            "tolerance": self.tolerance,
        })

    def by_group(self, column: str) -> pd.DataFrame:
        """Sum per result and group of a baseline characteristic (``region``,
        ``council_type`` or ``deprivation_quintile``): amounts, change, change per child,
        gains and losses."""
        if column not in ("region", "council_type", "deprivation_quintile"):
            raise CompareError(
                f"group by 'region', 'council_type' or 'deprivation_quintile', not {column!r}"
            )
        frame = self.to_frame()
        frame["gains"] = frame["outcome"] == "gain"
        frame["losses"] = frame["outcome"] == "loss"
        grouped = frame.groupby(["result", column], sort=False).agg(
            councils=("code", "size"), amount=("amount", "sum"),
            baseline_amount=("baseline_amount", "sum"), change=("change", "sum"),
            children=("children", "sum"), gains=("gains", "sum"), losses=("losses", "sum"),
        ).reset_index()
        with np.errstate(divide="ignore", invalid="ignore"):
            grouped["change_pct"] = np.where(
                grouped["baseline_amount"] > 0,
                100.0 * grouped["change"] / grouped["baseline_amount"], np.nan)
            grouped["change_per_child"] = np.where(
                grouped["children"] > 0, grouped["change"] / grouped["children"], np.nan)
        grouped["_order"] = grouped["result"].map({x: i for i, x in enumerate(self.labels)})
        grouped = grouped.sort_values(["_order", column], kind="stable")
        return grouped.drop(columns="_order").reset_index(drop=True)

    def by_region(self) -> pd.DataFrame:
        """:meth:`by_group` over the region."""
        return self.by_group("region")

    def by_council_type(self) -> pd.DataFrame:
        """:meth:`by_group` over council type."""
        return self.by_group("council_type")

    def by_deprivation(self) -> pd.DataFrame:
        """:meth:`by_group` over quintiles of children in low-income families (baseline data)."""
        return self.by_group("deprivation_quintile")

    def distribution(self) -> pd.DataFrame:
        """Per result: total, Gini of amounts per child (across councils, and weighted by
        children), correlation of funding shares with need shares."""
        children = self.council_info["children"].to_numpy(np.float64)
        ok = children > 0
        rows = []
        for k, label in enumerate(self.labels):  # a handful of results
            amount = self.amounts[k]
            per_child = amount[ok] / children[ok]
            negative = bool(np.any(amount < 0))
            total = float(amount.sum())
            share = amount / total if total > 0 else np.full(amount.size, np.nan)
            own = self.need_shares[k]
            rows.append({
                "result": label,
                "total": total,
                "councils_without_children_figure": int((~ok).sum()),
                "gini_per_child": np.nan if negative else gini(per_child),
                "gini_per_child_weighted": (np.nan if negative
                                            else gini(per_child, children[ok])),
                "corr_with_own_need_share": correlation(share, own),
                "corr_with_need_column": correlation(share, self.need_column_share),
            })
        return pd.DataFrame(rows)

    def ranked(self, result: str | int | None = None, by: str = "change", n: int = 10,
               ) -> pd.DataFrame:
        """Top ``n`` and bottom ``n`` councils of one result (default: the first that is
        not the baseline) by a column of :meth:`to_frame` (``change``, ``change_pct``,
        ``change_per_child``, ``amount_per_child``, ...)."""
        k = self._index(result) if result is not None else (1 if self.baseline == 0 else 0)
        frame = self.to_frame()
        if by not in frame.columns:
            raise CompareError(f"cannot rank by {by!r}; columns: {list(frame.columns)}")
        mine = frame[frame["result"] == self.labels[k]].sort_values(
            [by, "code"], ascending=[False, True], kind="stable")
        top = mine.head(n).assign(end="top")
        bottom = mine.dropna(subset=[by]).tail(n).assign(end="bottom")
        return pd.concat([top, bottom], ignore_index=True)

    def _index(self, result: str | int) -> int:
        if isinstance(result, int):
            if not 0 <= result < len(self.labels):
                raise CompareError(f"no result number {result}; there are {len(self.labels)}")
            return result
        if result not in self.labels:
            raise CompareError(f"no result labelled {result!r}; labels: {list(self.labels)}")
        return self.labels.index(result)

    def summary(self) -> str:
        """Plain text: for each result, gains/losses against the baseline and the spread."""
        wl = self.winners_losers()
        dist = self.distribution()
        lines = [f"Compared with {self.baseline_label!r} ({self.amounts.shape[1]} councils; "
                 f"changes under {format_gbp(self.tolerance, '', 2)} count as no change)"]
        for k, label in enumerate(self.labels):
            g = dist.iloc[k]
            spread = (f"Gini of £ per child {g['gini_per_child']:.3f}"
                      if np.isfinite(g["gini_per_child"])
                      else "Gini not defined (negative amounts)")
            if k == self.baseline:
                lines.append(f"  {label} (baseline): {format_gbp(g['total'], 'auto')}; {spread}")
                continue
            w = wl.iloc[k]
            lines.append(
                f"  {label}: {w['gains']} gain, {w['losses']} lose, {w['no_change']} unchanged; "
                f"total change {format_gbp(w['total_change'], 'auto')}; "
                f"{extreme_text(w, 'gain')}, {extreme_text(w, 'loss')}; {spread}"
            )
        if len(set(self.spans)) > 1:
            listed = "; ".join(f"{n}: {s}" for n, s in zip(self.labels, self.spans, strict=True))
            lines.append(f"  NOTE: unlike results compared ({listed}); each amount is the "
                         "total over that result's own years")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"Comparison({list(self.labels)}, baseline={self.baseline_label!r}, "
                f"councils={self.amounts.shape[1]})")

    def _repr_html_(self) -> str:
        wl = self.winners_losers()
        dist = self.distribution()
        rows = "".join(
            f"<tr><td>{html.escape(str(label))}</td><td>{int(gains)}</td><td>{int(losses)}</td>"
            f"<td>{int(same)}</td><td style='text-align:right'>"
            f"{html.escape(format_gbp(float(change), 'auto'))}</td>"
            f"<td>{html.escape(f'{float(gi):.3f}')}</td></tr>"
            for label, gains, losses, same, change, gi in zip(
                wl["result"], wl["gains"], wl["losses"], wl["no_change"],
                wl["total_change"], dist["gini_per_child"], strict=True)
        )
        return (
            f"<div><strong>Comparison against {html.escape(self.baseline_label)}</strong> "
            f"({self.amounts.shape[1]} councils; changes under "
            f"{html.escape(format_gbp(self.tolerance, '', 2))} count as no change)"
            "<table><thead><tr><th>result</th><th>gain</th><th>lose</th><th>unchanged</th>"
            "<th>total change</th><th>Gini (£ per child)</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><small>.to_frame() per council; .by_region(), "
            ".by_council_type(), .by_deprivation(), .ranked()</small></div>"
        )


def _series(result: Any, label: str) -> pd.Series:
    series = result.council_amounts()
    if not isinstance(series, pd.Series):
        raise CompareError(f"{label}: council_amounts() must return a pandas Series")
    index = series.index.astype(str)
    dupes = sorted(set(index[index.duplicated()]))
    if dupes:
        raise CompareError(f"{label}: council code(s) appear more than once: {dupes}")
    values = series.to_numpy(dtype=np.float64)
    bad = index[~np.isfinite(values)].tolist()
    if bad:
        raise CompareError(f"{label}: amount missing or not finite for {bad}")
    return pd.Series(values, index=index)


def _own_need_share(result: Any, codes: np.ndarray) -> FloatArray | None:
    shares = getattr(result, "shares", None)
    la = getattr(result, "authorities", None)
    if shares is None or la is None:
        return None
    row = np.asarray(shares, dtype=np.float64)
    row = row[0] if row.ndim == 2 else row
    position = pd.Series(np.arange(la.n), index=la.codes)
    aligned: FloatArray = row[position.loc[codes].to_numpy()]
    return aligned


def compare(
    *results: HasCouncilAmounts,
    baseline: int | str = 0,
    labels: Sequence[str] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    authorities: Authorities | None = None,
    need_column: str | None = None,
) -> Comparison:
    """Compare results over the same councils against ``results[baseline]``.

    ``labels`` overrides each result's ``label``. ``tolerance`` (pounds): changes smaller
    than this either way count as no change. Council characteristics (names, regions,
    children aged 0-17, child poverty) come from ``authorities``, else from the first
    result that carries authority data, else the embedded data. ``need_column`` names a
    numeric column whose shares each result's funding shares are correlated with.

    >>> from fundmodel.testing import synthetic_authorities, formula_for
    >>> from fundmodel import allocate
    >>> la = synthetic_authorities([[1.0], [3.0]])
    >>> a = allocate(formula_for([1.0]), la, 100.0)
    >>> compare(a, a, labels=["x", "y"]).winners_losers()["no_change"].tolist()
    [2, 2]
    """
    if len(results) < 2:
        raise CompareError(f"compare needs two or more results, got {len(results)}")
    names = list(labels) if labels is not None else [str(r.label) for r in results]
    if len(names) != len(results):
        raise CompareError(f"{len(names)} labels for {len(results)} results")
    dupes = sorted({x for x in names if names.count(x) > 1})
    if dupes:
        raise CompareError(f"result labels must be unique; {dupes} repeated (pass labels=[...])")
    if not (np.isfinite(tolerance) and tolerance >= 0):
        raise CompareError(f"tolerance must be a non-negative number of pounds, got {tolerance}")
    if isinstance(baseline, str):
        if baseline not in names:
            raise CompareError(f"no result labelled {baseline!r}; labels: {names}")
        base = names.index(baseline)
    else:
        if not 0 <= baseline < len(results):
            raise CompareError(f"baseline {baseline} out of range for {len(results)} results")
        base = baseline

    series = [_series(r, name) for r, name in zip(results, names, strict=True)]
    codes = series[base].index.to_numpy(dtype=str)
    reference = set(codes.tolist())
    problems = []
    for s, name in zip(series, names, strict=True):
        extra = sorted(set(s.index) - reference)
        absent = sorted(reference - set(s.index))
        if extra or absent:
            problems.append(f"{name!r} has extra {extra} and lacks {absent}")
    if problems:
        raise CompareError(
            f"results must cover the same councils as baseline {names[base]!r}: "
            + "; ".join(problems)
        )
    amounts = np.vstack([s.loc[codes].to_numpy(np.float64) for s in series])

    la = authorities
    if la is None:
        la = next((r.authorities for r in results if hasattr(r, "authorities")), None)
    if la is None:
        from fundmodel.data.authorities import load_authorities

        la = load_authorities()
    sub = la.select(codes.tolist())
    numeric = set(sub.numeric_columns)
    nan = np.full(sub.n, np.nan)
    poverty = sub.column("child_poverty_pct") if "child_poverty_pct" in numeric else nan
    info = pd.DataFrame({
        "code": sub.codes, "name": sub.names, "region": sub.regions,
        "council_type": sub.council_types,
        "deprivation_quintile": deprivation_quintile(poverty, sub.codes.tolist()),
        "children": sub.column("children_0_17") if "children_0_17" in numeric else nan,
    })
    need_share = None
    if need_column is not None:
        values = sub.column(need_column)
        if np.any(np.isnan(values)):
            missing = sub.codes[np.isnan(values)].tolist()
            raise CompareError(f"need column {need_column!r} is missing for {missing}")
        need_share = values / values.sum()
    return Comparison(
        labels=tuple(names),
        baseline=base,
        codes=codes,
        amounts=amounts,
        council_info=info,
        tolerance=float(tolerance),
        need_shares=tuple(_own_need_share(r, codes) for r in results),
        need_column=need_column,
        need_column_share=need_share,
        spans=spans_of(results, names),
    )


__all__ = ["CompareError", "Comparison", "compare", "deprivation_quintile", "gini"]
