"""The console scripts: ``parksim`` (and ``python -m sim``), ``parksim-collect``, ``parksim-compare``.

User errors (a wrong key, a wrong type, an out-of-range value, an unknown park id, a bad input
file) are reported as one line on stderr with exit status 2, before anything is run or written.
"""
