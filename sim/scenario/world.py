"""The initial world (end of 2020): registry-derived parks and sectors, and the firms in them.

The firm population is drawn from the ladder-stage table (counts, lognormal revenue and land),
placed in counties by their industry weight and within a county by land and role affinity, and
fitted to the land their expected plots need in each location; the rest of a location's land in
use is idle. Everything is a function of the scenario config and the random generator.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..domain import MICRO, ROLES
from .firms import FirmDraw, Firms, Sectors, build_sectors, draw_firms, firm_draw_params
from .fiscal import TaxSharing, build_sharing
from .parks import Parks, build_parks
from .registry import Registry, load_registry


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
    sharing: TaxSharing


def county_placement(parks: Parks, weights: np.ndarray, industry_weight: Any) -> np.ndarray:
    """Placement weights (park × stage) that give each county its share of every stage.

    Within a county, ``weights`` (land × role affinity) spread its firms over its locations;
    across counties, each gets the share ``industry_weight`` (counties.csv: GDP × industry
    share, normalised over the counties with somewhere to put the stage).
    """
    w_county = industry_weight.loc[parks.county_ids].to_numpy(float)
    out = np.zeros_like(weights)
    for s in range(weights.shape[1]):
        per_county = np.bincount(parks.county, weights=weights[:, s],
                                 minlength=parks.county_ids.size)
        share = np.where(per_county > 0, w_county, 0.0)
        if share.sum() <= 0:
            continue
        scale = np.divide(share / share.sum(), per_county, out=np.zeros_like(share),
                          where=per_county > 0)
        out[:, s] = weights[:, s] * scale[parks.county]
    return out


def build_world(scfg: Any, rng: np.random.Generator, above_size_threshold: float,
                main_platform_premium: float = 0.0, registry: Registry | None = None) -> World:
    """The initial world for a validated scenario config ``scfg`` (firm counts × firm_scale)."""
    reg = registry or load_registry(scfg.data_dir)
    scale = float(scfg.firm_scale)
    parks = build_parks(reg, scale)
    regime = scfg.tax_regime
    sectors = dataclasses.replace(
        build_sectors(reg), tax_from=np.array([float(x) for x in regime["revenue_from"]]),
        tax_factor=np.array([float(x) for x in regime["factor"]]))
    fd = firm_draw_params(reg, scfg, above_size_threshold)
    affinity = np.array([[float(x) for x in scfg.role_stage_affinity[r]] for r in ROLES])

    counts = np.round(reg.stages["count_2020"].to_numpy(float) * scale).astype(np.int64)
    stage_counts = reg.stages["count_2020"].to_numpy(float) * scale  # unrounded: scale-free
    weights = county_placement(parks, parks.land_in_use0[:, None] * affinity[parks.role],
                               reg.counties.set_index("county_id")["industry_weight"])
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

    # the firms of a park hold the land its expected firms need (stage counts × placement
    # shares × mean plot of the stage), at most its land in use; the rest of the registry's land
    # in use is idle (闲置, 低效用地: plots no operating firm works). The drawn plots are scaled
    # to fill the held land exactly, keeping relative sizes. Expected, not drawn, plots set the
    # split, so that it does not depend on firm_scale
    share = np.divide(weights, weights.sum(axis=0), out=np.zeros_like(weights),
                      where=weights.sum(axis=0) > 0)
    mean_plot = fd.land_median * np.exp(fd.land_sigma**2 / 2)  # lognormal mean by stage
    expected = share @ (stage_counts * mean_plot)
    used = np.bincount(park, weights=cols["land"], minlength=parks.n)
    factor = np.divide(np.minimum(parks.land_in_use0, expected), used, out=np.zeros(parks.n),
                       where=used > 0)
    cols["land"] = cols["land"] * factor[park]
    cols["renter"] = (cols["stage"] <= MICRO) & (cols["land"] < fd.renter_max_land_mu)
    held = np.bincount(park, weights=cols["land"], minlength=parks.n)
    parks.land_idle0 = parks.land_in_use0 - held
    parks.land_in_use0 = held

    firms = Firms()
    firms.append(cols)
    return World(reg, parks, sectors, firms, fd, scale, counts, build_sharing(reg))
