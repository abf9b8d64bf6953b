"""Stage 7, write: render the Markdown pages of a compilation through the Jinja2 templates in ``templates/pages``.

Templates hold presentation; every piece of source text passes through one of two escapes on its way in:
``html`` for raw HTML blocks (paragraphs), ``md`` for Markdown inline text (headings, link text).
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .model import Compilation, Speech

# Exactly Python-Markdown's backslash-escapable characters (others would keep their backslash); < > & " ' are
# escaped as HTML entities afterwards.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def html_text(text: str) -> Markup:
    """Text for a raw HTML context: Markdown leaves raw HTML blocks alone, so HTML escaping is all it needs."""
    return escape(text)


def markdown_text(text: str) -> Markup:
    """Text for a Markdown inline context: HTML-escape, then backslash-escape Markdown's syntax characters."""
    return escape(MARKDOWN_SPECIALS.sub(r"\\\1", text))


def speech_path(speech: Speech) -> str:
    """Source path of a speech page inside docs: ``speeches/01.md`` (served as ``speeches/01/``)."""
    return f"speeches/{speech.slug}.md"


class PageWriter:
    """Renders the pages of compilations; one instance per build, templates loaded once."""

    def __init__(self, templates_dir: Path):
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=True,  # anything not passed through |md is at least HTML-escaped
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["md"] = markdown_text
        self.env.filters["html"] = html_text
        self.env.filters["speech_path"] = speech_path

    def render(self, compilation: Compilation) -> dict[str, str]:
        """Return {docs-relative path: Markdown} for the home page and every speech with text."""
        pages = {"index.md": self.env.get_template("index.md.j2").render(compilation=compilation)}
        with_text = compilation.speeches_with_text
        for position, speech in enumerate(with_text):
            pages[speech_path(speech)] = self.env.get_template("speech.md.j2").render(
                compilation=compilation, speech=speech,
                previous=with_text[position - 1] if position else None,
                next=with_text[position + 1] if position + 1 < len(with_text) else None,
            )
        return pages
