"""Byte-identical builds: dates come only from SOURCE_DATE_EPOCH, archives get fixed order, times and modes.

MkDocs stamps every page with today's date (the sitemap's ``<lastmod>``, the gzip header of ``sitemap.xml.gz``);
here a build carries a date only when ``SOURCE_DATE_EPOCH`` gives one (https://reproducible-builds.org/specs/).
"""

from __future__ import annotations

import gzip
import os
import zipfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from .errors import InputError

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


def write_zip(target, entries: Iterable[tuple[str, bytes]], stored: frozenset[str] = frozenset(),
              compresslevel: int | None = None) -> None:
    """Write the entries (name, bytes) into target (a path or a binary file) in the given order, each with
    zip_time() and mode rw-r--r--; names in stored uncompressed (an EPUB's mimetype), the rest deflated."""
    stamp = zip_time()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o100644 << 16  # a regular file, rw-r--r--, whatever the umask
            entry.create_system = 3  # Unix, so the mode above is honoured
            entry.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(entry, data, compresslevel=compresslevel)


def zip_folder(folder: Path, zip_path: Path, root: str) -> None:
    """Zip every file under folder into zip_path, inside a top folder named root; sorted, fixed times and modes."""
    files = sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())
    write_zip(zip_path, ((f"{root}/{path.relative_to(folder).as_posix()}", path.read_bytes()) for path in files),
              compresslevel=9)
