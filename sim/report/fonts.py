"""Noto Sans CJK SC for the Chinese figures and the ``@font-face`` subset embedded in the page.

The font is looked up, once per process, in this order:

1. the ``mplfonts`` package (PyPI), which ships ``fonts/NotoSansCJKsc-Regular.otf``; found
   through its import spec, without importing it;
2. fontconfig (``fc-match``), e.g. Debian's ``fonts-noto-cjk``; a collection (``.ttc``) is
   searched for the Noto Sans CJK SC face.

A file is accepted only if its family really is Noto Sans CJK SC, regular weight. Without
one, English reports still work (one warning says what to install); Chinese figures refuse
with the same advice rather than draw empty boxes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont, TTLibError
from markupsafe import Markup
from matplotlib import font_manager

from ..runner.io import atomic_write

CJK_FAMILY = "Noto Sans CJK SC"
MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"
REGULAR_FAMILY = "parksim Noto Sans CJK SC"  # the page's embedded subset
MISSING = ("no Noto Sans CJK SC font found (Chinese text needs one): pip install mplfonts, "
           "or apt-get install fonts-noto-cjk")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CJKFont:
    """A Noto Sans CJK SC Regular font file.

    Attributes:
        path: The file.
        number: The face's number in a collection (``.ttc``), None for a single font.
        source: Where it was found: ``"mplfonts"`` or ``"fontconfig"``.
    """

    path: Path
    number: int | None
    source: str


_registered: set[CJKFont] = set()  # added to matplotlib's font list in this process

def _is_sc_regular(font: TTFont) -> bool:
    name = font["name"]
    family = name.getDebugName(16) or name.getDebugName(1)
    style = name.getDebugName(17) or name.getDebugName(2)
    return family == CJK_FAMILY and style == "Regular"


def _checked(path: Path, source: str) -> CJKFont | None:
    """``path`` as a :class:`CJKFont` if it is (or holds) Noto Sans CJK SC Regular."""
    try:
        with path.open("rb") as fh:
            collection = fh.read(4) == b"ttcf"
        faces = TTCollection(str(path), lazy=True) if collection else TTFont(str(path), lazy=True)
        try:
            for i, font in enumerate(faces.fonts if collection else [faces]):
                if _is_sc_regular(font):
                    return CJKFont(path, i if collection else None, source)
        finally:
            faces.close()
    except (OSError, TTLibError, KeyError, AssertionError) as exc:
        _log.debug("%s: not a usable CJK font (%s)", path, exc)
    return None


def _from_mplfonts() -> CJKFont | None:
    try:
        spec = importlib.util.find_spec("mplfonts")
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location) / "fonts" / MPLFONTS_FILE
        if path.is_file():
            return _checked(path, "mplfonts")
    return None


def _from_fontconfig() -> CJKFont | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        out = subprocess.run([fc_match, "-f", "%{file}", f"{CJK_FAMILY}:style=Regular"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return _checked(Path(out.strip()), "fontconfig") if out.strip() else None


@functools.cache
def find_cjk_font() -> CJKFont | None:
    """Noto Sans CJK SC Regular from ``mplfonts``, else from fontconfig.

    Returns:
        The font, or None (after one warning saying what to install) when neither has it.
    """
    font = _from_mplfonts() or _from_fontconfig()
    if font is None:
        _log.warning("parksim report: %s", MISSING)
    return font


def _cache_file(font: CJKFont, what: str) -> Path:
    """A file in matplotlib's cache directory, named after ``font`` and ``what`` it holds."""
    key = hashlib.sha256(f"{font.path.name}:{font.number}:{font.path.stat().st_size}:{what}"
                         .encode()).hexdigest()[:12]
    return Path(matplotlib.get_cachedir()) / "parksim-fonts" / f"NotoSansCJKsc-Regular-{key}.otf"


def _open(font: CJKFont) -> TTFont:
    return TTFont(str(font.path), fontNumber=-1 if font.number is None else font.number)


def _single_file(font: CJKFont) -> Path:
    """The font as a file of its own (matplotlib before 3.10 reads a collection's first face)."""
    if font.number is None:
        return font.path
    path = _cache_file(font, "face")
    if not path.is_file():
        face = _open(font)
        atomic_write(path, lambda p: face.save(str(p)))
    return path


def register_cjk_font() -> str | None:
    """Register Noto Sans CJK SC Regular with matplotlib, once.

    Returns:
        Its family name, or None when no such font is installed (see :func:`find_cjk_font`).
    """
    font = find_cjk_font()
    if font is None:
        return None
    if font not in _registered:
        font_manager.fontManager.addfont(str(_single_file(font)))
        _registered.add(font)
    return CJK_FAMILY


def cjk_subset(chars: str) -> Path:
    """A subset of Noto Sans CJK SC Regular holding ``chars``, cached in matplotlib's cache.

    Args:
        chars: The characters to keep (order and repeats do not matter).

    Returns:
        The subset's OpenType file.

    Raises:
        FileNotFoundError: No Noto Sans CJK SC font is installed.
    """
    font = find_cjk_font()
    if font is None:
        raise FileNotFoundError(MISSING)
    chars = "".join(sorted(set(chars)))
    path = _cache_file(font, chars)
    if not path.is_file():
        face = _open(font)
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.notdef_outline = True
        sub = subset.Subsetter(opts)
        sub.populate(text=chars)
        sub.subset(face)
        atomic_write(path, lambda p: face.save(str(p)))
    return path


def font_face_css(text: str) -> Markup:
    """An ``@font-face`` rule embedding the CJK characters of ``text`` (empty if none).

    The page then shows Chinese (亿元, 亩, the zh report) on a machine without CJK system fonts
    too, with no download: only the few hundred glyphs the page uses, as a data URL.

    Args:
        text: The page (its CJK characters decide the subset).

    Returns:
        The CSS rule, or an empty string when ``text`` has no CJK or no font is installed (the
        browser's own fonts then apply).
    """
    chars = "".join(sorted({ch for ch in text if ord(ch) >= 0x2E80}))
    if not chars or find_cjk_font() is None:
        return Markup("")
    try:
        data = base64.b64encode(cjk_subset(chars).read_bytes()).decode("ascii")
    except Exception as exc:  # noqa: BLE001 — the browser's own fonts still apply
        _log.warning("parksim report: no embedded CJK font (%s)", exc)
        return Markup("")
    # first in the page's font stack (a web font reached only as a fallback is not always
    # swapped in by Chromium), limited to CJK code points so Latin text keeps system fonts
    return Markup('@font-face {{ font-family: "{}"; font-weight: 100 900; '
                  'unicode-range: U+2E80-FFFF; '
                  'src: url(data:font/otf;base64,{}) format("opentype"); }}').format(
        REGULAR_FAMILY, data)
