"""How robust is an allocation? Sample uncertain inputs and rerun the formula thousands of times.

The weights of a needs formula, its unit costs and the growth of the pot are judgements.
:func:`run_sensitivity` draws many variants of them from stated distributions (frozen
pydantic models, each draw reproducible from a seed) and runs every variant, for every
year, through the same engine as :func:`fundmodel.allocate` (damping and penny rounding
included) in one vectorised pass, chunked so memory stays bounded. The result reports
per-council intervals of amount and rank, the probability that a council gains against
its baseline, and which inputs drive the spread.

* ``weights``: :class:`DirichletWeights` around the formula's weights (shares basis).
  Weight ``k`` of a variant is drawn from Dirichlet(``concentration * centre``): the
  mean is the centre and a larger concentration means less spread. Indicators whose
  centre weight is zero stay at zero.
* ``unit_costs``: one :data:`Distribution` per indicator of a ``per_unit`` formula (its
  weights are pounds per unit); indicators not named keep their weight.
* ``growth``: the pot's annual growth rate (a fraction: 0.03 is 3%). Year ``y``'s pot is
  ``total * (1 + g_1) * ... * (1 + g_y)`` rounded to the nearest penny; the first year
  gets ``total``. One rate per variant for every year, or a fresh rate each year
  (``growth_by_year=True``).

Each (variant, year) pair is one row of the batch engine: every row is damped against
the baseline and rounded to whole pence summing exactly to its own pot, and equals
running that variant alone through :func:`fundmodel.allocate` (tested to the penny).

Each input draws from its own random stream: the distribution's ``seed`` if it has one,
else one derived from the spec's ``seed`` and the input's name. So results depend only on
the seeds (not on ``chunk_size``), and changing one input's distribution leaves the
others' draws unchanged.

>>> from fundmodel.testing import formula_for, synthetic_authorities
>>> la = synthetic_authorities([[100.0, 50.0], [200.0, 30.0], [700.0, 20.0]])
>>> spec = SensitivitySpec(formula=formula_for([0.5, 0.5]), total=1000,
...                        weights=DirichletWeights(concentration=20), n_variants=500)
>>> res = run_sensitivity(spec, la)
>>> table = res.intervals()
>>> bool(((table["p5"] <= table["central"]) & (table["central"] <= table["p95"])).all())
True
>>> int(res.amount_pence.sum(axis=-1).max()), int(res.amount_pence.sum(axis=-1).min())
(100000, 100000)
"""

from __future__ import annotations

import html
import math
import re
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field, model_validator

from fundmodel import __version__
from fundmodel._types import FloatArray, IntArray
from fundmodel.errors import FormulaError, InfeasibleDampingError
from fundmodel.formula import FormulaOrPreset, check_weights
from fundmodel.model import FrozenModel
from fundmodel.money import MAX_PENCE, format_gbp, total_in_pence
from fundmodel.sources import Money

if TYPE_CHECKING:
    from fundmodel.authorities import Authorities


# ------------------------------------------------------------------ distributions
class _Distribution(FrozenModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int | None = Field(default=None, ge=0, description="own random stream (optional)")
    note: str = Field(default="", description="why this distribution (its source or reasoning)")

    def draw(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:
        """``size`` independent draws."""
        raise NotImplementedError

    def centre(self) -> float:
        """The value used for the central run."""
        raise NotImplementedError

    def describe(self) -> str:
        """Short text, e.g. ``Normal(mean 0.03, sd 0.02)``."""
        raise NotImplementedError


class Normal(_Distribution):
    """Normal(``mean``, ``sd``); the centre is the mean.

    >>> Normal(mean=0.03, sd=0.01).describe()
    'Normal(mean 0.03, sd 0.01)'
    """

    kind: Literal["normal"] = "normal"
    mean: float = Field(allow_inf_nan=False)
    sd: float = Field(ge=0, allow_inf_nan=False)

    def draw(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:
        """``size`` independent draws."""
        return rng.normal(self.mean, self.sd, size)

    def centre(self) -> float:
        """The mean."""
        return self.mean

    def describe(self) -> str:
        """Short text for tables."""
        return f"Normal(mean {self.mean:g}, sd {self.sd:g})"


class LogNormal(_Distribution):
    """Log-normal with the given ``median`` and ``sigma`` (sd of the log); always positive.

    The centre is the median. Good for unit costs: ``sigma=0.1`` is roughly +/-10%.

    >>> LogNormal(median=2500, sigma=0.1).centre()
    2500.0
    """

    kind: Literal["lognormal"] = "lognormal"
    median: float = Field(gt=0, allow_inf_nan=False)
    sigma: float = Field(ge=0, allow_inf_nan=False)

    def draw(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:
        """``size`` independent draws."""
        return rng.lognormal(math.log(self.median), self.sigma, size)

    def centre(self) -> float:
        """The median."""
        return self.median

    def describe(self) -> str:
        """Short text for tables."""
        return f"LogNormal(median {self.median:g}, sigma {self.sigma:g})"


class Uniform(_Distribution):
    """Uniform between ``low`` and ``high``; the centre is the midpoint.

    >>> Uniform(low=0.0, high=0.04).centre()
    0.02
    """

    kind: Literal["uniform"] = "uniform"
    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self

    def draw(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:
        """``size`` independent draws."""
        return rng.uniform(self.low, self.high, size)

    def centre(self) -> float:
        """The midpoint."""
        return (self.low + self.high) / 2

    def describe(self) -> str:
        """Short text for tables."""
        return f"Uniform({self.low:g} to {self.high:g})"


class Triangular(_Distribution):
    """Triangular from ``low`` to ``high`` peaking at ``mode``; the centre is the mode.

    >>> Triangular(low=0.0, mode=0.02, high=0.06).describe()
    'Triangular(0 to 0.06, mode 0.02)'
    """

    kind: Literal["triangular"] = "triangular"
    low: float = Field(allow_inf_nan=False)
    mode: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError(
                f"need low <= mode <= high and low < high, got {self.low}, {self.mode}, "
                f"{self.high}"
            )
        return self

    def draw(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:
        """``size`` independent draws."""
        return rng.triangular(self.low, self.mode, self.high, size)

    def centre(self) -> float:
        """The mode."""
        return self.mode

    def describe(self) -> str:
        """Short text for tables."""
        return f"Triangular({self.low:g} to {self.high:g}, mode {self.mode:g})"


class Fixed(_Distribution):
    """A known value (no uncertainty): every variant gets ``value``.

    >>> Fixed(value=0.02).describe()
    'Fixed(0.02)'
    """

    kind: Literal["fixed"] = "fixed"
    value: float = Field(allow_inf_nan=False)

    def draw(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:
        """``size`` copies of the value."""
        return np.full(size, self.value)

    def centre(self) -> float:
        """The value."""
        return self.value

    def describe(self) -> str:
        """Short text for tables."""
        return f"Fixed({self.value:g})"


Distribution = Annotated[
    Normal | LogNormal | Uniform | Triangular | Fixed, Field(discriminator="kind")
]
"""Any one of the scalar distributions, chosen by ``kind`` in a scenario file."""


class DirichletWeights(FrozenModel):
    """Weights of a shares-basis formula drawn from Dirichlet(``concentration * centre``).

    ``centre`` (indicator name -> weight, summing to 1) defaults to the formula's own
    weights. Each weight's sd is ``sqrt(c (1 - c) / (concentration + 1))`` for centre ``c``:
    concentration 50 puts a 1/3 weight mostly between about 0.2 and 0.46.

    >>> import numpy as np
    >>> d = DirichletWeights(concentration=50)
    >>> w = d.draw(np.random.default_rng(0), 4, np.array([0.5, 0.5, 0.0]))
    >>> w.shape, bool(np.allclose(w.sum(axis=1), 1.0)), bool((w[:, 2] == 0).all())
    ((4, 3), True, True)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["dirichlet"] = "dirichlet"
    concentration: float = Field(gt=0, allow_inf_nan=False)
    centre: dict[str, float] | None = None
    seed: int | None = Field(default=None, ge=0)
    note: str = ""

    def draw(self, rng: np.random.Generator, size: int, centre: FloatArray) -> FloatArray:
        """``size`` weight vectors (rows summing to 1) around ``centre``."""
        positive = centre > 0
        gam = rng.gamma(self.concentration * centre[positive], size=(size, int(positive.sum())))
        sums = gam.sum(axis=1, keepdims=True)
        if np.any(sums <= 0):
            v = int(np.flatnonzero(sums[:, 0] <= 0)[0])
            raise FormulaError(
                f"Dirichlet weights: variant {v} drew zero for every indicator; the "
                f"concentration {self.concentration:g} is too small to sample"
            )
        out = np.zeros((size, centre.size))
        out[:, positive] = gam / sums
        return out

    def describe(self) -> str:
        """Short text for tables."""
        return f"Dirichlet(concentration {self.concentration:g})"


# ------------------------------------------------------------------ the spec
DEFAULT_KEEP = 100_000
"""Variants whose full amounts are kept (amount percentiles use these; see SensitivitySpec)."""


class SensitivitySpec(FrozenModel):
    """What is uncertain, how, and how many variants to run.

    ``baseline_path`` says what each year's damping baseline is: ``fixed`` (the baseline
    column as given, every year) or ``with_pot`` (the column scaled by the pot's growth
    since the first year). ``compare_to`` names a column (pounds) to count gains against;
    by default the damping baseline, if the formula has one.

    ``chunk_size`` (rows, i.e. variant-year pairs, per chunk; whole variants, at least one)
    bounds memory and does not change results. The default keeps each chunk's arrays
    small enough to stay in a core's cache, which is faster than bigger chunks.
    Rank percentiles, probabilities and means use every variant; amount percentiles use
    the first ``keep_variants`` (all of them unless you run more than that), because
    exact percentiles need every amount held in memory.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    formula: FormulaOrPreset
    total: Money
    years: tuple[str, ...] = Field(default=("year 1",), min_length=1)
    weights: DirichletWeights | None = None
    unit_costs: dict[str, Distribution] = Field(default_factory=dict)
    growth: Distribution | None = None
    growth_by_year: bool = False
    baseline_path: Literal["fixed", "with_pot"] = "fixed"
    compare_to: str | None = None
    interval: tuple[int, int] = (5, 95)
    n_variants: int = Field(default=1000, ge=1, le=100_000_000)
    seed: int = Field(default=0, ge=0)
    chunk_size: int = Field(default=640, ge=1)
    keep_variants: int = Field(default=DEFAULT_KEEP, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> SensitivitySpec:
        names = [i.name for i in self.formula.indicators]
        if self.weights is not None:
            if self.formula.basis != "shares":
                raise ValueError(
                    "weights (Dirichlet) apply to a shares-basis formula; for a per_unit "
                    "formula give unit_costs per indicator"
                )
            if self.weights.centre is not None:
                centre = self.weights.centre
                if set(centre) != set(names):
                    raise ValueError(
                        f"weights.centre must name every indicator {names}, got {sorted(centre)}"
                    )
                check_weights(np.array([[centre[n] for n in names]]), "shares", names)
        if self.unit_costs:
            if self.formula.basis != "per_unit":
                raise ValueError(
                    "unit_costs apply to a per_unit formula (weights in pounds per unit); for "
                    "a shares formula use weights (Dirichlet)"
                )
            unknown = sorted(set(self.unit_costs) - set(names))
            if unknown:
                raise ValueError(f"unit_costs name unknown indicator(s) {unknown}; known {names}")
        if len(set(self.years)) != len(self.years):
            raise ValueError(f"years must be distinct, got {list(self.years)}")
        low, high = self.interval
        if not 0 < low < 50 < high < 100:
            raise ValueError(f"interval must be (low, high) percents with 0<low<50<high<100, "
                             f"got {self.interval}")
        total_in_pence(self.total.in_pounds())
        return self

    def inputs(self) -> list[str]:
        """Names of the uncertain inputs, in a fixed order (each has its own stream)."""
        names = ["weights"] if self.weights is not None else []
        names += [f"unit cost: {k}" for k in sorted(self.unit_costs)
                  if not isinstance(self.unit_costs[k], Fixed)]
        if self.growth is not None and not isinstance(self.growth, Fixed) and len(self.years) > 1:
            names.append("growth")
        return names

    def only(self, name: str) -> SensitivitySpec:
        """A copy in which only input ``name`` varies (the others at their centre).

        >>> from fundmodel.testing import formula_for
        >>> s = SensitivitySpec(formula=formula_for([1.0]), total=10, years=("a", "b"),
        ...                     growth=Normal(mean=0.0, sd=0.1))
        >>> s.only("growth").inputs()
        ['growth']
        """
        if name not in self.inputs():
            raise ValueError(f"unknown input {name!r}; this spec varies {self.inputs()}")
        formula = self.formula
        if name != "weights" and self.weights is not None and self.weights.centre is not None:
            formula = formula.with_weights(self.weights.centre)
        update: dict[str, Any] = {
            "formula": formula,
            "weights": self.weights if name == "weights" else None,
            "unit_costs": {k: v if name == f"unit cost: {k}" else Fixed(value=v.centre())
                           for k, v in self.unit_costs.items()},
            "growth": self.growth if name == "growth" or self.growth is None
            else Fixed(value=self.growth.centre()),
        }
        return self.model_copy(update=update)


# ------------------------------------------------------------------ drawing
@dataclass(frozen=True)
class Draws:
    """Every variant's inputs: weights (variants x indicators) and pots in pence
    (variants x years), plus the growth factor of each year since the first."""

    weights: FloatArray
    pot_pence: IntArray
    growth_factor: FloatArray


def _rng(spec: SensitivitySpec, name: str, own_seed: int | None) -> np.random.Generator:
    if own_seed is not None:
        return np.random.default_rng(own_seed)
    key = zlib.crc32(name.encode())  # stable across runs and platforms, unlike hash()
    return np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=(key,)))


def draw_inputs(spec: SensitivitySpec, n: int | None = None) -> Draws:
    """Draw the first ``n`` (default all) variants' inputs; raises FormulaError naming
    the variant and value of any draw that cannot be used (negative cost, pot below zero).

    >>> from fundmodel.testing import formula_for
    >>> s = SensitivitySpec(formula=formula_for([1.0]), total=100, years=("a", "b", "c"),
    ...                     growth=Uniform(low=0.1, high=0.1), n_variants=2)
    >>> draw_inputs(s).pot_pence.tolist()
    [[10000, 11000, 12100], [10000, 11000, 12100]]
    """
    n = spec.n_variants if n is None else n
    formula = spec.formula
    names = [i.name for i in formula.indicators]
    w = np.tile(formula.weight_vector(), (n, 1))
    if spec.weights is not None:
        centre = (
            formula.weight_vector() if spec.weights.centre is None
            else np.array([spec.weights.centre[k] for k in names])
        )
        w = spec.weights.draw(_rng(spec, "weights", spec.weights.seed), n, centre)
    for name in sorted(spec.unit_costs):
        dist = spec.unit_costs[name]
        costs = dist.draw(_rng(spec, f"unit cost: {name}", dist.seed), n)
        bad = np.flatnonzero(~(costs >= 0))
        if bad.size:
            raise FormulaError(
                f"unit cost for {name!r} drew {costs[bad[0]]:.6g} in variant {int(bad[0])}; "
                f"costs must not be negative: use a LogNormal or a range above zero instead "
                f"of {dist.describe()}"
            )
        w[:, names.index(name)] = costs
    check_weights(w, formula.basis, names)

    years = len(spec.years)
    factor = np.ones((n, years))
    if spec.growth is not None and years > 1:
        shape = (n, years - 1) if spec.growth_by_year else (n, 1)
        g = spec.growth.draw(_rng(spec, "growth", spec.growth.seed), shape)
        where_bad = np.argwhere(~(g > -1.0))
        if where_bad.size:
            v, y = where_bad[0]
            raise FormulaError(
                f"growth rate drew {g[v, y]:.6g} in variant {int(v)} (year {y + 2}); a rate "
                f"at or below -1 leaves no pot. Narrow {spec.growth.describe()}"
            )
        factor[:, 1:] = np.cumprod(np.broadcast_to(1.0 + g, (n, years - 1)), axis=1)
    pence0 = total_in_pence(spec.total.in_pounds())
    pots = np.rint(pence0 * factor)
    if np.any(pots >= MAX_PENCE):
        v = int(np.argmax(pots.max(axis=1)))
        raise FormulaError(f"variant {v}'s pot grows beyond what float64 holds to the penny")
    return Draws(weights=w, pot_pence=pots.astype(np.int64), growth_factor=factor)


def central_inputs(spec: SensitivitySpec) -> Draws:
    """The central variant: every distribution at its centre (weights at the Dirichlet
    centre, unit costs and growth at their mean, median, midpoint or mode)."""
    formula = spec.formula
    names = [i.name for i in formula.indicators]
    w = formula.weight_vector()
    if spec.weights is not None and spec.weights.centre is not None:
        w = np.array([spec.weights.centre[k] for k in names])
    for name, dist in spec.unit_costs.items():
        w[names.index(name)] = dist.centre()
    years = len(spec.years)
    factor = np.ones((1, years))
    if spec.growth is not None and years > 1:
        factor[0, 1:] = np.cumprod(np.full(years - 1, 1.0 + spec.growth.centre()))
    pots = np.rint(total_in_pence(spec.total.in_pounds()) * factor).astype(np.int64)
    return Draws(weights=w[None, :], pot_pence=pots, growth_factor=factor)


# ------------------------------------------------------------------ the batch
def ranks_descending(amounts: IntArray) -> IntArray:
    """Rank of each entry within its row, 1 for the largest; equal amounts share the
    best rank (like pandas ``rank(ascending=False, method="min")``).

    >>> ranks_descending(np.array([[5, 9, 5, 1]])).tolist()
    [[2, 1, 2, 4]]
    """
    order, rank0 = _sorted_ranks(amounts)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, rank0 + 1, axis=1)
    return ranks


def _sorted_ranks(amounts: IntArray) -> tuple[IntArray, IntArray]:
    """For each row sorted ascending: which column sits at each position (``order``) and
    its 0-based descending rank, ties sharing the best (``rank0``).

    Whole pence and the column number are packed into one int64 key, so a plain sort
    (much faster than an argsort) orders each row; ties then sort by column number.
    """
    rows, n = amounts.shape
    bits = max(int(n - 1).bit_length(), 1)
    if rows and (amounts.min() < 0 or amounts.max() >= 1 << (62 - bits)):
        order = np.argsort(amounts, axis=1, kind="stable")  # amounts too large to pack
        ordered = np.take_along_axis(amounts, order, axis=1)
    else:
        keys = amounts << bits
        keys |= np.arange(n)
        keys.sort(axis=1)
        order = keys & ((1 << bits) - 1)
        ordered = keys >> bits
    rank0 = np.broadcast_to(np.arange(n - 1, -1, -1), (rows, n))
    tie_rows = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
    if tie_rows.size:
        sub = ordered[tie_rows]
        # last position of each run of equal amounts, found right to left
        last = np.where(np.append(sub[:, 1:] != sub[:, :-1], np.ones((sub.shape[0], 1), bool),
                                  axis=1), np.arange(n), n)
        last = np.minimum.accumulate(last[:, ::-1], axis=1)[:, ::-1]
        rank0 = rank0.copy()
        rank0[tie_rows] = n - 1 - last
    return order, rank0


@dataclass
class _Accumulator:
    """Running totals over variants, per (year, council)."""

    years: int
    n: int
    central: IntArray
    compare: FloatArray | None
    keep: int
    rank_hist: IntArray = field(init=False)
    above_central: IntArray = field(init=False)
    gains: IntArray | None = field(init=False)
    dev_sum: FloatArray = field(init=False)
    dev_sumsq: FloatArray = field(init=False)
    amounts: IntArray = field(init=False)
    gain_scale: FloatArray | None = None

    def __post_init__(self) -> None:
        y, n = self.years, self.n
        self.rank_hist = np.zeros(y * n * n, dtype=np.int64)
        self.above_central = np.zeros((y, n), dtype=np.int64)
        self.gains = None if self.compare is None else np.zeros((y, n), dtype=np.int64)
        self.dev_sum = np.zeros((y, n))
        self.dev_sumsq = np.zeros((y, n))
        self.amounts = np.empty((self.keep, y, n), dtype=np.int64)

    def add(
        self, start: int, pence: IntArray, lam: FloatArray | None, factor: FloatArray | None
    ) -> None:
        """Fold in variants ``start..`` (pence has shape chunk x years x n); ``factor``
        (chunk x years) scales the comparison baseline when it grows with the pot."""
        c, y, n = pence.shape
        order, rank0 = _sorted_ranks(pence.reshape(c * y, n))
        cell = order.reshape(c, y, n) + (np.arange(y) * n)[None, :, None]
        cell *= n
        cell += rank0.reshape(c, y, n)
        self.rank_hist += np.bincount(cell.ravel(), minlength=y * n * n)
        self.above_central += (pence > self.central).sum(axis=0)
        if self.gains is not None and self.compare is not None:
            compare = self.compare if factor is None else self.compare * factor[:, :, None]
            self.gains += (pence > compare).sum(axis=0)
        dev = (pence - self.central).astype(np.float64)
        self.dev_sum += dev.sum(axis=0)
        self.dev_sumsq += np.einsum("vyi,vyi->yi", dev, dev)
        stop = min(start + c, self.keep)
        if stop > start:
            self.amounts[start:stop] = pence[: stop - start]
            if lam is not None:
                if self.gain_scale is None:
                    self.gain_scale = np.empty((self.keep, y))
                self.gain_scale[start:stop] = lam.reshape(c, y)[: stop - start]


def run_sensitivity(
    spec: SensitivitySpec, authorities: Authorities | None = None
) -> SensitivityResult:
    """Run ``spec.n_variants`` variants x years x councils in one vectorised, chunked pass.

    Every (variant, year) row is computed by the same private engine path as
    :func:`fundmodel.allocate`, so each equals that variant run alone, to the penny.
    """
    from fundmodel._scratch import Scratch
    from fundmodel.authorities import load_authorities
    from fundmodel.engine import _allocate_rows, _baseline, _need_shares, area_costs
    from fundmodel.engine import indicator_matrix as _indicator_matrix

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
        from fundmodel.measures import Measure

        compare = Measure(column=spec.compare_to).values(la, purpose="comparison baseline")

    def rows_baseline(factor: FloatArray) -> FloatArray | None:
        if base is None or spec.baseline_path == "fixed":
            return base
        return base[None, :] * factor.reshape(-1)[:, None]

    scratch = Scratch()  # work arrays reused from chunk to chunk

    def compute(draws: Draws) -> tuple[IntArray, FloatArray | None]:
        c = draws.weights.shape[0]
        _, shares, _ = _need_shares(draws.weights, x, aca)
        _, pence, lam = _allocate_rows(
            formula, np.repeat(shares, years, axis=0), draws.pot_pence.reshape(-1),
            rows_baseline(draws.growth_factor), tiebreak, scratch,
        )
        return pence.reshape(c, years, la.n), lam

    central = central_inputs(spec)
    try:
        central_pence, central_lam = compute(central)
    except InfeasibleDampingError as exc:
        raise _name_row(exc, 0, spec.years, "central run") from None
    with_pot = spec.baseline_path == "with_pot"
    compare_pence = None if compare is None else np.tile(compare * 100.0, (years, 1))

    draws = draw_inputs(spec)
    keep = min(spec.keep_variants, spec.n_variants)
    acc = _Accumulator(years, la.n, central_pence[0], compare_pence, keep)
    step = max(spec.chunk_size // years, 1)
    for start in range(0, spec.n_variants, step):
        part = slice(start, start + step)
        try:
            pence, lam = compute(
                Draws(draws.weights[part], draws.pot_pence[part], draws.growth_factor[part])
            )
        except InfeasibleDampingError as exc:
            raise _name_row(exc, start, spec.years) from None
        acc.add(start, pence, lam, draws.growth_factor[part] if with_pot else None)

    return SensitivityResult(
        spec=spec,
        authorities=la,
        draws=draws,
        central_pence=central_pence[0],
        central_gain_scale=central_lam,
        amount_pence=acc.amounts,
        gain_scale=acc.gain_scale,
        rank_hist=acc.rank_hist.reshape(years, la.n, la.n),
        above_central=acc.above_central,
        gains=acc.gains,
        compare_pence=None if compare_pence is None else (
            compare_pence * central.growth_factor[0][:, None] if with_pot else compare_pence
        ),
        dev_sum=acc.dev_sum,
        dev_sumsq=acc.dev_sumsq,
    )


# ------------------------------------------------------------------ percentiles
def percentile_index(percent: int, count: int) -> int:
    """0-based position in ``count`` sorted draws of the ``percent`` percentile: the
    smallest draw with at least ``percent``% of draws at or below it (no interpolation,
    so every percentile is an amount some variant really got).

    >>> [percentile_index(p, 20) for p in (5, 50, 95)]
    [0, 9, 18]
    """
    k = -(-percent * count // 100)  # ceil(percent * count / 100) in integers
    return max(k, 1) - 1


def _sorted_positions(values: IntArray, percents: tuple[int, ...]) -> IntArray:
    """Percentiles of ``values`` along axis 0 by :func:`percentile_index`."""
    idx = [percentile_index(p, values.shape[0]) for p in percents]
    part = np.partition(values, sorted(set(idx)), axis=0)
    return np.stack([part[i] for i in idx])


def _hist_percentiles(hist: IntArray, percents: tuple[int, ...]) -> IntArray:
    """Rank percentiles from per-cell rank counts (last axis: rank 1..n)."""
    cum = np.cumsum(hist, axis=-1)
    total = int(cum[(0,) * (cum.ndim - 1)][-1])
    return np.stack([np.argmax(cum >= percentile_index(p, total) + 1, axis=-1) + 1
                     for p in percents])


# ------------------------------------------------------------------ the result
@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Output of :func:`run_sensitivity`: central run, kept amounts and running counts.

    ``amount_pence`` has shape (kept variants, years, councils); ``rank_hist[y, i, r]``
    counts variants in which council ``i`` ranked ``r + 1`` in year ``y``.
    """

    spec: SensitivitySpec
    authorities: Authorities
    draws: Draws
    central_pence: IntArray
    central_gain_scale: FloatArray | None
    amount_pence: IntArray
    gain_scale: FloatArray | None
    rank_hist: IntArray
    above_central: IntArray
    gains: IntArray | None
    compare_pence: FloatArray | None
    dev_sum: FloatArray
    dev_sumsq: FloatArray
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

    def intervals(self, year: str | int | None = None) -> pd.DataFrame:
        """Per council for one year (the last by default): the central amount and rank,
        the low / median / high percentiles of amount (pounds) and rank (1 = largest),
        mean and sd of amount, the probability of more than the central amount, and the
        probability of gaining against the baseline (when there is one).
        """
        y = self._year(year)
        key = f"intervals:{y}"
        if key in self._cache:
            return self._cache[key].copy()
        low, high = self.spec.interval
        la = self.authorities
        amounts = _sorted_positions(self.amount_pence[:, y, :], (low, 50, high)) / 100.0
        ranks = _hist_percentiles(self.rank_hist[y], (low, 50, high))
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
            lines.append(f"  amount percentiles from the first {kept:,} variants; ranks and "
                         "probabilities from all")
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


def interval_chart_data(result: SensitivityResult, year: str | int | None = None,
                        scale: float = 1e6) -> pd.DataFrame:
    """What the interval chart draws: councils ranked by central amount (``rank`` 1 =
    largest), a point at ``central`` and a whisker from ``low`` to ``high`` (the spec's
    interval percentiles), amounts divided by ``scale`` (default £m).

    >>> from fundmodel.testing import formula_for, synthetic_authorities
    >>> la = synthetic_authorities([[1.0, 3.0], [2.0, 1.0], [4.0, 2.0]])
    >>> spec = SensitivitySpec(formula=formula_for([0.5, 0.5]), total=3e6,
    ...                        weights=DirichletWeights(concentration=10), n_variants=200)
    >>> data = interval_chart_data(run_sensitivity(spec, la))
    >>> list(data.columns), data["rank"].tolist()
    (['rank', 'code', 'name', 'central', 'low', 'median', 'high'], [1, 2, 3])
    """
    table = result.intervals(year)
    low, high = result.spec.interval
    data = pd.DataFrame({
        "code": table["code"], "name": table["name"],
        "central": table["central"] / scale, "low": table[f"p{low}"] / scale,
        "median": table["p50"] / scale, "high": table[f"p{high}"] / scale,
    }).sort_values(["central", "code"], ascending=[False, True]).reset_index(drop=True)
    data.insert(0, "rank", np.arange(1, len(data) + 1))
    data.attrs["interval"] = f"{low}th to {high}th percentile of {result.n_variants:,} variants"
    data.attrs["year"] = str(table["year"].iloc[0])
    return data
