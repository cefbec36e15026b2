"""Enterprise agents: views on one row of the model's columnar firm table."""

from __future__ import annotations

import mesa
import numpy as np

from sim.domain import CLASSES, STAGES


class Enterprise(mesa.Agent):
    """An enterprise (企业): a view on row ``row`` of the model's firm table ``model.firms``.

    Used by the ``agents`` driver, where each enterprise decides in its own ``step`` by calling
    the same kernel (``agents.choice``) as the vectorised driver does on all rows.
    """

    def __init__(self, model: mesa.Model, row: int) -> None:
        """Register the enterprise of firm-table row ``row`` with ``model``."""
        super().__init__(model)
        self.row = row

    # --- read-only views on the firm table -------------------------------------------------
    def _col(self, name: str):
        return self.model.firms.cols[name][self.row]

    @property
    def firm_id(self) -> int:
        """The firm's id (stable across relocations)."""
        return int(self._col("id"))

    @property
    def park_id(self) -> str:
        """Id of the park the firm is in."""
        return str(self.model.parks.ids[self._col("park")])

    @property
    def sector(self) -> str:
        """The firm's sector id."""
        return str(self.model.sectors.ids[self._col("sector")])

    @property
    def stage(self) -> str:
        """The firm's ladder stage (individual … listed)."""
        return STAGES[int(self._col("stage"))]

    @property
    def evaluation_class(self) -> str | None:
        """The firm's per-mu class A–D in force, None if not evaluated."""
        c = int(self._col("cls"))
        return CLASSES[c] if c >= 0 else None

    @property
    def land_mu(self) -> float:
        """Land the firm occupies, mu."""
        return float(self._col("land"))

    @property
    def revenue(self) -> float:
        """Current annual revenue, 万元."""
        return float(self._col("revenue"))

    @property
    def alive(self) -> bool:
        """Whether the firm still operates."""
        return bool(self._col("alive"))

    # --- behaviour ------------------------------------------------------------------------
    def step(self) -> None:
        """Decide (if reconsidering this quarter) and act: stay, upgrade, exit or relocate."""
        m = self.model
        if not self.alive:
            return
        rows = np.array([self.row])
        active = m.draw_active(rows)
        if not active[0]:
            return
        action, dest = m.decide(rows, shuffle=False)
        m.apply_decisions(rows, action, dest)
        if not self.alive:
            self.remove()
