"""The MkDocs side: a small plugin that runs the pipeline inside ``mkdocs build`` and ``mkdocs serve``.

It only answers MkDocs events and delegates: compilations come from ``pipeline``, pages from ``write``. Pages are
virtual files, so nothing generated is ever written into ``docs/`` and a preview can never show stale pages.
"""

from __future__ import annotations

import glob
import logging
from pathlib import Path

from markupsafe import escape
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .errors import InputError
from .model import Compilation
from .overrides import override_path
from .pipeline import build_compilation, decision_report
from .write import PageWriter, speech_path

log = logging.getLogger("mkdocs.plugins.speechsite")


class SpeechSiteConfig(Config):
    seeds = config_options.ListOfItems(config_options.Type(str), default=["seeds/*.txt"])
    """Glob patterns of compilation files, relative to mkdocs.yml."""
    templates = config_options.Type(str, default="templates/pages")
    """Folder of the Jinja2 page templates, relative to mkdocs.yml."""
    verbatim = config_options.Type(bool, default=False)
    """Keep the source punctuation instead of full-width forms in Chinese text (see typography.py)."""


class SpeechSitePlugin(BasePlugin[SpeechSiteConfig]):
    def __init__(self):
        self.compilations: list[Compilation] = []
        self.prepared: list[Compilation] | None = None
        """Set by build.py, which runs the pipeline itself to report errors in one line; None under plain mkdocs."""
        self.project_dir = Path.cwd()

    def seed_paths(self) -> list[Path]:
        paths: list[Path] = []
        for pattern in self.config.seeds:
            matches = sorted(glob.glob(str(self.project_dir / pattern)))
            paths.extend(Path(match) for match in matches) if glob.has_magic(pattern) else paths.append(
                self.project_dir / pattern)
        if not paths:
            raise PluginError(f"no compilation matches {', '.join(self.config.seeds)}; put a .txt file in seeds/")
        return paths

    def on_config(self, config):
        self.project_dir = Path(config.config_file_path).resolve().parent
        if self.prepared is not None:
            self.compilations = self.prepared
        else:
            try:
                self.compilations = [build_compilation(path, self.config.verbatim) for path in self.seed_paths()]
            except InputError as error:
                raise PluginError(str(error)) from None
            for compilation in self.compilations:
                for line in decision_report(compilation):
                    log.info(line)
                for warning in compilation.warnings:
                    log.warning(warning)
        first = self.compilations[0]
        config.site_name = first.title
        nav_speeches = [{_nav_title(f"{s.number}. {s.title}"): speech_path(s)} for s in first.speeches_with_text]
        config.nav = [{"目录": "index.md"}, {"讲话": nav_speeches}]
        return config

    def on_files(self, files: Files, config) -> Files:
        pages = PageWriter(self.project_dir / self.config.templates).render(self.compilations[0])
        for src_uri, content in pages.items():
            if files.get_file_from_path(src_uri):
                raise PluginError(f"docs/{src_uri} would be replaced by a generated page; rename or remove it")
            files.append(File.generated(config, src_uri, content=content))
        handwritten = [f.src_uri for f in files.documentation_pages() if f.src_uri not in pages]
        config.nav.extend(sorted(handwritten))
        return files

    def on_serve(self, server, config, builder):
        for path in self.seed_paths():
            server.watch(str(path))
            server.watch(str(override_path(path))) if override_path(path).exists() else None
        server.watch(str(self.project_dir / self.config.templates))
        return server


def _nav_title(title: str) -> str:
    """Navigation titles are printed unescaped by the theme, so they are escaped here."""
    return str(escape(title))
