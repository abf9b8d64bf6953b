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
SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』）)]*)?")
GREETING = re.compile(r"[^。！？!?]{0,20}[好们][。！!]?")
"""A sentence that greets the audience (大家好。, 同志们、朋友们!, 女士们、先生们:) rather than opens the speech."""
DESCRIPTION_LENGTH = 120
"""Longest meta description, in characters; longer opening sentences are cut and end in an ellipsis."""


def html_text(text: str) -> Markup:
    """Text for a raw HTML context: Markdown leaves raw HTML blocks alone, so HTML escaping is all it needs."""
    return escape(text)


def markdown_text(text: str) -> Markup:
    """Text for a Markdown inline context: HTML-escape, then backslash-escape Markdown's syntax characters."""
    return escape(MARKDOWN_SPECIALS.sub(r"\\\1", text))


def description(speech: Speech) -> str:
    """The speech's opening sentence, for its meta description: its first sentence of prose, passing over the
    salutation (同志们:, 尊敬的…: — it ends in a colon) and greetings (大家好。), which say nothing about it."""
    sentences = [sentence.strip() for paragraph in speech.paragraphs if not paragraph.heading_level
                 for sentence in SENTENCE.findall(paragraph.text) if sentence.strip()] or [""]
    text = next((sentence for sentence in sentences
                 if not sentence.endswith((":", "：")) and not GREETING.fullmatch(sentence)), sentences[0])
    return text if len(text) <= DESCRIPTION_LENGTH else text[:DESCRIPTION_LENGTH - 1] + "…"


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
        self.env.filters["description"] = description

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
