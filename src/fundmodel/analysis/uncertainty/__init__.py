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
else one derived from the spec's ``seed`` and the input's name. The streams are read
chunk by chunk (:class:`DrawStream`) and give the same numbers however they are split,
so results depend only on the seeds (not on ``chunk_size``), changing one input's
distribution leaves the others' draws unchanged, and memory does not grow with the
number of variants: a run keeps at most a bounded reservoir of variants' amounts (every
variant while they fit in 64 MiB, for exact percentiles) and counts the rest into
streaming histograms (:class:`WindowSketch`) whose error bounds the result reports.

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

from fundmodel.analysis.uncertainty.chart_data import interval_chart_data
from fundmodel.analysis.uncertainty.distributions import (
    DirichletWeights,
    Distribution,
    Fixed,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
)
from fundmodel.analysis.uncertainty.draws import (
    Draws,
    DrawStream,
    central_inputs,
    draw_inputs,
)
from fundmodel.analysis.uncertainty.ranks import ranks_descending
from fundmodel.analysis.uncertainty.result import (
    SensitivityResult,
    run_sensitivity,
)
from fundmodel.analysis.uncertainty.sketch import WindowSketch, percentile_index
from fundmodel.analysis.uncertainty.spec import (
    DEFAULT_KEEP,
    EXACT_BYTES,
    SensitivitySpec,
)

__all__ = [
    "DEFAULT_KEEP",
    "EXACT_BYTES",
    "DirichletWeights",
    "Distribution",
    "DrawStream",
    "Draws",
    "Fixed",
    "LogNormal",
    "Normal",
    "SensitivityResult",
    "SensitivitySpec",
    "Triangular",
    "Uniform",
    "WindowSketch",
    "central_inputs",
    "draw_inputs",
    "interval_chart_data",
    "percentile_index",
    "ranks_descending",
    "run_sensitivity",
]
