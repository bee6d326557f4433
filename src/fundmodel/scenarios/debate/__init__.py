"""Four proposals from the children's social care funding debate, costed: a national Care
Bank for placements (:class:`CareBankScenario`), payment by results
(:class:`PaymentByResultsScenario`), a windfall tax on the largest care providers
(:class:`WindfallTaxScenario`) and invest-to-save prevention (:class:`InvestToSaveScenario`).
Every input is a parameter record (``care_bank.yaml`` ...); intervals come from seeded draws
(:mod:`.draws`).

>>> CareBankScenario(header={"title": "t", "assumes": "a"}).kind
'care_bank'
"""

from __future__ import annotations

from fundmodel.scenarios.debate.care_bank import (
    PLACEMENT_LINES,
    CareBankResult,
    CareBankScenario,
)
from fundmodel.scenarios.debate.draws import (
    bernoulli_draws,
    input_rng,
    interval,
    parameter_draws,
)
from fundmodel.scenarios.debate.invest_to_save import (
    InvestToSaveResult,
    InvestToSaveScenario,
    effect_per_million,
)
from fundmodel.scenarios.debate.payment_by_results import (
    OfstedProxy,
    PaymentByResultsResult,
    PaymentByResultsScenario,
    ProbabilityColumn,
)
from fundmodel.scenarios.debate.windfall_tax import (
    WindfallTaxResult,
    WindfallTaxScenario,
    national_sums,
)

__all__ = [
    "PLACEMENT_LINES",
    "CareBankResult",
    "CareBankScenario",
    "InvestToSaveResult",
    "InvestToSaveScenario",
    "OfstedProxy",
    "PaymentByResultsResult",
    "PaymentByResultsScenario",
    "ProbabilityColumn",
    "WindfallTaxResult",
    "WindfallTaxScenario",
    "bernoulli_draws",
    "effect_per_million",
    "input_rng",
    "interval",
    "national_sums",
    "parameter_draws",
]
