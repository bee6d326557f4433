"""Kill tests for payment by results: five made-up councils worked by hand.

Councils (x0 drives an equal-weight formula, so a £8m grant pays 1, 1, 2, 4, 0 eighths):

====  ==  ======  ======  ========  ===  =======  ======
idx   x0  kids    chance  RO3 £m    CLA  poverty  grade
====  ==  ======  ======  ========  ===  =======  ======
0     1   10      1.0     1         1    4        1
1     1   1       0.0     5         2    3        2
2     2   4       0.5     0         3    2        3
3     4   40      0.0     8         4    1        4
4     0   0       1.0     0         5    0        1
====  ==  ======  ======  ========  ===  =======  ======

With 50% on results: unconditional £1m, £1m, £2m, £4m, 0; at risk half of each; expected
£1m, £0.5m, £1.5m, £2m, 0 (loss 0, 0.5, 0.5, 2, 0 £m).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.errors import DataError
from fundmodel.parameters import shipped
from fundmodel.scenarios.debate.payment_by_results import PaymentByResultsScenario
from fundmodel.testing import synthetic_authorities

HEADER = {"title": "PbR", "assumes": "a"}
EQUAL = {"name": "x0", "indicators": [{"name": "x0", "column": "x0", "weight": 1.0}]}
M = 1e6


def _councils(need: list[float] | None = None,
              kids: list[float] | None = None) -> Authorities:
    frame = synthetic_authorities([[1.0], [1.0], [2.0], [4.0], [0.0]]).to_frame()
    frame["children_0_17"] = kids or [10.0, 1.0, 4.0, 40.0, 0.0]
    frame["chance"] = [1.0, 0.0, 0.5, 0.0, 1.0]
    frame["cla_rate_per_10k_2025"] = need or [1.0, 2.0, 3.0, 4.0, 5.0]
    frame["child_poverty_pct"] = [4.0, 3.0, 2.0, 1.0, 0.0]
    frame["ro3_csc_net_2024_25"] = [1 * M, 5 * M, 0.0, 8 * M, 0.0]
    frame["ofsted_ilacs_grade"] = [1.0, 2.0, 3.0, 4.0, 1.0]
    return authorities_from_frame(frame)


def _column_run(need: list[float] | None = None,  # type: ignore[no-untyped-def]
                kids: list[float] | None = None):
    s = PaymentByResultsScenario(header=HEADER, grant=8 * M, results_share=0.5, formula=EQUAL,
                                 probability={"source": "column", "column": "chance"},
                                 draws=200)
    return s.run(_councils(need, kids))


def test_frame_columns_and_values_by_hand() -> None:
    r = _column_run()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0/0 or x/0 warnings leak out
        f = r.to_frame()
    assert list(f.columns) == [
        "code", "name", "region", "unconditional", "attachment", "at_risk", "chance",
        "expected_funding", "expected_loss", "funding_low", "funding_high",
        "at_risk_pct_of_csc_spend", "chance_is_proxy"]
    assert f["code"].tolist() == [f"E06{900000 + i:06d}" for i in range(5)]
    assert f["name"].tolist() == [f"Council {i}" for i in range(5)]
    assert f["region"].tolist() == r.authorities.regions.tolist()
    assert f["unconditional"].tolist() == [1 * M, 1 * M, 2 * M, 4 * M, 0.0]
    assert f["attachment"].tolist() == [0.5 * M, 0.5 * M, 1 * M, 2 * M, 0.0]
    assert f["at_risk"].tolist() == [0.5 * M, 0.5 * M, 1 * M, 2 * M, 0.0]
    assert f["chance"].tolist() == [1.0, 0.0, 0.5, 0.0, 1.0]
    assert f["expected_funding"].tolist() == [1 * M, 0.5 * M, 1.5 * M, 2 * M, 0.0]
    assert f["expected_loss"].tolist() == [0.0, 0.5 * M, 0.5 * M, 2 * M, 0.0]
    # council 2 attains in some of 200 coin flips and misses in others
    assert f["funding_low"].tolist() == [1 * M, 0.5 * M, 1 * M, 2 * M, 0.0]
    assert f["funding_high"].tolist() == [1 * M, 0.5 * M, 2 * M, 2 * M, 0.0]
    pct = f["at_risk_pct_of_csc_spend"].tolist()
    assert pct[:2] == [50.0, 10.0] and pct[3] == 25.0
    assert math.isnan(pct[2]) and math.isnan(pct[4])  # no RO3 spend: no percentage
    assert not f["chance_is_proxy"].any()


def test_amount_series_and_national_paid() -> None:
    r = _column_run()
    expected = r.council_amounts()
    assert expected.index.tolist() == r.authorities.codes.tolist()
    assert expected.name == "PbR"
    assert expected.tolist() == [1 * M, 0.5 * M, 1.5 * M, 2 * M, 0.0]
    uncond = r.unconditional_amounts()
    assert uncond.name == "PbR (unconditional)"
    assert uncond.index.tolist() == r.authorities.codes.tolist()
    assert uncond.tolist() == [1 * M, 1 * M, 2 * M, 4 * M, 0.0]
    exp, low, _mid, high = r.national_paid()
    # always paid: £4m attachment + council 0's £0.5m; council 2's £1m on a coin flip
    assert (exp, low, high) == (5 * M, 4.5 * M, 5.5 * M)
    assert repr(r) == "PaymentByResultsResult('PbR', draws=200)"


def test_correlations_by_hand() -> None:
    # share of loss 0, .5, .25, .5 (council 4 has no money: left out) ranks 1, 3.5, 2, 3.5;
    # loss per child 0, 500k, 125k, 50k ranks 1, 4, 3, 2; against CLA ranks 1, 2, 3, 4:
    # share r = 3 / sqrt(4.5 * 5), per child r = 1 / 5; poverty is the reverse order
    c = _column_run().correlations()
    assert set(c) == {"need", "need_per_child", "deprivation", "deprivation_per_child"}
    assert c["need"] == pytest.approx(3 / math.sqrt(22.5))
    assert c["need_per_child"] == pytest.approx(0.2)
    assert c["deprivation"] == pytest.approx(-3 / math.sqrt(22.5))
    assert c["deprivation_per_child"] == pytest.approx(-0.2)


def test_per_child_correlation_follows_the_loss_not_the_grant() -> None:
    # children 1, 10, 4, 40: loss per child 0, 50k, 125k, 50k ranks 1, 2.5, 4, 2.5 against
    # CLA ranks 1, 2, 3, 4: r = 3 / sqrt(22.5) (the grant per child would rank the reverse)
    c = _column_run(kids=[1.0, 10.0, 4.0, 40.0, 0.0]).correlations()
    assert c["need_per_child"] == pytest.approx(3 / math.sqrt(22.5))
    assert c["need"] == pytest.approx(3 / math.sqrt(22.5))  # the share does not use children


def test_grant_is_rounded_to_the_penny() -> None:
    s = PaymentByResultsScenario(header=HEADER, grant=1000.004, results_share=0.5,
                                 formula=EQUAL, draws=5,
                                 probability={"source": "column", "column": "chance"})
    assert int(s.run(_councils()).unconditional_pence.sum()) == 100000


def test_correlations_are_nan_without_need_columns() -> None:
    frame = _councils().to_frame().drop(columns=["cla_rate_per_10k_2025", "child_poverty_pct"])
    s = PaymentByResultsScenario(header=HEADER, grant=8 * M, results_share=0.5, formula=EQUAL,
                                 probability={"source": "column", "column": "chance"}, draws=20)
    c = s.run(authorities_from_frame(frame)).correlations()
    assert len(c) == 4 and all(math.isnan(v) for v in c.values())


def test_summary_and_html_figures() -> None:
    r = _column_run()
    text = r.summary()
    lines = text.splitlines()
    assert lines[0] == "PbR: 5 councils; chances from column 'chance'"
    assert lines[1] == "  grant £8.0m (your input) by x0; 50% on results (your input)"
    assert lines[2] == ("  funding at risk £4.0m; expected paid £5.0m (90% interval £4.5m to "
                        "£5.5m) over 200 seeded draws (seed 2026); unpaid money returns to the "
                        "Treasury")
    assert lines[3] == ("  median council at risk: 25.00% of its children's services spend "
                        "(RO3 2024-25)")
    assert lines[4] == ("  expected loss as a share of the unconditional amount, rank "
                        "correlation with need (CLA rate) +0.63, with deprivation (child "
                        "poverty) -0.63; per child +0.20 and -0.20 (positive: money moves "
                        "AWAY from higher-need councils)")
    assert lines[5].startswith("  sources: ")
    assert "chance: supplied by the user" in lines[5]
    assert "RO3" in lines[5] and "Children looked after" in lines[5]
    assert "Children in low income families" in lines[5]
    page = r._repr_html_()
    assert "<strong>PbR</strong>" in page
    assert "<td>expected funding paid</td><td style='text-align:right'>£5.0m</td>" in page
    assert "<td>90% interval</td><td style='text-align:right'>£4.5m to £5.5m</td>" in page
    assert "<td>chances</td><td style='text-align:right'>user column</td>" in page
    assert "<li>  grant £8.0m (your input) by x0; 50% on results (your input)</li>" in page
    assert "PbR: 5 councils" not in page  # the first line is the title, not a note


def test_no_away_warning_when_loss_falls_on_lower_need() -> None:
    lines = _column_run(need=[4.0, 3.0, 2.0, 1.0, 0.0]).summary().splitlines()
    assert "with need (CLA rate) -0.63" in lines[4]
    assert "AWAY" not in lines[4]


def test_ofsted_proxy_chances_and_labels() -> None:
    rec = shipped("payment_by_results")
    grades = ("outstanding", "good", "requires_improvement", "inadequate")
    chance = [rec[f"p_attain_{g}"].value for g in grades]
    s = PaymentByResultsScenario(header=HEADER, grant=8 * M, formula=EQUAL, draws=50)
    la = _councils()
    r = s.run(la)
    f = r.to_frame()
    assert f["chance"].tolist() == [*chance, chance[0]]
    assert f["chance_is_proxy"].all()
    share = rec["tf_results_share_2014_15"].value
    at_risk = np.array([1, 1, 2, 4, 0]) * M * share
    assert f["at_risk"].tolist() == pytest.approx(at_risk.tolist())
    expected = np.array([1, 1, 2, 4, 0]) * M - at_risk * (1 - np.array([*chance, chance[0]]))
    assert f["expected_funding"].tolist() == pytest.approx(expected.tolist())
    text = r.summary()
    assert text.splitlines()[0] == (
        "PbR: 5 councils; CHANCES ARE AN ILLUSTRATIVE OFSTED-GRADE PROXY (assumption: "
        "payment_by_results.yaml#p_attain_*), not evidence")
    assert (f"{100 * share:.0f}% on results (payment_by_results.yaml#tf_results_share_2014_15)"
            in text)
    assert "payment_by_results.yaml#p_attain_inadequate" in text
    assert "Ofsted" in text
    assert "<td>chances</td><td style='text-align:right'>ILLUSTRATIVE proxy</td>" in (
        r._repr_html_())
    params = s.parameters()
    assert len(params) == 6
    assert [p.value for p in params[2:]] == chance


def test_ofsted_proxy_draws_stay_in_each_grades_range() -> None:
    rec = shipped("payment_by_results")
    grades = ("outstanding", "good", "requires_improvement", "inadequate")
    s = PaymentByResultsScenario(header=HEADER, grant=8 * M, formula=EQUAL, draws=300)
    central, drawn = s._chances(_councils())
    assert central.tolist() == [rec[f"p_attain_{g}"].value for g in (*grades, grades[0])]
    assert drawn.shape == (300, 5)
    assert (drawn[:, 0] == drawn[:, 4]).all()  # same grade, same draw
    for i, g in enumerate(grades):
        p = rec[f"p_attain_{g}"]
        assert p.low is not None and p.high is not None
        assert drawn[:, i].min() >= p.low and drawn[:, i].max() <= p.high
        assert drawn[:, i].std() > 0  # drawn over the range, not held at the value
        assert abs(drawn[:, i].mean() - (p.low + p.value + p.high) / 3) < 0.05


@pytest.mark.parametrize("grade", [0.0, 5.0, 2.5])
def test_a_bad_grade_names_the_council(grade: float) -> None:
    frame = _councils().to_frame()
    frame.loc[3, "ofsted_ilacs_grade"] = grade
    s = PaymentByResultsScenario(header=HEADER, grant=8 * M, formula=EQUAL, draws=10)
    with pytest.raises(DataError, match=r"Ofsted proxy column 'ofsted_ilacs_grade': "
                       r"E06900003 Council 3 has .*grades are 1 \(Outstanding\) to 4"):
        s.run(authorities_from_frame(frame))


@pytest.mark.parametrize("bad", [1.01, 1.5])
def test_a_bad_chance_names_the_council(bad: float) -> None:
    frame = _councils().to_frame()
    frame.loc[1, "chance"] = bad
    s = PaymentByResultsScenario(header=HEADER, grant=8 * M, formula=EQUAL, draws=10,
                                 probability={"source": "column", "column": "chance"})
    with pytest.raises(DataError, match=rf"probability column 'chance': E06900001 Council 1 "
                       rf"has {bad}; chances must lie in 0..1"):
        s.run(authorities_from_frame(frame))


def test_results_and_attachment_add_to_the_penny() -> None:
    s = PaymentByResultsScenario(header=HEADER, grant=1000.03, results_share=0.3, formula=EQUAL,
                                 probability={"source": "column", "column": "chance"}, draws=5)
    r = s.run(_councils())
    total = r.attachment_pence + r.results_pence
    assert total.tolist() == r.unconditional_pence.tolist()
    assert int(r.unconditional_pence.sum()) == 100003
    # 30% of each council's pence, rounded to the penny
    assert r.results_pence.tolist() == np.round(r.unconditional_pence * 0.3).astype(int).tolist()


def test_pound_sized_councils_still_count() -> None:
    # the same councils with a grant of £8 and spend of £1, £5, 0, £8, 0: council 0's
    # £0.50 at risk is 50% of its £1 spend; the shares of loss are as before
    frame = _councils().to_frame()
    frame["ro3_csc_net_2024_25"] = [1.0, 5.0, 0.0, 8.0, 0.0]
    s = PaymentByResultsScenario(header=HEADER, grant=8, results_share=0.5, formula=EQUAL,
                                 probability={"source": "column", "column": "chance"},
                                 draws=20)
    r = s.run(authorities_from_frame(frame))
    pct = r.to_frame()["at_risk_pct_of_csc_spend"].tolist()
    assert pct[0] == 50.0 and pct[1] == 10.0 and pct[3] == 25.0
    assert r.correlations()["need"] == pytest.approx(3 / math.sqrt(22.5))
