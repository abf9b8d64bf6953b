"""Byte-identical builds: dates come only from SOURCE_DATE_EPOCH, archives get fixed order, times and modes.

MkDocs stamps every page with today's date (the sitemap's ``<lastmod>``, the gzip header of ``sitemap.xml.gz``);
here a build carries a date only when ``SOURCE_DATE_EPOCH`` gives one (https://reproducible-builds.org/specs/).
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import json
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


@dataclass(frozen=True)
class ZipEntry:
    """Where write_zip put an entry, and what its headers say of it."""

    name: str
    offset: int
    method: int
    crc: int
    packed_size: int
    size: int


@dataclass(frozen=True)
class Copied:
    """An entry whose local header and bytes are copied as they are from another zip, open as the file descriptor
    ``source``, where write_zip put them as ``entry``: the last build's zip, for a file that has not changed since
    (zip_folder). The kernel copies them (copy_file_range): nothing is read into Python or deflated."""

    source: int
    entry: ZipEntry


def write_zip(target, entries: Iterable[tuple[str, bytes | Deflated | Copied]], stored: frozenset[str] = frozenset(),
              compresslevel: int = 6, cache_dir: Path | None = None) -> list[ZipEntry]:
    """Write the entries (name, bytes) into target (a path or a binary file) in the given order, each with
    zip_time() and mode rw-r--r--; names in stored uncompressed (an EPUB's mimetype), the rest deflated, or stored
    when deflating would not make them smaller; an entry given as Deflated is not deflated again, one given as Copied
    (only into a path) is copied. With a cache_dir, each entry's deflated bytes are kept there by the digest of its
    content, so that zipping an archive's site again deflates only the files that changed. Returns the entries as
    written.

    Our own few lines of the zip format (APPNOTE.TXT: local headers, central directory, end record; no ZIP64)
    rather than zipfile, which cannot take bytes already deflated."""
    time, date = _dos_time(zip_time())
    with open(target, "wb", buffering=0) if isinstance(target, (str, Path)) \
            else contextlib.nullcontext(target) as file:
        out, directory, written, offset = _ZipOutput(file), [], [], 0
        for name, data in entries:
            encoded = name.encode("utf-8")
            if isinstance(data, Copied):
                method, crc, packed_size, size = (data.entry.method, data.entry.crc, data.entry.packed_size,
                                                  data.entry.size)
                fields = _header_fields(encoded, method, time, date, crc, packed_size, size)
                out.copy(data.source, data.entry.offset, 30 + len(encoded) + packed_size)
            else:
                if not isinstance(data, Deflated):
                    data = Deflated(data if name in stored else _deflated(data, compresslevel, cache_dir), len(data),
                                    zlib.crc32(data), data)
                method = 8 if data.data is None or len(data.packed) < data.size else 0
                packed = data.packed if method else data.data
                crc, packed_size, size = data.crc, len(packed), data.size
                fields = _header_fields(encoded, method, time, date, crc, packed_size, size)
                out.write(b"PK\x03\x04" + fields + encoded)
                out.write(packed)
            directory.append(b"PK\x01\x02" + struct.pack("<H", ZIP_MADE_BY) + fields
                             + struct.pack("<HHHII", 0, 0, 0, 0o100644 << 16, offset) + encoded)
            written.append(ZipEntry(name, offset, method, crc, packed_size, size))
            offset += 30 + len(encoded) + packed_size
        if len(directory) > 0xFFFF or offset > 0xFFFFFFFF:
            raise OutputError(f"a zip of {len(directory)} files and {offset:,} bytes needs ZIP64, which we do not write")
        central = b"".join(directory)
        out.write(central)
        out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(directory), len(directory), len(central),
                                                offset, 0))
        out.flush()
    return written


def _header_fields(encoded_name: bytes, method: int, time: int, date: int, crc: int, packed_size: int,
                   size: int) -> bytes:
    """What a local header and the central directory both say of an entry (after their signatures)."""
    return struct.pack("<HHHHHIIIHH", 20, ZIP_UTF8 if not encoded_name.isascii() else 0, method, time, date, crc,
                       packed_size, size, len(encoded_name), 0)


class _ZipOutput:
    """write_zip's output: bytes gathered and written a megabyte at a time, and ranges of another file copied by the
    kernel, adjacent ones at once (an unchanged run of an archive's pages is one copy)."""

    def __init__(self, file):
        self.file = file
        self.gathered: list[bytes] = []
        self.gathered_bytes = 0
        self.copying: tuple[int, int, int] | None = None
        """The range (file descriptor, start, end) to copy before anything else is written."""

    def write(self, data: bytes) -> None:
        self._copy()
        self.gathered.append(data)
        self.gathered_bytes += len(data)
        if self.gathered_bytes >= 1 << 20:
            self._write()

    def copy(self, source: int, start: int, length: int) -> None:
        if self.copying and self.copying[0] == source and self.copying[2] == start:
            self.copying = (source, self.copying[1], start + length)
            return
        self._write()
        self._copy()
        self.copying = (source, start, start + length)

    def flush(self) -> None:
        self._copy()
        self._write()

    def _write(self) -> None:
        data = b"".join(self.gathered)
        self.gathered, self.gathered_bytes = [], 0
        view = memoryview(data)
        while view:  # an unbuffered file may write less than it is given
            view = view[self.file.write(view):]

    def _copy(self) -> None:
        if self.copying is None:
            return
        (source, start, end), self.copying = self.copying, None
        target = self.file.fileno()
        try:
            while start < end:
                copied = os.copy_file_range(source, target, end - start, start)
                if not copied:
                    raise OutputError(SHORTER_THAN_RECORDED)
                start += copied
        except (AttributeError, OSError) as error:  # no copy_file_range here, or not between these files
            if isinstance(error, OSError) and error.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL,
                                                                  errno.EOPNOTSUPP):
                raise
            while start < end:
                piece = os.pread(source, min(end - start, 1 << 20), start)
                if not piece:
                    raise OutputError(SHORTER_THAN_RECORDED)
                self.gathered.append(piece)
                self._write()
                start += len(piece)


SHORTER_THAN_RECORDED = "the last offline zip is shorter than its record says (changed while being read?); build again"


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
               known: Mapping[str, str] | None = None, previous: Path | None = None) -> None:
    """Zip every file under folder into zip_path, inside a top folder named root; sorted, fixed times and modes.
    With a cache_dir, the deflated files are kept there (see write_zip) and the entries not used for long removed.

    ``known`` names, by path under folder, files whose bytes a name already decides (a rendered page's render-cache
    key, a download's cache entry): their deflated bytes are kept under that name with their size and checksum, so
    that an archive's unchanged files are neither read nor digested (their sheer reading and digesting took most of
    a rebuild's zipping: 640 MB at 300 compilations).

    ``previous``: where the zip goes when the build is done (zip_path is then a staged copy). A record of the zip
    written is kept in cache_dir; when the zip at ``previous`` is still the one recorded, its entries of known files
    under the same names are copied from it as they are (Copied) instead of written anew: a rebuild of an archive
    then writes little more than what changed (at 300 compilations, 358 MB of entries took 1.5 s to write)."""
    known = known or {} if cache_dir is not None else {}
    record = _record_path(cache_dir, previous) if cache_dir is not None and previous is not None else None
    time, date = _dos_time(zip_time())
    with contextlib.ExitStack() as stack:
        last = _last_zip(record, previous, stack) if record is not None else {}

        def entry(relative: str, path: str) -> tuple[str, bytes | Deflated | Copied]:
            name = f"{root}/{relative}"
            if relative not in known:
                return name, _read(path)
            identity, copied = last.get(name, (None, None))
            if identity == known[relative] and _local_header_is(copied, name, time, date):
                return name, copied
            return name, _known_entry(path, known[relative], cache_dir)

        written = write_zip(zip_path, (entry(relative, path) for relative, path in sorted(_files_under(folder))),
                            compresslevel=ZIP_FOLDER_LEVEL, cache_dir=cache_dir)
    if record is not None:
        _record_zip(record, zip_path, written, {f"{root}/{relative}": name for relative, name in known.items()})
    if cache_dir is not None:
        remove_unused(cache_dir, "*.deflate", set())
        remove_unused(cache_dir, "*.known", set())
        remove_unused(cache_dir, "last-zip-*.json", {record.name} if record is not None else set())


ZIP_RECORD_FORMAT = 1


def _record_path(cache_dir: Path, destination: Path) -> Path:
    """Where the record of the zip last written for ``destination`` is kept (one per destination)."""
    return cache_dir / f"last-zip-{hashlib.sha256(os.fsencode(destination)).hexdigest()[:16]}.json"


def _zip_stamp(stat: os.stat_result) -> list[int]:
    """What tells a zip file from any other, or from itself changed: renaming it (swapping it in) keeps all of it."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_dev]


def _record_zip(record: Path, zip_path: Path, written: list[ZipEntry], identities: Mapping[str, str]) -> None:
    """Keep where each entry of a known file went in the zip just written, and what tells that zip from another."""
    entries = {entry.name: [identities[entry.name], entry.offset, entry.method, entry.crc, entry.packed_size,
                            entry.size] for entry in written if entry.name in identities}
    write_atomically(record, json.dumps({
        "format": ZIP_RECORD_FORMAT, "zip": _zip_stamp(os.stat(zip_path)), "time": list(zip_time()),
        "level": ZIP_FOLDER_LEVEL, "entries": entries}, ensure_ascii=False).encode("utf-8"))


def _last_zip(record: Path, previous: Path, stack: contextlib.ExitStack) -> dict[str, tuple[str, Copied]]:
    """{entry name: (the identity of its file, the entry to copy)} of the zip at ``previous`` when it is still the one
    the record was made of, with the same time and level; else nothing (every entry is written anew)."""
    try:
        kept = json.loads(record.read_bytes())
        source = os.open(previous, os.O_RDONLY)
    except (OSError, ValueError):
        return {}
    stack.callback(os.close, source)
    if not isinstance(kept, dict) or kept.get("format") != ZIP_RECORD_FORMAT \
            or kept.get("zip") != _zip_stamp(os.fstat(source)) or kept.get("time") != list(zip_time()) \
            or kept.get("level") != ZIP_FOLDER_LEVEL:
        return {}
    return {name: (identity, Copied(source, ZipEntry(name, *where)))
            for name, (identity, *where) in kept["entries"].items()}


def _local_header_is(copied: Copied | None, name: str, time: int, date: int) -> bool:
    """Whether the last zip holds, where its record says, the local header of this entry (a check against a record
    that is wrong for any reason: the entry is then written anew)."""
    if copied is None:
        return False
    old, encoded = copied.entry, name.encode("utf-8")
    expected = b"PK\x03\x04" + _header_fields(encoded, old.method, time, date, old.crc, old.packed_size,
                                               old.size) + encoded
    try:
        return os.pread(copied.source, len(expected), old.offset) == expected
    except OSError:
        return False


ZIP_FOLDER_LEVEL = 9
KNOWN_HEADER = struct.Struct("<IQ")
"""A known file's entry: its checksum and size, then its deflated bytes."""


def _files_under(folder: Path) -> Iterator[tuple[str, str]]:
    """(path relative to folder with / between names, path) of every file under folder. By scandir and strings: the
    listing says which entries are folders, and at 300 compilations a stat and two Path objects for each of 17,000
    files took a third of a rebuild's zipping."""
    def walk(directory: str, prefix: str) -> Iterator[tuple[str, str]]:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    yield from walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    yield prefix + entry.name, entry.path

    return walk(os.fspath(folder), "")


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _known_entry(path: str, name: str, cache_dir: Path) -> Deflated:
    """The file deflated as write_zip would deflate it, from cache_dir's entry for the name its bytes go by (made now
    when missing). Its bytes are read only to be stored as they are, when deflating does not make them smaller."""
    entry = cache_dir / f"{hashlib.sha256(name.encode()).hexdigest()[:40]}-{ZIP_FOLDER_LEVEL}.known"
    kept = read_entry(entry)
    if kept is not None and len(kept) >= KNOWN_HEADER.size:
        crc, size = KNOWN_HEADER.unpack_from(kept)
        packed = kept[KNOWN_HEADER.size:]
        return Deflated(packed, size, crc, _read(path) if len(packed) >= size else None)
    data = _read(path)
    packed, crc = _deflated(data, ZIP_FOLDER_LEVEL, None), zlib.crc32(data)
    write_atomically(entry, KNOWN_HEADER.pack(crc, len(data)) + packed)
    return Deflated(packed, len(data), crc, data)
