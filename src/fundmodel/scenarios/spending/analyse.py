"""Building a :class:`SpendingAnalysis` from the embedded series: :func:`analyse_spending`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel.data.codes import REORGANISED
from fundmodel.engine.years import Deflator
from fundmodel.errors import DataError

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
from fundmodel.scenarios.spending.analysis import SpendingAnalysis
from fundmodel.scenarios.spending.arithmetic import category_spend
from fundmodel.scenarios.spending.cube import (
    _aggregate_entities,
    _cube,
    _fy_offset,
    _gap_reasons,
    _notes,
    _reconcile,
    _take,
)
from fundmodel.scenarios.spending.lines import Dataset
from fundmodel.scenarios.spending.taxonomy import Taxonomy, load_taxonomy


def analyse_spending(taxonomy: Taxonomy | str, *, dataset: Dataset = "s251",
                     deflator: Deflator | None = None,
                     authorities: Authorities | None = None) -> SpendingAnalysis:
    """Analyse the embedded ``dataset`` series under ``taxonomy`` (a model or a shipped name)
    for ``authorities`` (default the 153 embedded councils; codes must be current ONS codes).

    ``deflator`` gives real terms (``real = cash x index[base] / index[year]``); fundmodel
    ships no published deflator (see :func:`fundmodel.presets.illustrative_deflator`).

    >>> a = analyse_spending("statutory", dataset="ro3")
    >>> a.periods, a.categories
    (('2022-23', '2023-24', '2024-25'), ('statutory', 'non_statutory'))
    """
    from fundmodel.data.authorities import load_authorities

    tax = load_taxonomy(taxonomy) if isinstance(taxonomy, str) else taxonomy
    la = authorities if authorities is not None else load_authorities()
    lines, matrix = tax.matrix(dataset)
    cube = _cube(lines, None, False)
    unknown = sorted(set(la.codes.tolist()) - set(cube.codes))
    if unknown:
        raise DataError(f"no {dataset} series for authorities {unknown[:5]} (current ONS codes "
                        "of the embedded series only)")
    values, flags = _take(cube, la.codes)
    periods = cube.periods
    gap = _gap_reasons(lines, values, flags)
    cats = category_spend(values, matrix)
    kids_cube = _cube(("children_0_17",), tuple(_fy_offset(periods, 0)), False)
    children = _take(kids_cube, la.codes)[0][0]
    factors = None
    if deflator is not None:
        factors = np.array([deflator.factor(p) for p in periods])
    recon = _reconcile(dataset, lines, values, la.codes, periods)
    agg = _cube(lines, periods, True)
    agg_kids = _cube(("children_0_17",), tuple(_fy_offset(periods, 0)), True)
    keep = _aggregate_entities(agg.codes, la.codes)
    kids_idx = pd.Index(agg_kids.codes).get_indexer(pd.Index(np.array(agg.codes)[keep]))
    agg_children = np.where(kids_idx[:, None] >= 0,
                            agg_kids.values[0][np.maximum(kids_idx, 0)], np.nan)
    region_of = dict(zip(la.codes.tolist(), la.regions.tolist(), strict=True))
    agg_regions = np.array([region_of.get(c) or region_of[REORGANISED[c].successors[0]]
                            for c in np.array(agg.codes)[keep]])
    notes = _notes(dataset, recon)
    return SpendingAnalysis(
        taxonomy=tax, dataset=dataset, periods=periods, codes=la.codes, names=la.names,
        regions=la.regions, lines=lines, line_values=values, category_values=cats, gap=gap,
        children=children, deflator=deflator, factors=factors, reconciliation=recon,
        agg_codes=tuple(np.array(agg.codes)[keep]), agg_regions=agg_regions,
        agg_values=agg.values[:, keep, :], agg_children=agg_children,
        complete_area=la.n == 153 and set(la.codes) == set(load_authorities().codes),
        notes=notes)
