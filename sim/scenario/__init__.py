"""The scenario: the park registry, the firm population and the initial world they make.

``registry`` reads and checks the CSV tables of ``sim/data``; ``parks`` and ``firms`` turn them
into arrays; ``world`` draws the firm population of the end of 2020; ``config`` is the
``scenario`` config group. The model never reads files: it receives a :class:`World`.
"""

from .firms import FIRM_COLUMNS, FirmDraw, Firms, Sectors, annual_figures, draw_firms
from .parks import Parks, build_parks
from .registry import DATA_DIR, REQUIRED_COLUMNS, Registry, load_registry
from .world import World, build_world

__all__ = ["DATA_DIR", "FIRM_COLUMNS", "REQUIRED_COLUMNS", "FirmDraw", "Firms", "Parks", "Registry", "Sectors",
           "World", "annual_figures", "build_parks", "build_world", "draw_firms",
           "load_registry"]
