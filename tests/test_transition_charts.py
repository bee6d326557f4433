"""Transition and needs-vs-resources charts: the data drawn, and that they draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fundmodel import allocate
from fundmodel.data.authorities import authorities_from_frame
from fundmodel.engine.formula import NeedsFormula
from fundmodel.engine.transition import TransitionPlan
from fundmodel.report.transition_charts import (
    needs_vs_resources_data,
    plot_needs_vs_resources,
    plot_transition_paths,
    transition_paths_data,
)
from fundmodel.scenarios.transition import transition
from fundmodel.testing import synthetic_authorities


def test_transition_paths_data_by_hand() -> None:
    la = synthetic_authorities([[1.0], [1.0]])
    plan = TransitionPlan(years=["2026-27", "2027-28"], pots=[100, 100], phasing=[0.5, 1],
                          floor=-0.1)
    r = transition(pd.Series([80.0, 20.0], index=la.codes),
                   pd.Series([50.0, 50.0], index=la.codes), plan, la)
    data = transition_paths_data(r)
    # amounts 55 | 45 then 59.5 | 40.5 against 50 each
    assert data["change_pct"].round(6).tolist() == [0.0, 10.0, 19.0, 0.0, -10.0, -19.0]
    assert data["year"].tolist()[:3] == ["2025-26", "2026-27", "2027-28"]
    assert data["ever_at_floor"].tolist() == [False] * 3 + [True] * 3
    fig = plot_transition_paths(data, sources=["test"])
    assert isinstance(fig, Figure)
    assert fig.texts[0].get_text().startswith("1 of 2 councils are held by a floor")


def test_needs_vs_resources_data_by_hand() -> None:
    frame = synthetic_authorities([[50.0], [30.0], [20.0]]).to_frame()
    frame["tax_base"] = [1.0, 0.0, 4.0]
    la = authorities_from_frame(frame, "t")
    f = NeedsFormula.model_validate({
        "name": "t", "indicators": [{"name": "k", "column": "x0", "weight": 1.0}],
        "resources": {"tax_base": "tax_base", "notional_band_d": 10.0, "resource_share": 1.0}})
    data = needs_vs_resources_data(allocate(f, la, 100.0))
    # X = 137.5: gross need 68.75, 41.25, 27.5; resources 10, 0, 40
    np.testing.assert_allclose(data["gross_need"], [68.75, 41.25, 27.5])
    assert data["cut_to_zero"].tolist() == [False, False, True]
    fig = plot_needs_vs_resources(data, sources=["x (assumption)"])
    assert "cut to zero (rests on assumptions" in fig.texts[0].get_text()
