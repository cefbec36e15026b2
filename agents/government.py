"""County governments (县市区政府): release the yearly industrial-land quota to their parks."""

from __future__ import annotations

import mesa
import numpy as np


class Government(mesa.Agent):
    """The government of one of the 10 jurisdictions of the 1+10+N system."""

    def __init__(self, model: mesa.Model, county: int, county_id: str) -> None:
        super().__init__(model)
        self.county = county
        self.county_id = county_id

    def act(self) -> None:
        """In the first quarter of a year, add this county's share of the quota to its parks.

        The quota goes to the main platforms only under ``land.quota_main_only`` (policy §三(四));
        otherwise to every park that still takes industrial firms. Shares follow land in use.
        """
        m = self.model
        if not m.is_first_quarter():
            return
        mine = m.parks.county == self.county
        eligible = mine & m.quota_eligible
        if not eligible.any():
            return
        county_share = m.quota_county_share[self.county]
        w = np.where(eligible, m.parks.land_in_use0 + 1e-9, 0.0)
        added = m.params.annual_quota_mu * county_share * w / w.sum()
        m.capacity += added
        m.quota_added += added
