"""Building a :class:`SpendingAnalysis` from the embedded series: :func:`analyse_spending`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from fundmodel.data.flagged import flags_for
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
from fundmodel.scenarios.spending.history import JOIN_NOTES, gdp_deflator, successors
from fundmodel.scenarios.spending.lines import LINE_DATASET, Dataset
from fundmodel.scenarios.spending.substitute import apply_substitutions, substitution_table
from fundmodel.scenarios.spending.taxonomy import Taxonomy, load_taxonomy


def analyse_spending(taxonomy: Taxonomy | str, *, dataset: Dataset = "s251",
                     deflator: Deflator | Literal["gdp"] | None = "gdp",
                     authorities: Authorities | None = None,
                     substitute_ro3: bool = False) -> SpendingAnalysis:
    """Analyse the embedded ``dataset`` series under ``taxonomy`` (a model or a shipped name)
    for ``authorities`` (default the 153 embedded councils; codes must be current ONS codes).

    ``deflator`` gives real terms (``real = cash x index[base] / index[year]``): by default
    ``"gdp"``, HM Treasury's GDP deflator, March 2026, in 2024-25 prices
    (:func:`~fundmodel.scenarios.spending.history.gdp_deflator`); pass a :class:`Deflator`
    (e.g. the labelled :func:`fundmodel.presets.illustrative_deflator`) or ``None`` for cash
    only. ``dataset="s251_history"`` runs from 2008-09. Values flagged in ``flags.csv`` are
    used as published and listed (``flags``, summary); ``substitute_ro3=True`` opts in to the
    documented rule of :mod:`~fundmodel.scenarios.spending.substitute` and records each use.

    >>> a = analyse_spending("statutory", dataset="ro3")
    >>> a.periods, a.categories
    (('2022-23', '2023-24', '2024-25'), ('statutory', 'non_statutory'))
    """
    from fundmodel.data.authorities import load_authorities

    tax = load_taxonomy(taxonomy) if isinstance(taxonomy, str) else taxonomy
    la = authorities if authorities is not None else load_authorities()
    lines, matrix = tax.matrix(LINE_DATASET[dataset])
    source = "s251_history" if dataset == "s251_history" else "series"
    cube = _cube(lines, None, False, source)
    unknown = sorted(set(la.codes.tolist()) - set(cube.codes))
    if unknown:
        raise DataError(f"no {dataset} series for authorities {unknown[:5]} (current ONS codes "
                        "of the embedded series only)")
    values, flags = _take(cube, la.codes)
    periods = cube.periods
    swaps = substitution_table(la.codes.tolist(), periods) if substitute_ro3 else None
    if swaps is not None:
        values = apply_substitutions(values, lines, la.codes.tolist(), periods, swaps)
    gap = _gap_reasons(lines, values, flags)
    cats = category_spend(values, matrix)
    kids_cube = _cube(("children_0_17",), tuple(_fy_offset(periods, 0)), False)
    children = _take(kids_cube, la.codes)[0][0]
    factors = None
    if deflator == "gdp":
        deflator = gdp_deflator()
    if deflator is not None:
        factors = np.array([deflator.factor(p) for p in periods])
    recon = _reconcile(dataset, lines, values, la.codes, periods, source)
    agg = _cube(lines, periods, True, source)
    agg_values = agg.values
    if swaps is not None:
        agg_values = apply_substitutions(agg_values, lines, agg.codes, periods, swaps)
    agg_kids = _cube(("children_0_17",), tuple(_fy_offset(periods, 0)), True)
    succ = successors()
    keep = _aggregate_entities(agg.codes, la.codes, succ)
    kids_idx = pd.Index(agg_kids.codes).get_indexer(pd.Index(np.array(agg.codes)[keep]))
    agg_children = np.where(kids_idx[:, None] >= 0,
                            agg_kids.values[0][np.maximum(kids_idx, 0)], np.nan)
    region_of = dict(zip(la.codes.tolist(), la.regions.tolist(), strict=True))
    agg_regions = np.array([region_of.get(c) or region_of[succ[c][0]]
                            for c in np.array(agg.codes)[keep]])
    used = flags_for(lines, periods, la.codes.tolist())
    notes = (*_notes(dataset, recon), *(JOIN_NOTES if dataset == "s251_history" else ()),
             *_flag_notes(used, swaps))
    return SpendingAnalysis(
        taxonomy=tax, dataset=dataset, periods=periods, codes=la.codes, names=la.names,
        regions=la.regions, lines=lines, line_values=values, category_values=cats, gap=gap,
        children=children, deflator=deflator, factors=factors, reconciliation=recon,
        agg_codes=tuple(np.array(agg.codes)[keep]), agg_regions=agg_regions,
        agg_values=agg_values[:, keep, :], agg_children=agg_children,
        complete_area=la.n == 153 and set(la.codes) == set(load_authorities().codes),
        notes=notes, flags=used if len(used) else None, substitutions=swaps)


def _flag_notes(used: pd.DataFrame, swaps: pd.DataFrame | None) -> tuple[str, ...]:
    notes = []
    if len(used):
        named = "; ".join(f"{r.name} {r.measure} {r.period} ({r.check})"
                          for r in used.head(5).itertuples())
        notes.append(f"uses {len(used)} flagged value(s) as published (flags.csv; all in "
                     f".flags): {named}" + ("; ..." if len(used) > 5 else ""))
    if swaps is not None:
        notes.append(f"substitute_ro3 rule applied to {len(swaps)} council-year(s): " + "; ".join(
            f"{r.code} {r.period} {r.line} {float(str(r.s251)) / 1e6:.1f}m (s251, gross) -> "
            f"{float(str(r.ro3)) / 1e6:.1f}m (RO3, net)" for r in swaps.itertuples()))
    return tuple(notes)
