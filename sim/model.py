"""ParkConsolidationModel: the quarterly schedule of the Jinhua consolidation.

Each quarter runs named phases, each timed (``model.phase_seconds``):
``government`` (vacating schedule, yearly land quota), ``evaluation`` (yearly per-mu classes),
``productivity``, ``decisions`` (stay / upgrade / exit / relocate, capacity enforced),
``entry`` (targeted attraction), ``promotion`` (the enterprise ladder) and ``collect``;
``model.decision_seconds`` splits decisions into inputs, the choice kernel alone, capacity
resolution and applying the decisions (``python -m experiments.bench_scale`` reports them).
The firm state of record is columnar (``model.firms``); the ``vectorized`` driver decides for
all firms with one kernel call, the ``agents`` driver lets each :class:`Enterprise` decide in
``shuffle_do("step")`` with the same kernel on its own row.
"""

from __future__ import annotations

import copy
import time
from contextlib import contextmanager

import mesa
import numpy as np

from agents import Enterprise, Government, Park, Platform
from agents import choice as K

from .config import ROLES, STAGES, quarter_label
from .metrics import Recorder
from .params import ModelParams
from .policy import evaluation as E
from .scenario import World, draw_firms

PHASES = ("government", "evaluation", "productivity", "decisions", "entry", "promotion",
          "collect")
# parts of the decisions phase, timed separately (``model.decision_seconds``): the quarter's
# park view and decider attributes, the choice kernel alone (destination sampling, utilities,
# logit draw), capacity resolution, and carrying out the decisions (incl. the land recount;
# in the agents driver the agents' own bookkeeping is the rest of the phase)
DECISION_PARTS = ("inputs", "kernel", "capacity", "apply")
MICRO, ABOVE = STAGES.index("micro"), STAGES.index("above_size")


class ParkConsolidationModel(mesa.Model):
    """Enterprise relocation and park phase-out under the 2020 Jinhua consolidation policy.

    Args:
        world: the initial world from :func:`sim.scenario.build_world` (copied, not modified).
        params: model parameters from :func:`sim.params.build_params`.
        seed: seed of the model's random generator (``model.rng``).
    """

    def __init__(self, world: World, params: ModelParams, *, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        self.params = params
        self.world = world
        self.parks = world.parks
        self.sectors = world.sectors
        self.firms = copy.deepcopy(world.firms)
        self.exit_schedule = params.exit_schedule
        self.t = 0  # index of the current quarter (0 = time.start)
        self.phase_seconds = dict.fromkeys(PHASES, 0.0)
        self.decision_seconds = dict.fromkeys(DECISION_PARTS, 0.0)

        p, P = params, self.parks.n
        self.is_main = self.parks.is_main
        self.premium = np.where(self.is_main, p.main_platform_premium, 0.0)
        self.land_in_use = self.parks.land_in_use0.copy()
        self.capacity = self.parks.land_in_use0 + self.parks.land_available0
        listed = self.exit_schedule.listed
        urban = self.parks.role == ROLES.index("urban_transition")
        closed = listed | (urban & p.urban_transition_closed)
        if p.quota_main_only:
            # 主平台以外区域不再配置工业用地增量指标: outside the main platforms no land beyond
            # what is in use at the start of the policy
            self.capacity = np.where(self.is_main, self.capacity, self.land_in_use)
        self.capacity0 = self.capacity.copy()
        self.accepts = ~closed  # parks that take incoming firms
        self.quota_eligible = self.is_main if p.quota_main_only else self.accepts.copy()
        self.quota_added = np.zeros(P)
        self.reused_added = np.zeros(P)  # capacity re-released from vacated land
        self.vacated_pending = np.zeros(self.parks.county_ids.size)  # by county, not yet re-used
        self.entry_eligible = self.accepts & (self.is_main | p.attraction_outside_main)
        elig_land = np.bincount(self.parks.county, weights=self.parks.land_in_use0
                                * self.quota_eligible, minlength=self.parks.county_ids.size)
        self.quota_county_share = elig_land / max(elig_land.sum(), 1e-12)
        self.next_id = int(self.firms.id.max()) + 1 if self.firms.n else 0
        self.quarterly_drift = self.sectors.drift / 4.0

        self.recorder = Recorder(self)
        self._update_revenue()
        self._evaluate()  # the 2020 evaluation: classes in force in the first year
        self.recorder.collect(step=-1)

        for c, cid in enumerate(self.parks.county_ids):
            Government(self, c, str(cid))
        park_agents = [Park(self, i) for i in range(P)]
        for k in range(self.parks.platform_ids.size):
            Platform(self, k, [a for a in park_agents if self.parks.platform[a.index] == k])
        self._enterprises_built = False
        if p.driver == "agents":
            self._build_enterprises()
        self.datacollector = mesa.DataCollector(model_reporters={
            "firms": lambda m: int(m.firms.alive.sum()),
            "output_wan": lambda m: float(m.firms.revenue[m.firms.alive].sum() / 4),
            "land_in_use_mu": lambda m: float(m.land_in_use.sum()),
            "land_vacated_mu": lambda m: float(m.recorder.land_vacated_total),
        })
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ Mesa-facing helpers
    def _build_enterprises(self) -> None:
        for r in np.flatnonzero(self.firms.alive):
            Enterprise(self, int(r))
        self._enterprises_built = True

    @property
    def enterprises(self) -> mesa.agent.AgentSet:
        """All living enterprises as Mesa agents (built on first use in the vectorized driver)."""
        if not self._enterprises_built:
            self._build_enterprises()
        return self.agents_by_type[Enterprise]

    @property
    def quarter(self) -> str:
        """Label of the current quarter, e.g. '2021Q1'."""
        return quarter_label(self.t, self.params.time_start)

    def is_first_quarter(self) -> bool:
        return (self.params.start_quarter - 1 + self.t) % 4 == 0

    @contextmanager
    def _timed(self, name: str, into: dict[str, float] | None = None):
        """Add the wall time of the block to ``into[name]`` (default: ``phase_seconds``)."""
        t0 = time.perf_counter()
        yield
        (self.phase_seconds if into is None else into)[name] += time.perf_counter() - t0

    # ------------------------------------------------------------------ the schedule
    def step(self) -> None:
        """Advance one quarter."""
        p = self.params
        self.recorder.start_step()
        with self._timed("government"):
            self.agents_by_type[Government].do("act")
        with self._timed("evaluation"):
            q = (p.start_quarter - 1 + self.t) % 4 + 1
            if self.t > 0 and q == p.evaluation_quarter:
                self._evaluate()
        with self._timed("productivity"):
            self._productivity()
        with self._timed("decisions"):
            with self._timed("inputs", self.decision_seconds):
                self._prepare_view()
            if p.driver == "agents":
                self.agents_by_type[Enterprise].shuffle_do("step")
            else:
                self._decide_vectorized()
            with self._timed("apply", self.decision_seconds):
                self._recount_land()
        with self._timed("entry"):
            self._entry()
        with self._timed("promotion"):
            self._promotion()
        with self._timed("collect"):
            self.recorder.collect(step=self.t)
            self.datacollector.collect(self)
        self.t += 1
        self.running = self.t < p.n_steps

    def run(self, progress=None) -> None:
        """Run all quarters; ``progress`` is an optional callable invoked after each step."""
        while self.t < self.params.n_steps:
            self.step()
            if progress is not None:
                progress(self)

    # ------------------------------------------------------------------ phases
    def _update_revenue(self) -> None:
        """revenue = scale * exp(z + shock + premium of the park), in place for every row."""
        f = self.firms
        x = f.z_level + f.shock
        x += self.premium[f.park]
        np.exp(x, out=x)
        np.multiply(f.scale, x, out=f.revenue)

    def _productivity(self) -> None:
        """AR(1) productivity shocks and the sector trend (quarterly), in place for every row."""
        p, f = self.params, self.firms
        noise = self.rng.standard_normal(f.n)
        noise *= p.productivity_sigma
        shock = f.shock
        shock *= p.productivity_rho
        shock += noise
        f.z_level[:] += self.quarterly_drift[f.sector]
        self._update_revenue()

    def annual_figures(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Annual-rate figures of firms ``rows`` (万元, tce, t, kWh)."""
        f, s = self.firms, self.sectors
        rev = f.revenue[rows]
        sec = f.sector[rows]
        return {
            "revenue": rev,
            "va": s.va_ratio[sec] * rev,
            "tax": s.tax_rate[sec] * f.tax_eff[rows] * rev,
            "energy": s.energy[sec] * f.energy_eff[rows] * rev,
            "emission": s.emission[sec] * f.emission_eff[rows] * rev,
            "electricity": s.electricity[sec] * f.energy_eff[rows] * rev,
            "rd_spend": f.rd[rows] * rev,
        }

    def _evaluate(self) -> None:
        """Yearly per-mu evaluation: classes, consecutive D years, class-dependent costs.

        Only firms in the evaluation's scope are scored: above-size firms (规上), and
        below-size firms with at least ``min_land_below`` mu (the scope :func:`E.evaluate`
        applies; about a quarter of the firms). The others get no class, as E.evaluate would
        give them, without computing their indicators.
        """
        f, rules = self.firms, self.params.evaluation
        rows = np.flatnonzero(f.alive)
        cls = np.full(rows.size, E.NOT_EVALUATED, dtype=np.int64)
        scored = rows[:0]
        if rules.enabled:
            in_scope = np.flatnonzero((f.stage[rows] >= ABOVE)
                                      | (f.land[rows] >= rules.min_land_below))
            scored = rows[in_scope]
            a = self.annual_figures(scored)
            ind = E.indicators(a["revenue"], f.land[scored], a["tax"], a["va"], a["energy"],
                               a["emission"], a["electricity"], f.jobs[scored], a["rd_spend"])
            cls[in_scope] = E.evaluate(rules, f.stage[scored], self.parks.county[f.park[scored]],
                                       self.parks.county_ids.size, ind, f.land[scored], ABOVE)
        f.cls[rows] = cls
        f.d_years[rows] = np.where(cls == E.D_CLASS, f.d_years[rows] + 1, 0)
        self._set_class_costs(rows[cls != E.NOT_EVALUATED])
        self._set_unclassed_costs(rows[cls == E.NOT_EVALUATED])
        self.recorder.record_classes(self.t, scored)

    def _set_class_costs(self, rows: np.ndarray) -> None:
        """Land-use tax relief share and electricity surcharge rate of ``rows`` by class."""
        f, rules = self.firms, self.params.evaluation
        # the surcharge on 1e4 kWh in 万元 is the rate in yuan per kWh; relief needs no inputs
        relief, rate_per_kwh, _ = E.class_costs(rules, f.cls[rows], f.d_years[rows],
                                                np.full(rows.size, 1e4), np.zeros(rows.size),
                                                f.land[rows])
        f.relief[rows] = relief
        f.surcharge_rate[rows] = rate_per_kwh  # 万元 per 1e4 kWh == yuan per kWh

    def _set_unclassed_costs(self, rows: np.ndarray) -> None:
        """Costs of firms without a class after an evaluation (managed as B, no D years): the
        same for all of them, so computed for the first and copied to the rest."""
        if rows.size:
            f = self.firms
            self._set_class_costs(rows[:1])
            f.relief[rows] = f.relief[rows[0]]
            f.surcharge_rate[rows] = f.surcharge_rate[rows[0]]

    # ------------------------------------------------------------------ decisions
    def _prepare_view(self) -> None:
        """Snapshot of park attributes all deciders see this quarter (both drivers)."""
        f, parks, sched = self.firms, self.parks, self.exit_schedule
        P, S = parks.n, self.sectors.ids.size
        alive = np.flatnonzero(f.alive)
        by_ps = np.bincount(f.park[alive] * S + f.sector[alive], weights=f.revenue[alive],
                            minlength=P * S).reshape(P, S)
        tot = by_ps.sum(axis=1, keepdims=True)
        share = np.divide(by_ps, tot, out=np.zeros_like(by_ps), where=tot > 0)
        vacating = sched.vacating(self.t)
        remaining = np.where(self.accepts, self.capacity - self.land_in_use, -1.0)
        free = remaining > 0
        mean_free = remaining[free].mean() if free.any() else 1.0
        log_size = np.where(free, np.log(np.maximum(remaining, 1e-9) / mean_free), -np.inf)
        self.view = K.ParkView(
            county=parks.county, is_main=self.is_main, land_price=parks.land_price,
            land_tax=parks.land_tax * self.params.land_use_tax_scale, premium=self.premium,
            vacating=vacating,
            no_stay=sched.past_deadline(self.t),
            compensation=np.where(vacating, sched.compensation, 0.0),
            relocation_subsidy=np.where(vacating, sched.relocation_subsidy, 0.0),
            remaining=remaining, log_size=log_size, sector_share=share, leading=parks.leading,
            distance_km=parks.distance_km,
        )
        self.accepting = np.flatnonzero(remaining > 0)

    def draw_active(self, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` reconsider this quarter: not held by inertia, or forced to leave."""
        active = self.rng.random(rows.size) >= self.params.inertia
        if self.view.no_stay.any():
            active |= self.view.no_stay[self.firms.park[rows]]
        return active

    def decider_rows(self, rows: np.ndarray) -> K.DeciderRows:
        f, s, p = self.firms, self.sectors, self.params
        sec = f.sector[rows]
        rev = f.revenue[rows]
        kwh = s.electricity[sec] * f.energy_eff[rows] * rev
        gain = np.where((f.stage[rows] == MICRO) & (rev < p.ladder_revenue_min[1])
                        & (rev * np.exp(p.choice.upgrade_gain) >= p.ladder_revenue_min[1]),
                        p.ladder_rewards[1], 0.0)
        return K.DeciderRows(
            park=f.park[rows], sector=sec, land=f.land[rows], scale=f.scale[rows], revenue=rev,
            margin=s.margin[sec], class_d=f.cls[rows] == E.D_CLASS, relief=f.relief[rows],
            surcharge_cost=f.surcharge_rate[rows] * kwh / 1e4, ladder_gain=gain,
        )

    def decide(self, rows: np.ndarray, shuffle: bool) -> tuple[np.ndarray, np.ndarray]:
        """Kernel call for ``rows``: actions and destinations after capacity is enforced.

        Relocation claims are served against the free land in a random priority order
        (``shuffle``) or in row order (the agent driver calls this for one row at a time, in
        the order of ``shuffle_do``).
        """
        clock, parts = time.perf_counter, self.decision_seconds
        t0 = clock()
        dec = self.decider_rows(rows)
        t1 = clock()
        dest = K.sample_destinations(self.rng, rows.size, self.accepting,
                                     self.params.destinations_sampled)
        u, avail = K.utilities(dec, dest, self.view, self.params.choice)
        col, fallback = K.choose(u, avail, self.rng)
        t2 = clock()
        action = K.action_of(col)
        moving = np.flatnonzero(action == K.MOVE)
        target = np.full(rows.size, -1, dtype=np.int64)
        target[moving] = dest[moving, col[moving] - K.N_FIXED]
        if moving.size:
            free = self.capacity - self.land_in_use
            order = self.rng.permutation(moving.size) if shuffle else np.arange(moving.size)
            ok = K.resolve_capacity(target[moving], dec.land[moving], free, order)
            rejected = moving[~ok]
            action[rejected] = fallback[rejected]
            target[rejected] = -1
        t3 = clock()
        parts["inputs"] += t1 - t0
        parts["kernel"] += t2 - t1
        parts["capacity"] += t3 - t2
        return action, target

    def _decide_vectorized(self) -> None:
        """All living firms that reconsider this quarter decide at once; then act in bulk."""
        with self._timed("inputs", self.decision_seconds):
            rows = np.flatnonzero(self.firms.alive)
            rows = rows[self.draw_active(rows)]
        if rows.size == 0:
            return
        action, target = self.decide(rows, shuffle=True)
        with self._timed("apply", self.decision_seconds):
            self.apply_decisions(rows, action, target)

    def apply_decisions(self, rows: np.ndarray, action: np.ndarray, target: np.ndarray) -> None:
        """Carry out decided actions in bulk: upgrades, exits and relocations."""
        f, p, rec = self.firms, self.params, self.recorder
        t, P = self.t, self.parks.n
        vac = self.view.vacating

        up = rows[action == K.UPGRADE]
        if up.size:
            cost = p.choice.upgrade_cost_share * f.revenue[up]
            rec.add_money("upgrade", f.park[up], cost * p.choice.upgrade_subsidy_share)
            f.z_level[up] += p.choice.upgrade_gain
            f.energy_eff[up] *= 1.0 - p.choice.upgrade_energy_cut
            f.emission_eff[up] *= 1.0 - p.choice.upgrade_energy_cut
            f.rd[up] += p.upgrade_rd_gain
            f.upgrades[up] += 1
            self._update_revenue_rows(up)
            rec.event("upgrade", f.id[up], f.park[up], f.park[up])

        leaving = rows[(action == K.EXIT) | (action == K.MOVE)]
        if leaving.size:
            origin = f.park[leaving]
            land = f.land[leaving]
            self.land_in_use -= np.bincount(origin, weights=land, minlength=P)
            from_vac = vac[origin]
            rec.add_vacated(origin[from_vac], land[from_vac])
            self.vacated_pending += np.bincount(self.parks.county[origin[from_vac]],
                                                weights=land[from_vac],
                                                minlength=self.vacated_pending.size)
            rec.add_money("compensation", origin[from_vac],
                          self.view.compensation[origin[from_vac]] * land[from_vac])

        ex = rows[action == K.EXIT]
        if ex.size:
            f.alive[ex] = False
            f.left[ex] = t
            rec.event("exit", f.id[ex], f.park[ex], np.full(ex.size, -1))

        mv_mask = action == K.MOVE
        mv = rows[mv_mask]
        if mv.size:
            dest = target[mv_mask]
            origin = f.park[mv]
            land = f.land[mv]
            self.land_in_use += np.bincount(dest, weights=land, minlength=P)
            ok = vac[origin] & (self.is_main[dest] | (not p.choice.relocation_to_main_only))
            rec.add_money("relocation", dest[ok],
                          self.view.relocation_subsidy[origin[ok]] * land[ok])
            rec.event("relocation", f.id[mv], origin, dest)
            f.park[mv] = dest
            self._update_revenue_rows(mv)

    def _recount_land(self) -> None:
        """Land in use per park from the living firms (exact; the running totals kept while
        decisions are applied one by one only serve the capacity checks within a phase; entry
        keeps the recount exact, see :meth:`_entry`)."""
        f = self.firms
        alive = np.flatnonzero(f.alive)
        self.land_in_use = np.bincount(f.park[alive], weights=f.land[alive],
                                       minlength=self.parks.n)

    def _update_revenue_rows(self, rows: np.ndarray) -> None:
        f = self.firms
        f.revenue[rows] = f.scale[rows] * np.exp(f.z_level[rows] + f.shock[rows]
                                                 + self.premium[f.park[rows]])

    # ------------------------------------------------------------------ entry
    def _entry(self) -> None:
        """Targeted investment attraction (靶向招商): entrants on eligible parks with free land."""
        p, f, parks = self.params, self.firms, self.parks
        free = np.where(self.entry_eligible, self.capacity - self.land_in_use, 0.0)
        free = np.maximum(free, 0.0)
        if free.sum() <= 0 or p.entry_rate <= 0:
            return
        on_eligible = np.bincount(f.park[f.alive], minlength=parks.n)[self.entry_eligible].sum()
        price = float(np.average(parks.land_price, weights=free))
        boost = 1.0 + p.attraction_response * p.attraction_per_mu / price
        n = int(self.rng.poisson(p.entry_rate / 4.0 * on_eligible * boost))
        if n == 0:
            return
        park = self.rng.choice(parks.n, size=n, p=free / free.sum())
        stage = np.where(self.rng.random(n) < p.entry_above_size_share, ABOVE, MICRO)
        cols = draw_firms(self.rng, park, stage, parks, self.sectors, self.world.firm_draw,
                          first_id=self.next_id, step=self.t, premium=self.premium)
        ok = K.resolve_capacity(park, cols["land"], self.capacity - self.land_in_use,
                                np.arange(n))
        if not ok.any():
            return
        cols = {k: v[ok] for k, v in cols.items()}
        rows = f.append(cols)
        self.next_id += n
        # entrants are the last rows of the table, so adding their land one by one in row order
        # to the exact recount of the decisions phase gives exactly a fresh recount (bincount
        # also sums in row order)
        np.add.at(self.land_in_use, cols["park"], cols["land"])
        self._set_class_costs(rows)
        self.recorder.add_money("attraction", cols["park"],
                                p.attraction_per_mu * cols["land"] * self.is_main[cols["park"]])
        self.recorder.event("entry", cols["id"], np.full(rows.size, -1), cols["park"])
        if self._enterprises_built:
            for r in rows:
                Enterprise(self, int(r))

    # ------------------------------------------------------------------ promotion
    def _promotion(self) -> None:
        """The enterprise ladder 个转企 → 小升规 → 规改股 → 股上市 with its rewards.

        Ladder step k promotes stage k to k+1. One uniform is drawn per living firm (the random
        stream does not depend on who is eligible); hazards are computed for eligible firms only.
        """
        p, f, s = self.params, self.firms, self.sectors
        alive = np.flatnonzero(f.alive)
        rev = f.revenue[alive]
        # revenue a firm needs to climb from each stage (the top stage cannot climb)
        threshold = np.append(p.ladder_revenue_min, np.inf)
        eligible = np.flatnonzero(rev >= threshold[f.stage[alive]])
        draw = self.rng.random(alive.size)
        rows = alive[eligible]
        k = f.stage[rows]
        profit = np.maximum(s.margin[f.sector[rows]] * rev[eligible], 1e-6)
        reward = p.ladder_rewards[k]
        h_year = np.minimum(1.0, p.ladder_hazard[k]
                            * (1.0 + p.ladder_reward_effect * reward / (reward + profit)))
        h_q = 1.0 - (1.0 - h_year) ** 0.25
        h_q = np.where(p.ladder_hazard[k] >= 1.0, 1.0, h_q)
        promote = draw[eligible] < h_q
        rows = rows[promote]
        if rows.size:
            tf = self.world.firm_draw.tax_stage_factor
            f.tax_eff[rows] *= tf[f.stage[rows] + 1] / tf[f.stage[rows]]
            f.stage[rows] += 1
            self.recorder.add_money("ladder", f.park[rows], reward[promote])
            self.recorder.event("promotion", f.id[rows], f.park[rows], f.park[rows],
                                detail=f.stage[rows])
