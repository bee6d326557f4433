"""The Care Bank scenario against hand-worked councils, the published RO3 rows, and invariants."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundmodel.data.authorities import authorities_from_frame
from fundmodel.errors import DataError
from fundmodel.scenarios import load_scenario
from fundmodel.scenarios.debate import CareBankScenario
from fundmodel.testing import synthetic_authorities

ROOT = Path(__file__).resolve().parents[1]
HEADER = {"title": "Care Bank test", "assumes": "test"}
EQUAL = {"name": "equal", "indicators": [{"name": "x0", "column": "x0", "weight": 1.0}]}


def _councils(res: list[float], fos: list[float], csc: list[float], x0: list[float],
              budget: list[float] | None = None, outturn: list[float] | None = None):
    frame = synthetic_authorities([[v] for v in x0]).to_frame()
    frame["ro3_lac_residential_net_2024_25"] = res
    frame["ro3_lac_fostering_net_2024_25"] = fos
    frame["ro3_csc_net_2024_25"] = csc
    if budget is not None and outturn is not None:
        frame["ro3_lac_residential_net_2023_24"] = res
        frame["ro3_lac_fostering_net_2023_24"] = fos
        frame["ra_budget_csc_net_2023_24"] = budget
        frame["ro3_csc_net_2023_24"] = outturn
    return authorities_from_frame(frame)


def test_three_councils_by_hand() -> None:
    # council spends: A 300+100, B 50+50, C 0+200; national cost 700
    la = _councils([300, 50, 0], [100, 50, 200], [1000, 500, 400], [1, 1, 2],
                   budget=[900, 450, 450], outturn=[1000, 500, 400])
    s = CareBankScenario(header=HEADER, lines=("residential", "fostering"),
                         adjustment="formula", formula=EQUAL)
    r = s.run(la)
    f = r.to_frame()
    assert r.national_cost() == 700.0
    assert f["moved_to_bank"].tolist() == [400.0, 100.0, 200.0]
    assert f["remaining_budget"].tolist() == [600.0, 400.0, 200.0]
    # clawback 700 by x0 shares 1/4, 1/4, 1/2: 175, 175, 350
    assert f["clawback"].tolist() == [175.0, 175.0, 350.0]
    assert f["net_gain"].tolist() == [225.0, -75.0, -150.0]
    # overspend 2023-24: 100, 50, -50; change = clawback - moved
    assert f["overspend_2023_24"].tolist() == [100.0, 50.0, -50.0]
    assert f["overspend_with_bank_2023_24"].tolist() == [100 - 225, 50 + 75, -50 + 150]
    assert r.winners_losers()["gain"] == 1 and r.winners_losers()["loss"] == 2
    none = s.updated(adjustment="none").run(la).to_frame()
    assert none["net_gain"].tolist() == [400.0, 100.0, 200.0]
    own = s.updated(adjustment="own_spend").run(la).to_frame()
    assert own["net_gain"].tolist() == [0.0, 0.0, 0.0]


def _published(measure: str, period: str, code: str) -> float:
    with (ROOT / "src/fundmodel/data/series.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["measure"] == measure and row["period"] == period and row["code"] == code:
                return float(row["value"])
    raise AssertionError(f"{measure} {period} {code} not in series.csv")


def test_embedded_councils_match_the_published_rows() -> None:
    r = CareBankScenario(header=HEADER, missing="exclude").run()
    f = r.to_frame().set_index("code")
    for code in ("E06000001", "E10000016"):  # Hartlepool, Kent
        expected = sum(_published(m, "2024-25", code) for m in
                       ("ro3_lac_residential_net", "ro3_lac_fostering_net", "ro3_lac_other_net"))
        assert f.loc[code, "moved_to_bank"] == pytest.approx(expected, abs=0.01)
    # the national cost equals the sum of the three lines over the councils included
    with (ROOT / "src/fundmodel/data/series.csv").open(newline="") as fh:
        keep = set(f.index[f["included"]])
        total = sum(float(row["value"]) for row in csv.DictReader(fh)
                    if row["period"] == "2024-25" and row["code"] in keep
                    and row["flag"] != "predecessor" and row["measure"] in
                    ("ro3_lac_residential_net", "ro3_lac_fostering_net", "ro3_lac_other_net"))
    assert r.national_cost() == pytest.approx(total, abs=1.0)
    assert "care_bank.yaml#care_bank_coverage" in r.summary()


def test_missing_outturn_is_an_error_naming_the_council() -> None:
    with pytest.raises(DataError, match=r"missing for .* council"):
        CareBankScenario(header=HEADER).run()


@settings(max_examples=60)
@given(st.lists(st.integers(0, 10**9), min_size=2, max_size=12),
       st.floats(0.0, 1.0), st.sampled_from(["none", "formula", "own_spend"]))
def test_transfers_sum_to_the_national_cost(spend: list[int], coverage: float,
                                            adjustment: str) -> None:
    n = len(spend)
    x0 = [float(i % 3 + 1) for i in range(n)]
    la = _councils([float(v) for v in spend], [0.0] * n, [2e9] * n, x0)
    r = CareBankScenario(header=HEADER, lines=("residential", "fostering"), coverage=coverage,
                         overspend_period=None, adjustment=adjustment, formula=EQUAL).run(la)
    moved = r.moved_pence.sum()
    assert moved == int(np.round(np.array(spend) * 100 * coverage).sum())
    if adjustment != "none":
        assert r.clawback_pence.sum() == moved  # the Treasury recovers exactly the cost
    f = r.to_frame()
    assert (f["moved_to_bank"] + f["remaining_budget"]).tolist() == f["csc_spend"].tolist()


@settings(max_examples=40)
@given(st.lists(st.integers(-10**6, 10**9), min_size=2, max_size=8),
       st.sampled_from(["none", "formula", "own_spend"]))
def test_a_bank_covering_nothing_reproduces_the_baseline(spend: list[int], adj: str) -> None:
    n = len(spend)
    la = _councils([float(v) for v in spend], [5.0] * n, [3e9] * n, [1.0] * n,
                   budget=[2e9] * n, outturn=[3e9] * n)
    for s in (CareBankScenario(header=HEADER, coverage=0.0, adjustment=adj, formula=EQUAL,
                               lines=("residential", "fostering")),
              CareBankScenario(header=HEADER, lines=(), adjustment=adj, formula=EQUAL)):
        f = s.run(la).to_frame()
        assert (f["net_gain"] == 0).all() and (f["remaining_budget"] == 3e9).all()
        assert (f["overspend_with_bank_2023_24"] == f["overspend_2023_24"]).all()


def test_the_example_runs_and_compares() -> None:
    from fundmodel.analysis.compare import compare

    s = load_scenario(ROOT / "examples" / "care_bank.yaml")
    r = s.run()
    assert r.national_cost() > 5e9
    assert "2023-24" in r.summary()
    none = s.updated(adjustment="none").run()
    cmp = compare(none, r, labels=["no adjustment", "clawback"])
    assert cmp.winners_losers().iloc[1]["losses"] > 0
