"""Payment by results against hand-worked councils and invariants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundmodel import allocate
from fundmodel.data.authorities import authorities_from_frame, load_authorities
from fundmodel.engine.named_formulas import named_formula
from fundmodel.errors import DataError
from fundmodel.scenarios import load_scenario
from fundmodel.scenarios.debate.payment_by_results import PaymentByResultsScenario
from fundmodel.testing import synthetic_authorities

ROOT = Path(__file__).resolve().parents[1]
HEADER = {"title": "PbR test", "assumes": "test"}
EQUAL = {"name": "x0", "indicators": [{"name": "x0", "column": "x0", "weight": 1.0}]}


def _with_chance(x0: list[float], chance: list[float]):
    frame = synthetic_authorities([[v] for v in x0]).to_frame()
    frame["chance"] = chance
    return authorities_from_frame(frame)


def test_two_councils_by_hand() -> None:
    la = _with_chance([1.0, 3.0], [1.0, 0.0])
    s = PaymentByResultsScenario(header=HEADER, grant=1000, results_share=0.5, formula=EQUAL,
                                 probability={"source": "column", "column": "chance"}, draws=200)
    r = s.run(la)
    f = r.to_frame()
    assert f["unconditional"].tolist() == [250.0, 750.0]
    assert f["at_risk"].tolist() == [125.0, 375.0]
    assert f["expected_funding"].tolist() == [250.0, 375.0]
    assert f["funding_low"].tolist() == [250.0, 375.0] == f["funding_high"].tolist()
    assert r.national_paid()[0] == 625.0


def test_the_ofsted_proxy_on_the_embedded_councils() -> None:
    la = load_authorities()
    r = PaymentByResultsScenario(header=HEADER, draws=400).run(la)
    base = allocate(named_formula("children_act"), la, 400e6).amount_pence[0] / 100.0
    grade = la.column("ofsted_ilacs_grade")
    chance = {1.0: 0.9, 2.0: 0.75, 3.0: 0.5, 4.0: 0.25}
    f = r.to_frame()
    for i in np.flatnonzero(grade == 4)[:3].tolist() + np.flatnonzero(grade == 1)[:3].tolist():
        c = chance[grade[i]]
        assert f.loc[i, "chance"] == c
        assert f.loc[i, "expected_funding"] == pytest.approx(base[i] * (0.4 + 0.6 * c), abs=0.02)
    assert "ILLUSTRATIVE" in r.summary() and f["chance_is_proxy"].all()
    exp, low, _, high = r.national_paid()
    assert low < exp < high < 400e6


def test_a_chance_outside_0_to_1_names_the_council() -> None:
    la = _with_chance([1.0, 1.0], [0.5, 1.5])
    s = PaymentByResultsScenario(header=HEADER, grant=10, formula=EQUAL,
                                 probability={"source": "column", "column": "chance"})
    with pytest.raises(DataError, match=r"E06900001 Council 1 has 1\.5"):
        s.run(la)


@settings(max_examples=60)
@given(st.lists(st.integers(1, 1000), min_size=2, max_size=10),
       st.lists(st.floats(0, 1), min_size=10, max_size=10),
       st.integers(0, 10**9), st.floats(0, 1))
def test_money_is_conserved_and_zero_share_is_the_baseline(x0: list[int], chances: list[float],
                                                          pence: int, share: float) -> None:
    n = len(x0)
    la = _with_chance([float(v) for v in x0], chances[:n])
    s = PaymentByResultsScenario(header=HEADER, grant=pence / 100, results_share=share,
                                 formula=EQUAL, draws=30,
                                 probability={"source": "column", "column": "chance"})
    r = s.run(la)
    assert r.unconditional_pence.sum() == pence
    assert ((r.attachment_pence + r.results_pence) == r.unconditional_pence).all()
    assert (r.paid_draws <= r.unconditional_pence[None, :]).all()
    assert (r.paid_draws >= r.attachment_pence[None, :]).all()
    zero = s.updated(results_share=0.0).run(la)
    assert (zero.expected() == zero.unconditional_pence / 100.0).all()
    assert (zero.paid_draws == zero.unconditional_pence[None, :]).all()


def test_draws_are_seeded() -> None:
    s = PaymentByResultsScenario(header=HEADER, draws=100)
    a, b = s.run().paid_draws, s.run().paid_draws
    assert (a == b).all()
    assert not (s.updated(seed=7).run().paid_draws == a).all()


def test_the_example_runs_and_compares_with_unconditional() -> None:
    from fundmodel.analysis.compare import compare

    s = load_scenario(ROOT / "examples" / "payment_by_results.yaml")
    r = s.run()
    base = s.updated(results_share=0.0).run()
    cmp = compare(base, r, labels=["unconditional", "on results"])
    wl = cmp.winners_losers().set_index("result")
    assert wl.loc["on results", "losses"] > 100
    assert wl.loc["unconditional", "no_change"] == 153
