"""Generated files kept by content, for the search index's files: a build puts each into the site as a hard link to
an entry named by the digest of its text, written only when no build wrote the same file before. An edit to one
compilation changes a few of an archive's thousands of index files; creating a file (and gzipping it) costs this
machine a few tenths of a millisecond, linking one a hundredth, so a rebuild then writes only the files that
changed (as the rendered pages and the compressed copies are reused: render_cache.py, precompress.py)."""

from __future__ import annotations

import hashlib
import os
import zlib
from pathlib import Path

from .atomic import write_atomically
from .output_paths import link_or_copy
from .precompress import GZIP_LEVEL
from .search_index import PACKED_SUFFIX, file_bytes

FOLDER = Path(".cache", "speechsite", "files")
"""The entries, relative to the project folder."""
PACKING = f"gzip {GZIP_LEVEL} zlib {zlib.ZLIB_RUNTIME_VERSION}"
"""What else decides a gzipped file's bytes: part of its entry's key."""


def place(path: str, content: str, target: Path, folder: Path) -> Path:
    """Put the index file ``path`` with ``content`` (search_index.index_file_items) at target, whose folder exists,
    as a link to its entry in folder (made first if missing), and return the entry. Using an entry marks it used
    (atomic.remove_unused)."""
    entry = stored(path, content, folder)
    link_or_copy(entry, target)
    return entry


def identity(entry: Path) -> str:
    """The name a file placed from this store goes by in precompress and the offline zip (their ``known``)."""
    return f"file {entry.name}"


def stored(path: str, content: str, folder: Path) -> Path:
    """The entry of the index file ``path`` with ``content``, made now if missing."""
    packed = path.endswith(PACKED_SUFFIX)
    data = content.encode("utf-8")
    key = hashlib.sha256((PACKING.encode() + b"\0" if packed else b"") + data).hexdigest()[:40]
    entry = folder / f"{key}{Path(path).suffix}"
    try:
        os.utime(entry)
    except FileNotFoundError:
        write_atomically(entry, file_bytes(path, content))
    return entry
