"""Entries of the caches in .cache/: written whole or not at all (a build killed while writing one leaves at most a
temporary file beside it, never half an entry that a later build would read), and removed once long unused."""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

log = logging.getLogger("speechsite")

UNUSED_DAYS = 30
"""An entry no build has read or written for this long is removed: every edit of a seed, a page or the code makes new
entries, and nothing else would ever remove the old ones. A build marks what it reads by its modification time."""


def write_atomically(path: Path, data: bytes) -> None:
    with writing_atomically(path) as file:
        file.write(data)


@contextmanager
def writing_atomically(path: Path, mode: str = "wb", **open_arguments) -> Iterator[IO]:
    """A file to write path's entry into a piece at a time: a temporary file beside it, put in its place when the
    block ends, removed if the block fails or is interrupted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, mode, **open_arguments) as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def locked(entry: Path, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock beside a cache entry (``entry.lock``), for processes that make the same entry at the
    same time: the others wait, then find it made; or, with ``wait`` false, go on at once, told False (nothing held).
    Where fcntl does not exist each process makes its own."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    with open(entry.with_suffix(".lock"), "a") as lock:
        if fcntl is not None:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
        yield True


def remove_unused(folder: Path, pattern: str, in_use: set[str]) -> None:
    """Remove the entries of folder matching pattern not read or written for UNUSED_DAYS, except those named in
    in_use (file names). At most once a day per folder and pattern: listing a folder of an archive's entries takes a
    noticeable part of a rebuild, and a day more makes no difference to a month."""
    if not folder.is_dir():
        return
    stamp = folder / f"removed-unused-{hashlib.sha256(pattern.encode()).hexdigest()[:8]}"
    now = time.time()
    if stamp.exists() and stamp.stat().st_mtime > now - 86400:
        return
    stamp.touch()
    too_old = now - UNUSED_DAYS * 86400
    for entry in folder.glob(pattern):
        try:
            if entry.name not in in_use and entry.stat().st_mtime < too_old:
                entry.unlink()
        except OSError:
            pass  # removed meanwhile by another build, or not ours to remove: the next build tries again


def read_entry(entry: Path) -> bytes | None:
    """The entry's bytes, or None when there is none. A read marks it used (see remove_unused)."""
    try:
        data = entry.read_bytes()
        os.utime(entry)
    except FileNotFoundError:
        return None
    return data


def read_pickle(entry: Path, kind: type):
    """The object of type kind pickled in entry; None when there is no entry or it cannot be read whole (truncated,
    overwritten, of another type), which the caller then makes again. A read marks the entry used."""
    data = read_entry(entry)
    collecting = gc.isenabled()
    gc.disable()  # unpickling makes many objects and no garbage: collections meanwhile doubled the time of a load
    try:
        value = pickle.loads(data) if data is not None else None
    except Exception as error:  # noqa: BLE001 - a damaged entry is made again, never an error
        log.debug("the cache entry %s cannot be read (%s); making it again", entry, error)
        return None
    finally:
        if collecting:
            gc.enable()
    # What a build reads from its caches lives until it ends. Frozen, the collector never walks it again: with an
    # archive's compilations loaded, each full collection took 0.15 s, a tenth of a rebuild (see also unfreeze_cache).
    gc.freeze()
    return value if isinstance(value, kind) else None


def unfreeze_cache() -> None:
    """Let the collector see again what read_pickle froze: for a process that builds again and again (mkdocs
    serve), whose earlier builds' objects may have become cyclic garbage."""
    gc.unfreeze()


def digest(parts: Iterable[str | bytes]) -> str:
    """SHA-256 of the parts (text as UTF-8), each length-prefixed so that no two different lists of parts run together
    the same: the name of a cache entry made from them."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big") + data)
    return hashed.hexdigest()
