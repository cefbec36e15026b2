"""The terminal summary of a run: key totals and the scorecard."""

from __future__ import annotations

from typing import Any

from ..scenario.fiscal import LEVELS


def format_summary(summary: dict[str, Any]) -> str:
    """The terminal summary: key totals and the scorecard."""
    t, ind = summary["totals"], summary["indicators"]
    lines = [
        f"parksim  {summary['scenario']} (firm_scale={summary['firm_scale']:g})  "
        f"exit_strategy={summary['exit_strategy']}  seed={summary['seed']}  "
        f"{summary['period'][0]}–{summary['period'][1]}",
        f"  firms {t['firms_start']:,} → {t['firms_end']:,}   entered {t['entered']:,}   "
        f"exited {t['exited']:,}   relocated {t['relocated']:,}   upgraded {t['upgraded']:,}   "
        f"promoted {t['promoted']:,}",
        f"  last-year output {ind['output_last_year_yi']:,.0f} 亿元   tax "
        f"{ind['tax_last_year_yi']:,.0f} 亿元   main-platform share "
        f"{ind['main_platform_output_share']:.1%} (outside the zones "
        f"{ind.get('outside_zones_output_share', 0.0):.1%})   land vacated "
        f"{ind['land_vacated_mu']:,.0f} mu",
        f"  subsidies {ind['subsidies_paid_yi']:,.2f} 亿元   compensation "
        f"{ind['compensation_paid_yi']:,.2f} 亿元   local budget balance "
        f"{ind['net_fiscal_yi']:,.0f} 亿元   (city scale, whole run)",
    ]
    if "tax_county_yi" in ind:
        lines.append("  tax received, whole run: " + "   ".join(
            f"{lv} {ind[f'tax_{lv}_yi']:,.0f}" for lv in LEVELS) + " 亿元")
    if "land_revenue_yi" in ind:
        lines.append(f"  land revenue {ind['land_revenue_yi']:,.0f} 亿元 (government-fund budget)   "
                     f"converted to urban use {ind['land_converted_mu']:,.0f} mu")
    if ind.get("energy_price_end") is not None:
        lines.append(
            f"  last year: energy use {ind['energy_use_last_year_wan_tce']:,.0f}万 tce   emissions "
            f"{ind['emission_last_year_t']:,.0f} t   rights fees {ind['rights_revenue_yi']:,.2f} "
            f"亿元   prices at the end {ind['energy_price_end'] * 1e4:,.0f} 元/tce, "
            f"{ind['emission_price_end']:,.2f} 万元/t")
    bases = summary.get("characteristic_bases")
    if bases:
        town, micro, inc = bases["town"], bases["micro_park"], bases["incubator"]
        scale = summary["firm_scale"]
        lines.append(
            f"  characteristic bases: towns {town['firms_start'] / scale:,.0f} → "
            f"{town['firms_end'] / scale:,.0f} firms   small-micro parks moved in "
            f"{micro['moved_in'] / scale:,.0f}   incubators: start-ups {inc['entered'] / scale:,.0f}, "
            f"graduated {inc['graduated'] / scale:,.0f} ({inc['graduated_to_main'] / scale:,.0f} "
            f"to main platforms)")
    card = summary["scorecard"]
    outcomes = [s for s in card if s["kind"] == "outcome"]
    for kind, title in (("outcome", f"scorecard, outcomes (policy target → model, 2025): "
                                     f"{summary['targets_met']} of {len(outcomes)} met"),
                        ("policy_input", "scorecard, policy inputs (hold by construction of the "
                                         "registry or the rules; not counted)")):
        lines.append(f"  {title}")
        for s in (c for c in card if c["kind"] == kind):
            mark = ("met    " if s["met"] else "not met") if kind == "outcome" else "input  "
            lines.append(f"    [{mark}] {s['target']:<34} {s['comparison']} "
                         f"{s['policy_value']:g}  → {s['model_value']:,.4g} {s['unit']}")
    return "\n".join(lines)
