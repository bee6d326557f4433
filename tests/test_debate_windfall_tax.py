"""The windfall tax against a hand-worked national sum, the council split, and invariants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundmodel.data.authorities import authorities_from_frame
from fundmodel.scenarios import load_scenario
from fundmodel.scenarios.debate.windfall_tax import WindfallTaxScenario
from fundmodel.testing import synthetic_authorities

ROOT = Path(__file__).resolve().parents[1]
HEADER = {"title": "Windfall test", "assumes": "test"}
EQUAL = {"name": "x0", "indicators": [{"name": "x0", "column": "x0", "weight": 1.0}]}
SIMPLE = dict(revenue=100e6, share_homes=0.5, margin_homes=0.3, margin_ifa=0.2,
              normal_margin=0.1, tax_rate=0.5, base_years=1.0, exit_share=0.1,
              price_home=1000.0, price_ifa=500.0, reprovision_home=3000.0,
              reprovision_foster=1000.0, displacement_years=1.0)


def _councils(x0: list[float], res: list[float], fos: list[float]):
    frame = synthetic_authorities([[v] for v in x0]).to_frame()
    frame["ro3_lac_residential_net_2024_25"] = res
    frame["ro3_lac_fostering_net_2024_25"] = fos
    return authorities_from_frame(frame)


def test_the_national_sums_by_hand() -> None:
    la = _councils([1.0, 3.0], [1.0, 0.0], [1.0, 1.0])
    r = WindfallTaxScenario(header=HEADER, formula=EQUAL, draws=50, **SIMPLE).run(la)
    c = r.central
    # excess profit 50m x 0.2 + 50m x 0.1 = 15m; tax 50% = 7.5m
    assert c["tax_raised"] == pytest.approx(7.5e6)
    # homes: 10% of 50m at £1,000/week = 96.15 places; extra (3,000 - 1,000) x 52 each = 10m
    assert c["placements_at_risk_homes"] == pytest.approx(5e6 / 52_000)
    assert c["extra_cost_home"] == pytest.approx(10e6)
    assert c["extra_cost_foster"] == pytest.approx(5e6)  # 5m x (1,000/500 - 1)
    assert c["net_fiscal_effect"] == pytest.approx(-7.5e6)
    assert c["breakeven_exit_share"] == pytest.approx(0.05)  # 7.5m / 150m per unit of exit
    f = r.to_frame()
    assert f["tax_funding"].tolist() == [1_875_000.0, 5_625_000.0]
    # homes cost all to council 0, fostering cost split evenly
    assert f["extra_cost_per_year"].tolist() == [12_500_000.0, 2_500_000.0]
    assert f["net_fiscal_effect"].tolist() == [1_875_000.0 - 12_500_000, 5_625_000.0 - 2_500_000]


def test_at_the_break_even_exit_share_the_tax_pays_for_itself() -> None:
    la = _councils([1.0, 1.0], [1.0, 1.0], [1.0, 1.0])
    s = WindfallTaxScenario(header=HEADER, formula=EQUAL, draws=20, **SIMPLE)
    be = s.run(la).central["breakeven_exit_share"]
    assert s.updated(exit_share=be).run(la).central["net_fiscal_effect"] == pytest.approx(0, abs=1)


@settings(max_examples=60)
@given(st.floats(0.0, 1.0), st.floats(0.0, 0.5), st.floats(1e6, 2e9),
       st.lists(st.integers(0, 10**8), min_size=3, max_size=3))
def test_money_is_conserved_and_a_zero_rate_is_the_baseline(rate: float, exit_share: float,
                                                           revenue: float, res: list[int]) -> None:
    la = _councils([1.0, 2.0, 5.0], [float(v) + 1 for v in res], [3.0, 2.0, 1.0])
    s = WindfallTaxScenario(header=HEADER, formula=EQUAL, draws=20,
                            **{**SIMPLE, "tax_rate": rate, "exit_share": exit_share,
                               "revenue": revenue})
    r = s.run(la)
    assert r.funds_pence.sum() == round(round(r.central["tax_raised"], 2) * 100)
    cost = round(r.central["extra_cost_home"] * 100) + round(r.central["extra_cost_foster"] * 100)
    assert r.cost_pence.sum() == cost
    zero = s.updated(tax_rate=0.0).run(la)
    f = zero.to_frame()
    assert (f["tax_funding"] == 0).all() and (f["extra_cost_per_year"] == 0).all()
    assert (f["net_fiscal_effect"] == 0).all() and (f["net_low"] == 0).all()
    assert all(np.all(v[np.isfinite(v)] == 0) for k, v in zero.draws.items()
               if k not in ("displacement_years", "breakeven_exit_share", "excess_profit"))


def test_the_example_runs_with_intervals_and_sources() -> None:
    s = load_scenario(ROOT / "examples" / "windfall_tax.yaml")
    r = s.run()
    n = r.national()
    assert (n["low"] <= n["median"]).all() and (n["median"] <= n["high"]).all()
    text = r.summary()
    assert "ASSUMED" in text and "Southern Cross" in text
    assert "windfall_tax.yaml#cma_margin_childrens_homes" in text
    assert r.council_amounts().size == int(r.included.sum())
