"""Hydra sweeper plugin ``hydra/sweeper=parksim_basic``: Hydra's basic sweeper, lighter."""
