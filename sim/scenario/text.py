"""Users' text files in the encodings they have: UTF-8 (with or without BOM) or GB18030.

GB18030 is a superset of GBK, what Excel writes as CSV on Chinese Windows.

The encoding is detected (UTF-8 first: GB18030 would also decode much UTF-8 text wrongly) and
logged when it is not plain UTF-8; a file in neither is refused in one line.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..domain import ConfigError

log = logging.getLogger(__name__)
ENCODINGS = (("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("gb18030", "GB18030/GBK"))


def read_text(path: str | Path) -> tuple[str, str]:
    """The text of ``path`` and the name of its encoding; ConfigError if it has none of ours."""
    path = Path(path)
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    for codec, name in ENCODINGS[1:] if bom else ENCODINGS[::2]:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec != "utf-8":
            log.info("%s: read as %s", path, name)
        return text, name
    raise ConfigError(f"{path}: not text in UTF-8 or GB18030/GBK; save it as a UTF-8 CSV")
