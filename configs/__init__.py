"""The Hydra config tree (a package, so that ``pkg://configs`` and the CLI find it)."""
