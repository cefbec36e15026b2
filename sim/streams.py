"""Keyed random streams: every draw is a function of (seed, replicate, purpose, quarter, firm).

Common random numbers: two runs with the same seed share every draw their policies do not
change, so policy differences are paired. A draw is not taken from a sequential generator
(where one extra firm or one more decision shifts every later draw) but computed from its key:
the SplitMix64 finaliser (Steele, Lea & Flood 2014, the output function of Java's
``SplittableRandom`` and of numpy's seeding) applied to a Weyl sequence position made of the
stream key, the firm id and the column. Removing a firm leaves every other firm's draws as they
were; draws of one purpose are independent of those of another.

Draws that are not per firm (how many firms enter in a quarter, and the entrants' attributes)
come from a numpy Generator keyed the same way (:meth:`Streams.generator`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: what a stream is for; its position is part of the key (append, never reorder)
PURPOSES = ("active", "destinations", "taste", "priority", "clearance", "productivity",
            "promotion", "entry", "incubation", "graduation")

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # the Weyl increment of SplitMix64
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_STRIDE = 1 << 12  # columns per firm and key: widths up to 4,096 draws
_ONE_BITS = np.uint64(0x3FF0000000000000)  # the bits of the double 1.0
_HALF_ULP = 2.0 ** -53


def _mix(z: np.ndarray, tmp: np.ndarray | None = None) -> np.ndarray:
    """SplitMix64's finaliser, in place on a uint64 array (wrapping arithmetic)."""
    tmp = np.empty_like(z) if tmp is None else tmp
    np.right_shift(z, np.uint64(30), out=tmp)
    z ^= tmp
    z *= _M1
    np.right_shift(z, np.uint64(27), out=tmp)
    z ^= tmp
    z *= _M2
    np.right_shift(z, np.uint64(31), out=tmp)
    z ^= tmp
    return z


def _key(*parts: int) -> np.uint64:
    """A 64-bit key from integers, each mixed in turn."""
    k = np.zeros(1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for p in parts:
            k += np.array([p & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64) * _GOLDEN + _GOLDEN
            _mix(k)
    return k[0]


@dataclass(frozen=True)
class Streams:
    """The keyed streams of one run (root: its seed and replicate)."""

    seed: int
    replicate: int = 0

    def key(self, purpose: str, step: int) -> np.uint64:
        """The key of stream ``purpose`` in quarter ``step`` (-1: before the start)."""
        return _key(self.seed, self.replicate, PURPOSES.index(purpose), step + 1)

    def uniforms(self, purpose: str, step: int, ids: np.ndarray, width: int = 1) -> np.ndarray:
        """Uniform draws in (0, 1), shape (len(ids), width).

        Column c of firm i is a function of (seed, replicate, purpose, step, ids[i], c) only.
        """
        if width > _STRIDE:
            raise ValueError(f"at most {_STRIDE} draws per firm and stream, not {width}")
        ids = np.asarray(ids, dtype=np.int64)
        z = np.empty((ids.size, width), dtype=np.uint64)
        with np.errstate(over="ignore"):
            np.multiply(ids.astype(np.uint64)[:, None], np.uint64(_STRIDE), out=z)
            z += np.arange(width, dtype=np.uint64)[None, :]
            z *= _GOLDEN
            z += self.key(purpose, step)
            _mix(z)
        # the top 52 bits as the mantissa of a double in [1, 2), shifted into (0, 1)
        z >>= np.uint64(12)
        z |= _ONE_BITS
        u = z.view(np.float64)
        u -= 1.0 - _HALF_ULP
        return u

    def uniform(self, purpose: str, step: int, ids: np.ndarray) -> np.ndarray:
        """One uniform draw in (0, 1) per firm of ``ids``."""
        return self.uniforms(purpose, step, ids, 1)[:, 0]

    def normal(self, purpose: str, step: int, ids: np.ndarray) -> np.ndarray:
        """One standard normal draw per firm of ``ids`` (inverse of the normal CDF)."""
        from scipy.special import ndtri

        return ndtri(self.uniform(purpose, step, ids))

    def generator(self, purpose: str, step: int) -> np.random.Generator:
        """A numpy Generator of its own for the draws of ``purpose`` in quarter ``step``."""
        return np.random.default_rng(np.random.SeedSequence(
            [self.seed, self.replicate, PURPOSES.index(purpose), step + 1]))
