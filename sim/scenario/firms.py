"""Firms: the columnar firm state of record, the sector table, and how new firms are drawn.

The initial population and targeted-attraction entrants are drawn by the same
:func:`draw_firms`; revenue = scale · exp(z + shock + park premium).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain import ABOVE_SIZE, MICRO, ROLES
from .config import band
from .parks import Parks
from .registry import Registry

FIRM_COLUMNS: dict[str, type] = {
    "id": np.int64, "park": np.int64, "sector": np.int64, "stage": np.int64,
    "alive": bool, "land": np.float64, "scale": np.float64, "z_level": np.float64,
    "shock": np.float64, "jobs": np.float64, "tax_eff": np.float64, "energy_eff": np.float64,
    "emission_eff": np.float64, "rd": np.float64, "cls": np.int64, "d_years": np.int64,
    "upgrades": np.int64, "entered": np.int64, "left": np.int64, "origin": np.int64,
    "revenue": np.float64, "relief": np.float64, "surcharge_rate": np.float64,
    "renter": bool, "trend": np.float64, "outside": np.float64,
    # fiscal sharing: the park whose budgets share the firm's tax (-1: none) and until which
    # step (sim/policy/fiscal.py)
    "shared_from": np.int64, "shared_until": np.int64,
    # energy-use and emission rights held (tce, t a year; sim/policy/rights.py)
    "energy_held": np.float64, "emission_held": np.float64,
}


@dataclass
class Firms:
    """Columnar firm state of record; Enterprise agents are views on a row."""

    cols: dict[str, np.ndarray] = field(default_factory=dict)
    n: int = 0

    def __getattr__(self, name: str) -> np.ndarray:
        """Column ``name`` (its first ``n`` rows)."""
        cols = self.__dict__.get("cols")
        if cols is not None and name in cols:
            return cols[name][: self.__dict__["n"]]
        raise AttributeError(name)

    def append(self, new: dict[str, np.ndarray]) -> np.ndarray:
        """Append rows (amortised growth); returns the new row indices."""
        k = len(next(iter(new.values())))
        need = self.n + k
        cap = len(self.cols["id"]) if self.cols else 0
        if need > cap:
            new_cap = max(need, int(cap * 1.5) + 16)
            for c, dt in FIRM_COLUMNS.items():
                arr = np.zeros(new_cap, dtype=dt)
                if c in self.cols:
                    arr[: self.n] = self.cols[c][: self.n]
                self.cols[c] = arr
        for c in FIRM_COLUMNS:
            self.cols[c][self.n: need] = new[c]
        rows = np.arange(self.n, need)
        self.n = need
        return rows


@dataclass
class Sectors:
    """The sector table (``sectors.csv``) as arrays indexed by sector number."""

    ids: np.ndarray
    firm_share: np.ndarray
    va_ratio: np.ndarray
    tax_rate: np.ndarray
    margin: np.ndarray
    energy: np.ndarray  # tce per 万元 output
    electricity: np.ndarray  # kWh per 万元 output
    emission: np.ndarray  # t per 万元 output
    rd: np.ndarray
    labour_productivity: np.ndarray  # 万元 VA per worker
    drift: np.ndarray  # annual productivity trend
    # the tax regime: revenue bands (万元/yr, lower ends) and the factor on the sector's rate
    # in each (scenario.tax_regime); one band at factor 1 until the scenario sets it
    tax_from: np.ndarray = field(default_factory=lambda: np.zeros(1))
    tax_factor: np.ndarray = field(default_factory=lambda: np.ones(1))

    def tax(self, sector: np.ndarray, revenue: np.ndarray) -> np.ndarray:
        """Tax at the sector's rate and the revenue band's factor.

        Per unit of the firm multiplier ``tax_eff``, in the units of ``revenue``; annual
        revenue sets the band.
        """
        band = np.searchsorted(self.tax_from, revenue, side="right") - 1
        return self.tax_rate[sector] * self.tax_factor[band] * revenue


def build_sectors(reg: Registry) -> Sectors:
    """The sector arrays of registry ``reg`` (firm shares normalised to 1)."""
    s = reg.sectors
    share = s["firm_share"].to_numpy(float)
    return Sectors(
        ids=s["sector_id"].to_numpy(dtype=object), firm_share=share / share.sum(),
        va_ratio=s["va_ratio"].to_numpy(float), tax_rate=s["tax_rate"].to_numpy(float),
        margin=s["margin"].to_numpy(float), energy=s["energy_tce_per_wan"].to_numpy(float),
        electricity=s["electricity_kwh_per_wan"].to_numpy(float),
        emission=s["emission_t_per_wan"].to_numpy(float), rd=s["rd_intensity"].to_numpy(float),
        labour_productivity=s["labour_productivity"].to_numpy(float),
        drift=s["productivity_drift"].to_numpy(float),
    )


def annual_figures(firms: Firms, sectors: Sectors, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Annual-rate figures of firms ``rows`` (万元, tce, t, kWh)."""
    f, s = firms, sectors
    rev = f.revenue[rows]
    sec = f.sector[rows]
    return {
        "revenue": rev,
        "va": s.va_ratio[sec] * rev,
        "tax": s.tax(sec, rev) * f.tax_eff[rows],
        "energy": s.energy[sec] * f.energy_eff[rows] * rev,
        "emission": s.emission[sec] * f.emission_eff[rows] * rev,
        "electricity": s.electricity[sec] * f.energy_eff[rows] * rev,
        "rd_spend": f.rd[rows] * rev,
    }


@dataclass(frozen=True)
class FirmDraw:
    """Parameters for drawing firms (initial population and entrants alike)."""

    revenue_median: np.ndarray  # by stage
    revenue_sigma: np.ndarray
    land_median: np.ndarray
    land_sigma: np.ndarray
    sector_mix_leading: float
    role_shift: np.ndarray  # by role
    disp_tax: float
    disp_energy: float
    disp_emission: float
    disp_rd: float
    disp_productivity: float
    rd_stage_factor: np.ndarray
    above_size_threshold: float
    redraw_below_threshold: tuple[float, float]  # × threshold, for below-size draws above it
    redraw_above_threshold: tuple[float, float]  # × threshold, for above-size draws below it
    renter_max_land_mu: float = 0.0  # below-size firms with less land rent their floor space
    land_revenue_correlation: np.ndarray | None = None  # of log land and log revenue, by stage


def firm_draw_params(reg: Registry, scfg: Any, above_size_threshold: float) -> FirmDraw:
    """Draw parameters from the stage table and a validated ``scenario`` config node."""
    st = reg.stages
    aff = scfg.role_productivity_shift
    disp = scfg.firm_dispersion
    return FirmDraw(
        revenue_median=st["revenue_median_wan"].to_numpy(float),
        revenue_sigma=st["revenue_sigma"].to_numpy(float),
        land_median=st["land_median_mu"].to_numpy(float),
        land_sigma=st["land_sigma"].to_numpy(float),
        sector_mix_leading=float(scfg.sector_mix_leading),
        role_shift=np.array([float(aff[r]) for r in ROLES]),
        disp_tax=float(disp["tax_rate"]), disp_energy=float(disp["energy"]),
        disp_emission=float(disp["emission"]), disp_rd=float(disp["rd"]),
        disp_productivity=float(disp["productivity"]),
        rd_stage_factor=np.array([float(x) for x in scfg.rd_stage_factor]),
        above_size_threshold=above_size_threshold,
        redraw_below_threshold=band(scfg, "redraw_below_threshold"),
        redraw_above_threshold=band(scfg, "redraw_above_threshold"),
        renter_max_land_mu=float(scfg.renter_max_land_mu),
        land_revenue_correlation=np.array([float(x) for x in scfg.land_revenue_correlation]),
    )


def _leading_tables(leading: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per park: the number of leading sectors, and a table of them.

    The P×S table's [p, k] entry is the k-th leading sector of park p (S past the last), so a
    pick per firm is one O(1) lookup.
    """
    n_lead = leading.sum(axis=1)
    cum = np.cumsum(leading, axis=1)  # P×S
    kth = (cum[:, None, :] <= np.arange(leading.shape[1])[None, :, None]).sum(axis=2)
    return n_lead, kth


def draw_firms(rng: np.random.Generator, park: np.ndarray, stage: np.ndarray, parks: Parks,
               sectors: Sectors, fd: FirmDraw, first_id: int, step: int,
               premium: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Draw the attributes of new firms placed in ``park`` at ladder ``stage``.

    ``premium`` is the log productivity premium of each park: drawn revenue already includes it,
    so it is taken out of the firm's scale (revenue = scale * exp(z + shock + premium)).
    """
    n = park.size
    z_rev = rng.standard_normal(n)
    rev = np.exp(np.log(fd.revenue_median[stage]) + fd.revenue_sigma[stage] * z_rev)
    thr = fd.above_size_threshold
    lo, hi = fd.redraw_below_threshold
    rev = np.where((stage <= MICRO) & (rev >= thr), thr * rng.uniform(lo, hi, n), rev)
    lo, hi = fd.redraw_above_threshold
    rev = np.where((stage >= ABOVE_SIZE) & (rev < thr), thr * rng.uniform(lo, hi, n), rev)
    # larger firms occupy more land: land follows the revenue the firm has, after the redraw
    # (a draw redrawn across the threshold keeps no land of the revenue it lost)
    z_kept = (np.log(rev) - np.log(fd.revenue_median[stage])) / fd.revenue_sigma[stage]
    rho = fd.land_revenue_correlation[stage]
    z_land = rho * z_kept + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    land = np.exp(np.log(fd.land_median[stage]) + fd.land_sigma[stage] * z_land)

    # sector: a share from the park's leading sectors, the rest from the city-wide mix
    n_lead_park, kth_leading = _leading_tables(parks.leading)
    n_lead = n_lead_park[park]
    use_lead = (rng.random(n) < fd.sector_mix_leading) & (n_lead > 0)
    pick = np.minimum((rng.random(n) * np.maximum(n_lead, 1)).astype(np.int64),
                      np.maximum(n_lead - 1, 0))
    lead_sector = kth_leading[park, pick]
    city_sector = np.searchsorted(np.cumsum(sectors.firm_share), rng.random(n) * (1 - 1e-12),
                                  side="right")
    sector = np.where(use_lead, lead_sector, city_sector).astype(np.int64)

    z0 = fd.role_shift[parks.role[park]] + fd.disp_productivity * rng.standard_normal(n)

    def lognorm(sigma: float) -> np.ndarray:
        return np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)

    jobs = np.maximum(1.0, np.round(rev * sectors.va_ratio[sector]
                                    / sectors.labour_productivity[sector]))
    shift = 0.0 if premium is None else premium[park]
    return {
        "id": np.arange(first_id, first_id + n, dtype=np.int64),
        "park": park.astype(np.int64), "sector": sector, "stage": stage.astype(np.int64),
        "alive": np.ones(n, dtype=bool), "land": land, "scale": rev * np.exp(-z0 - shift),
        "z_level": z0, "shock": np.zeros(n), "jobs": jobs,
        "tax_eff": lognorm(fd.disp_tax),
        "energy_eff": lognorm(fd.disp_energy),
        "emission_eff": lognorm(fd.disp_emission),
        "rd": sectors.rd[sector] * fd.rd_stage_factor[stage] * lognorm(fd.disp_rd),
        "cls": np.full(n, -1, dtype=np.int64), "d_years": np.zeros(n, dtype=np.int64),
        "upgrades": np.zeros(n, dtype=np.int64), "entered": np.full(n, step, dtype=np.int64),
        "left": np.full(n, -1, dtype=np.int64), "origin": park.astype(np.int64), "revenue": rev,
        "relief": np.zeros(n), "surcharge_rate": np.zeros(n),
        "renter": (stage <= MICRO) & (land < fd.renter_max_land_mu), "trend": np.zeros(n),
        "outside": np.zeros(n), "shared_from": np.full(n, -1, dtype=np.int64),
        "shared_until": np.full(n, -1, dtype=np.int64),
        "energy_held": np.zeros(n), "emission_held": np.zeros(n),
    }
