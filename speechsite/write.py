"""Stage 7, write: render the Markdown pages of a compilation through the Jinja2 templates in ``templates/pages``.

Templates hold presentation; every piece of source text passes through one of two escapes on its way in:
``html`` for raw HTML (attributes, long paragraphs), ``md`` for Markdown inline text (paragraphs, headings, links).
"""

from __future__ import annotations

import math
import posixpath
import re
from pathlib import Path

import jinja2
import yaml
from markupsafe import Markup, escape
from mkdocs.utils import get_relative_url

from .archive import group_by_month
from .backmatter import NOTE_MARKER, note_anchors, speech_note_anchors
from .metadata import LEVEL_LABELS, SpeechMetadata
from .model import Compilation, Paragraph, Speech
from .passages import ParagraphPassages
from .stats import compilation_stats
from .template_cache import COMPILED_TEMPLATES

# Exactly Python-Markdown's backslash-escapable characters (others would keep their backslash); < > & " ' are
# escaped as HTML entities afterwards.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』）)]*)?")
GREETING = re.compile(r"[^。！？!?]{0,20}[好们][。！!]?")
"""A sentence that greets the audience (大家好。, 同志们、朋友们!, 女士们、先生们:) rather than opens the speech."""
TAGGED_PLACES = 5
LONG_PARAGRAPH = 20_000
"""Characters beyond which a paragraph is raw HTML (see ``is_long``), cut into blocks (see ``marked_paragraph``)."""
LONG_PARAGRAPH_BLOCK = 5_000
DAMAGE_KINDS = {"damaged_date": "日期缺字", "unbalanced_quotes": "引号不全", "vanished_quoted_word": "引号内文字缺失",
                "truncated_word": "词语截断", "truncated_sentence": "句子截断", "unterminated": "段末无句号",
                "control_characters": "控制字符"}
"""Chinese names of the damage kinds (damage.py), for the editors' page."""
DESCRIPTION_LENGTH = 120
"""Longest meta description, in characters; longer opening sentences are cut and end in an ellipsis."""


def html_text(text: str) -> Markup:
    """Text for a raw HTML context: Markdown leaves raw HTML blocks alone, so HTML escaping is all it needs."""
    return escape(text)


def markdown_text(text: str) -> Markup:
    """Text for a Markdown inline context: HTML-escape, then backslash-escape Markdown's syntax characters."""
    return escape(MARKDOWN_SPECIALS.sub(r"\\\1", text))


class _FrontMatterDumper(yaml.SafeDumper):
    """YAML for front matter with every string double-quoted: a description may hold anything (``a: b # c``, ``---``,
    characters beyond U+FFFF, which Jinja's ``tojson`` would write as surrogate pairs that YAML rejects)."""


_FrontMatterDumper.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"'))


def front_matter_yaml(front_matter: dict) -> Markup:
    """A page's front matter as the lines between its ``---`` marks."""
    return Markup(yaml.dump(front_matter, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False,
                            default_flow_style=None, width=math.inf))


def is_long(paragraph: Paragraph) -> bool:
    """Whether a paragraph is written as raw HTML, not as Markdown. Python-Markdown copies the rest of the page after
    every raw HTML block (quadratic in many paragraphs) and a Markdown paragraph once per escape or tag in it
    (quadratic in one long paragraph); paragraphs this long are at most one per LONG_PARAGRAPH characters."""
    return len(paragraph.text) > LONG_PARAGRAPH


def description(speech: Speech) -> str:
    """The speech's opening sentence, for its meta description: its first sentence of prose, passing over the
    salutation (同志们:, 尊敬的…: — it ends in a colon) and greetings (大家好。), which say nothing about it."""
    sentences = [sentence.strip() for paragraph in speech.paragraphs if not paragraph.heading_level
                 for sentence in SENTENCE.findall(paragraph.text) if sentence.strip()] or [""]
    text = next((sentence for sentence in sentences
                 if not sentence.endswith((":", "：")) and not GREETING.fullmatch(sentence)), sentences[0])
    return text if len(text) <= DESCRIPTION_LENGTH else text[:DESCRIPTION_LENGTH - 1] + "…"


def marked_paragraph(paragraph: Paragraph, spans: list[tuple[int, int]], note_links: dict[str, str] | None = None,
                     ) -> Markup:
    """Paragraph text as Markdown inline text (as raw HTML when ``is_long``), with the given (start, end) spans
    wrapped in <mark class="shared-passage">, and each note marker that is a key of ``note_links`` (〔1〕 → its URL on
    the notes page, or ``#p40`` under the speech) a link to its note.

    A paragraph longer than LONG_PARAGRAPH characters is cut into blocks of LONG_PARAGRAPH_BLOCK characters that
    the browser lays out only when they scroll into view (content-visibility in speechsite.css): a single
    4-million-character paragraph otherwise freezes the page for many seconds. The text itself is unchanged.
    """
    text = paragraph.text
    references = [(found.start(), found.end(), note_links[found.group()])
                  for found in NOTE_MARKER.finditer(text) if found.group() in note_links
                  and note_links[found.group()] != f"#{paragraph.anchor}"] if note_links else []  # no note links to itself
    long = is_long(paragraph)
    text_escape = html_text if long else markdown_text
    block = LONG_PARAGRAPH_BLOCK if long else max(len(text), 1)
    cuts = sorted({0, len(text), *(offset for span in spans for offset in span),
                   *(offset for start, end, _ in references for offset in (start, end)), *range(0, len(text), block)})
    blocks: dict[int, list[Markup]] = {}
    for start, end in zip(cuts, cuts[1:]):
        piece = text_escape(text[start:end])
        link = next((href for first, last, href in references if first <= start and end <= last), None)
        if link is not None:
            piece = Markup('<a class="note-ref" href="{}">{}</a>').format(link, piece)
        if any(first <= start and end <= last for first, last in spans):
            piece = Markup('<mark class="shared-passage">') + piece + Markup("</mark>")
        blocks.setdefault(start // block, []).append(piece)
    if not long:
        return Markup("").join(blocks.get(0, []))
    return Markup("").join(Markup('<span class="paragraph-block">') + Markup("").join(pieces) + Markup("</span>")
                           for _, pieces in sorted(blocks.items()))


def page_url(from_path: str, to_path: str, use_directory_urls: bool) -> str:
    """Relative URL from one generated page to another (docs-relative .md paths), as MkDocs will serve them."""
    return get_relative_url(_served_path(to_path, use_directory_urls), _served_path(from_path, use_directory_urls))


def _served_path(path: str, use_directory_urls: bool) -> str:
    stem = path.removesuffix(".md")
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index") or "."
    return stem + "/"


def speech_tags(meta: SpeechMetadata) -> list[str]:
    """Tags of a speech: its kind, its level and the places it names most."""
    tags = [meta.kind] + ([LEVEL_LABELS[meta.level]] if meta.level else [])
    return list(dict.fromkeys(tags + [place.name for place in meta.places[:TAGGED_PLACES]]))


def tag_anchor(tag: str) -> str:
    """The tags page's anchor of a tag: ``tag:`` and its name, as Material's tags plugin named them before, so that
    links made then still land (no white space: attr_list ids cannot hold it)."""
    return "tag:" + re.sub(r"\s+", "-", tag)


def tag_index(compilations: list[Compilation]) -> dict[str, list[Speech]]:
    """Each tag's speeches: tags in code point order (as Material's tags plugin sorted them), speeches in the
    site's order."""
    index: dict[str, list[Speech]] = {}
    for compilation in compilations:
        if compilation.analysis is not None:
            for speech in compilation.speeches_with_text:
                for tag in speech_tags(compilation.analysis.metadata[speech.number]):
                    index.setdefault(tag, []).append(speech)
    return dict(sorted(index.items()))


TAGS_PAGE = "tags.md"
"""The generated tags page: a heading for each tag of the speeches and, under it, the speeches that have it."""
TAG_LISTING_MARKER = re.compile(r"<!-- speechsite:tag-listing \d+ -->")


def tag_listing_marker(number: int) -> str:
    """What the tags page's Markdown holds where the list of a tag's speeches goes: Python-Markdown passes a comment
    through untouched, and the plugin puts the list (``PageWriter.tag_listings``) in its place once the page is HTML.
    Thousands of links parsed as Markdown or raw HTML would cost a second a build at 300 compilations."""
    return f"<!-- speechsite:tag-listing {number} -->"


def passage_targets(shared: ParagraphPassages) -> list[tuple[int, str]]:
    """The other paragraphs (TOC number, anchor) that share text with this one, each once, in reading order."""
    return sorted({(link.speech, link.anchor) for link in shared.links}, key=lambda t: (t[0], int(t[1][1:])))


def speech_path(speech: Speech) -> str:
    """Source path of a speech page inside docs: ``speeches/01.md`` (served as ``speeches/01/``), under its
    collection's folder on a site with several compilations."""
    path = f"speeches/{speech.slug}.md"
    return f"{speech.collection}/{path}" if speech.collection else path


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
            bytecode_cache=COMPILED_TEMPLATES,
        )
        self.env.filters["md"] = markdown_text
        self.env.filters["html"] = html_text
        self.env.filters["speech_path"] = speech_path
        self.env.filters["marked"] = marked_paragraph
        self.env.filters["thousands"] = "{:,}".format
        self.env.filters["passage_targets"] = passage_targets
        self.env.filters["level_label"] = LEVEL_LABELS.get
        self.env.filters["damage_kind"] = lambda kind: DAMAGE_KINDS.get(kind, kind)
        self.env.filters["front_matter"] = front_matter_yaml
        self.env.tests["long"] = is_long

    def render(self, compilation: Compilation, use_directory_urls: bool = True) -> dict[str, str]:
        """Return {docs-relative path: Markdown} for every generated page of one compilation: its TOC page, each
        speech with text, the back matter, and the statistics and damage-report pages (and the tags page, when the
        compilation is the whole site)."""
        analysis = compilation.analysis
        pages: dict[str, str] = {}
        front_matters = self.front_matters(compilation)

        def add(path: str, template: str, **context) -> None:
            pages[path] = self.env.get_template(template).render(
                compilation=compilation, analysis=analysis, front_matter=front_matters.get(path, {}),
                **_linking(path, use_directory_urls), **context)

        add(compilation.page_path("index.md"), "index.md.j2")
        notes = note_anchors(compilation.back_matter)
        for speech in compilation.speeches_with_text:
            path = speech_path(speech)
            url = _linking(path, use_directory_urls)["url"]
            own_notes = speech_note_anchors(speech.paragraphs)
            note_links = ({marker: f"#{anchor}" for marker, anchor in own_notes.items()} if own_notes else
                          {marker: url(compilation.page_path("notes.md"), anchor) for marker, anchor in notes.items()})
            add(path, "speech.md.j2", speech=speech, note_links=note_links)
        for section in compilation.back_matter:
            add(compilation.page_path(f"{section.kind}.md"), "back-matter.md.j2", section=section)
        if analysis is not None:
            stats_path = compilation.page_path("stats.md")
            stats = compilation_stats(compilation, analysis.metadata, analysis.characteristic_words,
                                      lambda number: page_url(stats_path, speech_path(compilation.speeches[number - 1]),
                                                              use_directory_urls))
            add(stats_path, "stats.md.j2", stats=stats)
            add(compilation.page_path("damage.md"), "damage.md.j2")
        return pages

    @staticmethod
    def front_matters(compilation: Compilation) -> dict[str, dict]:
        """{docs-relative path: front matter} of the pages of ``render`` that have one, as MkDocs will read it, without
        rendering them: the plugin gives kept pages their meta from it (see plugin.py)."""
        analysis = compilation.analysis
        front_matters: dict[str, dict] = {}
        for speech in compilation.speeches_with_text:
            # Material prints the description unescaped into an attribute, hence html_text.
            front_matter = {"description": str(html_text(description(speech)))}
            if analysis is not None:
                front_matter["tags"] = speech_tags(analysis.metadata[speech.number])
            front_matters[speech_path(speech)] = front_matter
        if analysis is not None:
            front_matters[compilation.page_path("stats.md")] = {"search": {"exclude": True}}  # figures, no text
        return front_matters

    @staticmethod
    def page_paths(compilation: Compilation) -> list[str]:
        """The docs-relative paths ``render`` gives pages, in its order, without rendering them."""
        paths = [compilation.page_path("index.md"), *map(speech_path, compilation.speeches_with_text)]
        paths += [compilation.page_path(f"{section.kind}.md") for section in compilation.back_matter]
        if compilation.analysis is not None:
            paths += [compilation.page_path("stats.md"), compilation.page_path("damage.md")]
        return paths

    def render_site_pages(self, compilations: list[Compilation], tags: dict[str, list[Speech]],
                          use_directory_urls: bool = True) -> dict[str, str]:
        """Pages about the site as a whole: the tags index (``tags``: tag_index; headings, the lists to come:
        ``tag_listings``), and the home page when there are several collections."""
        pages = {TAGS_PAGE: self.env.get_template("tags.md.j2").render(
            tags=[(tag, tag_anchor(tag), Markup(tag_listing_marker(number))) for number, tag in enumerate(tags)])}
        if len(compilations) > 1:
            pages["index.md"] = self.env.get_template("home.md.j2").render(
                compilations=compilations, groups=group_by_month(compilations), **_linking("index.md", use_directory_urls))
        return pages

    @staticmethod
    def tag_listings(tags: dict[str, list[Speech]], use_directory_urls: bool = True) -> dict[str, str]:
        """{marker on the tags page: the list of the tag's speeches (``tags``: tag_index), as HTML linking from that
        page}. Each speech's item (its title as the navigation shows it) is made once, as it is in several lists, its
        address from the page's way to the site's root, and in Python rather than a template: at 300 compilations
        (32,000 links) a template took 0.15 s a build and get_relative_url for each link 0.3 s; this takes 0.05 s."""
        folder = posixpath.dirname(_served_path(TAGS_PAGE, use_directory_urls))
        root = posixpath.relpath(".", folder) + "/" if folder else ""
        items = {}
        for speeches in tags.values():
            for speech in speeches:
                if id(speech) not in items:
                    address = escape(root + _served_path(speech_path(speech), use_directory_urls))
                    items[id(speech)] = f'<li><a href="{address}">{speech.number}. {escape(speech.title)}</a></li>\n'
        return {tag_listing_marker(number): "<ul>\n" + "".join(items[id(speech)] for speech in speeches) + "</ul>"
                for number, speeches in enumerate(tags.values())}


def _linking(path: str, use_directory_urls: bool) -> dict:
    """Template helpers that link from the page at ``path``: ``url`` for raw HTML (which MkDocs does not rewrite),
    ``md_link`` for Markdown links (which MkDocs resolves and checks)."""
    def url(to: str, anchor: str = "") -> str:
        return page_url(path, to, use_directory_urls) + (f"#{anchor}" if anchor else "")

    def md_link(to: str, anchor: str = "") -> str:
        return posixpath.relpath(to, posixpath.dirname(path) or ".") + (f"#{anchor}" if anchor else "")

    return {"url": url, "md_link": md_link}
