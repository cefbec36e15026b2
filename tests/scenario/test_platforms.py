"""Platforms as data: an alternative platform registry without code changes, and the bid for
national ETDZ status as a scorecard outcome (issue: platform targets and platform sets)."""

from __future__ import annotations

import shutil

import pandas as pd

import sim
from sim.scenario import DATA_DIR


def test_an_alternative_platform_registry_is_data_only(tmp_path):
    """Merged platforms supplied as data (scenario.data_dir), no code changes: Yongkang's two
    platforms as one; the run has 13 platforms and the scorecard reads them."""
    d = tmp_path / "data"
    shutil.copytree(DATA_DIR, d)
    plat = pd.read_csv(d / "platforms.csv")
    plat[plat["platform_id"] != "yongkang_agri_hitech"].to_csv(d / "platforms.csv",
                                                               index=False)
    parks = pd.read_csv(d / "parks.csv")
    parks.loc[parks["platform_id"] == "yongkang_agri_hitech", "platform_id"] = "yongkang_edz"
    parks.to_csv(d / "parks.csv", index=False)
    r = sim.run(["scenario=small", f"scenario.data_dir={d}", "output.firms_table=false",
                 "time.end=2021Q4"])
    assert len(r.platforms) == 13 and "yongkang_agri_hitech" not in set(r.platforms["platform_id"])
    card = {c["target"]: c for c in r.summary["scorecard"]}
    assert card["main_platforms"]["model_value"] == 13 and not card["main_platforms"]["met"]


def test_national_bid_row_reads_the_bidding_platforms():
    """The bid for national ETDZ status (platforms.csv national_bid) is a scorecard outcome:
    the bidding platforms above the thresholds in scorecard.national_*."""
    base = ["scenario=small", "output.firms_table=false", "time.end=2021Q4"]
    r = sim.run(base)
    bid = r.platforms[r.platforms["national_bid"]]
    assert set(bid["platform_id"]) == {"dongyang_edz", "yongkang_edz"}
    per_km2 = bid["output_yi"] / (bid["land_in_use_mu"] / 0.03 / 1500)

    def reads(result, output_min=15.0, tax_min=5.0):
        card = {c["target"]: c for c in result.summary["scorecard"]}
        want = int(((per_km2 >= output_min) & (bid["tax_yi"] >= tax_min)).sum())
        assert card["national_bid_platforms"]["model_value"] == want
        return want

    assert reads(r) >= 1
    lower = per_km2.min() + 1  # one of the two is below this output per km²
    high = sim.run([*base, f"scorecard.national_output_per_km2_yi={lower:.3f}",
                    "scorecard.national_tax_yi=0"])
    assert reads(high, output_min=lower, tax_min=0.0) == 1
