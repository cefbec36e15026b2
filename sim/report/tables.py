"""The report's tables: strategies side by side, per county, and the policy scorecard.

Each function returns plain strings in nested dicts and lists, escaped by the page template.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..policy.exit_strategy import BASELINE
from ..scenario.fiscal import LEVELS
from ..sweeps.compare import Comparison
from .formatting import ci, fmt
from .inputs import county_seats, policy_targets
from .labels import labels_for, strategy_color, strategy_name

# the main table, in two parts (strategies as rows in both): (group, [(column, number kind)])
MAIN_TABLES = (
    (("land", [("land_vacated_mu", "mu"), ("land_reused_mu", "mu")]),
     ("kept", [("output_kept", "pct"), ("value_added_kept", "pct"), ("tax_kept", "pct"),
               ("jobs_kept", "pct")]),
     ("targets", [("targets_met", "dec")])),
    (("firms", [("relocated_to_main", "int"), ("relocated_to_other", "int"),
                ("upgraded", "int"), ("exited", "int")]),
     ("fiscal", [("subsidies_paid_yi", "yi"), ("compensation_paid_yi", "yi"),
                 ("fiscal_cost_yi", "yi"), ("net_fiscal_yi", "yi")]),
     ("other", [("main_platform_tax_per_mu", "dec"), ("main_platform_output_share", "pct"),
                ("outside_zones_output_share", "pct")])),
    (("change", [("output_change_yi", "yi"), ("tax_change_yi", "yi"), ("jobs_change", "int"),
                 ("net_fiscal_change_yi", "yi")]),),
    (("levels", [(f"tax_{lv}_change_yi", "yi") for lv in LEVELS]),
     ("local", [("local_tax_change_yi", "yi"), ("local_budget_cost_yi", "yi")])),
    (("bases", [("micro_park_moved_in", "int"), ("incubator_entered", "int"),
                ("incubator_graduated", "int")]),
     ("rights", [("energy_use_last_year_wan_tce", "int"), ("emission_last_year_t", "int"),
                 ("rights_revenue_yi", "yi"), ("emission_price_end", "dec")])),
)


def main_tables(comp: Comparison, lang: str) -> list[dict[str, Any]]:
    """The main table's parts: header groups and rows, one row per strategy."""
    t = labels_for(lang)["text"]
    pt = policy_targets()
    shown = set(comp.targets["target"]) if not comp.targets.empty else set()
    n_targets = sum(1 for k in shown if k in pt.index and pt.at[k, "kind"] == "outcome")
    parts = []
    for title, spec in zip(t["main_parts"], MAIN_TABLES, strict=True):
        groups, cols = [], []
        for g, items in spec:
            groups.append({"label": t["groups"][g], "span": len(items)})
            for j, (c, kind) in enumerate(items):
                cols.append({"key": c, "kind": kind, "start": j == 0,
                             "label": t["cols"][c].format(n=n_targets)})
        rows = []
        for i, (_, r) in enumerate(comp.stats.iterrows()):
            s = str(r["strategy"])
            cells = [{"mean": fmt(r.get(f"{c['key']}_mean", np.nan), c["kind"]),
                      "ci": ci(r, c["key"], c["kind"]), "start": c["start"]} for c in cols]
            rows.append({"id": s, "name": strategy_name(s, lang), "seeds": int(r["seeds"]),
                         "pareto": bool(r.get("pareto_output_kept", False)),
                         "color": strategy_color(s, i), "cells": cells})
        parts.append({"title": title, "groups": groups, "cols": cols, "rows": rows})
    return parts


def county_table(comp: Comparison, lang: str, scale: float) -> dict[str, Any]:
    """Per county: output and jobs under none; per strategy land vacated, what is kept, budget.

    Each strategy's cell gives the land vacated, the output and jobs kept and the change of
    the county level's budget balance against none.

    Args:
        comp: The comparison.
        lang: The language.
        scale: The runs' firm scale (values are divided by it, to read at the city's scale).

    Returns:
        The strategies (column heads), a row per county and the city's total row.
    """
    t = labels_for(lang)["text"]
    c = comp.counties.copy()
    c["strategy"] = c["strategy"].astype(str)
    names = county_seats().set_index("county_id")
    strategies = [s for s in comp.stats["strategy"].astype(str) if s in set(c["strategy"])]
    others = [s for s in strategies if s != BASELINE]
    has_base = BASELINE in strategies
    piv = {v: c.pivot_table(index="county_id", columns="strategy", values=v, aggfunc="mean")
           for v in ("land_vacated_mu", "output_last_year", "jobs_end", "county_budget_balance")}
    order = [x for x in names.index if x in piv["land_vacated_mu"].index] + sorted(
        set(piv["land_vacated_mu"].index) - set(names.index))

    def val(v: str, s: str, sel: str | None) -> float:
        p = piv[v]
        if s not in p.columns:
            return np.nan
        return float(p[s].sum()) if sel is None else float(p[s].get(sel, np.nan))

    def row(label: str, sel: str | None) -> dict[str, Any]:
        base_o = val("output_last_year", BASELINE, sel) if has_base else np.nan
        base_j = val("jobs_end", BASELINE, sel) if has_base else np.nan
        base_b = val("county_budget_balance", BASELINE, sel) if has_base else np.nan
        cells = []
        for s in others:
            ko = val("output_last_year", s, sel) / base_o if base_o else np.nan
            kj = val("jobs_end", s, sel) / base_j if base_j else np.nan
            db = (val("county_budget_balance", s, sel) - base_b) / 1e4 / scale
            cells.append({"land": fmt(val("land_vacated_mu", s, sel) / scale, "mu"),
                          "kept": t["county_kept"].format(output=fmt(ko, "pct"),
                                                          jobs=fmt(kj, "pct"),
                                                          budget=fmt(db, "yi"))})
        return {"label": label, "base_output": fmt(base_o / 1e4 / scale, "yi"),
                "base_jobs": fmt(base_j / scale, "int"), "cells": cells}

    rows = []
    for cid in order:
        label = cid
        if cid in names.index:
            label = (names.at[cid, "name_zh"] if lang == "zh"
                     else str(names.at[cid, "name_en"]).split(" (")[0])
        rows.append(row(str(label), cid))
    return {"strategies": [strategy_name(s, lang) for s in others], "rows": rows,
            "total": row(t["total"], None)}


#: towns shown in the report's town table (all of them are in towns.csv)
TOP_TOWNS = 12


def town_table(comp: Comparison, lang: str, scale: float) -> dict[str, Any]:
    """The towns whose budgets the strategies change most, against none.

    Each strategy's cell gives the change of the town's budget balance over the run against
    no exits (万元 at the city's scale: a town's budget is a few million yuan) and, below it, what the fiscal sharing rule brought in
    net under that strategy. Rows: the :data:`TOP_TOWNS` towns with the largest loss under
    any strategy, largest first; synthetic towns (of synthetic parks) are marked.

    Returns:
        The strategies (column heads) and the rows; empty rows without town budgets.
    """
    t = labels_for(lang)["text"]
    w = comp.towns.copy()
    strategies = [s for s in comp.stats["strategy"].astype(str) if s != BASELINE]
    if w.empty or BASELINE not in set(w["strategy"].astype(str)):
        return {"strategies": [strategy_name(s, lang) for s in strategies], "rows": []}
    w["strategy"] = w["strategy"].astype(str)
    bal = w.pivot_table(index="jurisdiction_id", columns="strategy", values="balance")
    net = w.assign(net=w["shared_in"] - w["shared_out"]).pivot_table(
        index="jurisdiction_id", columns="strategy", values="net")
    change = bal[[s for s in strategies if s in bal]].sub(bal[BASELINE], axis=0)
    worst = change.min(axis=1).sort_values().index[:TOP_TOWNS]
    info = w.drop_duplicates("jurisdiction_id").set_index("jurisdiction_id")
    rows = []
    for j in worst:
        label = str(j).removeprefix("town_") + (" *" if bool(info.at[j, "synthetic"]) else "")
        cells = [{"change": fmt(change.at[j, s] / scale, "int") if s in change else "–",
                  "shared": t["town_shared"].format(
                      net=fmt(net.at[j, s] / scale, "int") if s in net else "–")}
                 for s in strategies]
        rows.append({"label": label, "county": str(info.at[j, "county_id"]),
                     "base": fmt(bal.at[j, BASELINE] / scale, "int"), "cells": cells})
    return {"strategies": [strategy_name(s, lang) for s in strategies], "rows": rows}


def targets_table(comp: Comparison, lang: str) -> dict[str, Any]:
    """Share of seeds meeting each scorecard target, targets as rows, strategies as columns."""
    lab = labels_for(lang)
    tg = comp.targets.copy()
    tg["strategy"] = tg["strategy"].astype(str)
    strategies = [s for s in comp.stats["strategy"].astype(str) if s in set(tg["strategy"])]
    pt = policy_targets()
    rows = []
    targets = [t for t in pt.index if t in set(tg["target"])] + sorted(
        set(tg["target"]) - set(pt.index))
    kind = {t: (pt.at[t, "kind"] if t in pt.index else "outcome") for t in targets}
    for t in targets:
        cells = []
        for s in strategies:
            v = tg.loc[(tg["strategy"] == s) & (tg["target"] == t), "met"]
            share = float(v.iloc[0]) if len(v) else np.nan
            cls = ("na" if not np.isfinite(share) else "met" if share >= 1 - 1e-9
                   else "miss" if share <= 1e-9 else "part")
            cells.append({"text": fmt(share, "pct").replace(".0%", "%"), "cls": cls})
        if t in pt.index:
            r = pt.loc[t]
            op = {">=": "≥", "<=": "≤", "==": "="}.get(str(r["comparison"]), r["comparison"])
            val = (f"{100 * r['policy_value']:g}%" if r["unit"] == "share"
                   else f"{r['policy_value']:g} {lab['units'].get(r['unit'], r['unit'])}")
            pv = f"{op} {val}"
        else:
            pv = ""
        rows.append({"id": t, "label": lab["target_names"].get(t, t), "policy": pv,
                     "cells": cells})
    groups = [{"kind": k, "title": lab["text"]["kinds"][k],
               "rows": [r for r in rows if kind[r["id"]] == k]}
              for k in ("outcome", "policy_input")]
    return {"strategies": [strategy_name(s, lang) for s in strategies], "rows": rows,
            "groups": [g for g in groups if g["rows"]]}
