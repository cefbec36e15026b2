"""``python -m sim``: the same as the ``parksim`` command."""

from .cli.parksim import main

main()
