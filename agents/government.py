"""County governments (县市区政府): release the yearly industrial-land quota to their parks."""

from __future__ import annotations

import mesa
import numpy as np


class Government(mesa.Agent):
    """The government of one of the 10 jurisdictions of the 1+10+N system."""

    def __init__(self, model: mesa.Model, county: int, county_id: str) -> None:
        """The government of county number ``county`` (id ``county_id``)."""
        super().__init__(model)
        self.county = county
        self.county_id = county_id

    def act(self) -> None:
        """Release industrial land to this county's parks (rules: ``model.params.land``).

        During the build-out quarters the new floor space of its small-micro parks and
        incubators (``model.params.characteristic``). In the first quarter of a year the county's share of the new-land quota; every quarter
        the re-usable share of the land vacated in the county the quarter before. Both go to
        the main platforms only under ``land.quota_main_only`` (policy §三(四)), otherwise to
        every park that still takes industrial firms, in proportion to land in use at the start.
        """
        m = self.model
        county = m.parks.county == self.county
        floor = m.params.characteristic.floor_added(m.parks, m.t) * county  # small parks
        m.capacity += floor
        eligible = county & m.quota_eligible
        if not eligible.any():
            return
        w = np.where(eligible, m.parks.land_in_use0 + 1e-9, 0.0)
        w = w / w.sum()
        added, reused = m.params.land.release(w, m.is_first_quarter(),
                                              m.quota_county_share[self.county],
                                              m.vacated_pending[self.county])
        if added is not None:
            m.capacity += added
            m.quota_added += added
        if reused is not None:
            m.capacity += reused
            m.reused_added += reused
            m.vacated_pending[self.county] = 0.0
