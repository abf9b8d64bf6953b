"""Precompressed copies of the hosted site's text files (``page.html.gz`` and ``page.html.br`` beside
``page.html``), for hosts that send them as they are instead of compressing on every request (nginx's
``gzip_static`` and ``brotli_static``, Caddy's ``precompressed``). The same input gives the same bytes: the gzip
header carries no file name and no time. So copies are kept in a cache folder by the digest of what they pack, and a
rebuild of an archive compresses only the pages that changed: the others are hard links to the cache's copies."""

from __future__ import annotations

import gzip
import hashlib
import os
import time
import zlib
from collections.abc import Mapping
from pathlib import Path

import brotli

from .atomic import remove_unused, write_atomically
from .output_paths import link_or_copy

FOLDER = Path(".cache", "speechsite", "compressed")
"""The copies by content, relative to the project folder."""
TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}
"""What compresses well; images and zips are compressed already."""
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
"""Measured on the seed's site (1.5 MB of text, CPU seconds): brotli quality 5 packs to 25.4% in 0.06 s, 7 to 24.8%
in 0.08 s, the maximum (11) to 22.9% in 2.1 s, longer than the rest of the build; gzip 6 gives 28.1% in 0.03 s, 9
28.0% in 0.05 s. The copies are made on the build's critical path, hence the quick settings."""
MIN_BYTES = 256
"""Below this the compressed copy saves less than a network packet, and hosts skip small files anyway."""
USED_AGAIN_SECONDS = 86400
"""A cache entry used is marked so (its time set to now) when it was last marked longer ago than this: entries unused
for weeks are removed (atomic.remove_unused), so a day's precision is plenty and spares a system call per copy."""
SETTINGS = f"gzip {GZIP_LEVEL} zlib {zlib.ZLIB_RUNTIME_VERSION} brotli {BROTLI_QUALITY} {brotli.__version__}"
"""What else decides a copy's bytes: part of each cache entry's name."""
COMPRESSORS = {".gz": lambda data: gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0),
               ".br": lambda data: brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)}


def precompress(site_dir: Path, cache_dir: Path | None = None, known: Mapping[Path, str] | None = None) -> int:
    """Write ``.gz`` and ``.br`` beside every text file of site_dir that shrinks by compressing; return how many
    files got copies. Copies that would not be smaller than the file are left out (a host then sends the file), and
    a compressed file the site already has is kept. With a cache_dir, copies are taken from and kept there: by the
    digest of the file, or for a file in ``known`` by the name its bytes go by (a rendered page's render-cache key),
    so that an archive's unchanged pages are neither read nor digested.

    Paths are handled as strings, and a file whose copies come from the cache costs its size, then each entry's
    size and a link: at 300 compilations (9,300 files, every copy from the cache) pathlib's objects and the checks
    this spares took the step from 0.63 to 0.34 CPU s, on the critical path of every build of the hosted site."""
    compressed, in_use = 0, set()
    identities = {os.fspath(path): identity for path, identity in (known or {}).items()} if cache_dir else {}
    cache = os.fspath(cache_dir) if cache_dir is not None else None
    text_files, present = _text_files(os.fspath(site_dir))
    stale = time.time() - USED_AGAIN_SECONDS
    for path in text_files:
        identity = identities.get(path)
        if identity is None:
            data = Path(path).read_bytes()
            size, name = len(data), _entry_name(data)
        else:
            data, size, name = None, os.stat(path).st_size, _known_entry_name(identity)
        if size < MIN_BYTES:
            continue
        for suffix, compress in COMPRESSORS.items():
            copy = path + suffix
            if copy in present:  # sitemap.xml.gz is the site's own, dated
                continue
            entry = os.path.join(cache, name + suffix) if cache else None
            in_use.add(name + suffix)
            if entry is None or not _linked(entry, copy, size, stale):  # rare in a rebuild: pathlib costs nothing
                data = Path(path).read_bytes() if data is None else data
                packed = compress(data)
                if entry is not None:
                    write_atomically(Path(entry), packed)
                if len(packed) < len(data):
                    Path(copy).write_bytes(packed)
        compressed += 1
    if cache_dir is not None:
        remove_unused(cache_dir, "*.*", in_use)
    return compressed


def _text_files(folder: str) -> tuple[list[str], set[str]]:
    """The folder's regular files (not symbolic links) that compress well, before any copy is written, and every
    file there is (to know which copies the site has of its own). The folder entries say which are files and links
    without a stat of each (an archive's site has tens of thousands)."""
    found, present = [], set()
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return found, present
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            more, more_present = _text_files(entry.path)
            found += more
            present |= more_present
        else:
            present.add(entry.path)
            if entry.is_file(follow_symlinks=False) and os.path.splitext(entry.name)[1] in TEXT_SUFFIXES:
                found.append(entry.path)
    return found, present


def compress_ahead(data: bytes, cache_dir: Path, identity: str) -> None:
    """Put the compressed copies of a file the site will hold into the cache now, under the name precompress will
    know it by (``identity``, as in its ``known``), so that precompress finds them: for files made in another process
    while the pages render (the search postings), which would otherwise be compressed at the end of the build, when
    nothing else is left to do."""
    if len(data) < MIN_BYTES:
        return
    name = _known_entry_name(identity)
    for suffix, compress in COMPRESSORS.items():
        entry = cache_dir / f"{name}{suffix}"
        if not entry.exists():
            write_atomically(entry, compress(data))


def _entry_name(data: bytes) -> str:
    return hashlib.sha256(SETTINGS.encode() + b"\0" + data).hexdigest()[:40]


def _known_entry_name(identity: str) -> str:
    return hashlib.sha256(SETTINGS.encode() + b"\1" + identity.encode()).hexdigest()[:40]


def _linked(entry: str, copy: str, size: int, stale: float) -> bool:
    """Put the cache's entry in place as copy (a hard link, or a copy across file systems) when it is smaller than
    size; False when the cache has no such entry. Using it marks it used, once a day is enough (see
    USED_AGAIN_SECONDS)."""
    try:
        found = os.stat(entry)
        if found.st_size < size:
            link_or_copy(entry, copy)
        if found.st_mtime < stale:
            os.utime(entry)
    except FileNotFoundError:
        return False
    return True
