"""What the Word and EPUB downloads share: one fixed time for everything they date, text as XML can carry it, and
zip files whose bytes depend only on what goes in them (written as reproducible.py writes the offline zip)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import datetime, timezone

from ..reproducible import Deflated, write_zip, zip_time

XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold at all; a few stray control characters may survive the read stage."""


def source_time() -> datetime:
    """The time the downloads carry (document dates, zip entries): reproducible.zip_time, as a time in UTC."""
    return datetime(*zip_time(), tzinfo=timezone.utc)


def xml_text(text: str) -> str:
    """Text as a Word or EPUB document can carry it: the characters XML forbids left out, everything else kept."""
    return XML_FORBIDDEN.sub("", text)


def reproducible_zip(files: Iterable[tuple[str, bytes | Deflated]], stored: frozenset[str] = frozenset()) -> bytes:
    """A zip of the (name, bytes) pairs in the given order, as reproducible.write_zip writes them: one at a time, so
    pairs made as they are asked for are never all held."""
    buffer = io.BytesIO()
    write_zip(buffer, files, stored)
    return buffer.getvalue()
