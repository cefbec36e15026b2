"""Mesa agents of parksim and their pure decision kernels (``agents.choice``)."""

from .enterprise import Enterprise
from .government import Government
from .park import Park, Platform
from .town import Town

__all__ = ["Enterprise", "Government", "Park", "Platform", "Town"]
