"""What the Word and EPUB downloads share: one fixed time for everything they date, text as XML can carry it, and
zip files whose bytes depend only on what goes in them."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone

from ..reproducible import ZIP_EPOCH, source_date_epoch

XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold at all; a few stray control characters may survive the read stage."""


def source_time() -> datetime:
    """The time the downloads carry (document dates, zip entries): SOURCE_DATE_EPOCH, or zip's earliest time,
    1980-01-01, when it is unset or earlier."""
    epoch = source_date_epoch()
    earliest = datetime(*ZIP_EPOCH, tzinfo=timezone.utc)
    return earliest if epoch is None else max(earliest, datetime.fromtimestamp(epoch, timezone.utc))


def xml_text(text: str) -> str:
    """Text as a Word or EPUB document can carry it: the characters XML forbids left out, everything else kept."""
    return XML_FORBIDDEN.sub("", text)


def reproducible_zip(files: dict[str, bytes], stored: frozenset[str] = frozenset()) -> bytes:
    """A zip of files in the given order, each with the source time and mode rw-r--r--; names in stored are
    written uncompressed (an EPUB's mimetype), the rest deflated."""
    stamp = source_time().timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o100644 << 16  # a regular file, whatever the umask
            entry.create_system = 3  # Unix, so the mode above is honoured
            entry.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return buffer.getvalue()
