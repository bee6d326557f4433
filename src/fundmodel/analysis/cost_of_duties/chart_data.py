"""The data behind the cost-of-duties charts (each returns exactly what is drawn).

>>> from fundmodel.analysis.cost_of_duties import cost_of_duties
>>> r = cost_of_duties(n_draws=50, seed=1)
>>> duty_breakdown_data(r)["duty"].tolist()
['social_work', 'looked_after', 'family_help', 'care_leavers']
"""

from __future__ import annotations

import pandas as pd

from fundmodel.analysis.cost_of_duties.plausibility import OverspendCheck
from fundmodel.analysis.cost_of_duties.result import DutiesResult
from fundmodel.analysis.cost_of_duties.unit_costs import DUTIES, DUTY_LABELS


def gap_per_child_data(result: DutiesResult) -> pd.Series:
    """Gap (cost - spend) per child aged 0-17 per included council, indexed by code."""
    frame = result.to_frame()
    kept = frame[frame["included"]]
    return pd.Series(kept["gap_per_child"].to_numpy(), index=kept["code"], name="gap_per_child")


def duty_breakdown_data(result: DutiesResult) -> pd.DataFrame:
    """National cost and spend by duty (pounds) and the gap in each."""
    nat = result.national()
    rows = [{"duty": k, "label": DUTY_LABELS[k], "cost": nat["cost_by_duty"][k],
             "spend": nat["spend_by_duty"][k]} for k in DUTIES]
    frame = pd.DataFrame(rows)
    frame["gap"] = frame["cost"] - frame["spend"]
    return frame


def overspend_scatter_data(check: OverspendCheck) -> pd.DataFrame:
    """Per council: costed gap per child against the real 2023-24 overspend %."""
    return check.data[["code", "name", "gap_per_child", "overspend_pct", "flags"]].copy()
