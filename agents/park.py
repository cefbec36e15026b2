"""Park and Platform agents: views on the model's park arrays."""

from __future__ import annotations

import mesa

from sim.domain import ROLES


class Park(mesa.Agent):
    """An industrial park as it stood before integration, with its post-integration role."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        """The park of park number ``index`` in the model's park arrays."""
        super().__init__(model)
        self.index = index

    @property
    def park_id(self) -> str:
        """The park's id (sim/data/parks.csv)."""
        return str(self.model.parks.ids[self.index])

    @property
    def role(self) -> str:
        """The park's role after integration."""
        return ROLES[int(self.model.parks.role[self.index])]

    @property
    def platform_id(self) -> str | None:
        """The main platform the park is a member of, None outside the main platforms."""
        k = int(self.model.parks.platform[self.index])
        return str(self.model.parks.platform_ids[k]) if k >= 0 else None

    @property
    def land_in_use_mu(self) -> float:
        """Industrial land in use, mu."""
        return float(self.model.land_in_use[self.index])

    @property
    def capacity_mu(self) -> float:
        """Industrial land the park may hold, mu."""
        return float(self.model.capacity[self.index])

    @property
    def vacating(self) -> bool:
        """Whether the park's vacating (exit list) has started."""
        return bool(self.model.exit_schedule.vacating(self.model.t)[self.index])


class Platform(mesa.Agent):
    """A main platform (主平台): one management body over several member parks (一区多园)."""

    def __init__(self, model: mesa.Model, index: int, parks: list[Park]) -> None:
        """Platform number ``index`` over its member ``parks``."""
        super().__init__(model)
        self.index = index
        self.parks = mesa.agent.AgentSet(parks, random=model.random)

    @property
    def platform_id(self) -> str:
        """The platform's id (sim/data/platforms.csv)."""
        return str(self.model.parks.platform_ids[self.index])

    @property
    def land_in_use_mu(self) -> float:
        """Industrial land in use on the member parks, mu."""
        return float(sum(p.land_in_use_mu for p in self.parks))
