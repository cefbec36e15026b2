"""Build the initial world (end of 2020): the park registry and the firm population.

Reads the CSV tables of ``sim/data`` (or ``scenario.data_dir``); the model never reads files.
The firm population is drawn from the ladder-stage table (counts, lognormal revenue and land),
placed in parks by land and role affinity, and given sectors, productivity and the indicators
of the per-mu evaluation. Everything is a function of the scenario config and the seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .config import ROLES, STAGES, ConfigError

DATA_DIR = Path(__file__).parent / "data"
MU_PER_M2 = 1.0 / 666.667  # 1 mu = 666.667 m²
EARTH_RADIUS_KM = 6371.0

REQUIRED_COLUMNS = {
    "counties.csv": ["county_id", "name_zh", "name_en", "industry_weight",
                     "land_price_market_wan_per_mu", "land_use_tax_yuan_per_m2", "lat", "lon"],
    "platforms.csv": ["platform_id", "name_zh", "name_en", "county_id", "level",
                      "high_tier_target", "leading_sectors"],
    "parks.csv": ["park_id", "name_zh", "name_en", "county_id", "level", "role", "platform_id",
                  "land_in_use_mu", "land_available_mu", "lat", "lon", "leading_sectors",
                  "synthetic"],
    "sectors.csv": ["sector_id", "name_zh", "name_en", "group", "firm_share", "va_ratio",
                    "tax_rate", "margin", "energy_tce_per_wan", "electricity_kwh_per_wan",
                    "emission_t_per_wan", "rd_intensity", "labour_productivity",
                    "productivity_drift", "mobility"],
    "stages.csv": ["stage_id", "count_2020", "revenue_median_wan", "revenue_sigma",
                   "land_median_mu", "land_sigma"],
    "policy_targets.csv": ["target_id", "description_en", "description_zh", "policy_value",
                           "unit", "comparison"],
}


@dataclass
class Registry:
    """The input tables, checked for consistency."""

    counties: pd.DataFrame
    platforms: pd.DataFrame
    parks: pd.DataFrame
    sectors: pd.DataFrame
    stages: pd.DataFrame
    targets: pd.DataFrame
    source_dir: Path


def _record_lines(path: Path) -> list[int]:
    """Physical line number (1-based) where each data record of a CSV file starts."""
    import csv

    starts = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        line = 1
        for i, _ in enumerate(reader):
            if i > 0:
                starts.append(line)
            line = reader.line_num + 1
    return starts


def _read(directory: Path, name: str) -> pd.DataFrame:
    path = directory / name
    if not path.exists():
        raise ConfigError(f"{path}: file not found (scenario.data_dir must hold {name})")
    try:
        df = pd.read_csv(path, keep_default_na=False, na_values=[""], comment=None)
    except Exception as exc:  # pandas parser errors name the line
        raise ConfigError(f"{path}: cannot parse CSV: {exc}") from None
    missing = [c for c in REQUIRED_COLUMNS[name] if c not in df.columns]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {missing}")
    df.attrs["lines"] = _record_lines(path)
    return df


def _line(df: pd.DataFrame, i: int) -> int:
    """File line of data row ``i`` (accounts for quoted fields spanning several lines)."""
    lines = df.attrs.get("lines", [])
    return lines[i] if i < len(lines) else i + 2


def _split(cell: object) -> list[str]:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    return [s.strip() for s in str(cell).split(";") if s.strip()]


def load_registry(data_dir: str | Path | None = None) -> Registry:
    """Read and cross-check the registry tables; errors name the file and line (row + 2)."""
    d = Path(data_dir) if data_dir else DATA_DIR
    t = {name: _read(d, name) for name in REQUIRED_COLUMNS}
    counties, platforms, parks, sectors = (t["counties.csv"], t["platforms.csv"],
                                           t["parks.csv"], t["sectors.csv"])
    stages = t["stages.csv"]
    for name, key in (("counties.csv", "county_id"), ("platforms.csv", "platform_id"),
                      ("parks.csv", "park_id"), ("sectors.csv", "sector_id")):
        dup = t[name][key].duplicated()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            raise ConfigError(f"{d / name}, line {_line(t[name], i)}: duplicate {key} "
                              f"{t[name][key][i]!r}")
    if list(stages["stage_id"]) != list(STAGES):
        raise ConfigError(f"{d / 'stages.csv'}: stage_id rows must be {list(STAGES)} in order")
    county_ids = set(counties["county_id"])
    sector_ids = set(sectors["sector_id"])
    platform_ids = set(platforms["platform_id"])
    for i, row in parks.iterrows():
        where = f"{d / 'parks.csv'}, line {_line(parks, i)}"
        if row["county_id"] not in county_ids:
            raise ConfigError(f"{where}: unknown county_id {row['county_id']!r}")
        if row["role"] not in ROLES:
            raise ConfigError(f"{where}: role {row['role']!r} not in {list(ROLES)}")
        pid = row["platform_id"]
        has_platform = isinstance(pid, str) and pid != ""
        if row["role"] == "main_platform" and (not has_platform or pid not in platform_ids):
            raise ConfigError(f"{where}: main_platform park needs a platform_id from platforms.csv")
        if row["role"] != "main_platform" and has_platform:
            raise ConfigError(f"{where}: only main_platform parks have a platform_id")
        for s in _split(row["leading_sectors"]):
            if s not in sector_ids:
                raise ConfigError(f"{where}: unknown sector {s!r} in leading_sectors")
        for col in ("land_in_use_mu", "land_available_mu"):
            if not float(row[col]) >= 0:
                raise ConfigError(f"{where}: {col} must be >= 0")
    for i, row in platforms.iterrows():
        for s in _split(row["leading_sectors"]):
            if s not in sector_ids:
                raise ConfigError(f"{d / 'platforms.csv'}, line {_line(platforms, i)}: "
                                  f"unknown sector {s!r}")
    orphans = platform_ids - set(parks["platform_id"].dropna())
    if orphans:
        raise ConfigError(f"{d / 'platforms.csv'}: platform(s) without member parks {sorted(orphans)}")
    return Registry(counties, platforms, parks, sectors, stages, t["policy_targets.csv"], d)


# --------------------------------------------------------------------------- parks


@dataclass
class Parks:
    """Static park attributes, arrays indexed by park number."""

    ids: np.ndarray
    name_zh: np.ndarray
    name_en: np.ndarray
    county: np.ndarray  # int index into county_ids
    county_ids: np.ndarray
    role: np.ndarray  # int index into ROLES
    platform: np.ndarray  # int index into platform_ids, -1 if not a main-platform member
    platform_ids: np.ndarray
    level: np.ndarray
    synthetic: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    land_in_use0: np.ndarray  # mu, scaled by firm_scale
    land_available0: np.ndarray  # mu, scaled by firm_scale
    land_price: np.ndarray  # 万元/mu market price of the county
    land_tax: np.ndarray  # 万元/mu/yr urban land-use tax of the county
    leading: np.ndarray  # P×S bool: the park's leading sectors (its platform's for members)
    distance_km: np.ndarray  # P×P great-circle distance

    @property
    def n(self) -> int:
        return self.ids.size

    @property
    def is_main(self) -> np.ndarray:
        return self.role == ROLES.index("main_platform")


def _haversine(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def build_parks(reg: Registry, firm_scale: float) -> Parks:
    parks, counties = reg.parks, reg.counties.set_index("county_id")
    sector_ids = list(reg.sectors["sector_id"])
    platform_ids = np.array(reg.platforms["platform_id"], dtype=object)
    plat_index = {p: i for i, p in enumerate(platform_ids)}
    county_ids = np.array(reg.counties["county_id"], dtype=object)
    cidx = {c: i for i, c in enumerate(county_ids)}
    platform_leading = {r.platform_id: _split(r.leading_sectors)
                        for r in reg.platforms.itertuples()}
    leading = np.zeros((len(parks), len(sector_ids)), dtype=bool)
    for i, r in enumerate(parks.itertuples()):
        names = _split(r.leading_sectors)
        if r.role == "main_platform":
            names = names + platform_leading[r.platform_id]
        for s in names:
            leading[i, sector_ids.index(s)] = True
    cty = parks["county_id"].to_numpy()
    return Parks(
        ids=parks["park_id"].to_numpy(dtype=object),
        name_zh=parks["name_zh"].to_numpy(dtype=object),
        name_en=parks["name_en"].to_numpy(dtype=object),
        county=np.array([cidx[c] for c in cty], dtype=np.int64),
        county_ids=county_ids,
        role=np.array([ROLES.index(r) for r in parks["role"]], dtype=np.int64),
        platform=np.array([plat_index.get(p, -1) if isinstance(p, str) else -1
                           for p in parks["platform_id"]], dtype=np.int64),
        platform_ids=platform_ids,
        level=parks["level"].to_numpy(dtype=object),
        synthetic=parks["synthetic"].astype(str).str.lower().eq("true").to_numpy(),
        lat=parks["lat"].to_numpy(float),
        lon=parks["lon"].to_numpy(float),
        land_in_use0=parks["land_in_use_mu"].to_numpy(float) * firm_scale,
        land_available0=parks["land_available_mu"].to_numpy(float) * firm_scale,
        land_price=counties.loc[cty, "land_price_market_wan_per_mu"].to_numpy(float),
        land_tax=counties.loc[cty, "land_use_tax_yuan_per_m2"].to_numpy(float)
        / MU_PER_M2 / 1e4,
        leading=leading,
        distance_km=_haversine(parks["lat"].to_numpy(float), parks["lon"].to_numpy(float)),
    )


# --------------------------------------------------------------------------- firms

FIRM_COLUMNS: dict[str, type] = {
    "id": np.int64, "park": np.int64, "sector": np.int64, "stage": np.int64,
    "alive": bool, "land": np.float64, "scale": np.float64, "z_level": np.float64,
    "shock": np.float64, "jobs": np.float64, "tax_eff": np.float64, "energy_eff": np.float64,
    "emission_eff": np.float64, "rd": np.float64, "cls": np.int64, "d_years": np.int64,
    "upgrades": np.int64, "entered": np.int64, "left": np.int64, "origin": np.int64,
    "revenue": np.float64, "relief": np.float64, "surcharge_rate": np.float64,
}


@dataclass
class Firms:
    """Columnar firm state of record; Enterprise agents are views on a row."""

    cols: dict[str, np.ndarray] = field(default_factory=dict)
    n: int = 0

    def __getattr__(self, name: str) -> np.ndarray:
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
    mobility: np.ndarray


def build_sectors(reg: Registry) -> Sectors:
    s = reg.sectors
    share = s["firm_share"].to_numpy(float)
    return Sectors(
        ids=s["sector_id"].to_numpy(dtype=object), firm_share=share / share.sum(),
        va_ratio=s["va_ratio"].to_numpy(float), tax_rate=s["tax_rate"].to_numpy(float),
        margin=s["margin"].to_numpy(float), energy=s["energy_tce_per_wan"].to_numpy(float),
        electricity=s["electricity_kwh_per_wan"].to_numpy(float),
        emission=s["emission_t_per_wan"].to_numpy(float), rd=s["rd_intensity"].to_numpy(float),
        labour_productivity=s["labour_productivity"].to_numpy(float),
        drift=s["productivity_drift"].to_numpy(float), mobility=s["mobility"].to_numpy(float),
    )


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
    tax_stage_factor: np.ndarray
    above_size_threshold: float
    redraw_below_threshold: tuple[float, float]  # × threshold, for below-size draws above it
    redraw_above_threshold: tuple[float, float]  # × threshold, for above-size draws below it


def _leading_tables(leading: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per park: the number of leading sectors, and a P×S table whose [p, k] entry is the k-th
    leading sector of park p (S past the last), so a pick per firm is one O(1) lookup."""
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
    rev = np.exp(np.log(fd.revenue_median[stage]) + fd.revenue_sigma[stage] * rng.standard_normal(n))
    micro, above = STAGES.index("micro"), STAGES.index("above_size")
    thr = fd.above_size_threshold
    lo, hi = fd.redraw_below_threshold
    rev = np.where((stage <= micro) & (rev >= thr), thr * rng.uniform(lo, hi, n), rev)
    lo, hi = fd.redraw_above_threshold
    rev = np.where((stage >= above) & (rev < thr), thr * rng.uniform(lo, hi, n), rev)
    land = np.exp(np.log(fd.land_median[stage]) + fd.land_sigma[stage] * rng.standard_normal(n))

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
    return {
        "id": np.arange(first_id, first_id + n, dtype=np.int64),
        "park": park.astype(np.int64), "sector": sector, "stage": stage.astype(np.int64),
        "alive": np.ones(n, dtype=bool), "land": land, "scale": rev * np.exp(-z0 - (0.0 if premium is None else premium[park])),
        "z_level": z0, "shock": np.zeros(n), "jobs": jobs,
        "tax_eff": fd.tax_stage_factor[stage] * lognorm(fd.disp_tax), "energy_eff": lognorm(fd.disp_energy),
        "emission_eff": lognorm(fd.disp_emission),
        "rd": sectors.rd[sector] * fd.rd_stage_factor[stage] * lognorm(fd.disp_rd),
        "cls": np.full(n, -1, dtype=np.int64), "d_years": np.zeros(n, dtype=np.int64),
        "upgrades": np.zeros(n, dtype=np.int64), "entered": np.full(n, step, dtype=np.int64),
        "left": np.full(n, -1, dtype=np.int64), "origin": park.astype(np.int64), "revenue": rev,
        "relief": np.zeros(n), "surcharge_rate": np.zeros(n),
    }


@dataclass
class World:
    """The initial world handed to the model: registry-derived parks, sectors and firms."""

    registry: Registry
    parks: Parks
    sectors: Sectors
    firms: Firms
    firm_draw: FirmDraw
    firm_scale: float
    stage_counts: np.ndarray


def firm_draw_params(reg: Registry, scfg, above_size_threshold: float) -> FirmDraw:
    st = reg.stages
    aff = scfg.role_productivity_shift
    missing = [r for r in ROLES if r not in aff]
    if missing:
        raise ConfigError(f"scenario.role_productivity_shift: missing role(s) {missing}")
    disp = scfg.firm_dispersion
    for k in ("tax_rate", "energy", "emission", "rd", "productivity"):
        if k not in disp:
            raise ConfigError(f"scenario.firm_dispersion.{k}: missing (lognormal sigma >= 0)")
        if float(disp[k]) < 0:
            raise ConfigError(f"scenario.firm_dispersion.{k}={disp[k]}: must be >= 0")
    for key in ("rd_stage_factor", "tax_stage_factor"):
        vals = scfg[key]
        if len(vals) != len(STAGES) or any(float(v) < 0 for v in vals):
            raise ConfigError(f"scenario.{key}: give {len(STAGES)} values >= 0, one per stage "
                              f"{list(STAGES)}")
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
        tax_stage_factor=np.array([float(x) for x in scfg.tax_stage_factor]),
        above_size_threshold=above_size_threshold,
        redraw_below_threshold=_band(scfg, "redraw_below_threshold"),
        redraw_above_threshold=_band(scfg, "redraw_above_threshold"),
    )


def _band(scfg, key: str) -> tuple[float, float]:
    """A [low, high) multiple of the above-size threshold from the scenario config."""
    band = [float(x) for x in scfg[key]]
    if len(band) != 2 or not 0 < band[0] < band[1]:
        raise ConfigError(f"scenario.{key}={band}: give [low, high] with 0 < low < high "
                          f"(multiples of the 2,000 万元 above-size threshold)")
    return band[0], band[1]


def build_world(scfg, rng: np.random.Generator, above_size_threshold: float,
                main_platform_premium: float = 0.0, registry: Registry | None = None) -> World:
    """The initial world for scenario config ``scfg`` (firm counts × ``firm_scale``)."""
    reg = registry or load_registry(scfg.data_dir)
    scale = float(scfg.firm_scale)
    parks = build_parks(reg, scale)
    sectors = build_sectors(reg)
    fd = firm_draw_params(reg, scfg, above_size_threshold)

    aff = scfg.role_stage_affinity
    for r in ROLES:
        if r not in aff or len(aff[r]) != len(STAGES):
            raise ConfigError(f"scenario.role_stage_affinity.{r}: give {len(STAGES)} values, one "
                              f"per stage {list(STAGES)}")
        if any(float(x) < 0 for x in aff[r]):
            raise ConfigError(f"scenario.role_stage_affinity.{r}: values must be >= 0")
    affinity = np.array([[float(x) for x in aff[r]] for r in ROLES])  # role × stage

    counts = np.round(reg.stages["count_2020"].to_numpy(float) * scale).astype(np.int64)
    weights = parks.land_in_use0[:, None] * affinity[parks.role]  # park × stage
    park_list, stage_list = [], []
    # every park with land in use gets at least one firm (of its most likely stage), so that no
    # registry land disappears in scaled-down scenarios; the rest are placed by multinomial draws
    occupied = np.flatnonzero(weights.sum(axis=1) > 0)
    first = (weights[occupied] * counts[None, :]).argmax(axis=1)
    per_stage = np.bincount(first, minlength=counts.size)
    if (per_stage <= counts).all():
        park_list.append(occupied)
        stage_list.append(first)
        counts = counts - per_stage
    for s, c in enumerate(counts):
        w = weights[:, s]
        if c == 0 or w.sum() <= 0:
            continue
        per_park = rng.multinomial(c, w / w.sum())
        park_list.append(np.repeat(np.arange(parks.n), per_park))
        stage_list.append(np.full(c, s))
    park = np.concatenate(park_list) if park_list else np.empty(0, np.int64)
    stage = np.concatenate(stage_list) if stage_list else np.empty(0, np.int64)
    order = np.lexsort((stage, park))
    park, stage = park[order], stage[order]
    premium = np.where(parks.is_main, main_platform_premium, 0.0)
    cols = draw_firms(rng, park, stage, parks, sectors, fd, first_id=0, step=-1, premium=premium)

    # the firms of a park occupy its land in use: rescale their plots, keeping relative sizes
    used = np.bincount(park, weights=cols["land"], minlength=parks.n)
    factor = np.divide(parks.land_in_use0, used, out=np.zeros(parks.n), where=used > 0)
    cols["land"] = cols["land"] * factor[park]
    parks.land_in_use0 = np.bincount(park, weights=cols["land"], minlength=parks.n)

    firms = Firms()
    firms.append(cols)
    return World(reg, parks, sectors, firms, fd, scale, counts)

