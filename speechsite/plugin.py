"""The MkDocs side: a small plugin that runs the pipeline inside ``mkdocs build`` and ``mkdocs serve``.

It only answers MkDocs events and delegates: compilations come from ``pipeline``, pages from ``write``, the site
folder's checks and staging from ``output_paths``. Pages are virtual files, so nothing generated is ever written
into ``docs/`` and a preview can never show stale pages. A compilation's pages are rendered by the plugin, a
compilation at a time, through MkDocs' own steps for a page, since MkDocs would hold every page's text until the build
ends (see on_nav and _render_compilations). Like ``python build.py``, plain ``mkdocs build`` and
``mkdocs serve`` build into a staging folder and swap it in only when the build succeeded, so a failed or killed
build leaves the previous site whole, and a preview server goes on serving it.
"""

from __future__ import annotations

import functools
import glob
import logging
import os
import re
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup, escape
# MkDocs' own two steps for one page (private names in 1.6, which requirements.txt pins): the plugin renders its pages
# exactly as MkDocs would, only not all at once.
from mkdocs.commands.build import _build_page as build_page, _populate_page as populate_page
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import MkDocsException, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.utils import CountHandler

from .atomic import remove_unused, unfreeze_cache
from .compilation_cache import FOLDER as COMPILATIONS_CACHE, prepared_compilations
from .downloads.site_files import (compilation_downloads, download_plan, missing_downloads, place_downloads,
                                   plan_entries, speech_download)
from .compact import without_indentation
from .errors import InputError
from .live_watch import watch_by_events
from .fidelity import check_page
from .file_store import (FOLDER as FILES_CACHE, identity as file_identity, place as place_file, postings_entries,
                         store_postings)
from .model import Compilation, Speech
from .output_paths import (check_site_dir, claim_frame, discard_frame, link_or_copy, remove_empty_frame_folders,
                           replace_site, stage)
from .parallel import ChildFailed, alongside, can_fork
from .overrides import override_path
from .pipeline import decision_report
from .precompress import FOLDER as COMPRESSED_CACHE, compress_ahead, precompress
from .render_cache import FOLDER as RENDER_CACHE, RenderCache, RenderedPage, ReusablePage, site_fingerprint
from .reproducible import gzip_sitemap, source_date, source_date_epoch
from .search_index import (POSTINGS_SUFFIX, Postings, index_file_items, is_split, keep_doc_json, make_postings,
                           postings_segments, search_index, text_keys, wait_for_postings)
from .site_url import checked_site_url
from .template_cache import COMPILED_TEMPLATES, FOLDER as TEMPLATE_CACHE_FOLDER
from .theme import tune_theme
from .write import TAG_LISTING_MARKER, TAGS_PAGE, PageWriter, page_url, speech_path, tag_anchor, tag_index

log = logging.getLogger("mkdocs.plugins.speechsite")
DOWNLOADS_CACHE = Path(".cache", "speechsite", "downloads")
"""Relative to the project folder: the Word and EPUB files, by content (see downloads/site_files.py)."""
POSTINGS_CACHE = Path(".cache", "speechsite", "postings")
"""Relative to the project folder: a large search index's postings, by the docs' texts (see search_index.py)."""
NAV_SECTION_SIZE = 100
"""Speeches per navigation section: every page carries the navigation, so a long flat list would grow the site
with the square of the number of speeches."""


class TagLink(NamedTuple):
    """A tag as Material's partials/tags.html prints it: its name, linked to its place on the tags page."""
    name: str
    url: str
    hidden: bool = False


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
    hosted_url = config_options.Optional(config_options.Type(str))
    """The hosted site's address, for the offline build: copied paragraphs and the Word files cite it, although that
    build has no site URL of its own (default: site_url, before the offline build drops it)."""
    downloads = config_options.Type(bool, default=True)
    """Write the Word and EPUB files into the site (false: python build.py's hosted build, which takes the offline
    build's, made meanwhile in the forked child; see downloads/site_files.py)."""
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
        self.hosted_url: str | None = None
        """Where the hosted site lives, if known: cited by copied paragraphs and the Word files in both builds."""
        self.serving = False
        """Set under mkdocs serve: a preview skips the precompressed copies a host would use."""
        self.site_dir: Path | None = None
        """The site folder this build replaces once it has succeeded; None when build.py stages its outputs itself."""
        self.staging = ExitStack()
        """Holds the staging folder the site is built in, from on_config until the build ends either way."""
        self.frame_folders: list[str] = []
        """The folders the staged site was given from a site it replaced (output_paths.claim_frame)."""
        self.known_files: dict[str, str] = {}
        """Site-relative path → the cache entry name that decides its bytes, of the files a build placed from its
        caches (set at its end): the offline zip takes their deflated bytes by that name (zip_folder)."""
        self.downloads_child = ExitStack()
        """Holds the child process making the missing downloads, from on_files until on_post_build."""
        self.postings_child = ExitStack()
        """Holds the child process making a large search index's postings under plain mkdocs, from on_config until
        on_post_build (python build.py runs its own, for both builds)."""
        self.postings_segments: list | None = None
        """The postings' segments that child makes, for writing the index (search_index.postings_segments)."""
        self.download_plans: list = []
        """Each compilation's downloads (downloads/site_files.py), planned once per build in on_files."""
        self.writer: PageWriter | None = None
        self.compilation_of: dict[str, Compilation] = {}
        """Source path of each generated page of a compilation → the compilation."""
        self.render_cache: RenderCache | None = None
        self.compilation_files: list[File] = []
        """The File of each generated page of a compilation."""
        self.compilation_metas: dict[int, tuple] = {}
        """What page_meta gives every page of a compilation, by the compilation's id (see _compilation_meta)."""
        self.nav: Navigation | None = None
        self.pages_to_render: dict[int, tuple[Compilation, list[ReusablePage]]] = {}
        """The pages the render cache lacks, by their compilation's id: rendered in on_env (_render_compilations)."""

    def seed_paths(self) -> list[Path]:
        paths: list[Path] = []
        patterns = self._seed_patterns()
        for pattern in patterns:
            literal = self.project_dir / pattern
            if literal.exists() or not glob.has_magic(pattern):  # a seed named glob[1].txt is itself, not glob1.txt
                paths.append(literal)
            else:
                matches = sorted(glob.glob(pattern, root_dir=self.project_dir))  # [ ] in the folder are no pattern
                paths.extend(self.project_dir / match for match in matches)
        if not paths:
            raise PluginError(f"no compilation matches {', '.join(patterns)}; put a .txt file in seeds/")
        return paths

    def _seed_patterns(self) -> list[str]:
        """The seeds option as a list. One string is split at os.pathsep, except that a piece naming nothing is
        joined with the pieces after it that make up a file name with a colon (``seeds/a:b.txt``)."""
        if not isinstance(self.config.seeds, str):
            return self.config.seeds
        pieces, patterns = self.config.seeds.split(os.pathsep), []
        while pieces:
            taken = 1 if self._names_something(pieces[0]) else next(
                (n for n in range(2, len(pieces) + 1) if self._names_something(os.pathsep.join(pieces[:n]))), 1)
            patterns.append(os.pathsep.join(pieces[:taken]))
            del pieces[:taken]
        return patterns

    def _names_something(self, pattern: str) -> bool:
        return (self.project_dir / pattern).exists() or bool(glob.glob(pattern, root_dir=self.project_dir))

    def on_startup(self, command, dirty):
        self.serving = command == "serve"

    @event_priority(100)  # before Material's search plugin, which makes an environment of the theme in its on_config
    def on_config(self, config):
        if self.serving:
            unfreeze_cache()  # the last build's objects, now garbage or not
        keep_doc_json(self.serving)
        self.project_dir = Path(config.config_file_path).resolve().parent
        COMPILED_TEMPLATES.use_folder(self.project_dir / TEMPLATE_CACHE_FOLDER)
        tune_theme(config.theme)
        # Given by build.py for this one build: MkDocs keeps a plugin with an on_startup from one build of a process
        # to the next, and a later build of the same process (a test's) must not take the last one's compilations.
        prepared, self.prepared, self.site_dir = self.prepared, None, None
        try:
            source_date_epoch()  # MkDocs reads it too, and would fail on a bad value with a traceback
            if prepared is None:  # python build.py checks its site URL and stages its outputs itself
                config.site_url = checked_site_url(config.site_url, "site_url (mkdocs.yml or $SITE_URL)")
                self.site_dir = Path(config.site_dir)
                check_site_dir(self.project_dir, self.seed_paths(), self.site_dir)  # before anything is read
                config.site_dir = str(stage(self.site_dir, self.staging))
        except InputError as error:
            raise PluginError(str(error)) from None
        if prepared is not None:
            self.compilations = prepared
        else:
            try:
                loaded = [_cached_compilation(path, self.config.verbatim, self.project_dir / COMPILATIONS_CACHE)
                          for path in self.seed_paths()]
            except InputError as error:
                raise PluginError(str(error)) from None
            self.compilations = [compilation for compilation, _ in loaded]
            for compilation, read_now in loaded:
                # A preview's rebuild reports the compilations it read again (an edited seed or override file), not
                # every compilation of an archive at each save: thousands of lines, all said before.
                if read_now or not self.serving:
                    for line in decision_report(compilation):
                        log.info(line)
                for warning in compilation.warnings:
                    log.warning(warning)
            if self.config.search and can_fork():  # python build.py starts this itself, before its two builds
                self.postings_child.enter_context(alongside(
                    lambda: search_postings_ahead(self.compilations, self.project_dir, scripts=(self.config.offline,),
                                                  compressed=not (self.serving or self.config.offline)),
                    _child_error("the search index")))
        self.hosted_url = self.config.hosted_url or config.site_url
        if len(self.compilations) == 1:
            config.site_name = escape(self.compilations[0].title)  # printed unescaped, like navigation titles
        else:
            for compilation, slug in zip(self.compilations, collection_slugs(self.compilations)):
                compilation.place_under(slug)
        config.site_description = config.site_description or escape(site_description(self.compilations))
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
        self.frame_folders = claim_frame(Path(config.site_dir))  # MkDocs has emptied the folder; nothing is written
        self.writer = PageWriter(self.project_dir / self.config.templates)
        self.compilation_metas = {}
        tags = tag_index(self.compilations)
        site_pages = self.writer.render_site_pages(self.compilations, tags, config.use_directory_urls)
        self.tag_listings = self.writer.tag_listings(tags, config.use_directory_urls)
        self.compilation_of = {path: c for c in self.compilations for path in self.writer.page_paths(c)}
        _LINKS_TO_OWN_PAGES.pages = self.compilation_of
        logging.getLogger("mkdocs.structure.pages").addFilter(_LINKS_TO_OWN_PAGES)  # once: a filter is added once
        for src_uri in [*site_pages, *self.compilation_of]:
            if src_uri in files.src_uris:
                raise PluginError(f"docs/{src_uri} would be replaced by a generated page; rename or remove it")
            # A compilation's pages get their Markdown in on_nav, once it is known which the render cache holds.
            files.append(File.generated(config, src_uri, content=site_pages.get(src_uri, "")))
        self.speech_pages = {speech_path(s): (c, s) for c in self.compilations for s in c.speeches_with_text}
        self.tags_url = files.src_uris[TAGS_PAGE].url
        generated = {*site_pages, *self.compilation_of}
        handwritten = [f.src_uri for f in files.documentation_pages() if f.src_uri not in generated]
        config.nav = site_nav(self.compilations, generated) + sorted(handwritten)
        titles = nav_titles(config.nav)
        for src_uri in self.compilation_of:  # MkDocs' navigation takes these pages as they are
            ReusablePage(titles[src_uri], files.src_uris[src_uri], config)
        self.compilation_files = [files.src_uris[src_uri] for src_uri in self.compilation_of]
        if self.config.search:
            self.search_index = search_index(self.compilations, lambda uri: files.src_uris[uri].url)
        self._plan_postings()
        self._start_downloads()
        return files

    def _plan_postings(self) -> None:
        """The segments of a large search index's postings, which a child process is making meanwhile (started by
        python build.py or in on_config: search_postings_ahead; on one core, where nothing is forked, _finish_site
        makes the missing ones as it reads them); _finish_site waits for them and reads them from the cache."""
        self.postings_segments = None
        if self.search_index is not None and is_split(self.search_index):
            segments = postings_segments(self.search_index["docs"], self.project_dir / POSTINGS_CACHE,
                                         keys=text_keys(self.compilations))
            entries = {postings.entry.name for postings in segments}
            remove_unused(self.project_dir / POSTINGS_CACHE, f"*{POSTINGS_SUFFIX}", entries)
            remove_unused(self.project_dir / POSTINGS_CACHE, "*.lock", {Path(name).with_suffix(".lock").name
                                                                         for name in entries})
            self.postings_segments = segments

    def _start_downloads(self) -> None:
        """Make the Word and EPUB files the cache lacks in a child process while this one renders (an edited
        compilation's cost as much as rendering its pages); _finish_site waits for them and puts them in place."""
        self.downloads_child = ExitStack()
        self.download_plans = [download_plan(compilation, self.hosted_url, self.project_dir / DOWNLOADS_CACHE)
                               for compilation in self.compilations] if self.config.downloads else []
        if self.download_plans:
            remove_unused(self.project_dir / DOWNLOADS_CACHE, "*.*",
                          plan_entries(self.download_plans, self.compilations, self.hosted_url))
        missing = missing_downloads(self.download_plans)
        if missing:
            self.downloads_child.enter_context(alongside(lambda: [make() for make in missing],
                                                          _child_error("the Word and EPUB files")))

    def on_nav(self, nav, config, files):
        """Take from the render cache the pages whose inputs are unchanged, and leave every page of a compilation out
        of MkDocs' reading and rendering: MkDocs holds the Markdown and HTML of every page it renders until the build
        ends (70 kB a page, gigabytes for an archive), so the plugin renders them itself, a compilation at a time
        (_render_compilations), and links the reused ones into the site (_finish_site)."""
        settings = {name: value for name, value in self.config.items() if name != "seeds"}  # seeds: in each key
        fingerprint = site_fingerprint(config, settings, [Path(config.theme.custom_dir),
                                                          self.project_dir / self.config.templates,
                                                          Path(config.docs_dir)], [Path(config.config_file_path)])
        self.render_cache = RenderCache(self.project_dir / RENDER_CACHE, fingerprint,
                                        "offline" if self.config.offline else "hosted")
        self.nav, self.pages_to_render, self._shown_navs, self.bundles_to_store = nav, {}, {}, []
        pages_of: dict[int, tuple[Compilation, list[ReusablePage]]] = {}
        for page in nav.pages:
            compilation = self.compilation_of.get(page.file.src_uri)
            if compilation is not None:
                pages_of.setdefault(id(compilation), (compilation, []))[1].append(page)
        for compilation, pages in pages_of.values():
            if compilation.cache_key:
                self._look_up_pages(nav, compilation, pages)
            rendering = [page for page in pages if page.reused is None]
            if rendering:
                self.pages_to_render[id(compilation)] = (compilation, rendering)
        front_matters = {path: front_matter for compilation, _ in self.pages_to_render.values()
                         for path, front_matter in self.writer.front_matters(compilation).items()}
        for src_uri in self.compilation_of:
            page = files.src_uris[src_uri].page
            self._leave_to_plugin(page, page.reused.front_matter if page.reused else
                                  front_matters.get(src_uri, {}))
        return nav

    def _look_up_pages(self, nav: Navigation, compilation: Compilation, pages: list[ReusablePage]) -> None:
        """Give each page its render key and the cache's entry for it (``reused``), if any: all together from the
        compilation's bundle when there is one for what decides the keys, else one by one (a bundle is then stored
        when the build ends, see _finish_site)."""
        shown_nav = repr(nav_outline(self._shown_nav(nav, pages[0]).items))  # the same for each of its pages
        places = [(page.file.src_uri, page.url, page.title,
                   repr([(p.title, p.url) if p else None for p in (page.previous_page, page.next_page)]))
                  for page in pages]
        bundle_key = self.render_cache.key([compilation.cache_key, shown_nav, repr(places)])
        bundle = self.render_cache.load_bundle(bundle_key)
        if bundle is not None and bundle.keys() == {page.file.src_uri for page in pages}:
            for page in pages:
                page.render_key, page.reused = bundle[page.file.src_uri]
            return
        for page, (src_uri, url, title, neighbours) in zip(pages, places):
            page.render_key = self.render_cache.key([compilation.cache_key, src_uri, url, title, shown_nav,
                                                     neighbours, repr(sorted(self.page_meta(page).items()))])
            page.reused = self.render_cache.load(page.render_key)
        self.bundles_to_store.append((bundle_key, pages))

    @staticmethod
    def _leave_to_plugin(page: ReusablePage, front_matter: dict) -> None:
        """Leave the page out of MkDocs' reading and rendering, but not out of the navigation, which MkDocs has made
        already. Its front matter is its meta, as MkDocs would have read it."""
        page.meta = dict(front_matter)
        page.file.inclusion = InclusionLevel.EXCLUDED

    @event_priority(-100)  # last: the other plugins have prepared the environment
    def _render_compilations(self, env, config, files):
        """Render the pages the render cache lacks, one compilation at a time, as MkDocs renders a page (the same
        events, in the same order), keeping of each only its anchors, which MkDocs checks links against; then check
        their own links to anchors, as MkDocs does for the pages it renders. While they render they are part of the
        site again, so that links between them are plain links."""
        rendering = [page for _, pages in self.pages_to_render.values() for page in pages]
        for page in rendering:
            page.file.inclusion = InclusionLevel.INCLUDED
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        for compilation, pages in self.pages_to_render.values():
            markdown = self.writer.render(compilation, config.use_directory_urls)
            for page in pages:
                page.file.content_string = markdown.pop(page.file.src_uri)
                populate_page(page, config, files)
                build_page(page, config, doc_files, self.nav, env)
                page.file.content_string, page.markdown, page.content, page.toc = "", None, None, []
        for page in rendering:
            page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
            page.file.inclusion = InclusionLevel.EXCLUDED  # written: MkDocs must not render it again
        return env

    def on_page_markdown(self, markdown, page, config, files):
        if isinstance(page, ReusablePage) and page.reused is None:
            page.front_matter = dict(page.meta)  # before plugins add to it: what the render cache keeps
        if self.config.search:  # Material's search plugin need not index what our index replaces (nor run jieba)
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return markdown

    def on_page_content(self, html, page, config, files):
        if page.file.src_uri == TAGS_PAGE:
            return TAG_LISTING_MARKER.sub(lambda marker: self.tag_listings[marker[0]], html)
        return html

    def on_page_context(self, context, page, config, nav):
        """What main.html prints beyond Material: the download links, and on a speech page what a copy cites, and its
        tags (Material's partials/tags.html shows them, linked to the tags page); on a site of several compilations,
        a navigation of the page's own compilation only."""
        context["nav"] = self._shown_nav(nav, page)
        if page.file.src_uri in self.speech_pages:  # the tags page lists speeches only, by their analysis
            context["tags"] = [TagLink(tag, f"{self.tags_url}#{tag_anchor(tag)}") for tag in page.meta.get("tags", ())]
        page.meta.update(self.page_meta(page))
        return context

    def _shown_nav(self, nav: Navigation, page) -> Navigation:
        """The navigation the page shows: on a site of several compilations its own compilation's
        (own_compilation_nav), made once per compilation, since each is a pass over every compilation's section."""
        if len(self.compilations) == 1:
            return nav
        own = page.ancestors[-1] if page.ancestors else None
        if id(own) not in self._shown_navs:
            self._shown_navs[id(own)] = own_compilation_nav(nav, page)
        return self._shown_navs[id(own)]

    def page_meta(self, page) -> dict:
        """What main.html prints of a compilation's page beyond its Markdown: the download links; on a speech page
        what a copy cites; on its other pages a description of the compilation, not of the whole site."""
        compilation = self.compilation_of.get(page.file.src_uri)
        if compilation is None:
            return {}
        speech = self.speech_pages.get(page.file.src_uri)
        description, whole = self._compilation_meta(compilation)
        meta = {} if speech else {"description": description}
        if speech or page.file.src_uri == compilation.page_path("index.md"):
            meta["downloads"] = list(whole)
        if speech:
            own = speech_download(speech[1])
            meta["downloads"].insert(0, {"href": own.href, "name": own.name, "label": "本篇 Word"})
            meta.update(speech=speech[1].number, speech_title=speech[1].title, compilation=compilation.title)
            if self.hosted_url and not page.canonical_url:
                meta["hosted_page"] = hosted_page_url(self.hosted_url, page.file.src_uri)
        return meta

    def _compilation_meta(self, compilation: Compilation) -> tuple[str, tuple[dict, ...]]:
        """A compilation's description and the links to its whole downloads, shared by all its pages."""
        if id(compilation) not in self.compilation_metas:
            whole = compilation_downloads(compilation)
            self.compilation_metas[id(compilation)] = escape(site_description([compilation])), tuple(
                {"href": d.href, "name": d.name, "label": label}
                for d, label in ((whole["docx"], "全书 Word"), (whole["epub"], "全书 EPUB")))
        return self.compilation_metas[id(compilation)]

    def _check_page(self, output, page, config):
        speech = self.speech_pages.get(page.file.src_uri)
        if speech is not None:
            try:
                check_page(*speech, output)
            except InputError as error:
                raise PluginError(str(error)) from None
        return without_indentation(_name_search_dialog(output))

    @event_priority(-100)  # last: the page as it is written
    def _keep_rendered_page(self, output, page, config):
        if getattr(page, "render_key", None):
            page.reused_later = self.render_cache.store(  # the page's entry for its compilation's bundle
                page.render_key, output.encode("utf-8", errors="xmlcharrefreplace"),  # as MkDocs writes it
                RenderedPage(page.front_matter, set(page.present_anchor_ids or ())))
        return output

    on_post_page = CombinedEvent(_check_page, _keep_rendered_page)

    def on_post_template(self, output_content, template_name, config):
        return without_indentation(_name_search_dialog(output_content))  # the 404 page

    def _prepare_env(self, env, config, files):
        env.globals["source_date"] = source_date()  # templates/theme/sitemap.xml prints it as <lastmod>
        env.filters["palette_on_demand"] = palette_on_demand
        return env

    on_env = CombinedEvent(_prepare_env, _render_compilations)

    @event_priority(-50)  # after Material's search plugin: our index replaces the one it has just written
    def _finish_site(self, config):
        site_dir = Path(config.site_dir)
        gzip_sitemap(site_dir)
        # The pages first, while the children may still be at work: at 300 compilations, after an edit, their 6,600
        # folders and links took the second the build then spent waiting for the changed segment's postings.
        reused = [file for file in self.compilation_files if file.page.reused is not None]
        for folder in {os.path.dirname(file.abs_dest_path) for file in reused}:  # once each, not once per page
            os.makedirs(folder, exist_ok=True)
        for file in reused:
            link_or_copy(file.page.reused.html_file, file.abs_dest_path)
        # Files whose bytes a cache entry's name decides, by that name: precompress and the offline zip take their
        # compressed forms from their caches without reading them.
        known: dict[Path, str] = {Path(file.abs_dest_path): f"page {file.page.render_key}"
                                  for file in self.compilation_files
                                  if file.page.render_key}  # reused, or rendered now and stored as MkDocs wrote it
        # The postings' child first in python build.py's builds: on two cores, beside the other build, work done
        # here while that child is still at it (placing the shards, the downloads) slowed it more than it gained,
        # and an edited archive's build waits for it. A preview's process has the other core to itself: it places
        # what it can meanwhile, and waits for the postings when it comes to them.
        def postings_ready() -> None:
            _closing(self.postings_child)
            wait_for_postings(self.postings_segments or [])  # python build.py's child may be making them

        _closing(self.downloads_child)
        if not self.serving:
            postings_ready()
        for plan in self.download_plans:
            known.update({target: f"download {entry.name}" for target, entry in place_downloads(plan, site_dir)})
        if self.search_index is not None:
            # The hosted site's worker fetches JSON (the shards gzipped); the offline one has scripts for file://
            # (and the head as JSON too, which Material's bundle fetches if the site is put on a server after all).
            # Each file is a link to the file store's copy, written only when new.
            folders, store = set(), self.project_dir / FILES_CACHE
            for path, content in index_file_items(self.search_index, scripts=self.config.offline,
                                                  cache_dir=self.project_dir / POSTINGS_CACHE,
                                                  segments=self.postings_segments,  # one at a time: 300 MB at 19k
                                                  postings_entries=functools.partial(postings_entries, folder=store),
                                                  ready=postings_ready):
                target = site_dir / path
                if target.parent not in folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(target.parent)
                if isinstance(content, Path):  # a postings file, stored already
                    link_or_copy(content, target)
                    known[target] = file_identity(content)
                else:
                    known[target] = file_identity(place_file(path, content, target, store))
            remove_unused(self.project_dir / FILES_CACHE, "*.*", set())
        postings_ready()  # done already, unless there is no index (a failure of its child is this build's too)
        if not (self.config.offline or self.serving):
            precompress(site_dir, self.project_dir / COMPRESSED_CACHE, known)  # last: every text file is written
        prefix = len(str(site_dir)) + 1  # every path is site_dir / something: Path.relative_to took a quarter second
        self.known_files = {str(path)[prefix:].replace(os.sep, "/"): name for path, name in known.items()}
        if self.render_cache is not None:
            for bundle_key, pages in self.bundles_to_store:
                entries = {page.file.src_uri: (page.render_key, page.reused or page.reused_later) for page in pages}
                if all(entry for _, entry in entries.values()):
                    self.render_cache.store_bundle(bundle_key, entries)
            log.info("%s site: %d pages rendered, %d from the cache", self.render_cache.flavour,
                     len(self.compilation_of) - self.render_cache.reused, self.render_cache.reused)
            if not self.render_cache.reused and self.render_cache.site_changed():
                log.info("%s site: the code, theme, templates or settings changed since the last build, so every "
                         "page was rendered", self.render_cache.flavour)
            self.render_cache.finish()

    @event_priority(-100)  # last: every plugin has written its files into the staged site
    def _put_site_in_place(self, config):
        remove_empty_frame_folders(Path(config.site_dir), self.frame_folders)
        if self.site_dir is None or _strict_build_will_fail(config):  # on_build_error then discards the staged site
            return
        replace_site(Path(config.site_dir), self.site_dir)
        config.site_dir = str(self.site_dir)  # for what follows the build: mkdocs gh-deploy pushes this folder
        self.staging.close()

    on_post_build = CombinedEvent(_finish_site, _put_site_in_place)

    def on_build_error(self, error):
        self.downloads_child.__exit__(type(error), error, error.__traceback__)  # stopped: it would write on
        self.postings_child.__exit__(type(error), error, error.__traceback__)
        self.staging.close()  # the staged site goes; the previous one was never touched

    def on_shutdown(self):
        """The preview's site is a temporary folder, which MkDocs removes as it stops: so goes its folder frame."""
        if self.serving and self.site_dir is not None:
            discard_frame(self.site_dir)

    def on_serve(self, server, config, builder):
        # the seeds' folders (override files too, even when they are created while serving), the page templates and
        # the theme, which MkDocs watches only with --watch-theme
        ours = [*sorted({str(path.parent) for path in self.seed_paths()}),
                str(self.project_dir / self.config.templates), str(config.theme.custom_dir)]
        watch_by_events(server, ours)
        for path in ours:
            server.watch(path)
        server.builder = _reporting_failures(builder)
        return server


_COMPILATIONS: dict[tuple, Compilation] = {}
"""Compilations of this process by (seed, its override file, size and modification time, verbatim): a rebuild
while serving reads again only a seed or override file that changed, not after a template edit, and splits it again
only if its content is new to the compilation cache."""


def _cached_compilation(seed: Path, verbatim: bool, cache_folder: Path) -> tuple[Compilation, bool]:
    """The seed's compilation, and whether it was read now (else this process had it already)."""
    def stamp(path: Path):  # os.path.exists: a name too long to exist is absent, not an error
        return (path.stat().st_size, path.stat().st_mtime_ns) if os.path.exists(path) else None

    key = (seed.resolve(), stamp(seed), stamp(override_path(seed)), verbatim)
    if key in _COMPILATIONS:
        return _COMPILATIONS[key], False
    for stale in [old for old in _COMPILATIONS if old[0] == key[0]]:
        del _COMPILATIONS[stale]  # keep only the current version of each seed
    _COMPILATIONS[key] = prepared_compilations([seed], verbatim, cache_folder)[0].compilation
    return _COMPILATIONS[key], True


def search_postings_ahead(compilations: list[Compilation], project_dir: Path, scripts: tuple[bool, ...] = (False, True),
                          compressed: bool = True) -> None:
    """Make the postings of the compilations' search index into the cache, the segments a site's build plans
    (_plan_postings), as soon as the compilations are loaded: in a child process, while the build gets as far as the
    index (a second and more at a hundred compilations); the build waits for them (wait_for_postings). The postings
    depend on the docs' texts only, not on where the pages are. ``scripts`` and ``compressed``: see _store_postings
    (by default, for both sites of python build.py)."""
    index = search_index(compilations, lambda src_uri: src_uri)
    if is_split(index):
        make_postings(postings_segments(index["docs"], project_dir / POSTINGS_CACHE, keys=text_keys(compilations)),
                      functools.partial(_store_postings, project_dir / FILES_CACHE,
                                        project_dir / COMPRESSED_CACHE if compressed else None, scripts))


def _store_postings(folder: Path, compressed: Path | None, forms: tuple[bool, ...], segment: int,
                    postings: Postings) -> None:
    """Store new postings files in the file store in the forms the sites being built hold (``forms``: False for the
    hosted site's JSON, True for the offline site's scripts), with the JSON's compressed copies in ``compressed``
    (precompress's cache; None for a preview, which has none): _finish_site and precompress then only link them."""
    def compress(content: str, entry: Path) -> None:  # under the name _finish_site gives precompress
        compress_ahead(content.encode("utf-8"), compressed, file_identity(entry))

    for scripts in forms:
        store_postings(segment, postings, scripts, folder, None if scripts or compressed is None else compress)


class _LinksToOwnPages(logging.Filter):
    """Drops MkDocs' note that a page links to a page "excluded from the built site" when that page is one of the
    plugin's (``pages``): they are left out of MkDocs' rendering only to be rendered by the plugin, and are in the
    site (see on_nav). An archive's home page would otherwise print a line per compilation at every build."""

    NOTE = re.compile(r"Doc file '.*' contains a link to '(.*)' which is excluded from the built site\.")

    def __init__(self):
        super().__init__()
        self.pages: dict | set = set()

    def filter(self, record: logging.LogRecord) -> bool:
        note = self.NOTE.fullmatch(record.getMessage())
        return note is None or note[1] not in self.pages


_LINKS_TO_OWN_PAGES = _LinksToOwnPages()


def _closing(child: ExitStack) -> None:
    """Wait for the child process of the stack (if any) to end; its failure is the build's error, in its one line."""
    try:
        child.close()
    except ChildFailed as error:
        raise PluginError(str(error)) from None


def _child_error(work: str):
    """What turns a failure of the work in a child process (the downloads, the postings) into its one line."""
    def line(error: BaseException) -> str:
        if isinstance(error, (InputError, OSError)):
            return f"making {work} failed: {error}"
        return f"making {work} failed: {type(error).__name__}: {error} (a bug; please report it)"
    return line


def _strict_build_will_fail(config) -> bool:
    """MkDocs aborts a strict build for the warnings it counted only after on_post_build; count them here too."""
    return config.strict and any(isinstance(handler, CountHandler) and handler.get_counts()
                                 for handler in logging.getLogger("mkdocs").handlers)


def _reporting_failures(rebuild):
    """The preview server's rebuild, failing in one line: MkDocs' own prints a traceback and then holds every request
    until a rebuild succeeds. A failed build leaves the served site as it was, so the server can go on serving it."""
    def rebuild_or_report(config=None):
        try:
            rebuild(config)
        except Exception as error:  # noqa: BLE001 - a preview outlives any failed rebuild, and the next edit retries
            # MkDocs has logged the error of its own exceptions (a plugin's, a configuration's) on the line before.
            cause = "" if isinstance(error, MkDocsException) else f": {type(error).__name__}: {error}"
            log.error("the rebuild failed%s; still serving the last good site", cause)
            log.debug("the failed rebuild", exc_info=True)  # mkdocs serve -v shows the traceback
    return rebuild_or_report


PALETTE_LINK = re.compile(r'(<link rel="stylesheet" href="[^"]*assets/stylesheets/palette\.[0-9a-f]+\.min\.css")>')


def palette_on_demand(styles: str) -> Markup:
    """Material's stylesheet links with its palette stylesheet made conditional on a dark system, named so that
    main.html's script can switch it on (the file's name carries a hash, hence the pattern)."""
    return Markup(PALETTE_LINK.sub(r'\1 media="(prefers-color-scheme: dark)" id="__palette">', styles))


def site_description(compilations: list[Compilation]) -> str:
    """The meta description of pages without their own (home, statistics, tags): what the site holds."""
    speeches = sum(len(c.speeches) for c in compilations)
    with_text = sum(c.speeches_with_text_count for c in compilations)
    if len(compilations) == 1:
        return f"《{compilations[0].title}》：目录共{speeches}篇，{with_text}篇有正文，可全文检索、复制引用、下载 Word 与 EPUB。"
    return f"{len(compilations)}部讲话汇编：目录共{speeches}篇，{with_text}篇有正文，可全文检索、复制引用、下载 Word 与 EPUB。"


def hosted_page_url(hosted_url: str, src_uri: str) -> str:
    """The hosted address of a page, as the hosted build (with directory URLs) serves it."""
    return hosted_url.rstrip("/") + "/" + page_url("index.md", src_uri, True).removeprefix("./")


def site_nav(compilations: list[Compilation], pages: dict[str, str]) -> list:
    """One compilation: 目录, its speeches, back matter, 统计, 疑似缺损. Several: 首页, then a section of that shape
    for each collection. 标签 (all speeches) comes last."""
    if len(compilations) == 1:
        nav = compilation_nav(compilations[0], pages)
    else:
        nav = [{"首页": "index.md"}] + [{_nav_title(c.title): compilation_nav(c, pages)} for c in compilations]
    return nav + [{"标签": TAGS_PAGE}]


def nav_titles(nav: list) -> dict[str, str]:
    """Source path → title of every page named in a navigation given as mkdocs.yml's ``nav`` is."""
    titles = {}
    for entry in nav:
        for title, value in entry.items() if isinstance(entry, dict) else ():
            titles.update(nav_titles(value) if isinstance(value, list) else {value: title})
    return titles


def nav_outline(items) -> list:
    """What a page's navigation shows of ``items``: titles, addresses and sections, for the render cache's key."""
    return [(type(item).__name__, item.title, getattr(item, "url", None),
             nav_outline(item.children) if item.is_section else None) for item in items]


def own_compilation_nav(nav: Navigation, page) -> Navigation:
    """The site's navigation as one page shows it: the pages outside any compilation (首页, 标签) and the section of
    the page's own compilation, never the list of all compilations, which would make every page grow with the
    archive (the home page lists them). The items are the site's own objects, so links and states are unchanged."""
    own = page.ancestors[-1] if page.ancestors else None
    return Navigation([item for item in nav.items if not item.is_section or item is own], nav.pages)


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
