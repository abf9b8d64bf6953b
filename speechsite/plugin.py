"""The MkDocs side: a small plugin that runs the pipeline inside ``mkdocs build`` and ``mkdocs serve``.

It only answers MkDocs events and delegates: compilations come from ``pipeline``, pages from ``write``. Pages are
virtual files, so nothing generated is ever written into ``docs/`` and a preview can never show stale pages.
"""

from __future__ import annotations

import glob
import logging
import os
import re
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import write_file

from .errors import InputError
from .fidelity import check_page
from .model import Compilation, Speech
from .overrides import override_path
from .pipeline import build_compilation, decision_report
from .reproducible import gzip_sitemap, source_date, source_date_epoch
from .search_index import index_files, search_index
from .template_cache import COMPILED_TEMPLATES, FOLDER as TEMPLATE_CACHE_FOLDER
from .theme import tune_theme
from .write import PageWriter, speech_path

log = logging.getLogger("mkdocs.plugins.speechsite")
NAV_SECTION_SIZE = 100
"""Speeches per navigation section: every page carries the navigation, so a long flat list would grow the site
with the square of the number of speeches."""
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
UNUSED_THEME_FILES = re.compile(r"assets/javascripts/(lunr/|workers/search\.)|\.map$")
"""Theme files no page loads when our engine answers the search box: Material's search worker and its lunr language
files (1 MB), and source maps (1.3 MB, for Material's developers). Left out, the offline zip is half the size."""


class SpeechSiteConfig(Config):
    seeds = config_options.Type((str, list), default="seeds/*.txt")
    """Glob patterns of compilation files, relative to mkdocs.yml: a list, or one string with os.pathsep between
    patterns (as the SPEECHSITE_SEEDS variable gives them)."""
    templates = config_options.Type(str, default="templates/pages")
    """Folder of the Jinja2 page templates, relative to mkdocs.yml."""
    verbatim = config_options.Type(bool, default=False)
    """Keep the source punctuation instead of full-width forms in Chinese text (see typography.py)."""
    offline = config_options.Type(bool, default=False)
    """Build the copy opened from disk: plain ``.html`` links, no site URL (so no canonical links and no sitemap),
    no 404 page. ``python build.py`` makes both builds."""
    search = config_options.Type(bool, default=True)
    """Answer Material's search box with our exact-text engine (false: Material's own engine, for comparison)."""


class SpeechSitePlugin(BasePlugin[SpeechSiteConfig]):
    def __init__(self):
        self.compilations: list[Compilation] = []
        self.prepared: list[Compilation] | None = None
        """Set by build.py, which runs the pipeline itself to report errors in one line; None under plain mkdocs."""
        self.project_dir = Path.cwd()
        self.speech_pages: dict[str, tuple[Compilation, Speech]] = {}
        """Source path of each speech page → its compilation and speech, for the check of the rendered text."""
        self.search_index: dict | None = None
        """Our search index, made with the pages in on_files and written in on_post_build."""

    def seed_paths(self) -> list[Path]:
        paths: list[Path] = []
        patterns = self.config.seeds.split(os.pathsep) if isinstance(self.config.seeds, str) else self.config.seeds
        for pattern in patterns:
            matches = sorted(glob.glob(str(self.project_dir / pattern)))
            paths.extend(Path(match) for match in matches) if glob.has_magic(pattern) else paths.append(
                self.project_dir / pattern)
        if not paths:
            raise PluginError(f"no compilation matches {', '.join(patterns)}; put a .txt file in seeds/")
        return paths

    @event_priority(100)  # before Material's search plugin, which makes an environment of the theme in its on_config
    def on_config(self, config):
        self.project_dir = Path(config.config_file_path).resolve().parent
        COMPILED_TEMPLATES.use_folder(self.project_dir / TEMPLATE_CACHE_FOLDER)
        tune_theme(config.theme)
        try:
            source_date_epoch()  # MkDocs reads it too, and would fail on a bad value with a traceback
        except InputError as error:
            raise PluginError(str(error)) from None
        if self.prepared is not None:
            self.compilations = self.prepared
        else:
            try:
                self.compilations = [_cached_compilation(path, self.config.verbatim) for path in self.seed_paths()]
            except InputError as error:
                raise PluginError(str(error)) from None
            for compilation in self.compilations:
                for line in decision_report(compilation):
                    log.info(line)
                for warning in compilation.warnings:
                    log.warning(warning)
        if len(self.compilations) == 1:
            config.site_name = escape(self.compilations[0].title)  # printed unescaped, like navigation titles
        else:
            for compilation, slug in zip(self.compilations, collection_slugs(self.compilations)):
                compilation.place_under(slug)
        if self.config.offline:
            config.use_directory_urls = False  # file:// shows folders, not their index.html
            config.site_url = None  # no canonical links to a host, and no sitemap (templates/theme/sitemap.xml)
            config.theme.static_templates.discard("404.html")  # disks have no "not found" page; its links are absolute
        if any(len(c.speeches_with_text) > NAV_SECTION_SIZE for c in self.compilations) or len(self.compilations) > 1:
            config.theme["features"].append("navigation.prune")  # only the open section's pages in each page's nav
        return config

    def on_files(self, files: Files, config) -> Files:
        if self.config.search:
            for unused in [file for file in files if UNUSED_THEME_FILES.search(file.src_uri)]:
                files.remove(unused)
        writer = PageWriter(self.project_dir / self.config.templates)
        pages = writer.render_site_pages(self.compilations, config.use_directory_urls)
        for compilation in self.compilations:
            pages.update(writer.render(compilation, config.use_directory_urls))
        for src_uri, content in pages.items():
            if files.get_file_from_path(src_uri):
                raise PluginError(f"docs/{src_uri} would be replaced by a generated page; rename or remove it")
            files.append(File.generated(config, src_uri, content=content))
        self.speech_pages = {speech_path(s): (c, s) for c in self.compilations for s in c.speeches_with_text}
        handwritten = [f.src_uri for f in files.documentation_pages() if f.src_uri not in pages]
        config.nav = site_nav(self.compilations, pages) + sorted(handwritten)
        if self.config.search:
            self.search_index = search_index(self.compilations, lambda uri: files.get_file_from_path(uri).url)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        if self.config.search:  # Material's search plugin need not index what our index replaces (nor run jieba)
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return markdown

    def on_post_page(self, output, page, config):
        speech = self.speech_pages.get(page.file.src_uri)
        if speech is not None:
            try:
                check_page(*speech, output)
            except InputError as error:
                raise PluginError(str(error)) from None
        return _name_search_dialog(output)

    def on_post_template(self, output_content, template_name, config):
        return _name_search_dialog(output_content)  # the 404 page

    def on_env(self, env, config, files):
        env.globals["source_date"] = source_date()  # templates/theme/sitemap.xml prints it as <lastmod>
        return env

    @event_priority(-50)  # after Material's search plugin: our index replaces the one it has just written
    def on_post_build(self, config):
        gzip_sitemap(Path(config.site_dir))
        if self.search_index is not None:
            # The hosted site is served over http, where only the JSON is read; the offline one also has the
            # scripts that file:// needs, and keeps the JSON for when it is put on a server after all.
            for path, content in index_files(self.search_index, scripts=self.config.offline).items():
                write_file(content.encode("utf-8"), str(Path(config.site_dir) / path))

    def on_serve(self, server, config, builder):
        for folder in sorted({path.parent for path in self.seed_paths()}):
            server.watch(str(folder))  # the seeds, and override files even when they are created while serving
        server.watch(str(self.project_dir / self.config.templates))
        server.watch(str(config.theme.custom_dir))  # MkDocs watches the theme only with --watch-theme
        return server


_COMPILATIONS: dict[tuple, Compilation] = {}
"""Compilations of this process by (seed, its override file, size and modification time, verbatim): a rebuild
while serving runs the pipeline again only for a seed or override file that changed, not for a template edit."""


def _cached_compilation(seed: Path, verbatim: bool) -> Compilation:
    def stamp(path: Path):
        return (path.stat().st_size, path.stat().st_mtime_ns) if path.exists() else None

    key = (seed.resolve(), stamp(seed), stamp(override_path(seed)), verbatim)
    if key not in _COMPILATIONS:
        for stale in [old for old in _COMPILATIONS if old[0] == key[0]]:
            del _COMPILATIONS[stale]  # keep only the current version of each seed
        _COMPILATIONS[key] = build_compilation(seed, verbatim)
    return _COMPILATIONS[key]


def site_nav(compilations: list[Compilation], pages: dict[str, str]) -> list:
    """One compilation: 目录, its speeches, back matter, 统计, 疑似缺损. Several: 首页, then a section of that shape
    for each collection. 标签 (all speeches) comes last."""
    if len(compilations) == 1:
        nav = compilation_nav(compilations[0], pages)
    else:
        nav = [{"首页": "index.md"}] + [{_nav_title(c.title): compilation_nav(c, pages)} for c in compilations]
    return nav + [{"标签": "tags.md"}]


def compilation_nav(compilation: Compilation, pages: dict[str, str]) -> list:
    """目录, the speeches (in sections of NAV_SECTION_SIZE when there are more), back matter, statistics, damage."""
    speeches = [{_nav_title(f"{s.number}. {s.title}"): speech_path(s)} for s in compilation.speeches_with_text]
    if len(speeches) > NAV_SECTION_SIZE:
        speeches = [{f"第{chunk[0]}–{chunk[-1]}篇": speeches[start:start + NAV_SECTION_SIZE]}
                    for start in range(0, len(speeches), NAV_SECTION_SIZE)
                    for chunk in [[s.number for s in compilation.speeches_with_text[start:start + NAV_SECTION_SIZE]]]]
    nav = [{"目录": compilation.page_path("index.md")}, {"讲话": speeches}]
    nav += [{_nav_title(section.title): compilation.page_path(f"{section.kind}.md")}
            for section in compilation.back_matter]
    nav += [{title: compilation.page_path(name)} for title, name in (("统计", "stats.md"), ("疑似缺损", "damage.md"))
            if compilation.page_path(name) in pages]
    return nav


def collection_slugs(compilations: list[Compilation]) -> list[str]:
    """A URL-safe, unique path segment per compilation, from its file name (``000_6daea8….txt`` → ``000-6daea8…``)."""
    slugs: list[str] = []
    for number, compilation in enumerate(compilations, start=1):
        slug = re.sub(r"[^a-z0-9]+", "-", compilation.source.stem.lower()).strip("-") or f"collection-{number}"
        slugs.append(slug if slug not in slugs else f"{slug}-{number}")
    return slugs


def _nav_title(title: str) -> Markup:
    """Navigation titles are printed unescaped by the theme, so they are escaped here; as Markup, so that the
    theme's own ``| e`` (in link labels) leaves them as they are instead of escaping them twice."""
    return escape(title)


def _name_search_dialog(html: str) -> str:
    """Material's search dialog has no accessible name (axe: aria-dialog-name); name it rather than fork the partial."""
    return html.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + ' aria-label="搜索">', 1)
