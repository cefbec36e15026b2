"""Exit-list strategies: list construction, timing, and the planner's custom CSV."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import sim
from sim.config import compose_config
from sim.domain import ROLES, ConfigError, Period
from sim.policy.exit_strategy import NEVER, ParkFacts, build_schedule, read_custom_list
from sim.scenario import build_parks, load_registry

PERIOD = Period("2021Q1", 20)


@pytest.fixture(scope="module")
def parks():
    return build_parks(load_registry(), 1.0)


@pytest.fixture(scope="module")
def facts(parks):
    rng = np.random.default_rng(0)
    return ParkFacts(tax_per_mu=rng.uniform(1, 30, parks.n),
                     distance_to_main_km=rng.uniform(0, 40, parks.n))


def schedule(parks, facts, name, *extra):
    cfg = compose_config([f"exit_strategy={name}", *extra]).exit_strategy
    return build_schedule(parks, cfg, PERIOD, facts, 30.0, 5.0)


def test_plan_lists_exactly_the_exit_list_role(parks, facts):
    """plan: every park with the exit_list role, one window 2021Q3–2024Q4 (steps 2–15)."""
    s = schedule(parks, facts, "plan")
    assert (s.listed == (parks.role == ROLES.index("exit_list"))).all()
    assert set(s.start[s.listed]) == {2} and set(s.deadline[s.listed]) == {15}
    assert (s.start[~s.listed] == NEVER).all()
    assert (s.compensation[s.listed] == 30.0).all() and (s.relocation_subsidy[s.listed] == 5).all()


def test_none_lists_nothing(parks, facts):
    """none: the counterfactual lists no park."""
    assert not schedule(parks, facts, "none").listed.any()


def test_the_vacating_window_is_checked_only_when_parks_are_listed():
    """A short run without an exit list does not trip over the unused default window; a
    strategy that lists parks still refuses a window outside the period."""
    from sim.config import validate

    validate(compose_config(["time.end=2021Q1", "exit_strategy=none"]))
    with pytest.raises(ConfigError, match="outside the simulated period"):
        validate(compose_config(["time.end=2021Q1", "exit_strategy=plan"]))


def test_lowest_efficiency_takes_the_least_efficient_share(parks, facts):
    """lowest_efficiency: the lowest-tax-per-mu half of the non-integrated parks that are not
    characteristic bases."""
    s = schedule(parks, facts, "lowest_efficiency")
    cand = ~parks.is_main & parks.is_zone & ~parks.has_role("characteristic")
    assert s.listed.sum() == round(0.5 * cand.sum())
    assert not (s.listed & parks.is_main).any()
    assert facts.tax_per_mu[s.listed].max() <= facts.tax_per_mu[cand & ~s.listed].min()
    t = schedule(parks, facts, "lowest_efficiency", "exit_strategy.share=1",
                 "exit_strategy.threshold=10")
    assert (t.listed == (cand & (facts.tax_per_mu < 10))).all()


def test_characteristic_bases_are_listed_only_when_the_config_says_so(parks, facts):
    """A rule-based strategy lists characteristic parks with list_characteristic=true, or the
    ones named in add_parks; never by default (policy §二(三))."""
    char = parks.has_role("characteristic")
    every = ("exit_strategy.share=1", "exit_strategy.threshold=null")
    assert not (schedule(parks, facts, "lowest_efficiency", *every).listed & char).any()
    listed = schedule(parks, facts, "lowest_efficiency", *every,
                      "exit_strategy.list_characteristic=true").listed
    assert (listed == (~parks.is_main & parks.is_zone)).all()
    named = schedule(parks, facts, "plan", "exit_strategy.add_parks=[lanxi_smp]").listed
    assert named[list(parks.ids).index("lanxi_smp")] and named[char].sum() == 1


@pytest.mark.parametrize("name, key", [("phased", "tax_per_mu"), ("distance", "distance")])
def test_waves_follow_the_order(parks, facts, name, key):
    """phased/distance: yearly waves in order (least efficient / farthest first), last deadline
    at the overall deadline, each wave four quarters long."""
    s = schedule(parks, facts, name)
    listed = np.flatnonzero(s.listed)
    assert (s.listed == (parks.role == ROLES.index("exit_list"))).all()
    assert set(s.start[listed]) == {2, 6, 10, 14}
    assert (s.deadline[listed] - s.start[listed] <= 3).all() and s.deadline[listed].max() == 15
    value = facts.tax_per_mu if key == "tax_per_mu" else -facts.distance_to_main_km
    first, last = listed[s.start[listed] == 2], listed[s.start[listed] == 14]
    assert value[first].max() <= value[last].min()


def test_strategy_terms_override_the_defaults(parks, facts):
    """A strategy's own compensation and relocation subsidy replace the general ones."""
    s = schedule(parks, facts, "plan", "exit_strategy.compensation_per_mu=55",
                 "exit_strategy.relocation_subsidy_per_mu=12")
    assert (s.compensation[s.listed] == 55).all() and (s.relocation_subsidy[s.listed] == 12).all()


def _csv(tmp_path, text):
    p = tmp_path / "list.csv"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = "park_id,start,deadline,compensation_per_mu\nwuyi_tongqin_fz,2022Q1,2023Q4,40\n" \
       "wuyi_quanxi_fz,2023Q1,2024Q4,\n"


def test_custom_list_is_read(tmp_path, parks):
    """custom: the listed parks, their quarters and compensation (default where blank)."""
    listed, start, deadline, comp = read_custom_list(_csv(tmp_path, GOOD), parks, PERIOD,
                                                     30.0)
    ids = list(parks.ids)
    a, b = ids.index("wuyi_tongqin_fz"), ids.index("wuyi_quanxi_fz")
    assert listed.sum() == 2 and listed[a] and listed[b]
    assert (start[a], deadline[a], comp[a]) == (4, 11, 40.0)
    assert (start[b], deadline[b], comp[b]) == (8, 15, 30.0)


@pytest.mark.parametrize("text, fragment", [
    ("park_id,start,deadline\nwuyi_tongqin_fz,2022Q1,2023Q4\natlantis,2022Q1,2023Q4\n",
     "line 3: unknown park id 'atlantis'"),
    ("park_id,start,deadline\njinhua_etdz_core,2022Q1,2023Q4\n",
     "line 2: 'jinhua_etdz_core' is a main-platform park"),
    ("park_id,start,deadline\nwuyi_tongqin_fz,2023Q1,2022Q4\n",
     "line 2: deadline 2022Q4 is before start 2023Q1"),
    ("park_id,start,deadline\nwuyi_tongqin_fz,2022Q1,2023Q4\nwuyi_tongqin_fz,2022Q1,2023Q4\n",
     "line 3: duplicate row for park 'wuyi_tongqin_fz' (first on line 2)"),
    ("park_id,deadline\nwuyi_tongqin_fz,2023Q4\n", "line 1: missing column(s) ['start']"),
    ("park_id,start,deadline\nwuyi_tongqin_fz,2022-01,2023Q4\n", "line 2: start='2022-01'"),
    ("park_id,start,deadline,compensation_per_mu\nwuyi_tongqin_fz,2022Q1,2023Q4,-3\n",
     "line 2: compensation_per_mu=-3: allowed a finite number >= 0"),
    ("park_id,start,deadline,compensation_per_mu\nwuyi_tongqin_fz,2022Q1,2023Q4,nan\n",
     "line 2: compensation_per_mu=nan: allowed a finite number"),
    ("park_id,start,deadline,compensation_per_mu\nwuyi_tongqin_fz,2022Q1,2023Q4,inf\n",
     "line 2: compensation_per_mu=inf: allowed a finite number"),
    ("park_id,start,deadline,compensaton_per_mu\nwuyi_tongqin_fz,2022Q1,2023Q4,40\n",
     "line 1: unknown column(s) ['compensaton_per_mu']"),
    ("park_id,start,deadline\nwuyi_tongqin_fz,2022Q1,2023Q4,40\n",
     "line 2: 4 fields, the header has 3"),
])
def test_custom_list_errors_name_the_line(tmp_path, parks, text, fragment):
    """A bad custom CSV is refused with one message naming its line."""
    with pytest.raises(ConfigError, match=None) as e:
        read_custom_list(_csv(tmp_path, text), parks, PERIOD, 30.0)
    assert fragment in str(e.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_custom_list_in_the_encodings_users_have(tmp_path, parks, encoding):
    """UTF-8 with or without BOM and GBK/GB18030 (Excel on Chinese Windows) read the same."""
    text = ("park_id,name_zh,start,deadline,compensation_per_mu\r\n"
            "wuyi_tongqin_fz,武义铜琴工业功能区,2022Q1,2023Q4,40\r\n")
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode(encoding))
    listed, start, _, comp = read_custom_list(path, parks, PERIOD, 30.0)
    i = list(parks.ids).index("wuyi_tongqin_fz")
    assert listed.sum() == 1 and listed[i] and start[i] == 4 and comp[i] == 40.0


def test_a_file_in_no_known_encoding_is_refused(tmp_path, parks):
    """Bytes that are neither UTF-8 nor GB18030: one line naming the file, no traceback."""
    path = tmp_path / "list.csv"
    path.write_bytes(b"park_id,start\n\xff\xfe\x00\x81\x30\x81")
    with pytest.raises(ConfigError, match=r"list.csv: not text in UTF-8 or GB18030/GBK"):
        read_custom_list(path, parks, PERIOD, 30.0)


def test_bad_custom_list_stops_the_cli_before_running(tmp_path):
    """From the command line a bad custom list is one line, exit 2, and no run directory."""
    p = _csv(tmp_path, "park_id,start,deadline\natlantis,2022Q1,2023Q4\n")
    out = tmp_path / "run"
    r = subprocess.run([sys.executable, "-m", "sim", "scenario=small", "exit_strategy=custom",
                        f"exit_strategy.csv={p}", f"hydra.run.dir={out}"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "line 2: unknown park id 'atlantis'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not out.exists()


def test_custom_strategy_runs_and_vacates_only_its_parks(tmp_path):
    """A custom list runs end to end: only its parks are vacated, and with every firm left
    ordered out at the deadline (clearance 1 a quarter) none is there after it."""
    # resistance 0: towns clear at the strategy's pace whatever they lose
    r = sim.run(["scenario=small", "exit_strategy=custom", "exit_strategy.clearance_per_quarter=1",
                 "fiscal.resistance=0", f"exit_strategy.csv={_csv(tmp_path, GOOD)}"])
    p = r.parks.set_index("park_id")
    assert set(p.index[p["exit_listed"]]) == {"wuyi_tongqin_fz", "wuyi_quanxi_fz"}
    assert (p.loc[p["exit_listed"], "firms"] == 0).all()
    ev = r.events[r.events["event"].isin(["exit", "relocation"])]
    late = ev[(ev["from_park"] == "wuyi_tongqin_fz") & (ev["step"] > 11)]
    assert late.empty


def test_custom_compensation_is_paid_per_park(tmp_path):
    """A custom list's own compensation per mu is what its parks' leavers are paid (with the
    late and renters' shares at 1, every leaver gets the full rate)."""
    r = sim.run(["scenario=small", "exit_strategy=custom",
                 "exit_strategy.late_compensation_share=1",
                 "exit_strategy.renter_compensation_share=1",
                 f"exit_strategy.csv={_csv(tmp_path, GOOD)}"])
    p = r.parks.set_index("park_id")
    assert p.loc["wuyi_tongqin_fz", "compensation_paid"] == pytest.approx(
        40 * p.loc["wuyi_tongqin_fz", "land_vacated_mu"])
    assert p.loc["wuyi_quanxi_fz", "compensation_paid"] == pytest.approx(
        30 * p.loc["wuyi_quanxi_fz", "land_vacated_mu"])  # blank: land.vacating_compensation
