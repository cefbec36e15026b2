"""Hydra sweeper plugin ``hydra/sweeper=sensitivity``: Sobol and Morris analyses via SALib."""
