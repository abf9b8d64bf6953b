"""Generated files kept by content, for the search index's files: a build puts each into the site as a hard link to
an entry named by the digest of its text, written only when no build wrote the same file before. An edit to one
compilation changes a few of an archive's thousands of index files; creating a file (and gzipping it) costs this
machine a few tenths of a millisecond, linking one a hundredth, so a rebuild then writes only the files that
changed (as the rendered pages and the compressed copies are reused: render_cache.py, precompress.py)."""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path

from .atomic import write_atomically
from .output_paths import link_or_copy
from .precompress import GZIP_LEVEL
from .search_index import PACKED_SUFFIX, Postings, file_bytes, postings_file_items

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


def postings_entries(segment: int, postings: Postings, scripts: bool, folder: Path) -> list[tuple[str, Path]]:
    """(path, entry) of each postings file of the segment numbered ``segment`` (search_index.postings_file_items) in
    the store: from the list store_postings kept of them, when there is one and its entries are all there, without
    reading the postings nor digesting them again (100 MB a site at 300 compilations); else stored now."""
    listing = _listing(segment, postings, scripts, folder)
    if listing is not None:
        try:
            entries = [(path, folder / name) for path, name in json.loads(listing.read_bytes())]
            for _, entry in entries:
                os.utime(entry)  # used (atomic.remove_unused); one gone: all are stored again below
            postings.read_lengths()  # the index's head needs them
            os.utime(listing)
            return entries
        except (OSError, ValueError, TypeError):
            pass
    return store_postings(segment, postings, scripts, folder)


def store_postings(segment: int, postings: Postings, scripts: bool, folder: Path,
                   each: Callable[[str, Path], None] | None = None) -> list[tuple[str, Path]]:
    """Store each postings file of the segment (calling ``each`` with its content and entry) and keep the list of
    their entries for postings_entries."""
    entries = []
    for path, content in postings_file_items(segment, postings, scripts):
        entries.append((path, stored(path, content, folder)))
        if each is not None:
            each(content, entries[-1][1])
    listing = _listing(segment, postings, scripts, folder)
    if listing is not None:
        write_atomically(listing, json.dumps([(path, entry.name) for path, entry in entries]).encode())
    return entries


def _listing(segment: int, postings: Postings, scripts: bool, folder: Path) -> Path | None:
    """Where the list of the segment's stored files is kept: named after the postings' cache entry (which names their
    texts), the segment's number and the form (both are in the files' paths, and the scripts' contents)."""
    if postings.entry is None:
        return None
    return folder / f"{postings.entry.stem}-{segment}-{'scripts' if scripts else 'json'}.placed"
