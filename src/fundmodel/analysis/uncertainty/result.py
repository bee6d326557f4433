"""Running a sensitivity analysis (:func:`run_sensitivity`) and its result: intervals, ranks,
probabilities, drivers."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.engine.money import format_gbp
from fundmodel.errors import InfeasibleDampingError

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
from fundmodel.analysis.uncertainty.draws import Draws, DrawStream, central_inputs, concat, take
from fundmodel.analysis.uncertainty.ranks import (
    CHUNK_CELLS,
    _Accumulator,
    ranks_descending,
    year_percentiles,
)
from fundmodel.analysis.uncertainty.sketch import WindowSketch
from fundmodel.analysis.uncertainty.spec import SensitivitySpec
from fundmodel.analysis.uncertainty.thresholds import ThresholdQueries


# ------------------------------------------------------------------ the result
@dataclass(frozen=True, eq=False)
class SensitivityResult(ThresholdQueries):
    """Output of :func:`run_sensitivity`: central run, kept amounts and running counts.

    ``amount_pence`` has shape (kept variants, years, councils) and ``draws`` holds those
    variants' inputs; for up to 256 areas ``rank_hist[y, i, r]`` counts variants in which
    council ``i`` ranked ``r + 1`` in year ``y`` (``None`` for more areas, whose rank
    percentiles come from ``rank_sketch`` or, when every variant is kept, from the amounts).
    ``amount_sketch`` is the streaming histogram of amounts when not every variant is kept.
    """

    spec: SensitivitySpec
    authorities: Authorities
    draws: Draws
    central_pence: IntArray
    central_gain_scale: FloatArray | None
    amount_pence: IntArray
    gain_scale: FloatArray | None
    rank_hist: IntArray | None
    above_central: IntArray
    gains: IntArray | None
    compare_pence: FloatArray | None
    dev_sum: FloatArray
    dev_sumsq: FloatArray
    amount_sketch: WindowSketch | None = None
    rank_sketch: WindowSketch | None = None
    version: str = __version__
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def n_variants(self) -> int:
        """Variants run."""
        return self.spec.n_variants

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return f"{self.spec.formula.name} (sensitivity)"

    def _year(self, year: str | int | None) -> int:
        years = self.spec.years
        if year is None:
            return len(years) - 1
        if isinstance(year, int):
            if not -len(years) <= year < len(years):
                raise ValueError(f"year index {year} out of range for {list(years)}")
            return year % len(years)
        if year not in years:
            raise ValueError(f"unknown year {year!r}; years are {list(years)}")
        return years.index(year)

    def council_amounts(self, year: str | int | None = None) -> pd.Series:
        """The central run's amount per council in pounds (last year by default)."""
        y = self._year(year)
        return pd.Series(self.central_pence[y] / 100.0, index=self.authorities.codes,
                         name=self.label)

    @property
    def exact(self) -> bool:
        """Every percentile is exact (every variant's amounts were kept, or, for ranks,
        counted); else the columns ``amount_error`` / ``rank_error`` bound the error."""
        kept_all = self.amount_pence.shape[0] == self.n_variants
        return kept_all or (self.amount_sketch is None and self.rank_sketch is None)

    def intervals(self, year: str | int | None = None) -> pd.DataFrame:
        """Per council for one year (the last by default): the central amount and rank,
        the low / median / high percentiles of amount (pounds) and rank (1 = largest),
        mean and sd of amount, the probability of more than the central amount, and the
        probability of gaining against the baseline (when there is one).

        When percentiles come from the streaming histogram (see :attr:`exact`), the
        columns ``amount_error`` (pounds) and ``rank_error`` give, per council, the most
        that any of its three percentiles can differ from the exact percentile.
        """
        y = self._year(year)
        key = f"intervals:{y}"
        if key in self._cache:
            return self._cache[key].copy()
        low, high = self.spec.interval
        la = self.authorities
        pence, ranks, amount_err, rank_err = year_percentiles(
            self.amount_pence[:, y, :], self.n_variants, (low, 50, high), self.rank_hist,
            self.amount_sketch, self.rank_sketch, y)
        amounts = pence / 100.0
        n = self.n_variants
        mean_dev = self.dev_sum[y] / n
        var = np.maximum(self.dev_sumsq[y] / n - mean_dev**2, 0.0) * n / max(n - 1, 1)
        frame = pd.DataFrame({
            "code": la.codes, "name": la.names, "region": la.regions,
            "year": self.spec.years[y],
            "central": self.central_pence[y] / 100.0,
            f"p{low}": amounts[0], "p50": amounts[1], f"p{high}": amounts[2],
            "mean": (self.central_pence[y] + mean_dev) / 100.0,
            "sd": np.sqrt(var) / 100.0,
            "central_rank": ranks_descending(self.central_pence[y][None, :])[0],
            f"rank_p{low}": ranks[0], "rank_p50": ranks[1], f"rank_p{high}": ranks[2],
            "p_above_central": self.above_central[y] / n,
        })
        if self.gains is not None and self.compare_pence is not None:
            frame["baseline"] = self.compare_pence[y] / 100.0
            frame["p_gain"] = self.gains[y] / n
        if amount_err is not None:
            frame["amount_error"] = amount_err / 100.0
        if rank_err is not None:
            frame["rank_error"] = rank_err
        self._cache[key] = frame
        return frame.copy()

    def to_frame(self) -> pd.DataFrame:
        """:meth:`intervals` for every year, one table."""
        return pd.concat([self.intervals(y) for y in range(len(self.spec.years))],
                         ignore_index=True)

    def drivers(self, n_variants: int | None = None, by_council: bool = False) -> pd.DataFrame:
        """Which inputs drive the spread: a one-at-a-time sweep.

        Each input is varied alone (the others at their centre, with the same random
        draws as the full run) over the first ``n_variants`` (default up to 2,000)
        variants; the table gives, for the last year, each input's share of the spread
        (sum over councils of the variance of amount, as a fraction of the variance when
        everything varies together), the same on shares of the pot (which growth of the
        pot cannot move), and the mean sd of amount and rank. Shares need not add to 1:
        the remainder is interaction between inputs.
        """
        nd = min(self.n_variants, n_variants or 2000, self.amount_pence.shape[0])
        key = f"drivers:{nd}:{by_council}"
        if key in self._cache:
            return self._cache[key].copy()
        y = len(self.spec.years) - 1
        together = self.amount_pence[:nd, y, :]
        pots = self.draws.pot_pence[:nd, y][:, None]
        runs: list[tuple[str, str, IntArray, IntArray]] = [
            ("all inputs together", "", together, pots)
        ]
        for name in self.spec.inputs():
            sub = self.spec.only(name).model_copy(
                update={"n_variants": nd, "keep_variants": nd}
            )
            res = run_sensitivity(sub, self.authorities)
            runs.append((name, _describe_input(self.spec, name), res.amount_pence[:, y, :],
                         res.draws.pot_pence[:, y][:, None]))
        var_all = together.var(axis=0)
        share_var_all = (together / pots).var(axis=0)
        rows = []
        la = self.authorities
        for name, what, amounts, pot in runs:
            var = amounts.var(axis=0)
            share_var = (amounts / pot).var(axis=0)
            rank_sd = ranks_descending(amounts).std(axis=0)
            if by_council:
                with np.errstate(divide="ignore", invalid="ignore"):
                    rows.append(pd.DataFrame({
                        "input": name, "code": la.codes, "name": la.names,
                        "amount_sd": np.sqrt(var) / 100.0,
                        "variance_share": np.where(var_all > 0, var / var_all, np.nan),
                        "rank_sd": rank_sd,
                    }))
                continue
            rows.append(pd.DataFrame({
                "input": [name], "distribution": [what],
                "variance_share": [_ratio(var.sum(), var_all.sum())],
                "share_variance_share": [_ratio(share_var.sum(), share_var_all.sum())],
                "amount_sd_mean": [float(np.sqrt(var).mean()) / 100.0],
                "rank_sd_mean": [float(rank_sd.mean())],
            }))
        frame = pd.concat(rows, ignore_index=True)
        frame.attrs["variants"] = nd
        frame.attrs["year"] = self.spec.years[y]
        self._cache[key] = frame
        return frame.copy()

    def summary(self) -> str:
        """A few lines of plain text: what varied, and the widest and most certain councils."""
        spec = self.spec
        table = self.intervals()
        low, high = spec.interval
        width = (table[f"p{high}"] - table[f"p{low}"]) / table["central"].where(
            table["central"] > 0)
        widest = table.iloc[int(np.nanargmax(width.to_numpy()))] if width.notna().any() \
            else table.iloc[0]
        varied = ", ".join(_describe_input(spec, n) for n in spec.inputs()) or "nothing"
        lines = [
            f"{spec.formula.name}: {self.n_variants:,} variants x {len(spec.years)} year(s) x "
            f"{self.authorities.n} authorities (seed {spec.seed})",
            f"  varied: {varied}",
            f"  {spec.years[-1]}: central pot {format_gbp(self.central_pence[-1].sum() / 100)}; "
            f"widest {low}-{high}% interval: {widest['name']} "
            f"{format_gbp(widest[f'p{low}'])} to {format_gbp(widest[f'p{high}'])} "
            f"(central {format_gbp(widest['central'])})",
            f"  councils whose rank can move by 10+ places: "
            f"{int(((table[f'rank_p{high}'] - table[f'rank_p{low}']) >= 10).sum())}",
        ]
        if "p_gain" in table:
            sure = int((table["p_gain"] >= 0.95).sum())
            never = int((table["p_gain"] <= 0.05).sum())
            lines.append(f"  gain vs baseline in 95%+ of variants: {sure}; in 5% or fewer: "
                         f"{never}")
        kept = self.amount_pence.shape[0]
        if kept < self.n_variants:
            lines.append(f"  amounts kept for the first {kept:,} variants (drivers use these); "
                         "probabilities, means and sds from all")
        if "amount_error" in table:
            lines.append(
                f"  APPROXIMATE percentiles of amount from a streaming histogram of all "
                f"{self.n_variants:,} variants: each within "
                f"{format_gbp(float(table['amount_error'].max()), 'auto')} of the exact one "
                "(column amount_error)")
        if "rank_error" in table:
            lines.append(f"  APPROXIMATE rank percentiles: each within "
                         f"{int(table['rank_error'].max())} places (column rank_error)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"SensitivityResult({self.spec.formula.name!r}, variants={self.n_variants}, "
                f"years={len(self.spec.years)}, authorities={self.authorities.n})")

    def _repr_html_(self) -> str:
        table = self.intervals().sort_values("central", ascending=False)
        low, high = self.spec.interval
        head = pd.concat([table.head(5), table.tail(5)])
        cells = "".join(
            "<tr>" + "".join(
                f"<td>{html.escape(v)}</td>" for v in (
                    str(r["name"]), format_gbp(float(r["central"]), "m", 2),
                    f"{format_gbp(float(r[f'p{low}']), 'm', 2)} to "
                    f"{format_gbp(float(r[f'p{high}']), 'm', 2)}",
                    f"{int(r[f'rank_p{low}'])} to {int(r[f'rank_p{high}'])}",
                )
            ) + "</tr>"
            for _, r in head.iterrows()
        )
        return (
            f"<div><pre>{html.escape(self.summary())}</pre><table><thead><tr>"
            f"<th>authority</th><th>central</th><th>{low}-{high}% amount</th>"
            f"<th>{low}-{high}% rank</th></tr></thead><tbody>{cells}</tbody></table>"
            f"<small>top and bottom five by central amount; fundmodel "
            f"{html.escape(self.version)}; use .intervals() for all</small></div>"
        )


def _name_row(
    exc: InfeasibleDampingError, start: int, years: tuple[str, ...], run: str = ""
) -> Exception:
    """The engine numbers batch rows; say which variant (or run) and year a row is."""
    def name(match: re.Match[str]) -> str:
        row = int(match.group(1))
        which = run or f"variant {start + row // len(years)}"
        return f"({which}, year {years[row % len(years)]})"

    return InfeasibleDampingError(re.sub(r"\(variant (\d+)\)", name, str(exc), count=1))


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b > 0 else float("nan")


def _describe_input(spec: SensitivitySpec, name: str) -> str:
    if name == "weights" and spec.weights is not None:
        return f"weights {spec.weights.describe()}"
    if name == "growth" and spec.growth is not None:
        per = "each year" if spec.growth_by_year else "one rate per variant"
        return f"growth {spec.growth.describe()} ({per})"
    key = name.removeprefix("unit cost: ")
    return f"{name} {spec.unit_costs[key].describe()}"


def run_sensitivity(
    spec: SensitivitySpec, authorities: Authorities | None = None
) -> SensitivityResult:
    """Run ``spec.n_variants`` variants x years x councils in one vectorised, chunked pass.

    Every (variant, year) row is computed by the same private engine path as
    :func:`fundmodel.allocate`, so each equals that variant run alone, to the penny.
    """
    from fundmodel.data.authorities import load_authorities
    from fundmodel.engine.allocate import _allocate_rows, _baseline, _need_shares, area_costs
    from fundmodel.engine.allocate import indicator_matrix as _indicator_matrix
    from fundmodel.engine.scratch import Scratch

    la = authorities if authorities is not None else load_authorities()
    formula = spec.formula
    x = _indicator_matrix(formula, la)
    aca = area_costs(formula, la)
    tiebreak = la.code_rank()
    years = len(spec.years)

    base: FloatArray | None = None
    if formula.damping is not None:
        base = _baseline(formula, la, None)
    compare = base
    if spec.compare_to is not None:
        from fundmodel.engine.measures import Measure

        compare = Measure(column=spec.compare_to).values(la, purpose="comparison baseline")

    scratch = Scratch()  # work arrays reused from chunk to chunk

    def compute(draws: Draws) -> tuple[IntArray, FloatArray | None]:
        c = draws.weights.shape[0]
        _, shares, _ = _need_shares(draws.weights, x, aca, scratch)
        rows = scratch.array("variant_rows", (c * years, la.n))
        rows.reshape(c, years, la.n)[...] = shares[:, None, :]
        baseline = base
        if base is not None and spec.baseline_path != "fixed":
            baseline = np.multiply(base[None, :], draws.growth_factor.reshape(-1)[:, None],
                                   out=scratch.array("baseline_rows", (c * years, la.n)))
        out = scratch.array("pence_rows", (c * years, la.n), np.int64)
        _, pence, lam = _allocate_rows(formula, rows, draws.pot_pence.reshape(-1), baseline,
                                       tiebreak, scratch, out)
        return pence.reshape(c, years, la.n), lam

    central = central_inputs(spec)
    try:
        central_pence, central_lam = compute(central)
        central_pence = central_pence.copy()
    except InfeasibleDampingError as exc:
        raise _name_row(exc, 0, spec.years, "central run") from None
    with_pot = spec.baseline_path == "with_pot"
    compare_pence = None if compare is None else np.tile(compare * 100.0, (years, 1))

    stream = DrawStream(spec)
    keep = spec.kept_variants(la.n)
    low, high = spec.interval
    acc = _Accumulator(years, la.n, central_pence[0], compare_pence, keep, spec.n_variants,
                       (low, 50, high))
    kept_draws: list[Draws] = []
    step = max(min(spec.chunk_size, CHUNK_CELLS // la.n) // years, 1)
    for start in range(0, spec.n_variants, step):
        draws = stream.next(min(step, spec.n_variants - start))
        if start < keep:
            kept_draws.append(take(draws, slice(0, keep - start)))
        try:
            pence, lam = compute(draws)
        except InfeasibleDampingError as exc:
            raise _name_row(exc, start, spec.years) from None
        acc.add(start, pence, lam, draws.growth_factor if with_pot else None)

    return SensitivityResult(
        spec=spec,
        authorities=la,
        draws=concat(kept_draws),
        central_pence=central_pence[0],
        central_gain_scale=central_lam,
        amount_pence=acc.amounts,
        gain_scale=acc.gain_scale,
        rank_hist=None if acc.rank_hist is None
        else acc.rank_hist.counts[:, 1:-1].reshape(years, la.n, la.n),
        above_central=acc.above_central,
        gains=acc.gains,
        compare_pence=None if compare_pence is None else (
            compare_pence * central.growth_factor[0][:, None] if with_pot else compare_pence
        ),
        dev_sum=acc.dev_sum,
        dev_sumsq=acc.dev_sumsq,
        amount_sketch=acc.amount_sketch,
        rank_sketch=acc.rank_sketch,
    )
