"""The report's labels in each language, and the colours and markers of strategies, fates, roles.

Every user-visible string of the report lives in ``labels/<lang>.yaml`` (one file per language,
the same keys in each): strategy names and descriptions, park fates and roles, scorecard
targets, units, the page and figure texts (``text``), the reading notes (``howto``) and the
sentences of the answer paragraph (``answer``). The lists themselves (strategies, fates, roles)
are defined once, in code: the label files only name their members.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from matplotlib import colormaps, colors

from ..domain import ROLES
from ..policy.exit_strategy import STRATEGIES

__all__ = ["FATES", "LABELS", "LANGS", "ROLES", "STRATEGIES", "fate_color", "labels_for",
           "role_marker", "strategy_color", "strategy_description", "strategy_name"]

LANGS = ("en", "zh")

# colours of the strategies, by position in STRATEGIES; other strategies take tab10 by row
STRATEGY_PALETTE = ("#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")
# what happened to a park (sim.sweeps.compare.park_fates), and its colour on the map, by position
FATES = ("vacated", "listed, not yet vacated", "gained land use", "lost land use", "stable")
FATE_PALETTE = ("#c0392b", "#f39c12", "#27ae60", "#8e6bbf", "#b8b8b8")
# a park's role (sim.config.ROLES) as a marker shape on the map, by position
ROLE_MARKERS = ("s", "^", "D", "o", "v")


def _load(lang: str) -> dict[str, Any]:
    path = resources.files(__package__).joinpath("labels", f"{lang}.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


LABELS: dict[str, dict[str, Any]] = {lang: _load(lang) for lang in LANGS}


def labels_for(lang: str) -> dict[str, Any]:
    """The label tables of one language, as read from ``labels/<lang>.yaml``.

    Args:
        lang: A language of :data:`LANGS`.

    Returns:
        The tables by name (``strategy_names``, ``text``, ``howto``, ``answer``, ...).
    """
    return LABELS[lang]


def strategy_name(s: str, lang: str) -> str:
    """Display name of a strategy in ``lang`` (the config name when there is none)."""
    return LABELS[lang]["strategy_names"].get(str(s), str(s))


def strategy_description(s: str, lang: str) -> str:
    """One-sentence description of a strategy in ``lang`` (empty when there is none)."""
    return LABELS[lang]["strategy_descriptions"].get(str(s), "")


def strategy_color(s: str, i: int) -> str:
    """A fixed colour per named strategy, tab10 by row ``i`` for others (hex, usable in CSS)."""
    k = STRATEGIES.index(str(s)) if str(s) in STRATEGIES else len(STRATEGY_PALETTE)
    if k < len(STRATEGY_PALETTE):
        return STRATEGY_PALETTE[k]
    return colors.to_hex(colormaps["tab10"](i % 10))


def fate_color(fate: str) -> str:
    """The map colour of a park's fate (one of :data:`FATES`)."""
    return FATE_PALETTE[FATES.index(fate)]


def role_marker(role: str) -> str:
    """The map marker of a park's role (a circle for a role without one of its own)."""
    k = ROLES.index(role) if role in ROLES else len(ROLE_MARKERS)
    return ROLE_MARKERS[k] if k < len(ROLE_MARKERS) else "o"
