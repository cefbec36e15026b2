"""Fiscal accounting by level of government (sim/scenario/fiscal.py): the sharing arrays, the
run's budgets table, and the checks of the two sharing tables."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import sim
from sim.domain import YI, ConfigError
from sim.scenario import DATA_DIR, load_registry
from sim.scenario.fiscal import LEVELS, LOCAL_LEVELS, build_sharing


def test_sharing_arrays_split_every_yuan(registry):
    """Each county's tax is split over the four levels without loss, and districts share
    with the city level while counties under the province-managing-county system do not."""
    sh = build_sharing(registry)
    by_level = sh.by_level
    assert by_level.shape == (len(registry.counties), len(LEVELS))
    np.testing.assert_allclose(by_level.sum(axis=1), 1.0)
    city = by_level[:, LEVELS.index("city")]
    tier = registry.counties["fiscal_tier"].to_numpy()
    assert (city[tier == "district"] > 0).all() and (city[tier == "county"] == 0).all()
    assert ((sh.local_share > 0) & (sh.local_share < 1)).all()


def test_budgets_add_up_to_the_run(plan_run):
    """The budgets table holds every yuan of tax of the timeseries, split by level, and its
    local (city + county) balance is the run's net_fiscal; payments fall on counties only."""
    f, ts = plan_run.fiscal, plan_run.timeseries
    flows = ts[ts["step"] >= 0]
    np.testing.assert_allclose(f["tax"].sum(), flows["tax"].sum(), rtol=1e-9)
    tax_types = [c for c in f.columns if c.startswith("tax_")]
    np.testing.assert_allclose(f[tax_types].sum(axis=1), f["tax"], rtol=1e-9, atol=1e-9)
    local = f[f["level"].isin(LOCAL_LEVELS)]
    np.testing.assert_allclose(local["balance"].sum(), flows["net_fiscal"].sum(), rtol=1e-9)
    payers = f[(f["subsidies"] + f["compensation"]) > 0]["level"].unique()
    assert list(payers) == ["county"]
    assert set(f["year"]) == set(flows["year"])
    ind = plan_run.summary["indicators"]
    scale = plan_run.summary["firm_scale"]
    np.testing.assert_allclose(sum(ind[f"tax_{lv}_yi"] for lv in LEVELS),
                               flows["tax"].sum() / YI / scale, rtol=1e-5)


def test_a_larger_central_share_costs_the_local_budget_and_nothing_else(tmp_path, plan_run):
    """Raising the central share of VAT from 50% to 75% (the split before 2016) lowers the
    local budget balance by the local VAT forgone, while the firms do exactly the same."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    rules = pd.read_csv(data / "tax_sharing.csv")
    vat = rules["tax_id"] == "vat"
    local = rules.loc[vat, ["province", "city", "county"]]
    rules.loc[vat, ["province", "city", "county"]] = local * 0.5
    rules.loc[vat, "central"] = 0.75
    rules.to_csv(data / "tax_sharing.csv", index=False)
    other = sim.run(["scenario=small", "seed=0", f"scenario.data_dir={data}"])
    a, b = plan_run.summary, other.summary
    assert a["totals"] == b["totals"]
    assert a["indicators"]["tax_last_year_yi"] == b["indicators"]["tax_last_year_yi"]
    assert b["indicators"]["net_fiscal_yi"] < a["indicators"]["net_fiscal_yi"]
    vat_share = float(pd.read_csv(DATA_DIR / "tax_types.csv").set_index("tax_id")
                      .at["vat", "share_of_tax"])
    lost = a["indicators"]["local_tax_yi"] - b["indicators"]["local_tax_yi"]
    # the local budgets lose half their VAT: vat share × (their VAT share, halved)
    sh = build_sharing(load_registry())
    local_vat = sh.shares[:, 0, [LEVELS.index(v) for v in LOCAL_LEVELS]].sum(axis=1)
    assert 0 < lost < a["indicators"]["local_tax_yi"]
    expected = vat_share * 0.5 * local_vat / sh.local_share  # per county, share of local tax
    assert expected.min() * 0.99 <= lost / a["indicators"]["local_tax_yi"] <= expected.max() * 1.01


@pytest.mark.parametrize(("file", "edit", "message"), [
    ("tax_sharing.csv", lambda d: d.assign(central=d["central"].where(d.index != 0, 1.5)),
     r"tax_sharing.csv, line 2: central: '1.5'; allowed a finite number and >= 0 and <= 1"),
    ("tax_sharing.csv", lambda d: d.assign(county=d["county"].where(d.index != 2, 0.1)),
     r"tax_sharing.csv, line 4: central\+province\+city\+county sum to 0.74, not 1"),
    ("tax_sharing.csv", lambda d: d.assign(tax_id=d["tax_id"].where(d.index != 1, "vta")),
     r"tax_sharing.csv, line 3: tax_id: 'vta' not in tax_types.csv"),
    ("tax_sharing.csv", lambda d: d[d.index != 5],
     r"tax_sharing.csv: tier 'district' has no rule for \['other'\]"),
    ("tax_types.csv", lambda d: d.assign(share_of_tax=d["share_of_tax"].where(d.index != 0, 0.6)),
     r"tax_types.csv: share_of_tax sums to 1.08 over the rows"),
    ("counties.csv", lambda d: d.assign(fiscal_tier=d["fiscal_tier"].where(d.index != 3, "cnty")),
     r"counties.csv, line 5: fiscal_tier: 'cnty'; allowed one of county, district"),
])
def test_bad_sharing_tables_are_named(tmp_path, file, edit, message):
    """A share out of range, a rule that does not add up, an unknown tax or tier, a missing
    rule: one error naming the file, the line and the column."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    edit(pd.read_csv(data / file, keep_default_na=False)).to_csv(data / file, index=False)
    with pytest.raises(ConfigError, match=message):
        build_sharing(load_registry(data))
