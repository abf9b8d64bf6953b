"""The editorial override file: ``<seed>.toml`` beside a seed pins boundaries, fixes titles and marks junk."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import InputError
from .model import Overrides, TextPin

KNOWN_TABLES = {"boundary", "join", "title", "junk"}


def override_path(seed: Path) -> Path:
    return seed.with_suffix(".toml")


def load_overrides(seed: Path) -> Overrides:
    """Read the override file of a seed, or return empty overrides when it has none."""
    path = override_path(seed)
    if not path.exists():
        return Overrides()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"the override file is not valid TOML ({error}); see 'Editorial overrides' in the README",
                         path) from None
    unknown = set(data) - KNOWN_TABLES
    if unknown:
        raise InputError(f"unknown section(s) {', '.join(sorted(unknown))}; use only "
                         f"{', '.join(sorted(KNOWN_TABLES))}", path)
    overrides = Overrides(path=path)
    overrides.boundaries = [_pin(item, path, "boundary") for item in data.get("boundary", [])]
    overrides.joins = [_pin(item, path, "join") for item in data.get("join", [])]
    overrides.junk = [_pin(item, path, "junk") for item in data.get("junk", [])]
    for item in data.get("title", []):
        if not isinstance(item.get("speech"), int) or not isinstance(item.get("title"), str) or not item["title"].strip():
            raise InputError("each [[title]] needs speech = <TOC number> and title = \"…\"", path)
        overrides.titles[item["speech"]] = item["title"].strip()
    return overrides


def _pin(item: object, path: Path, table: str) -> TextPin:
    if not isinstance(item, dict) or not isinstance(item.get("starts_with"), str) or not item["starts_with"].strip():
        raise InputError(f"each [[{table}]] needs starts_with = \"the first words of the paragraph\"", path)
    speech = item.get("speech")
    if speech is not None and not isinstance(speech, int):
        raise InputError(f"[[{table}]] speech must be a TOC number, not {speech!r}", path)
    return TextPin(item["starts_with"].strip(), speech, str(item.get("reason", "")).strip())
