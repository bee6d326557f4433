"""Kill tests for invest-to-save: three made-up councils worked by hand.

A user column spends £1m, £2m and nothing a year in 2025-26 and 2026-27. At £2,000 a family
500 families are reached per £1m; 5% would enter care and a fifth of those are kept out:
5 entries avoided per £1m, a year later (lag 1). Each saves £150,000 a year for 2 years
(£300,000). So 2026-27 and 2027-28 each see 5 and 10 entries avoided (£1.5m and £3m saved):
30 entries, £9m saved against £6m spent (net -£3m), paid back in 2027-28 (cumulative £9m
saved against £6m spent; in 2026-27 only £4.5m).
"""

from __future__ import annotations

import numpy as np
import pytest

from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.errors import DataError
from fundmodel.parameters import shipped
from fundmodel.scenarios.debate.invest_to_save import (
    InvestToSaveResult,
    InvestToSaveScenario,
    effect_per_million,
)
from fundmodel.testing import synthetic_authorities

HEADER = {"title": "ITS", "assumes": "a"}
M = 1e6
HAND = dict(cost_per_family=2000.0, baseline_entry_rate=0.05, care_entry_reduction=0.2,
            unit_cost=150_000.0, years_in_care=2.0, lag=1.0)
YEARS = ["2025-26", "2026-27", "2027-28", "2028-29"]


def _councils() -> Authorities:
    frame = synthetic_authorities([[1.0], [1.0], [2.0]]).to_frame()
    frame["prev"] = [1 * M, 2 * M, 0.0]
    return authorities_from_frame(frame)


def _run(**over: object) -> InvestToSaveResult:
    kw: dict[str, object] = {**HAND, "horizon": 4, "draws": 20, **over}
    s = InvestToSaveScenario(header=HEADER, investment=None, spend_column="prev",
                             spend_years=("2025-26", "2026-27"), **kw)
    return s.run(_councils())


def test_frame_by_hand() -> None:
    r = _run()
    f = r.to_frame()
    assert list(f.columns) == [
        "code", "name", "region", "year", "spend", "entries_avoided", "entries_low",
        "entries_high", "savings", "savings_low", "savings_high", "net_cost", "evidence"]
    codes = [f"E06{900000 + i:06d}" for i in range(3)]
    assert f["code"].tolist() == codes * 4
    assert f["name"].tolist() == ["Council 0", "Council 1", "Council 2"] * 4
    assert f["region"].tolist() == r.authorities.regions.tolist() * 4
    assert f["year"].tolist() == [y for y in YEARS for _ in range(3)]
    assert f["spend"].tolist() == [1 * M, 2 * M, 0.0] * 2 + [0.0] * 6
    entries = [0.0] * 3 + [5.0, 10.0, 0.0] * 2 + [0.0] * 3
    assert f["entries_avoided"].tolist() == pytest.approx(entries)
    assert f["entries_low"].tolist() == pytest.approx(entries)
    assert f["entries_high"].tolist() == pytest.approx(entries)
    savings = [e * 300_000 for e in entries]
    assert f["savings"].tolist() == pytest.approx(savings)
    assert f["savings_low"].tolist() == pytest.approx(savings)
    assert f["savings_high"].tolist() == pytest.approx(savings)
    net = [1 * M, 2 * M, 0.0, -0.5 * M, -1 * M, 0.0, -1.5 * M, -3 * M, 0.0, 0.0, 0.0, 0.0]
    assert f["net_cost"].tolist() == pytest.approx(net)
    assert f["evidence"].tolist() == ["weak (see summary)"] * 12


def test_national_amounts_and_payback() -> None:
    r = _run()
    n = r.national()
    assert n.index.tolist() == ["spend", "entries_avoided", "savings", "net_cost",
                                "effect_per_million"]
    assert list(n.columns) == ["central", "low", "median", "high"]
    assert n.loc["spend"].tolist() == [6 * M] * 4
    assert n.loc["entries_avoided"].tolist() == pytest.approx([30.0] * 4)
    assert n.loc["savings"].tolist() == pytest.approx([9 * M] * 4)
    assert n.loc["net_cost"].tolist() == pytest.approx([-3 * M] * 4)
    assert n.loc["effect_per_million"].tolist() == pytest.approx([5.0] * 4)
    assert r.effect() == pytest.approx(5.0)
    assert r.breakeven_effect() == pytest.approx(1e6 / 300_000)
    assert r.payback_year() == "2027-28"
    a = r.council_amounts()
    assert a.name == "ITS"
    assert a.index.tolist() == r.authorities.codes.tolist()
    assert a.tolist() == pytest.approx([-1 * M, -2 * M, 0.0])
    assert r.years == tuple(YEARS)
    assert r.spend_pence.dtype == np.int64  # money in whole pence
    assert r.spend_pence[:, 0].tolist() == [100_000_000, 100_000_000, 0, 0]
    assert repr(r) == "InvestToSaveResult('ITS', years=2025-26..2028-29)"


def test_payback_never_and_zero_savings() -> None:
    # at £50,000 a year each entry saves £100,000: £3m saved against £6m, never paid back
    r = _run(unit_cost=50_000.0)
    assert r.payback_year() is None
    zero = np.zeros((4, 3))
    assert r.payback_year(zero) is None  # nothing saved never pays back, even with no gap
    free = _run(unit_cost=50_000.0)
    assert free.payback_year(np.full((4, 3), 1e7)) == "2025-26"
    text = r.summary()
    assert text.splitlines()[5].endswith(
        "payback year: not within the horizon at the central values")


def test_a_longer_lag_rounds_to_whole_years_and_falls_off_the_horizon() -> None:
    r = _run(lag=1.6)  # two years: 2025-26 spend lands in 2027-28, 2026-27's in 2028-29
    e, _ = r.central()
    assert e.tolist() == [[0.0] * 3, [0.0] * 3, [5.0, 10.0, 0.0], [5.0, 10.0, 0.0]]
    short = _run(lag=1.6, horizon=3)
    e, _ = short.central()
    assert e.tolist() == [[0.0] * 3, [0.0] * 3, [5.0, 10.0, 0.0]]
    now = _run(lag=0.0, horizon=1)
    e, s = now.central()
    assert e.tolist() == [[5.0, 10.0, 0.0]]  # 2026-27's spend is off a one-year horizon
    assert s.tolist() == [[1.5 * M, 3 * M, 0.0]]
    assert now.to_frame()["spend"].tolist() == [1 * M, 2 * M, 0.0]


def test_summary_and_html_by_hand() -> None:
    r = _run()
    lines = r.summary().splitlines()
    assert lines[0] == "ITS: preventive spend from prev, 2025-26..2028-29"
    assert lines[1].startswith("  EVIDENCE IS WEAK: a one-third fall in care entries")
    assert "'no discernible impact' in phase one" in lines[1]
    assert lines[1].endswith("the central figures use the published values, at the "
                             "optimistic end of their ranges")
    assert lines[2] == ("  spend £6.0m; entries to care avoided 30 (90% interval 30 to 30), "
                        "median of draws 30")
    assert lines[3].startswith("  effect 5.00 entries avoided per £1m (90% interval 5.00 to "
                               "5.00; ")
    assert "break-even 3.33 per £1m (" in lines[3]
    assert lines[4].startswith("  savings £9.0m (90% interval £9.0m to £9.0m), median of draws "
                               "£9.0m (lag 1 year(s), ")
    assert lines[5] == ("  net cost -£3.0m (90% interval -£3.0m to -£3.0m), median of draws "
                        "-£3.0m; payback year: 2027-28")
    assert lines[6].startswith("  sources: ")
    assert len(lines) == 7
    page = r._repr_html_()
    assert "<strong>ITS</strong>" in page
    for label, value in [("spend", "£6.0m"), ("entries avoided", "30.00"),
                         ("savings", "£9.0m"), ("net cost", "-£3.0m"),
                         ("effect per million", "5.00")]:
        assert f"<td>{label}</td><td style='text-align:right'>{value}</td>" in page, label
    assert "<li>  net cost -£3.0m" in page and "<li>ITS: preventive" not in page


def test_the_shipped_records_in_the_summary() -> None:
    rec = shipped("invest_to_save")
    s = InvestToSaveScenario(header=HEADER, investment=None, spend_column="prev",
                             spend_years=("2025-26", "2026-27"), horizon=6, draws=200)
    r = s.run(_councils())
    # 1,000,000 / 2,300 families x 3% x 33% = 4.30 per £1m; break-even 1e6 / (105,199 x 1.5)
    eff = 1e6 / rec["cost_per_family"].value * rec["baseline_entry_rate"].value * (
        rec["care_entry_reduction"].value)
    assert r.effect() == pytest.approx(eff)
    unit, years = rec["cost_per_child_looked_after_year"].value, rec["years_in_care_avoided"].value
    assert r.breakeven_effect() == pytest.approx(1e6 / (unit * years))
    text = r.summary()
    for ref in ("invest_to_save.yaml#care_entry_reduction",
                "invest_to_save.yaml#baseline_entry_rate", "invest_to_save.yaml#cost_per_family",
                "invest_to_save.yaml#cost_per_child_looked_after_year x "
                "invest_to_save.yaml#years_in_care_avoided",
                "invest_to_save.yaml#effect_lag_years"):
        assert ref in text, ref
    assert f"effect {eff:.2f} entries avoided per £1m" in text
    assert f"break-even {1e6 / (unit * years):.2f} per £1m" in text
    for p in s.parameters():
        assert p.cite() in text
    n = r.national()
    # each range is the 5th to 95th percentile of the draws, then their median
    e = n.loc["entries_avoided"]
    assert (f"entries to care avoided {e['central']:,.0f} (90% interval {e['low']:,.0f} to "
            f"{e['high']:,.0f}), median of draws {e['median']:,.0f}") in text
    assert e["low"] < e["median"] < e["high"]
    for k in n.index:
        low, mid, high = n.loc[k, ["low", "median", "high"]].tolist()
        assert low <= mid <= high, k
    # the drawn effect stays inside what the records' ranges allow
    lo = 1e6 / rec["cost_per_family"].high * rec["baseline_entry_rate"].low * (
        rec["care_entry_reduction"].low)
    hi = 1e6 / rec["cost_per_family"].low * rec["baseline_entry_rate"].high * (
        rec["care_entry_reduction"].high)
    assert lo <= n.loc["effect_per_million", "low"] < n.loc["effect_per_million", "high"] <= hi
    entries, savings = r.drawn_flows()
    assert entries.shape == savings.shape == (200, 6, 3)
    assert (entries[:, :, 2] == 0).all()  # no spend, nothing avoided


def test_inputs_validation_and_bad_spend() -> None:
    s = InvestToSaveScenario(header=HEADER, investment=None, spend_column="prev",
                             spend_years=("2025-26",))
    assert list(s.inputs()) == ["cost_per_family", "baseline_entry_rate",
                                "care_entry_reduction", "unit_cost", "years_in_care", "lag"]
    assert s.parameters() == list(s.inputs().values())
    with pytest.raises(ValueError, match="exactly one of investment or spend_column"):
        InvestToSaveScenario(header=HEADER, spend_column="prev", spend_years=("2025-26",))
    with pytest.raises(ValueError, match="spend_column needs spend_years"):
        InvestToSaveScenario(header=HEADER, investment=None, spend_column="prev")
    frame = _councils().to_frame()
    frame["prev"] = [1 * M, np.nan, 0.0]
    with pytest.raises(DataError, match=r"spend column 'prev': E06900001 Council 1 has nan; "
                       r"give pounds a year, not negative"):
        s.run(authorities_from_frame(frame))


def test_effect_per_million_by_hand() -> None:
    out = effect_per_million(np.array([1000.0, 4000.0]), np.array([0.1, 0.02]),
                             np.array([0.5, 0.25]))
    assert out.tolist() == pytest.approx([50.0, 1.25])


def test_bernoulli_draws_check_and_shape() -> None:
    from fundmodel.errors import InvalidInputError
    from fundmodel.scenarios.debate.draws import bernoulli_draws

    with pytest.raises(InvalidInputError, match=r"attain: probabilities must lie in 0..1"):
        bernoulli_draws(np.array([0.5, 1.5]), 10, 1, "attain")
    hit = bernoulli_draws(np.array([0.0, 1.0, 0.5]), 400, 1, "attain")
    assert hit.shape == (400, 3)
    assert not hit[:, 0].any() and hit[:, 1].all() and 100 < hit[:, 2].sum() < 300
    drawn = np.tile(np.array([[1.0, 0.0]]), (50, 1))
    assert bernoulli_draws(drawn, 50, 1, "x")[:, 0].all()


def test_spend_from_an_investment_scenario() -> None:
    from fundmodel.parameters.records import FUNDMODEL_ASSUMPTION
    from fundmodel.scenarios.family_help.model import InvestmentScenario

    inv = InvestmentScenario(
        header={"title": "Small ask", "assumes": "a", "source": FUNDMODEL_ASSUMPTION},
        headline=4 * M, phasing="headline_even", first_year="2026-27", even_years=2,
        distribution={"method": "formula", "formula": {"name": "x0", "indicators": [
            {"name": "x0", "column": "x0", "weight": 1.0}]}})
    s = InvestToSaveScenario(header=HEADER, investment=inv, horizon=3, draws=10, **HAND)
    r = s.run(_councils())
    # £2m a year by x0 = 1, 1, 2: £0.5m, £0.5m, £1m; nothing in the third year
    assert r.years == ("2026-27", "2027-28", "2028-29")
    assert r.spend_pence.tolist() == [[50_000_000, 50_000_000, 100_000_000]] * 2 + [[0, 0, 0]]
    e, _ = r.central()
    assert e.tolist() == [[0.0] * 3, [2.5, 2.5, 5.0], [2.5, 2.5, 5.0]]
    assert r.summary().splitlines()[0] == "ITS: preventive spend from Small ask, 2026-27..2028-29"
    assert r.sources()[-1] == f"preventive spend: {FUNDMODEL_ASSUMPTION.cite()}"
    assert len(r.sources()) == 7
    plain = _run()
    assert len(plain.sources()) == 6


def test_payback_on_the_year_savings_equal_spend() -> None:
    r = _run()  # £3m spent a year in 2025-26 and 2026-27
    savings = np.zeros((4, 3))
    savings[1, 0] = savings[2, 0] = 3 * M  # £6m saved by 2027-28: exactly even
    assert r.payback_year(savings) == "2027-28"
    savings[2, 0] = 3 * M - 1
    assert r.payback_year(savings) is None
