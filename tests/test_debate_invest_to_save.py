"""Invest-to-save against a hand-worked two-council case, the data behind its unit cost, and
invariants."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundmodel.data.authorities import authorities_from_frame
from fundmodel.parameters import shipped
from fundmodel.scenarios import load_scenario
from fundmodel.scenarios.debate.invest_to_save import InvestToSaveScenario
from fundmodel.testing import synthetic_authorities

ROOT = Path(__file__).resolve().parents[1]
HEADER = {"title": "Invest test", "assumes": "test"}
HAND = dict(cost_per_family=2000, baseline_entry_rate=0.05, care_entry_reduction=0.2,
            unit_cost=50_000, years_in_care=2.0, lag=1.0)


def _councils(spend: list[float]):
    frame = synthetic_authorities([[1.0]] * len(spend)).to_frame()
    frame["prevention"] = spend
    return authorities_from_frame(frame)


def _scenario(**kw: object) -> InvestToSaveScenario:
    return InvestToSaveScenario(header=HEADER, investment=None, spend_column="prevention",
                                spend_years=("2026-27", "2027-28"), horizon=3, draws=50,
                                **{**HAND, **kw})


def test_two_councils_by_hand() -> None:
    la = _councils([1e6, 3e6])
    r = _scenario().run(la)
    entries, savings = r.central()
    # 1e6 / 2,000 families x 5% x 20% = 5 entries per £1m, landing a year after the spend
    assert r.effect() == pytest.approx(5.0)
    assert np.allclose(entries, [[0, 0], [5, 15], [5, 15]])
    assert savings[1].tolist() == pytest.approx([500_000, 1_500_000])  # x £50k x 2 years
    n = r.national()
    assert n.loc["spend", "central"] == 8e6 and n.loc["savings", "central"] == pytest.approx(4e6)
    assert r.breakeven_effect() == pytest.approx(10.0)
    assert r.payback_year() is None
    # at 12.5 entries per £1m: savings 5m by 2027-28 and 10m by 2028-29 against 8m spent
    assert _scenario(care_entry_reduction=0.5).run(la).payback_year() == "2028-29"


@settings(max_examples=40)
@given(st.lists(st.integers(0, 10**8), min_size=2, max_size=6))
def test_a_zero_effect_reproduces_the_baseline(spend: list[int]) -> None:
    la = _councils([float(v) for v in spend])
    r = _scenario(care_entry_reduction=0.0).run(la)
    f = r.to_frame()
    assert (f["entries_avoided"] == 0).all() and (f["savings_high"] == 0).all()
    assert (f["net_cost"] == f["spend"]).all()
    assert r.council_amounts().tolist() == [2.0 * v for v in spend]


def test_family_help_spend_is_the_investment_to_the_penny() -> None:
    r = InvestToSaveScenario(header=HEADER, draws=100).run()
    assert int(r.spend_pence.sum()) == 2_000_000_000 * 100
    n = r.national()
    assert (n["low"] <= n["high"]).all()
    assert "EVIDENCE IS WEAK" in r.summary()


def test_the_unit_cost_record_is_the_embedded_data() -> None:
    spend = children = 0.0
    with (ROOT / "src/fundmodel/data/authorities.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["ro3_lac_net_2024_25"] and row["cla_count_2025"]:
                spend += float(row["ro3_lac_net_2024_25"])
                children += float(row["cla_count_2025"])
    record = shipped("invest_to_save")["cost_per_child_looked_after_year"]
    assert record.value == pytest.approx(spend / children, abs=1.0)


def test_the_example_runs() -> None:
    r = load_scenario(ROOT / "examples" / "invest_to_save.yaml").run()
    assert r.national().loc["spend", "central"] == pytest.approx(2e9)
    assert np.isfinite(r.council_amounts()).all()
