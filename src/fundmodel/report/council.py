"""One council's page: how it fares across several results, and its profile against its
region and its DfE statistical neighbours, every number with its source.

>>> from fundmodel import allocate, load_authorities
>>> from fundmodel.presets import children_act_formula
>>> la = load_authorities()
>>> find_council("hartlepol", la)
Traceback (most recent call last):
...
fundmodel.errors.DataError: no council called 'hartlepol'; nearest: Hartlepool (E06000001)...
>>> code = find_council("Hartlepool", la)
>>> res = allocate(children_act_formula(), la, 270_000_000)
>>> data = council_results_data([res], code)
>>> row = data.iloc[0]
>>> str(row["name"]), int(row["rank"]), int(row["of"])
('Hartlepool', 149, 153)
>>> fig = plot_council_results(data, sources=["example"])
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fundmodel.core.files import write_csv_atomic
from fundmodel.data.authorities import Authorities, load_authorities
from fundmodel.data.provenance import cite_columns
from fundmodel.errors import DataError
from fundmodel.report.house import BLUE, GREEN, GREY, ORANGE, finish_chart, house_style, save_chart
from fundmodel.scenarios.spending import statistical_neighbours


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("&", "and").replace(",", " ")).strip().lower()


def find_council(query: str, authorities: Authorities | None = None) -> str:
    """The ONS code of a council named or coded ``query`` (case, commas and spaces ignored;
    a part of a name that fits one council only is enough: ``"Durham"``). A misspelt or
    ambiguous name raises :class:`~fundmodel.errors.DataError` naming the nearest matches."""
    la = authorities if authorities is not None else load_authorities()
    codes = [str(c) for c in la.codes]
    names = [str(n) for n in la.names]
    wanted = _normal(query)
    by_code = {c.lower(): c for c in codes}
    if wanted in by_code:
        return by_code[wanted]
    normal_names = [_normal(n) for n in names]
    if wanted in normal_names:
        return codes[normal_names.index(wanted)]
    parts = [i for i, n in enumerate(normal_names) if wanted and wanted in n]
    if len(parts) == 1:
        return codes[parts[0]]
    close = difflib.get_close_matches(wanted, normal_names, n=5, cutoff=0.6)
    nearest = list(dict.fromkeys([*parts[:5], *(normal_names.index(c) for c in close)]))
    if nearest:
        listed = ", ".join(f"{names[i]} ({codes[i]})" for i in nearest)
        what = "more than one council matches" if len(parts) > 1 else "no council called"
        raise DataError(f"{what} {query!r}; nearest: {listed}")
    raise DataError(f"no council called {query!r}: give a name such as 'Hartlepool' or an ONS "
                    "code such as 'E06000001' (fundmodel.load_authorities().names lists them)")


# ---------------------------------------------------------------- one council, many results
def _interval(result: Any, code: str) -> tuple[float, float, str]:
    if not hasattr(result, "intervals") or not hasattr(result, "spec"):
        return np.nan, np.nan, ""
    low, high = result.spec.interval
    row = result.intervals().set_index("code").loc[code]
    return (float(row[f"p{low}"]), float(row[f"p{high}"]),
            f"{low}th-{high}th percentile of {result.n_variants:,} variants")


def council_results_data(results: Sequence[Any], code: str, *,
                         labels: Sequence[str] | None = None, baseline: Any | None = None,
                         authorities: Authorities | None = None) -> pd.DataFrame:
    """One row per result for council ``code``: amount (£), £ per child aged 0-17, rank
    (1 = largest) of how many councils, change against ``baseline`` (£ and %, when given),
    and the interval (``low``, ``high``) where the result has one (a sensitivity run).

    Each result is anything with ``label`` and ``council_amounts()`` (indexed by ONS code),
    as for :func:`fundmodel.compare`; nothing is recomputed."""
    if labels is not None and len(labels) != len(results):
        raise DataError(f"{len(labels)} labels for {len(results)} results")
    la = authorities if authorities is not None else load_authorities()
    position = {str(c): i for i, c in enumerate(la.codes)}
    if code not in position:
        raise DataError(f"unknown council code {code!r}; use find_council() to look one up")
    children = float(la.column("children_0_17")[position[code]])
    base = None
    if baseline is not None:
        base_amounts = _amounts(baseline, code, "the baseline")
        base = float(base_amounts[code])
    rows = []
    for k, result in enumerate(results):
        label = labels[k] if labels is not None else str(result.label)
        amounts = _amounts(result, code, repr(label))
        amount = float(amounts[code])
        low, high, interval = _interval(result, code)
        change = amount - base if base is not None else np.nan
        rows.append({
            "result": label, "code": code, "name": str(la.names[position[code]]),
            "amount": amount, "per_child": amount / children if children > 0 else np.nan,
            "rank": int((amounts > amount).sum()) + 1, "of": int(amounts.notna().sum()),
            "baseline_amount": base if base is not None else np.nan, "change": change,
            "change_pct": 100 * change / base if base else np.nan,
            "low": low, "high": high, "interval": interval,
        })
    return pd.DataFrame(rows)


def _amounts(result: Any, code: str, what: str) -> pd.Series:
    if not hasattr(result, "council_amounts"):
        raise DataError(f"{what} has no council_amounts(); pass an Allocation, a sensitivity "
                        "result or any result with amounts per council")
    amounts: pd.Series = result.council_amounts()
    if code not in amounts.index or pd.isna(amounts[code]):
        raise DataError(f"{what} has no amount for council {code}")
    return amounts


def plot_council_results(data: pd.DataFrame, *, sources: Sequence[str],
                         title: str | None = None) -> Figure:
    """Left: the council's amount under each result (£m; a whisker over the interval where
    there is one), labelled with £ per child and rank. Right, when there is a baseline: the
    change against it (£m; gains solid, losses hatched)."""
    has_change = bool(data["change"].notna().any())
    name = str(data["name"].iloc[0])
    with house_style():
        fig, axes = plt.subplots(1, 2 if has_change else 1, figsize=(11, 1.0 + 0.7 * len(data)),
                                 squeeze=False, sharey=True,
                                 gridspec_kw={"width_ratios": [3, 2] if has_change else [1]})
        ax = axes[0][0]
        y = np.arange(len(data))[::-1]
        amount = data["amount"].to_numpy() / 1e6
        ax.barh(y, amount, color=BLUE, edgecolor="white", height=0.6)
        has_band = data["low"].notna().to_numpy()
        if has_band.any():
            ax.hlines(y[has_band], data["low"][has_band] / 1e6, data["high"][has_band] / 1e6,
                      color="black", linewidth=2, label="interval")
        right = float(np.nanmax([amount.max(), *(data["high"].dropna() / 1e6)]))
        for yi, row in zip(y, data.to_dict("records"), strict=True):
            ax.text(right * 1.03, yi, f"£{row['amount'] / 1e6:,.2f}m, £{row['per_child']:,.2f} "
                    f"per child, rank {row['rank']} of {row['of']}", va="center", fontsize=8)
        ax.set_xlim(0, right * 1.9)
        ax.set_yticks(y, data["result"])
        ax.set_xlabel("£m")
        if has_change:
            cx = axes[0][1]
            change = data["change"].to_numpy() / 1e6
            bars = cx.barh(y, np.nan_to_num(change), color=[BLUE if v >= 0 else ORANGE
                                                            for v in np.nan_to_num(change)],
                           edgecolor="black", linewidth=0.4, height=0.6)
            for bar, v in zip(bars, change, strict=True):
                bar.set_hatch("" if v >= 0 else "///")
            cx.axvline(0, color="black", linewidth=0.8)
            for yi, v, pct in zip(y, change, data["change_pct"], strict=True):
                if np.isfinite(v):
                    cx.annotate(f"{v:+,.2f}m ({pct:+.1f}%)", (v, yi), fontsize=8, va="center",
                                xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                                ha="left" if v >= 0 else "right")
            lim = float(np.nanmax(np.abs(change))) or 1.0
            cx.set_xlim(-lim * 1.8, lim * 1.8)
            cx.set_xlabel("change against the baseline, £m")
        if title is None:
            best = data.iloc[int(np.argmax(data["amount"].to_numpy()))]
            title = f"{name} receives most under {best['result']}: £{best['amount'] / 1e6:,.2f}m"
        units = f"{name}: £m under each result"
        if has_band.any():
            units += f"; black line: {data.loc[has_band, 'interval'].iloc[0]}"
        return finish_chart(fig, title, units, sources)


# ---------------------------------------------------------------- profile
class _Metric(NamedTuple):
    label: str
    unit: str
    top: str
    bottom: str | None  # None: the council's value itself, compared by the median council
    scale: float


PROFILE_METRICS: tuple[_Metric, ...] = (
    _Metric("children aged 0-17", "children", "children_0_17", None, 1.0),
    _Metric("children in relative low-income families", "%", "child_poverty_pct", None, 1.0),
    _Metric("pupils with an EHC plan", "%", "ehcp_pct", None, 1.0),
    _Metric("IDACI score (2019)", "score", "idaci_score_2019", None, 1.0),
    _Metric("referrals per 10,000 children", "per 10,000", "referrals_2025", "children_0_17", 1e4),
    _Metric("children in need per 10,000", "per 10,000", "cin_count_2025", "children_0_17", 1e4),
    _Metric("child protection plans per 10,000", "per 10,000", "cpp_count_2025",
            "children_0_17", 1e4),
    _Metric("children looked after per 10,000", "per 10,000", "cla_count_2025",
            "children_0_17", 1e4),
    _Metric("family support spend per child", "£", "s251_family_support_2024_25",
            "children_0_17", 1.0),
    _Metric("looked-after children spend per child", "£", "s251_lac_2024_25",
            "children_0_17", 1.0),
    _Metric("children and young people's services spend per child", "£",
            "s251_cyps_total_2024_25", "children_0_17", 1.0),
)
"""What the profile compares: a rate (``top / bottom x scale``; groups pooled: sum of tops
over sum of bottoms) or a council's own value (groups: the median council)."""


def profile_sources() -> list[str]:
    """Citations for every column the profile reads."""
    return cite_columns(dict.fromkeys(c for m in PROFILE_METRICS for c in (m.top, m.bottom) if c))


def _group_value(metric: _Metric, la: Authorities, mask: np.ndarray) -> tuple[float, int]:
    top = la.column(metric.top)
    if metric.bottom is None:
        values = top[mask & np.isfinite(top)]
        return (float(np.median(values)) if values.size else np.nan), int(values.size)
    bottom = la.column(metric.bottom)
    ok = mask & np.isfinite(top) & np.isfinite(bottom)
    if not ok.any():
        return np.nan, 0
    return float(top[ok].sum() / bottom[ok].sum() * metric.scale), int(ok.sum())


def council_profile_data(code: str, authorities: Authorities | None = None) -> pd.DataFrame:
    """The council's key data against its region (the council included), its DfE
    statistical neighbours and England: one row per measure with each value, how groups
    are compared (a pooled rate or the median council), how many councils had a figure,
    why the council's own figure is missing (if it is), and the source."""
    la = authorities if authorities is not None else load_authorities()
    codes = np.asarray(la.codes, dtype=str)
    if code not in codes:
        raise DataError(f"unknown council code {code!r}; use find_council() to look one up")
    i = int(np.flatnonzero(codes == code)[0])
    region = str(la.regions[i])
    neighbours = [c for c in statistical_neighbours(code) if c in set(codes)]
    groups = {"region": np.asarray(la.regions) == region,
              "neighbours": np.isin(codes, neighbours),
              "england": np.ones(la.n, dtype=bool)}
    rows = []
    for m in PROFILE_METRICS:
        columns = [m.top] + ([m.bottom] if m.bottom else [])
        own, _ = _group_value(m, la, codes == code)
        row: dict[str, Any] = {"measure": m.label, "unit": m.unit, "council": own}
        for group, mask in groups.items():
            row[group], row[f"{group}_councils"] = _group_value(m, la, mask)
        row["compared_as"] = "median council" if m.bottom is None else "pooled rate"
        row["missing"] = "; ".join(f"{c}: {la.missing_reason(c, code)}" for c in columns
                                   if not np.isfinite(la.column(c)[i]))
        row["columns"] = " / ".join(columns)
        row["source"] = "; ".join(cite_columns(columns))
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs.update(code=code, name=str(la.names[i]), region=region,
                       neighbours=[str(la.names[int(np.flatnonzero(codes == c)[0])])
                                   for c in neighbours])
    return frame


def plot_council_profile(data: pd.DataFrame, *, sources: Sequence[str],
                         title: str | None = None) -> Figure:
    """Each measure as % of the England figure: the council (large dot), its region
    (square) and its statistical neighbours (triangle); 100 = England."""
    name, region = data.attrs.get("name", "the council"), data.attrs.get("region", "region")
    k = len(data.attrs.get("neighbours", []))
    styles = (("council", name, BLUE, "o", 9), ("region", region, ORANGE, "s", 7),
              ("neighbours", f"{k} statistical neighbours", GREEN, "^", 7))
    with house_style():
        fig, ax = plt.subplots(figsize=(10, 1.6 + 0.45 * len(data)))
        y = np.arange(len(data))[::-1]
        ax.axvline(100, color=GREY, linestyle="--", linewidth=1, label="England = 100")
        for column, label, colour, marker, size in styles:
            ax.plot(100 * data[column] / data["england"], y, marker, color=colour, ms=size,
                    label=label, linestyle="none", markeredgecolor="black", markeredgewidth=0.4)
        ax.set_yticks(y, data["measure"])
        ax.set_xlabel("% of the England figure")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, fontsize=8.5)
        if title is None:
            title = f"{name} against its region ({region}) and its statistical neighbours"
        return finish_chart(fig, title, "each measure as % of England (rates pooled; "
                            "percentages and scores: the median council)", sources)


def write_council_page(out: Path, code: str, results: Sequence[Any], *,
                       labels: Sequence[str] | None = None, baseline: Any | None = None,
                       baseline_label: str = "the baseline", sources: Sequence[str] = (),
                       authorities: Authorities | None = None) -> tuple[list[Path], list[str]]:
    """Write ``council_<code>_results`` and ``council_<code>_profile`` (PNG, SVG, CSV) into
    ``out``; return the files and the markdown lines of the council's summary section."""
    la = authorities if authorities is not None else load_authorities()
    data = council_results_data(results, code, labels=labels, baseline=baseline, authorities=la)
    profile = council_profile_data(code, la)
    name = str(data["name"].iloc[0])
    files: list[Path] = []
    for stem, frame, fig in (
        (f"council_{code}_results", data,
         plot_council_results(data, sources=[*sources, f"baseline: {baseline_label}"])),
        (f"council_{code}_profile", profile, plot_council_profile(
            profile, sources=profile_sources())),
    ):
        write_csv_atomic(out / f"{stem}.csv", frame)
        files += [out / f"{stem}.csv", *save_chart(fig, out / stem)]
    lines = [f"## {name} ({code})", ""]
    for r in data.to_dict("records"):
        band = (f"; {r['interval']}: £{r['low'] / 1e6:,.2f}m to £{r['high'] / 1e6:,.2f}m"
                if np.isfinite(r["low"]) else "")
        change = (f", {r['change'] / 1e6:+,.2f}m ({r['change_pct']:+.1f}%) against "
                  f"{baseline_label}" if np.isfinite(r["change"]) else "")
        lines.append(f"- {r['result']}: **£{r['amount'] / 1e6:,.2f}m** (£{r['per_child']:,.2f} "
                     f"per child, rank {r['rank']} of {r['of']}){change}{band}.")
    lines += ["", f"Against {profile.attrs['region']} and its statistical neighbours "
              f"({', '.join(profile.attrs['neighbours'])}):", ""]
    for r in profile.to_dict("records"):
        unit = str(r["unit"])
        missing = f" (council figure missing: {r['missing']})" if r["missing"] else ""
        lines.append(f"- {r['measure']}: {_fmt(r['council'], unit)} (region "
                     f"{_fmt(r['region'], unit)}, neighbours {_fmt(r['neighbours'], unit)}, "
                     f"England {_fmt(r['england'], unit)}; {r['compared_as']}){missing}. "
                     f"Source: {r['source']}.")
    return files, [*lines, ""]


def _fmt(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "no figure"
    if unit == "£":
        return f"£{value:,.0f}"
    if unit == "score":
        return f"{value:.3f}"
    return f"{value:,.1f}{'%' if unit == '%' else ''}" if unit != "children" else f"{value:,.0f}"
