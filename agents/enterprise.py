"""Enterprise agents: views on one row of the model's columnar firm table."""

from __future__ import annotations

import mesa
import numpy as np

from sim.config import CLASSES, STAGES


class Enterprise(mesa.Agent):
    """An enterprise (企业). Its state of record lives in ``model.firms``; this is a view on row
    ``row``. Used by the ``agents`` driver, where each enterprise decides in its own ``step``
    by calling the same kernel (``agents.choice``) as the vectorised driver does on all rows.
    """

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row

    # --- read-only views on the firm table -------------------------------------------------
    def _col(self, name: str):
        return self.model.firms.cols[name][self.row]

    @property
    def firm_id(self) -> int:
        return int(self._col("id"))

    @property
    def park_id(self) -> str:
        return str(self.model.parks.ids[self._col("park")])

    @property
    def sector(self) -> str:
        return str(self.model.sectors.ids[self._col("sector")])

    @property
    def stage(self) -> str:
        return STAGES[int(self._col("stage"))]

    @property
    def evaluation_class(self) -> str | None:
        c = int(self._col("cls"))
        return CLASSES[c] if c >= 0 else None

    @property
    def land_mu(self) -> float:
        return float(self._col("land"))

    @property
    def revenue(self) -> float:
        """Current annual revenue, 万元."""
        return float(self._col("revenue"))

    @property
    def alive(self) -> bool:
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
