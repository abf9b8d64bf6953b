"""The editorial override file: ``<seed>.toml`` beside a seed pins boundaries, fixes titles and marks junk."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from .errors import InputError
from .model import Overrides, TextPin
from .parse import TITLE_MAX_CHARS
from .read import read_regular_file

KNOWN_TABLES = {"boundary", "join", "title", "junk"}


def override_path(seed: Path) -> Path:
    return seed.with_suffix(".toml")


OVERRIDES_LIMIT = 2**20
"""Bytes an override file may have: a megabyte is tens of thousands of pins."""


def override_bytes(seed: Path) -> bytes | None:
    """The bytes of the seed's override file, None when it has none, or InputError naming what is wrong with it."""
    path = override_path(seed)
    if not os.path.exists(path):  # False, not an error, for a name too long to exist (a 255-byte seed name + .toml)
        return None
    return read_regular_file(path, OVERRIDES_LIMIT, "an override file")


def load_overrides(seed: Path) -> Overrides:
    """Read the override file of a seed, or return empty overrides when it has none."""
    path, data = override_path(seed), override_bytes(seed)
    if data is None:
        return Overrides()
    try:
        tables = tomllib.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"the override file is not valid TOML ({error}); see 'Editorial overrides' in the README",
                         path) from None
    except RecursionError:
        raise InputError("the override file nests too deeply to be an override file", path) from None
    unknown = set(tables) - KNOWN_TABLES
    if unknown:
        raise InputError(f"unknown section(s) {', '.join(sorted(unknown))}; use only "
                         f"{', '.join(sorted(KNOWN_TABLES))}", path)
    overrides = Overrides(path=path)
    overrides.boundaries = [_pin(item, path, "boundary") for item in _entries(tables, "boundary", path)]
    overrides.joins = [_pin(item, path, "join") for item in _entries(tables, "join", path)]
    overrides.junk = [_pin(item, path, "junk") for item in _entries(tables, "junk", path)]
    for item in _entries(tables, "title", path):
        if not isinstance(item.get("speech"), int) or not isinstance(item.get("title"), str) or not item["title"].strip():
            raise InputError("each [[title]] needs speech = <TOC number> and title = \"…\"", path)
        if len(item["title"].strip()) > TITLE_MAX_CHARS:  # it would be repeated in the navigation of every page
            raise InputError(f"[[title]] of speech {item['speech']} has {len(item['title'].strip()):,} characters, "
                             f"too many for a title (at most {TITLE_MAX_CHARS})", path)
        overrides.titles[item["speech"]] = item["title"].strip()
    return overrides


def _entries(tables: dict, table: str, path: Path) -> list[dict]:
    """The entries of one table, which must be written [[table]] (an array of tables)."""
    entries = tables.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise InputError(f"{table} must be written as [[{table}]] sections with keys, not as {table} = …", path)
    return entries


def _pin(item: dict, path: Path, table: str) -> TextPin:
    if not isinstance(item.get("starts_with"), str) or not item["starts_with"].strip():
        raise InputError(f"each [[{table}]] needs starts_with = \"the first words of the paragraph\"", path)
    speech, count = item.get("speech"), item.get("count", 1)
    if speech is not None and (not isinstance(speech, int) or isinstance(speech, bool)):
        raise InputError(f"[[{table}]] speech must be a TOC number, not {speech!r}", path)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise InputError(f"[[{table}]] count must be how many lines it means (1 or more), not {count!r}", path)
    return TextPin(item["starts_with"].strip(), speech, str(item.get("reason", "")).strip(), count)
