"""The ``rights.parquet`` table: energy-use and emission rights per quarter, pool and right."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..policy.rights import RIGHTS

#: the columns of ``rights.parquet``
TABLE_COLUMNS = ("quarter", "step", "pool_id", "kind", "county_id", "right", "cap", "held",
                 "reserve", "price", "claims", "granted")


def rights_table(m: Any) -> pd.DataFrame:
    """The rights per quarter, pool and right (``rights.parquet``; empty without rights).

    ``cap``, ``held``, ``reserve`` (cap − held), ``claims`` and ``granted`` in tce or t a year
    at the run's firm scale, at the end of the quarter; ``price`` the one in force during it
    (万元 per unit). Pools: each main platform (``kind`` platform), each county's parks outside
    them (``kind`` outside, id ``<county>_outside``).
    """
    r, parks = m.params.rights, m.parks
    if not r.enabled or not m.rights.history:
        return pd.DataFrame({c: [] for c in TABLE_COLUMNS})
    ids = np.r_[parks.platform_ids, [f"{c}_outside" for c in parks.county_ids]].astype(object)
    kinds = np.where(r.pool_is_main, "platform", "outside").astype(object)
    county = parks.county_ids[r.pool_county]
    frames = []
    for step, cap, hld, price, claim, grant_ in m.rights.history:
        for k, name in enumerate(RIGHTS):
            frames.append(pd.DataFrame({
                "quarter": m.params.period.label(step), "step": step, "pool_id": ids,
                "kind": kinds, "county_id": county, "right": name, "cap": cap[k],
                "held": hld[k], "reserve": cap[k] - hld[k], "price": price[k],
                "claims": claim[k], "granted": grant_[k]}))
    return pd.concat(frames, ignore_index=True).loc[:, list(TABLE_COLUMNS)]
