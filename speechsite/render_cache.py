"""Rendered pages kept in .cache/speechsite/pages/ between builds, so that a build of an archive renders again only
the pages of the compilations that changed; the others are copied from the cache as MkDocs wrote them.

A compilation's page shows its compilation, whose cache key (compilation_cache.py) stands for everything it was
made from; the navigation it carries (its compilation's section, the pages outside any compilation, previous and
next); and what the whole site shares: the code, the theme and page templates, mkdocs.yml, the hand-written pages
(their titles are in every page's navigation) and the settings a build gives (site address, offline or hosted, the
site's name; not its description, which a compilation's pages do not show). An entry's name is a digest of all of these, so any change to one of them renders the
page again. Site pages that list every compilation (the archive's home, the tags index) are always rendered.

An entry is two files written whole or not at all: ``<key>.html``, the page as MkDocs wrote it, which a build puts
into its site as a hard link (no bytes copied: writing 2,000 pages was a fifth of an archive's rebuild), and
``<key>.pickle``: the page's front matter (MkDocs would have read it as the page's meta), the anchors it has
(MkDocs checks links into it) and the HTML's size, so that an HTML file cut short is a miss. The folder is safe to
delete; a page of a site must not be edited in place, since it is the cache's file too.

A compilation's pages are also looked up together: ``<key>.bundle`` holds the page keys and pickled entries of all
of them, under a key made of what decides those page keys (the compilation's cache key, and each page's place,
title and neighbours in the navigation its compilation's pages show). What a page prints beyond them (its download
links, what a copy cites) follows from the compilation, its place and the site's settings, all in that key.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path

from mkdocs.structure.pages import Page

from .atomic import digest, read_pickle, remove_unused, write_atomically
from .compilation_cache import code_version

FOLDER = Path(".cache", "speechsite", "pages")
"""Relative to the project folder (the one holding mkdocs.yml)."""
BUNDLE_SUFFIX = ".bundle"
"""A compilation's pages' entries together (RenderCache.load_bundle)."""
RENDERING_LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "jinja2", "pymdown-extensions", "pyyaml")
"""Distributions whose code shapes a page's HTML."""
CONFIG_KEYS = ("site_name", "site_url", "site_author", "copyright", "use_directory_urls",
               "repo_url", "repo_name", "edit_uri", "edit_uri_template", "extra", "extra_css", "extra_javascript",
               "markdown_extensions", "mdx_configs")
"""The settings every page may print, as the build leaves them (the plugin sets some of them itself). Not the site's
description, which counts every compilation's speeches: a compilation's pages carry their own."""


@dataclass
class RenderedPage:
    """What a build keeps of a page it rendered beside its HTML, enough for a later build to put the page in its site
    without rendering it."""

    front_matter: dict
    """The page's meta data as read from its Markdown, before plugins added to it."""
    anchors: set[str] = field(default_factory=set)
    html_size: int = -1
    """Bytes of the entry's HTML file."""
    html_file: Path | None = None
    """Where the HTML is, set when the entry is loaded."""


class ReusablePage(Page):
    """A generated page of a compilation. When ``reused`` holds an entry of the cache, MkDocs is told to leave the
    page alone (no Markdown converted, no template rendered: see the plugin's on_nav) and the plugin writes the
    entry's HTML itself."""

    reused: RenderedPage | None = None
    front_matter: dict | None = None
    """The meta data read from its Markdown, kept for the cache when it is rendered."""
    render_key: str | None = None
    """The page's key in the render cache; None when it cannot be cached (a compilation not from the cache)."""
    reused_later: RenderedPage | None = None
    """The entry stored for it when it was rendered (for its compilation's bundle)."""


class RenderCache:
    """The folder of rendered pages, for one build: what it found, what it stored."""

    def __init__(self, folder: Path, fingerprint: str, flavour: str):
        self.folder = folder
        self.fingerprint = fingerprint
        """Digest of what the whole site shares (see site_fingerprint)."""
        self.flavour = flavour
        """``hosted`` or ``offline``: the two builds remember their last fingerprints apart."""
        self.in_use: set[str] = set()
        self.reused = 0

    def key(self, parts: Iterable[str]) -> str:
        return digest([self.fingerprint, *parts])

    def load(self, key: str) -> RenderedPage | None:
        """The entry, or None when there is none or it cannot be read whole. A read marks it used."""
        self.in_use.add(key)
        page = read_pickle(self.folder / f"{key}.pickle", RenderedPage)
        html = self.folder / f"{key}.html"
        try:
            if page is None or html.stat().st_size != page.html_size:
                return None
            os.utime(html)  # used (see atomic.remove_unused)
        except OSError:
            return None
        page.html_file = html
        self.reused += 1
        return page

    def store(self, key: str, html: bytes, page: RenderedPage) -> RenderedPage:
        """Keep the page's HTML (as written to the site) and what goes with it; the HTML first, so that an entry
        whose pickle is there has its HTML too."""
        self.in_use.add(key)
        write_atomically(self.folder / f"{key}.html", html)
        page.html_size = len(html)
        write_atomically(self.folder / f"{key}.pickle", pickle.dumps(page, pickle.HIGHEST_PROTOCOL))
        return page

    def load_bundle(self, key: str) -> dict[str, tuple[str, RenderedPage]] | None:
        """The entries of a compilation's pages as store_bundle kept them under key: {source path: (page key,
        entry)}; None when there is no bundle or the HTML of one of its pages is gone or cut short (the pages are
        then looked up one by one). One file read for a compilation's pages, not one per page: at 300 compilations
        the per-page reads were a tenth of a rebuild."""
        bundle = read_pickle(self.folder / f"{key}{BUNDLE_SUFFIX}", dict)
        if bundle is None:
            return None
        self.in_use.add(key)
        day_ago = time.time() - 86400
        for page_key, page in bundle.values():
            html = self.folder / f"{page_key}.html"
            try:
                stat = html.stat()
                if stat.st_size != page.html_size:
                    return None
                if stat.st_mtime < day_ago:  # used (see atomic.remove_unused), which counts days
                    os.utime(html)
                    os.utime(self.folder / f"{page_key}.pickle")
            except OSError:
                return None
            page.html_file = html
        self.in_use.update(page_key for page_key, _ in bundle.values())
        self.reused += len(bundle)
        return bundle

    def store_bundle(self, key: str, pages: dict[str, tuple[str, RenderedPage]]) -> None:
        """Keep the entries of a compilation's pages, stored or loaded one by one, together under key."""
        self.in_use.add(key)
        kept = {src_uri: (page_key, replace(page, html_file=None)) for src_uri, (page_key, page) in pages.items()}
        write_atomically(self.folder / f"{key}{BUNDLE_SUFFIX}", pickle.dumps(kept, pickle.HIGHEST_PROTOCOL))

    def site_changed(self) -> bool:
        """Whether the site's fingerprint differs from this flavour's last build: then no page can be reused, which
        the build says, since it takes as long as the first."""
        try:
            return self._remembered.read_text() != self.fingerprint
        except OSError:
            return False  # a first build: nothing to compare with

    @property
    def _remembered(self) -> Path:
        return self.folder / f"last-{self.flavour}-site"

    def finish(self) -> None:
        """Remember this build's fingerprint; remove entries long unused (atomic.UNUSED_DAYS)."""
        write_atomically(self._remembered, self.fingerprint.encode())
        for suffix in (".pickle", ".html", BUNDLE_SUFFIX):
            remove_unused(self.folder, f"*{suffix}", {f"{key}{suffix}" for key in self.in_use})


def site_fingerprint(config, plugin_settings: dict, folders: Iterable[Path], files: Iterable[Path]) -> str:
    """Digest of what every page shares: the code and the rendering libraries, the files of ``folders`` (theme,
    page templates, hand-written pages) and ``files`` (mkdocs.yml), the settings of CONFIG_KEYS and the theme's as
    the build leaves them, and the plugin's. Settings holding objects that print their address (a slugify function
    in mdx_configs) change every run: the pages are then rendered every time, correct if slow."""
    parts = [code_version().hex(), *(f"{name} {metadata.version(name)}" for name in RENDERING_LIBRARIES)]
    parts += [_stable({key: config.get(key) for key in CONFIG_KEYS}), _stable(dict(config.theme.items())),
              _stable(sorted(config.theme.static_templates)), _stable(plugin_settings)]
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                parts += [path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()]
    for path in files:
        parts += [str(path), hashlib.sha256(path.read_bytes()).hexdigest()]
    return digest(parts)


def _stable(value) -> str:
    """repr with sets in sorted order: a set of strings iterates in a different order in every process."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_stable(k)}: {_stable(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_stable, value)) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(map(_stable, value))) + "}"
    return repr(value)
