"""Byte-identical builds: dates come only from SOURCE_DATE_EPOCH, archives get fixed order, times and modes.

MkDocs stamps every page with today's date (the sitemap's ``<lastmod>``, the gzip header of ``sitemap.xml.gz``);
here a build carries a date only when ``SOURCE_DATE_EPOCH`` gives one (https://reproducible-builds.org/specs/).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .atomic import read_entry, remove_unused, write_atomically
from .errors import InputError, OutputError

ZIP_CACHE = Path(".cache", "speechsite", "zipped")
"""The offline zip's entries deflated, by content, relative to the project folder (see write_zip)."""
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""The earliest time a zip entry can carry; used when SOURCE_DATE_EPOCH is unset (or earlier)."""
OFFLINE_ZIP_SUFFIX = "-offline.zip"
NAME_MAX_BYTES = 255
"""The longest file name Linux file systems (ext4, XFS, Btrfs, tmpfs) take, in bytes."""


def source_date_epoch() -> int | None:
    """Seconds since 1970 from ``SOURCE_DATE_EPOCH``, or None when it is unset or empty."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InputError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds; unset it or give e.g. 1609459200")
    return int(value)


def source_date() -> str | None:
    """The build's date (``2021-01-01``) for the sitemap's ``<lastmod>``, or None: then the sitemap has none."""
    epoch = source_date_epoch()
    return None if epoch is None else datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d")


def gzip_sitemap(site_dir: Path) -> None:
    """Rewrite ``sitemap.xml.gz`` with SOURCE_DATE_EPOCH (or 0, gzip's "no time") in its header."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.exists():
        return
    with open(site_dir / "sitemap.xml.gz", "wb") as raw, gzip.GzipFile(
            filename="sitemap.xml", mode="wb", fileobj=raw, mtime=source_date_epoch() or 0) as compressed:
        compressed.write(sitemap.read_bytes())


def offline_zip_name(seed: Path) -> str:
    """``<seed>-offline.zip``, the seed's name cut short when the whole would not fit in a file name: 82 Chinese
    characters are 246 bytes, which a seed name may have, but not with the suffix."""
    stem = seed.stem
    while len(os.fsencode(stem + OFFLINE_ZIP_SUFFIX)) > NAME_MAX_BYTES:
        stem = stem[:-1]
    return stem + OFFLINE_ZIP_SUFFIX


def zip_time() -> tuple[int, int, int, int, int, int]:
    """The time every zip entry and download carries: SOURCE_DATE_EPOCH, or zip's earliest time when it is unset or
    earlier."""
    epoch = source_date_epoch()
    return ZIP_EPOCH if epoch is None else max(ZIP_EPOCH, datetime.fromtimestamp(epoch, timezone.utc).timetuple()[:6])


@dataclass(frozen=True)
class Deflated:
    """An entry's bytes deflated before the zip is written: once, for an entry that many zips share (a Word
    template's 350 kB of styles), or piece by piece as they are made, for an entry too large to hold whole (the
    Word document of a compilation of thousands of speeches: 300 MB of XML)."""

    packed: bytes
    size: int
    crc: int
    data: bytes | None = None
    """The bytes themselves, when they were given whole: stored instead if deflating does not make them smaller."""

    @classmethod
    def of(cls, data: bytes, level: int = 6) -> Deflated:
        return cls(_deflated(data, level, None), len(data), zlib.crc32(data), data)

    @classmethod
    def of_pieces(cls, pieces: Iterable[bytes], level: int = 6) -> Deflated:
        """The pieces' bytes one after the other, deflated as they come, never held whole (so always deflated)."""
        compressor, packed, size, crc = zlib.compressobj(level, zlib.DEFLATED, -15), [], 0, 0
        for piece in pieces:
            packed.append(compressor.compress(piece))
            size, crc = size + len(piece), zlib.crc32(piece, crc)
        packed.append(compressor.flush())
        return cls(b"".join(packed), size, crc)


def write_zip(target, entries: Iterable[tuple[str, bytes | Deflated]], stored: frozenset[str] = frozenset(),
              compresslevel: int = 6, cache_dir: Path | None = None) -> None:
    """Write the entries (name, bytes) into target (a path or a binary file) in the given order, each with
    zip_time() and mode rw-r--r--; names in stored uncompressed (an EPUB's mimetype), the rest deflated, or stored
    when deflating would not make them smaller; an entry given as Deflated is not deflated again. With a cache_dir,
    each entry's deflated bytes are kept there by the digest of its content, so that zipping an archive's site again
    deflates only the files that changed.

    Our own few lines of the zip format (APPNOTE.TXT: local headers, central directory, end record; no ZIP64)
    rather than zipfile, which cannot take bytes already deflated."""
    time, date = _dos_time(zip_time())
    with open(target, "wb") if isinstance(target, (str, Path)) else contextlib.nullcontext(target) as out:
        directory, offset = [], 0
        for name, data in entries:
            if not isinstance(data, Deflated):
                data = Deflated(data if name in stored else _deflated(data, compresslevel, cache_dir), len(data),
                                zlib.crc32(data), data)
            method = 8 if data.data is None or len(data.packed) < data.size else 0
            packed = data.packed if method else data.data
            encoded = name.encode("utf-8")
            fields = struct.pack("<HHHHHIIIHH", 20, ZIP_UTF8 if not encoded.isascii() else 0, method, time, date,
                                 data.crc, len(packed), data.size, len(encoded), 0)
            out.write(b"PK\x03\x04" + fields + encoded)
            out.write(packed)
            directory.append(b"PK\x01\x02" + struct.pack("<H", ZIP_MADE_BY) + fields
                             + struct.pack("<HHHII", 0, 0, 0, 0o100644 << 16, offset) + encoded)
            offset += 30 + len(encoded) + len(packed)
        if len(directory) > 0xFFFF or offset > 0xFFFFFFFF:
            raise OutputError(f"a zip of {len(directory)} files and {offset:,} bytes needs ZIP64, which we do not write")
        central = b"".join(directory)
        out.write(central)
        out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(directory), len(directory), len(central),
                                                offset, 0))


ZIP_UTF8 = 0x0800
"""The flag saying an entry's name is UTF-8 (set, as zipfile sets it, only for names that are not ASCII)."""
ZIP_MADE_BY = 3 << 8 | 20
"""Unix (so that unzip honours the mode), zip format 2.0."""


def _dos_time(stamp: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = stamp
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def _deflated(data: bytes, level: int, cache_dir: Path | None) -> bytes:
    """Raw deflate of data at level, from the cache where it holds them."""
    entry = cache_dir / f"{hashlib.sha256(data).hexdigest()[:40]}-{level}.deflate" if cache_dir else None
    packed = read_entry(entry) if entry is not None else None
    if packed is not None:
        return packed
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    packed = compressor.compress(data) + compressor.flush()
    if entry is not None:
        write_atomically(entry, packed)
    return packed


def zip_folder(folder: Path, zip_path: Path, root: str, cache_dir: Path | None = None,
               known: Mapping[str, str] | None = None) -> None:
    """Zip every file under folder into zip_path, inside a top folder named root; sorted, fixed times and modes.
    With a cache_dir, the deflated files are kept there (see write_zip) and the entries not used for long removed.

    ``known`` names, by path under folder, files whose bytes a name already decides (a rendered page's render-cache
    key, a download's cache entry): their deflated bytes are kept under that name with their size and checksum, so
    that an archive's unchanged files are neither read nor digested (their sheer reading and digesting took most of
    a rebuild's zipping: 640 MB at 300 compilations)."""
    files = sorted(_files_under(folder))
    write_zip(zip_path, ((f"{root}/{relative}", _known_entry(path, known[relative], cache_dir)
                          if cache_dir is not None and known and relative in known else path.read_bytes())
                         for relative, path in files), compresslevel=ZIP_FOLDER_LEVEL, cache_dir=cache_dir)
    if cache_dir is not None:
        remove_unused(cache_dir, "*.deflate", set())
        remove_unused(cache_dir, "*.known", set())


ZIP_FOLDER_LEVEL = 9
KNOWN_HEADER = struct.Struct("<IQ")
"""A known file's entry: its checksum and size, then its deflated bytes."""


def _files_under(folder: Path) -> Iterator[tuple[str, Path]]:
    """(path relative to folder with / between names, path) of every file under folder."""
    for parent, _, names in os.walk(folder):
        base = Path(parent)
        for name in names:
            path = base / name
            if path.is_file():
                yield path.relative_to(folder).as_posix(), path


def _known_entry(path: Path, name: str, cache_dir: Path) -> Deflated:
    """The file deflated as write_zip would deflate it, from cache_dir's entry for the name its bytes go by (made now
    when missing). Its bytes are read only to be stored as they are, when deflating does not make them smaller."""
    entry = cache_dir / f"{hashlib.sha256(name.encode()).hexdigest()[:40]}-{ZIP_FOLDER_LEVEL}.known"
    kept = read_entry(entry)
    if kept is not None and len(kept) >= KNOWN_HEADER.size:
        crc, size = KNOWN_HEADER.unpack_from(kept)
        packed = kept[KNOWN_HEADER.size:]
        return Deflated(packed, size, crc, path.read_bytes() if len(packed) >= size else None)
    data = path.read_bytes()
    packed, crc = _deflated(data, ZIP_FOLDER_LEVEL, None), zlib.crc32(data)
    write_atomically(entry, KNOWN_HEADER.pack(crc, len(data)) + packed)
    return Deflated(packed, len(data), crc, data)
