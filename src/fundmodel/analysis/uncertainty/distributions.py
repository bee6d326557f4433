"""Distributions of uncertain inputs (seeded, reproducible): Normal, LogNormal, Uniform,
Triangular, Fixed, Dirichlet weights."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from fundmodel._types import FloatArray
from fundmodel.core.model import FrozenModel
from fundmodel.errors import FormulaError

if TYPE_CHECKING:
    pass


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
