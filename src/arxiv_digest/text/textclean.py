"""Text as it may be shown: no control characters, nothing invisible that reorders or
hides what a reader sees (bidirectional overrides and isolates, zero-width spaces and
joiners, the word joiner, a stray byte-order mark). Paper text is cleaned at ingest;
the renderers strip the invisible ones again from every value they print, so older
stored digests and a model's prose are held to the same rule."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
                        "\ufeff\ufff9-\ufffb]")


def clean(text: str | None) -> str | None:
    """Collapse whitespace runs (line breaks from the API) to single spaces and drop
    control and invisible formatting characters; '' -> None."""
    if text is None:
        return None
    return " ".join(_INVISIBLE.sub("", _CONTROL.sub(" ", text)).split()) or None


_INVISIBLE_TABLE = dict.fromkeys(
    [0x061c, *range(0x200b, 0x2010), *range(0x202a, 0x202f), *range(0x2060, 0x2065),
     *range(0x2066, 0x206a), 0xfeff, *range(0xfff9, 0xfffc)])


def strip_invisible(text: str) -> str:
    """``text`` without the invisible characters (whitespace and layout kept)."""
    return text.translate(_INVISIBLE_TABLE) if not text.isascii() else text
