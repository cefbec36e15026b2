"""Towns (乡镇、街道) hosting parks outside the main platforms: their cooperation with clearing."""

from __future__ import annotations

import mesa


class Town(mesa.Agent):
    """The government of the town hosting one park outside the main platforms.

    Each quarter it weighs what clearing its park costs its budget under the fiscal sharing rule
    in force (``model.params.fiscal``) and sets the pace at which the park's remaining firms are
    ordered out once the vacating deadline has passed (``model.clearance``).
    """

    def __init__(self, model: mesa.Model, park: int, town_id: str, synthetic: bool) -> None:
        """The town of park number ``park``, budget id ``town_id`` (``synthetic`` as its park)."""
        super().__init__(model)
        self.park = park
        self.town_id = town_id
        self.synthetic = synthetic
        self.cooperation = 1.0

    def act(self) -> None:
        """Set this quarter's cooperation from the town's fiscal base and last quarter's key."""
        m = self.model
        rec = m.recorder
        base = float(rec.park_quarters[0]["kept_host"][self.park])
        key_in = float(rec.park_quarters[-1]["key_in"][self.park])
        self.cooperation = m.params.fiscal.cooperation(base, key_in)
        m.clearance[self.park] = m.exit_schedule.clearance_per_quarter * self.cooperation
