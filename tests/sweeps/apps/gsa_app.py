"""A tiny Hydra app for testing the sensitivity sweeper on functions with known indices."""

from dataclasses import dataclass

import hydra
import numpy as np
from hydra.core.config_store import ConfigStore

from sim.sweeps.sensitivity import ishigami


@dataclass
class GsaConfig:
    fn: str = "linear"  # linear: y = 4 x1 + 2 x2 (x3 inert) | ishigami
    x1: float = 0.0
    x2: float = 0.0
    x3: float = 0.0


ConfigStore.instance().store(name="gsa", node=GsaConfig)


@hydra.main(version_base="1.3", config_path=None, config_name="gsa")
def main(cfg: GsaConfig) -> dict:
    x = np.array([[cfg.x1, cfg.x2, cfg.x3]])
    y = ishigami(x)[0] if cfg.fn == "ishigami" else 4 * cfg.x1 + 2 * cfg.x2
    return {"y": float(y)}


if __name__ == "__main__":
    main()
