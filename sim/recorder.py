"""Indicators: per-quarter records by role, events, evaluation classes, the policy scorecard.

The :class:`Recorder` keeps per-park counters during a step and aggregates them by role when
the step is collected; nothing here copies the firm table. Money is in 万元 (CNY 10,000);
flows (output, tax, ...) are per quarter; ``tax_per_mu`` and ``va_per_mu`` are annualised, as
in the per-mu evaluation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .domain import CLASSES, NEVER, ROLES, STAGES
from .policy.fiscal import FLOWS, jurisdiction_table, quarter_flows
from .scenario.fiscal import LEVELS, fiscal_table

EVENT_KINDS = ("relocation", "exit", "entry", "upgrade", "promotion")
#: the per-park counters an event adds to: (counter, counted at the origin, else the destination)
EVENT_COUNTERS = {"relocation": (("relocated_out", True), ("relocated_in", False)),
                  "exit": (("exited", True),), "entry": (("entered", False),),
                  "upgrade": (("upgraded", True),), "promotion": (("promoted", True),)}
SUBSIDY_KINDS = ("relocation", "upgrade", "ladder", "attraction")
COUNTERS = ("entered", "exited", "relocated_in", "relocated_out", "upgraded", "promoted",
            "land_vacated_mu", "land_converted_mu", "compensation_paid", "land_revenue",
            "rights_revenue") + tuple(f"subsidy_{k}" for k in SUBSIDY_KINDS)
TIMESERIES_COLUMNS = (
    "quarter", "step", "year", "role", "firms", "output", "value_added", "tax", "jobs",
    "land_in_use_mu", "capacity_mu", "new_land_mu", "land_reused_mu", "land_vacated_mu",
    "land_converted_mu", "entered", "exited",
    "relocated_in", "relocated_out", "upgraded", "promoted", "tax_per_mu", "va_per_mu",
    "subsidies_paid", *(f"subsidy_{k}" for k in SUBSIDY_KINDS), "compensation_paid",
    "tax_local", "net_fiscal", "land_revenue", "rights_revenue", "credit_extra_interest",
    "energy_tce", "emission_t",
)


class Recorder:
    """Collects the run's tables while the model runs."""

    def __init__(self, model: Any) -> None:
        """Start empty counters for ``model`` (a :class:`~sim.model.ParkConsolidationModel`)."""
        self.model = model
        P = model.parks.n
        self.counters = {k: np.zeros(P) for k in COUNTERS}
        self.rows: list[dict] = []
        self.events: list[tuple] = []
        self.class_rows: list[pd.DataFrame] = []
        self.park_quarters: list[dict[str, np.ndarray]] = []
        self.land_vacated_total = 0.0

    def start_step(self) -> None:
        """Reset the per-park counters of a quarter."""
        for v in self.counters.values():
            v[:] = 0.0

    # -------------------------------------------------------------- during a step
    def event(self, kind: str, firm: np.ndarray, origin: np.ndarray, dest: np.ndarray,
              detail: np.ndarray | None = None) -> None:
        """Record events of ``kind`` (one of EVENT_KINDS) of firms ``firm``, counted by park."""
        n = len(firm)
        if n == 0:
            return
        P = self.model.parks.n
        origin = np.asarray(origin)
        dest = np.asarray(dest)
        for counter, at_origin in EVENT_COUNTERS[kind]:
            self.counters[counter] += np.bincount(origin if at_origin else dest, minlength=P)
        self.events.append((self.model.t, EVENT_KINDS.index(kind), np.asarray(firm).copy(),
                            origin.copy(), dest.copy(),
                            np.full(n, -1) if detail is None else np.asarray(detail).copy()))

    def add_money(self, kind: str, park: np.ndarray, amount: np.ndarray) -> None:
        """Book a payment (万元) of ``kind`` by park.

        ``kind`` is a subsidy kind, 'compensation' (paid by the park's county),
        'land_revenue' (paid to the county for land sold in the park) or 'rights_revenue' (paid
        to the county for energy-use and emission rights acquired in the park).
        """
        if len(park):
            key = {"compensation": "compensation_paid", "land_revenue": "land_revenue",
                   "rights_revenue": "rights_revenue"}.get(kind, f"subsidy_{kind}")
            self.counters[key] += np.bincount(park, weights=amount, minlength=self.model.parks.n)

    def add_vacated(self, park: np.ndarray, land: np.ndarray) -> None:
        """Book ``land`` (mu) vacated in exit-listed parks ``park``."""
        if len(park):
            self.counters["land_vacated_mu"] += np.bincount(park, weights=land,
                                                            minlength=self.model.parks.n)
            self.land_vacated_total += float(land.sum())

    def add_converted(self, park: np.ndarray, land: np.ndarray, value_per_mu: float) -> None:
        """Book ``land`` (mu) converted to urban use in parks ``park``, sold at the value."""
        if len(park):
            self.counters["land_converted_mu"] += np.bincount(park, weights=land,
                                                              minlength=self.model.parks.n)
            self.add_money("land_revenue", park, value_per_mu * land)

    def record_classes(self, t: int, rows: np.ndarray) -> None:
        """ABCD class counts by role for the evaluation held at step ``t``."""
        m = self.model
        f = m.firms
        role = m.parks.role[f.park[rows]]
        cls = f.cls[rows]
        ev = cls >= 0
        k = role[ev] * len(CLASSES) + cls[ev]
        counts = np.bincount(k, minlength=len(ROLES) * len(CLASSES)).reshape(len(ROLES), -1)
        land = np.bincount(k, weights=f.land[rows][ev],
                           minlength=len(ROLES) * len(CLASSES)).reshape(len(ROLES), -1)
        year = int(m.params.period.label(t)[:4])
        r, c = np.meshgrid(np.arange(len(ROLES)), np.arange(len(CLASSES)), indexing="ij")
        self.class_rows.append(pd.DataFrame({
            "year": year, "role": np.array(ROLES)[r.ravel()],
            "class": np.array(CLASSES)[c.ravel()], "firms": counts.ravel(),
            "land_mu": land.ravel(),
        }))

    # -------------------------------------------------------------- end of a step
    def park_figures(self) -> dict[str, np.ndarray]:
        """Per-park quarterly figures of the living firms."""
        m = self.model
        f, s = m.firms, m.sectors
        P = m.parks.n
        alive = np.flatnonzero(f.alive)
        park = f.park[alive]
        rev = f.revenue[alive]
        sec = f.sector[alive]
        q = rev / 4.0
        return {
            "firms": np.bincount(park, minlength=P).astype(float),
            "output": np.bincount(park, weights=q, minlength=P),
            "value_added": np.bincount(park, weights=q * s.va_ratio[sec], minlength=P),
            "tax": np.bincount(park, weights=s.tax(sec, rev) / 4.0 * f.tax_eff[alive],
                               minlength=P),
            "jobs": np.bincount(park, weights=f.jobs[alive], minlength=P),
            # interest paid over the base rate by class (credit policy; to banks, not budgets)
            "credit_extra_interest": np.bincount(
                park, weights=m.params.credit.cost(f.cls[alive], q), minlength=P),
            # energy use and pollutant emissions of the quarter (tce, t)
            "energy_tce": np.bincount(park, weights=q * s.energy[sec] * f.energy_eff[alive],
                                      minlength=P),
            "emission_t": np.bincount(park, weights=q * s.emission[sec] * f.emission_eff[alive],
                                      minlength=P),
        }

    def fiscal_flows(self, step: int) -> dict[str, np.ndarray]:
        """The quarter's county-level tax per park after the sharing rule (:data:`FLOWS`)."""
        m = self.model
        f, s = m.firms, m.sectors
        alive = np.flatnonzero(f.alive)
        park = f.park[alive]
        county_share = m.world.sharing.by_level[:, LEVELS.index("county")]
        part = (s.tax(f.sector[alive], f.revenue[alive]) / 4.0 * f.tax_eff[alive]
                * county_share[m.parks.county[park]])
        return quarter_flows(m.params.fiscal, part, park, f.shared_from[alive],
                             f.shared_until[alive] > step)

    def collect(self, step: int) -> None:
        """Close quarter ``step``: per-park figures, and one timeseries row per role."""
        m = self.model
        pf = self.park_figures()
        pf["tax_local"] = pf["tax"] * m.world.sharing.local_share[m.parks.county]
        pf.update(self.fiscal_flows(step))
        pf["land_in_use_mu"] = m.land_in_use.copy()
        pf["capacity_mu"] = m.capacity.copy()
        pf["new_land_mu"] = m.quota_added.copy()
        pf["land_reused_mu"] = m.reused_added.copy()
        for k, v in self.counters.items():
            pf[k] = v.copy()
        self.park_quarters.append(pf)
        role = m.parks.role
        label = m.params.period.label(step)
        for r, name in enumerate(ROLES):
            sel = role == r
            row = {"quarter": label, "step": step, "year": int(label[:4]), "role": name}
            for k, v in pf.items():
                row[k] = float(v[sel].sum())
            land = row["land_in_use_mu"]
            row["tax_per_mu"] = 4 * row["tax"] / land if land > 0 else 0.0
            row["va_per_mu"] = 4 * row["value_added"] / land if land > 0 else 0.0
            row["subsidies_paid"] = sum(row[f"subsidy_{k}"] for k in SUBSIDY_KINDS)
            row["net_fiscal"] = (row["tax_local"] - row["subsidies_paid"]
                                 - row["compensation_paid"])
            row["firms"] = int(row["firms"])
            for k in ("entered", "exited", "relocated_in", "relocated_out", "upgraded",
                      "promoted"):
                row[k] = int(row[k])
            self.rows.append(row)

    # -------------------------------------------------------------- tables
    def timeseries(self) -> pd.DataFrame:
        """The quarterly rows by role (``timeseries.parquet``)."""
        return pd.DataFrame(self.rows).loc[:, list(TIMESERIES_COLUMNS)]

    def events_table(self) -> pd.DataFrame:
        """One row per relocation, exit, entry, upgrade and promotion (``events.parquet``)."""
        m = self.model
        ids = np.r_[m.parks.ids, None]
        if not self.events:
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
                ("quarter", str), ("step", int), ("event", str), ("firm", int),
                ("from_park", str), ("to_park", str), ("stage", str))})
        step = np.concatenate([np.full(e[2].size, e[0]) for e in self.events])
        kind = np.concatenate([np.full(e[2].size, e[1]) for e in self.events])
        firm = np.concatenate([e[2] for e in self.events])
        origin = np.concatenate([e[3] for e in self.events])
        dest = np.concatenate([e[4] for e in self.events])
        detail = np.concatenate([e[5] for e in self.events])
        labels = np.array([m.params.period.label(s) for s in range(-1, m.params.n_steps)])
        stages = np.r_[np.array(STAGES, dtype=object), None]
        return pd.DataFrame({
            "quarter": labels[step + 1], "step": step,
            "event": np.array(EVENT_KINDS)[kind], "firm": firm,
            "from_park": ids[origin], "to_park": ids[dest], "stage": stages[detail],
        })

    def classes_table(self) -> pd.DataFrame:
        """ABCD class counts and land by role and evaluation year (``classes.parquet``)."""
        if not self.class_rows:
            return pd.DataFrame(columns=["year", "role", "class", "firms", "land_mu"])
        return pd.concat(self.class_rows, ignore_index=True)

    def fiscal_table(self) -> pd.DataFrame:
        """Tax per year, county and level of government, as collected (``fiscal.parquet``).

        On each county's territory, before the sharing rule moves county-level tax between
        budgets (:meth:`jurisdictions_table`).
        """
        m = self.model
        quarters = self.park_quarters[1:]
        C = m.parks.county_ids.size

        def by_county(key: str) -> np.ndarray:
            return np.array([np.bincount(m.parks.county, weights=q[key], minlength=C)
                             for q in quarters]).reshape(len(quarters), C)

        years = np.array([int(m.params.period.label(t)[:4]) for t in range(len(quarters))])
        subsidies = sum(by_county(f"subsidy_{k}") for k in SUBSIDY_KINDS)
        return fiscal_table(m.world.sharing, m.parks.county_ids, years, by_county("tax"),
                            subsidies, by_county("compensation_paid"))

    def jurisdictions_table(self) -> pd.DataFrame:
        """Budgets per year of the city, counties, platforms and towns (``jurisdictions``)."""
        m = self.model
        quarters = self.park_quarters[1:]
        years = np.array([int(m.params.period.label(t)[:4]) for t in range(len(quarters))])

        def stack(key: str) -> np.ndarray:
            return np.array([q[key] for q in quarters]).reshape(len(quarters), m.parks.n)

        q = {k: stack(k) for k in ("tax", *FLOWS, "land_revenue", "rights_revenue")}
        q["subsidies"] = sum(stack(f"subsidy_{k}") for k in SUBSIDY_KINDS)
        q["compensation"] = stack("compensation_paid")
        return jurisdiction_table(m.params.fiscal, m.world.sharing, m.parks, years, q)

    def parks_table(self) -> pd.DataFrame:
        """Final state per park, with its last-year totals and whole-run flows."""
        m = self.model
        parks = m.parks
        last = self.park_quarters[-1]
        n_year = min(4, len(self.park_quarters) - 1)
        recent = self.park_quarters[-n_year:] if n_year > 0 else [last]
        flows = {k: sum(q[k] for q in self.park_quarters[1:]) for k in COUNTERS}
        flows["subsidies_paid"] = sum(flows[f"subsidy_{k}"] for k in SUBSIDY_KINDS)
        sched = m.exit_schedule
        labels = lambda steps: np.array([  # noqa: E731 (NEVER marks parks not listed)
            "" if s >= NEVER else m.params.period.label(int(s)) for s in steps],
            dtype=object)
        df = pd.DataFrame({
            "park_id": parks.ids, "name_zh": parks.name_zh, "name_en": parks.name_en,
            "county_id": parks.county_ids[parks.county], "role": np.array(ROLES)[parks.role],
            "platform_id": np.r_[parks.platform_ids, None][parks.platform],
            "level": parks.level, "synthetic": parks.synthetic, "lat": parks.lat,
            "lon": parks.lon, "exit_listed": sched.listed,
            "path": m.params.characteristic.path_labels(),
            "converting": m.params.urban.converting,
            "vacate_start": labels(sched.start), "deadline": labels(sched.deadline),
            "firms_start": self.park_quarters[0]["firms"].astype(int),
            "firms": last["firms"].astype(int),
            "land_in_use_start_mu": self.park_quarters[0]["land_in_use_mu"],
            "land_idle_mu": np.zeros(parks.n) if parks.land_idle0 is None else parks.land_idle0,
            "land_in_use_mu": last["land_in_use_mu"], "capacity_mu": last["capacity_mu"],
            "new_land_mu": last["new_land_mu"], "land_reused_mu": last["land_reused_mu"],
            "output_last_year": sum(q["output"] for q in recent) * 4 / n_year
            if n_year else last["output"] * 4,
            "tax_last_year": sum(q["tax"] for q in recent) * 4 / n_year
            if n_year else last["tax"] * 4,
            "jobs": last["jobs"],
            # the pace of clearing past the deadline in the last quarter: the strategy's, times
            # the town's cooperation under the fiscal sharing rule
            "clearance_per_quarter": m.clearance.copy(),
        })
        for k, v in flows.items():
            df[k] = v if len(self.park_quarters) > 1 else 0.0
        land = df["land_in_use_mu"].to_numpy()
        df["tax_per_mu"] = np.divide(df["tax_last_year"], land, out=np.zeros(len(df)),
                                     where=land > 0)
        return df
