"""Chart data for a sensitivity run: each council's interval, ranked
(:func:`interval_chart_data`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    pass
from fundmodel.analysis.uncertainty.result import SensitivityResult


def interval_chart_data(result: SensitivityResult, year: str | int | None = None,
                        scale: float = 1e6) -> pd.DataFrame:
    """What the interval chart draws: councils ranked by central amount (``rank`` 1 =
    largest), a point at ``central`` and a whisker from ``low`` to ``high`` (the spec's
    interval percentiles), amounts divided by ``scale`` (default £m).

    >>> from fundmodel.analysis.uncertainty import (
    ...     DirichletWeights, SensitivitySpec, run_sensitivity)
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
