"""Where the downloads sit in a built site, and a cache of them keyed by what goes into them.

Writing every speech's .docx costs about half as much as the rest of the seed's build, and both builds (hosted and
offline) carry the same files, so each file is made once per content: its key is a digest of the text it shows,
the hosted address, the source date and this package's own code. An unchanged compilation rebuilds with no Word or
EPUB work at all; an edited speech remakes its own .docx and the whole compilation's two files.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..atomic import digest, read_entry, write_atomically
from ..model import BackMatter, Compilation, Paragraph, Speech
from ..output_paths import link_or_copy
from ..reproducible import source_date_epoch
from .epub import compilation_epub
from .word import compilation_docx, speech_docx

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Download:
    path: str
    """Site-relative path of the file, named for what it is, e.g. ``downloads/第5篇 在全国体育局长会议上的讲话.docx``:
    a browser saves a file opened from disk under this name (it ignores the ``download`` attribute there)."""

    @property
    def name(self) -> str:
        """The name the reader's browser saves it under."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def href(self) -> str:
        """The path as a link: percent-encoded, so that a title with # or % in it stays one address."""
        return quote(self.path)


def speech_download(speech: Speech) -> Download:
    folder = f"{speech.collection}/downloads" if speech.collection else "downloads"
    return Download(f"{folder}/第{speech.number}篇 {_file_name(speech.title)}.docx")


def compilation_downloads(compilation: Compilation) -> dict[str, Download]:
    """The whole compilation's files, by kind: ``docx`` and ``epub``."""
    folder = compilation.page_path("downloads")
    return {kind: Download(f"{folder}/{_file_name(compilation.title)}.{kind}") for kind in ("docx", "epub")}


def download_paths(compilation: Compilation) -> list[str]:
    """Site-relative paths of every download of the compilation."""
    return [speech_download(speech).path for speech in compilation.speeches_with_text] + [
        download.path for download in compilation_downloads(compilation).values()]


def copy_downloads(compilations: list[Compilation], from_site: Path, to_site: Path) -> None:
    """Give to_site the downloads another build of the same compilations wrote into from_site: hard links where the
    file system allows (the bytes are the same by design), else copies."""
    folders = set()
    for path in (path for compilation in compilations for path in download_paths(compilation)):
        target = to_site / path
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        link_or_copy(from_site / path, target)


Plan = dict[str, tuple[Path | None, Callable[[], bytes]]]
"""A compilation's downloads: site-relative path → (its cache entry, None without a cache; what makes its bytes)."""


def download_files(compilation: Compilation, site_url: str | None, cache_dir: Path | None) -> dict[str, bytes]:
    """Site-relative path → bytes of every download of the compilation. Each file is cached on its own, so that an
    edit to one speech makes that speech's .docx and the whole compilation's files again, and nothing else."""
    return {path: made if isinstance(made, bytes) else made.read_bytes()
            for path, made in _made_files(download_plan(compilation, site_url, cache_dir)).items()}


def place_downloads(plan: Plan, site_dir: Path) -> list[tuple[Path, Path]]:
    """Put every download of a compilation (its plan) into site_dir: hard links to the cache's files where the file
    system allows (a rebuild of an archive then copies no bytes), else copies. Returns (file, its cache entry) of
    each file placed from the cache."""
    placed, folders = [], set()
    for path, made in _made_files(plan).items():
        target = site_dir / path
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        if isinstance(made, bytes):
            target.write_bytes(made)
        else:
            link_or_copy(made, target)
            placed.append((target, made))
    return placed


def missing_downloads(plans: Iterable[Plan]) -> list[Callable[[], None]]:
    """The work of making the downloads the cache lacks, each piece storing one file: what a build can do in another
    process while it renders, so that place_downloads then finds every file made."""
    return [functools.partial(_store, cached, make)
            for plan in plans for cached, make in plan.values() if cached is not None and not cached.is_file()]


def _made_files(plan: Plan) -> dict[str, Path | bytes]:
    """Site-relative path → the cache entry holding each download (made now when missing), or without a cache the
    download's bytes."""
    files: dict[str, Path | bytes] = {}
    for path, (cached, make) in plan.items():
        if cached is None:
            files[path] = make()
            continue
        try:
            os.utime(cached)  # used (see atomic.remove_unused)
        except FileNotFoundError:
            _store(cached, make)
        files[path] = cached
    return files


def _store(cached: Path, make: Callable[[], bytes]) -> None:
    write_atomically(cached, make())


def download_plan(compilation: Compilation, site_url: str | None, cache_dir: Path | None) -> Plan:
    """Where each download of the compilation is cached (its key: a digest of what it shows) and what makes it."""
    whole = compilation_downloads(compilation)
    makers = {speech_download(speech).path: functools.partial(speech_docx, compilation, speech, site_url)
              for speech in compilation.speeches if speech.has_text}
    makers[whole["docx"].path] = functools.partial(compilation_docx, compilation, site_url)
    makers[whole["epub"].path] = functools.partial(compilation_epub, compilation)
    names = _entry_names(compilation, list(makers), site_url, cache_dir) if cache_dir else {}
    return {path: (cache_dir / names[path] if cache_dir else None, make) for path, make in makers.items()}


def plan_entries(plans: Iterable[Plan], compilations: Iterable[Compilation], site_url: str | None) -> set[str]:
    """The names in the cache folder that these plans use: their files, and their compilations' lists of them."""
    return {cached.name for plan in plans for cached, _ in plan.values() if cached is not None} | {
        _names_entry(compilation, site_url) for compilation in compilations if compilation.cache_key}


def _entry_names(compilation: Compilation, paths: list[str], site_url: str | None, cache_dir: Path) -> dict[str, str]:
    """Site-relative path → the name of its cache entry, for every download of the compilation (``paths``: each
    speech's with text, then the whole compilation's Word and EPUB files): a digest of what the file shows, each
    speech's and section's content digested once. A compilation from the cache has the list kept
    beside the files, under its cache key and the rest the files show (its place, the site's address, the date, the
    code): an archive's every build plans every compilation's downloads, and digesting all their text took a third
    of a second a hundred compilations."""
    shared = _shared(compilation, site_url)
    entry = cache_dir / _names_entry(compilation, site_url) if compilation.cache_key else None
    kept = read_entry(entry) if entry is not None else None
    names = json.loads(kept) if kept is not None else None
    if isinstance(names, dict) and list(names) == paths:
        return names
    speech_digests = [digest(_speech_content(speech)) for speech in compilation.speeches]
    everything = [*speech_digests, *(digest(_section_content(section)) for section in compilation.back_matter)]
    contents = [[content] for speech, content in zip(compilation.speeches, speech_digests) if speech.has_text]
    contents += [everything, everything]
    names = {path: f"{digest([path, *shared, *content])[:32]}{Path(path).suffix}"
             for path, content in zip(paths, contents)}
    if entry is not None:
        write_atomically(entry, _json(names).encode())
    return names


def _shared(compilation: Compilation, site_url: str | None) -> list[str]:
    """What every download of the compilation shows beyond its own text."""
    return [compilation.title, compilation.slug, site_url or "", str(source_date_epoch()), _code_version()]


def _names_entry(compilation: Compilation, site_url: str | None) -> str:
    return f"{digest([compilation.cache_key, *_shared(compilation, site_url)])[:32]}.names.json"


def _speech_content(speech: Speech) -> list[str]:
    """Everything a speech's downloads show of it, as one JSON text (quicker to digest than its many parts)."""
    return [_json([speech.number, speech.title, speech.date, speech.entry.title, speech.collection, speech.has_text,
                   _paragraphs_content(speech.paragraphs)])]


def _section_content(section: BackMatter) -> list[str]:
    return [_json([section.title, section.kind, section.header_text, _paragraphs_content(section.paragraphs)])]


def _paragraphs_content(paragraphs: list[Paragraph]) -> list:
    return [(paragraph.text, paragraph.heading_level, paragraph.anchor) for paragraph in paragraphs]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@functools.cache
def _code_version() -> str:
    """A digest of this package's code and templates: a change to how the files are made makes them again."""
    hashed = hashlib.sha256()
    for source in sorted(PACKAGE_DIR.rglob("*")):
        if source.is_file() and source.suffix != ".pyc":
            hashed.update(source.read_bytes())
    return hashed.hexdigest()


def _file_name(title: str) -> str:
    """A title usable as a file name on every system: no path or reserved characters, at most 60 characters (180
    bytes in UTF-8, within the 255 that file systems allow)."""
    cleaned = "".join("_" if c in '\\/:*?"<>|' or ord(c) < 32 else c for c in title).strip(" .")
    return cleaned[:60] or "讲话"
