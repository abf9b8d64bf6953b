"""Stage 1, read: bytes on disk to numbered lines of text, whatever the encoding and line ends."""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from .errors import InputError
from .model import SourceLine

# Tried in order after the byte-order marks; GB18030 is a superset of GBK and GB2312.
FALLBACK_ENCODINGS = ("utf-8", "gb18030")
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
"""Control characters but tab, line feed, form feed and carriage return."""


SEED_LIMIT = 256 * 2**20
"""Bytes a compilation may have: 256 MiB is some thousand times the seed, and what one build can hold in memory."""


def read_regular_file(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes: a FIFO, a device or /dev/zero would hang the build or
    fill its memory, so anything else is an InputError naming it."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"no such file; give the path of {what}", path) from None
    except OSError as error:  # a symbolic link loop, a name too long, no permission
        raise InputError(f"cannot be read ({error.strerror}); give the path of {what}", path) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"is a directory; give the path of {what}", path)
    if not stat.S_ISREG(status.st_mode):
        raise InputError(f"is not a regular file (a pipe or a device); give the path of {what}", path)
    with open(path, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"is larger than {limit // 2**20} MiB, the most one build reads; split it", path)
    return data


def seed_bytes(path: Path) -> bytes:
    """The bytes of a compilation file, or InputError naming what is wrong with it."""
    return read_regular_file(path, SEED_LIMIT, "a compilation .txt file")


def read_lines(path: Path) -> list[SourceLine]:
    """Read a compilation file into lines numbered from 1, or raise InputError naming what is wrong."""
    data = seed_bytes(path)
    text = decode(data, path)
    if not text.strip():
        raise InputError("the file is empty; a compilation needs a title line and a table of contents", path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [SourceLine(number, line) for number, line in enumerate(text.split("\n"), start=1)]


def decode(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; reject binary data."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(f"starts with a {encoding} byte-order mark but is not valid {encoding} "
                                 f"(byte {error.start}); re-save the file as UTF-8", path) from None
    if b"\x00" in data:
        raise InputError("looks like binary data (it contains NUL bytes); give a plain-text compilation", path)
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise InputError("is not text in UTF-8, UTF-16 or GB18030; re-save the file as UTF-8", path)


def _looks_binary(text: str) -> bool:
    """Control characters other than tab and line ends are a sign of binary data decoded by accident."""
    return len(CONTROL_CHARACTER.findall(text)) > max(8, len(text) // 1000)
