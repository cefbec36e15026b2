"""Static park attributes as arrays indexed by park number, built from the registry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..domain import MU_PER_M2, ROLES
from .registry import Registry, split_list

EARTH_RADIUS_KM = 6371.0


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
    kind: np.ndarray  # the park's kind (parks.csv): a characteristic park's path
    synthetic: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    land_in_use0: np.ndarray  # mu held by firms, scaled by firm_scale
    land_available0: np.ndarray  # mu, scaled by firm_scale
    land_price: np.ndarray  # 万元/mu market price of the county
    land_tax: np.ndarray  # 万元/mu/yr urban land-use tax of the county
    leading: np.ndarray  # P×S bool: the park's leading sectors (its platform's for members)
    distance_km: np.ndarray  # P×P great-circle distance
    # mu of the registry's land in use that no firm holds at the start (idle, under-used plots);
    # set when the world's firms are drawn (sim/scenario/world.py)
    land_idle0: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of parks."""
        return self.ids.size

    @property
    def is_main(self) -> np.ndarray:
        """Parks that are members of a main platform."""
        return self.role == ROLES.index("main_platform")

    @property
    def is_zone(self) -> np.ndarray:
        """Locations that are development zones (parks), not a county's land outside them."""
        return self.role != ROLES.index("outside")

    def has_role(self, role: str) -> np.ndarray:
        """Parks with post-integration ``role`` (one of ROLES)."""
        return self.role == ROLES.index(role)

    def index_of(self) -> dict[str, int]:
        """Park number by park id."""
        return {pid: i for i, pid in enumerate(self.ids)}


def haversine(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) between all pairs of points, a P×P matrix."""
    la, lo = np.radians(lat), np.radians(lon)
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def build_parks(reg: Registry, firm_scale: float) -> Parks:
    """The park arrays of registry ``reg``, land scaled by ``firm_scale``."""
    parks, counties = reg.parks, reg.counties.set_index("county_id")
    sector_ids = list(reg.sectors["sector_id"])
    platform_ids = np.array(reg.platforms["platform_id"], dtype=object)
    plat_index = {p: i for i, p in enumerate(platform_ids)}
    county_ids = np.array(reg.counties["county_id"], dtype=object)
    cidx = {c: i for i, c in enumerate(county_ids)}
    platform_leading = {r.platform_id: split_list(r.leading_sectors)
                        for r in reg.platforms.itertuples()}
    leading = np.zeros((len(parks), len(sector_ids)), dtype=bool)
    for i, r in enumerate(parks.itertuples()):
        names = split_list(r.leading_sectors)
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
        kind=parks["kind"].to_numpy(dtype=object),
        synthetic=parks["synthetic"].astype(str).str.lower().eq("true").to_numpy(),
        lat=parks["lat"].to_numpy(float),
        lon=parks["lon"].to_numpy(float),
        land_in_use0=parks["land_in_use_mu"].to_numpy(float) * firm_scale,
        land_available0=parks["land_available_mu"].to_numpy(float) * firm_scale,
        land_price=counties.loc[cty, "land_price_market_wan_per_mu"].to_numpy(float),
        land_tax=counties.loc[cty, "land_use_tax_yuan_per_m2"].to_numpy(float)
        / MU_PER_M2 / 1e4,
        leading=leading,
        distance_km=haversine(parks["lat"].to_numpy(float), parks["lon"].to_numpy(float)),
    )
