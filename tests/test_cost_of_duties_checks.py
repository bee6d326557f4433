"""Cost of duties: the plausibility check against real 2023-24 overspends, and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fundmodel
from fundmodel.analysis.cost_of_duties import cost_of_duties, default_standards
from fundmodel.analysis.cost_of_duties.plausibility import overspend_check, spearman
from fundmodel.data.tables import load_budgets
from fundmodel.errors import FormulaError, ScenarioError


def test_overspend_check_matches_a_plain_rank_correlation() -> None:
    result = cost_of_duties(n_draws=20, seed=3)
    check = overspend_check(result, n_boot=300, seed=4)
    kent = check.data.set_index("code").loc["E10000016"]
    budget = load_budgets()
    budget = budget[(budget["code"] == "E10000016") & (budget["period"] == "2023-24")
                    & (budget["measure"] == "ra_budget_csc_net")]["value"].iloc[0]
    assert budget == 299643000.0
    assert kent["overspend_pct"] == pytest.approx(100 * (kent["outturn_2023_24"] - budget)
                                                  / budget)
    plain = check.data["gap_per_child"].rank().corr(check.data["overspend_pct"].rank())
    assert check.rho == pytest.approx(plain, abs=1e-12)
    assert check.low <= check.rho <= check.high
    assert "not tuned" in check.summary()


def test_spearman_is_batched() -> None:
    x = np.array([[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]])
    y = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(spearman(x, np.broadcast_to(y, x.shape)), [1.0, -1.0])


def test_bad_inputs_are_clear_errors() -> None:
    with pytest.raises(FormulaError, match="basis"):
        cost_of_duties(basis="lait", n_draws=10)
    with pytest.raises(FormulaError, match="cases_per_social_worker must be above zero"):
        default_standards().updated({"cases_per_social_worker": 0})
    with pytest.raises(FormulaError, match="unknown standards"):
        default_standards().updated({"cases_per_worker": 12})
    with pytest.raises(ScenarioError, match="unknown standards"):
        fundmodel.scenarios.load_scenario_text(
            "kind: cost_of_duties\nheader: {title: t, assumes: a}\n"
            "standards: {cases_per_worker: 12}\n")


def test_a_changed_standard_is_recorded_as_user_supplied() -> None:
    s = default_standards().updated({"cases_per_social_worker": 20})
    p = s["cases_per_social_worker"]
    assert p.assumption and p.source.publisher == "user" and p.low == p.high == 20
    same = default_standards().updated({"social_worker_salary": 35444})
    assert same["social_worker_salary"].source.publisher == "Community Care"


def test_councils_without_data_are_named_not_dropped() -> None:
    r = cost_of_duties(n_draws=10, seed=1)
    frame = r.to_frame()
    assert len(frame) == 153
    left_out = set(frame.loc[~frame["included"], "name"])
    assert left_out == set(r.national()["excluded"]) and "Birmingham" in left_out
    assert pd.isna(frame.set_index("name").loc["Birmingham", "spend"])
