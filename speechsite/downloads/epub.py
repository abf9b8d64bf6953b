"""The compilation as one EPUB 3 book: the title page with the full table of contents (nav.xhtml, TOC entries
without text marked 正文未收录), one XHTML chapter per speech with text, one per back-matter section, note markers
linked to their notes as on the site.

Written with zipfile and the Jinja2 templates beside this module rather than with ebooklib: ebooklib writes its
zip entries with the current time and needs its own reading-order fixes all the same; five short templates and a
stylesheet leave every byte to us, so the same input gives the same book and epubcheck finds nothing to report.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import uuid
import xml.etree.ElementTree as ElementTree
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import jinja2
from markupsafe import Markup

from ..backmatter import NOTE_MARKER, note_anchors, speech_note_anchors
from ..model import Compilation, Paragraph
from ..template_cache import COMPILED_TEMPLATES
from .archive import reproducible_zip, source_time, xml_text
from .chapters import Chapter

NOTES_CHAPTER = "notes"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
CHAPTER_ID = re.compile(r"chapter-(.+)")
"""Manifest ids of the chapters: ``chapter-01``, ``chapter-notes``."""


@dataclass
class ContentDocument:
    """One XHTML file of the book, in reading order."""

    id: str
    """Its id in the manifest: ``chapter-01``, ``chapter-notes``, ``untexted-20``."""
    file: str
    render: Callable[[], bytes]
    """Makes its content when the book is written: a compilation of thousands of speeches is a hundred megabytes of
    chapters, so they are made one at a time and never all held."""


def compilation_epub(compilation: Compilation) -> bytes:
    """The compilation as an EPUB 3 file: mimetype first and stored, then the container, package, navigation,
    stylesheet and the documents in reading order, all dated by the source date.

    The reading order is the TOC's: each speech with text is a chapter; each run of entries without text between
    two chapters is a page listing them as 正文未收录, which their entries in the navigation lead to (EPUB wants
    every entry linked, and the links in reading order)."""
    notes = note_anchors(compilation.back_matter)
    documents: list[ContentDocument] = []
    entry_links: dict[int, str] = {}
    for has_text, run in itertools.groupby(compilation.speeches, key=lambda speech: speech.has_text):
        run = list(run)
        if has_text:
            documents += [_chapter_document(Chapter.of_speech(speech), notes) for speech in run]
            entry_links |= {speech.number: chapter_file(speech.slug) for speech in run}
        else:
            page = f"untexted-{run[0].slug}"
            documents.append(ContentDocument(page, f"{page}.xhtml",
                                             functools.partial(_render, "untexted.xhtml.j2", speeches=run)))
            entry_links |= {speech.number: f"{page}.xhtml#toc-{speech.slug}" for speech in run}
    documents += [_chapter_document(Chapter.of_section(section), notes) for section in compilation.back_matter]
    described = {
        "mimetype": b"application/epub+zip",
        "META-INF/container.xml": _template_file("container.xml"),
        "EPUB/package.opf": _render("package.opf.j2", compilation=compilation, documents=documents,
                                    identifier=_identifier(compilation),
                                    modified=source_time().strftime("%Y-%m-%dT%H:%M:%SZ")),
        "EPUB/nav.xhtml": _render("nav.xhtml.j2", compilation=compilation, entry_links=entry_links),
        "EPUB/style.css": _template_file("style.css"),
    }
    chapters = ((f"EPUB/{document.file}", document.render()) for document in documents)
    return reproducible_zip(itertools.chain(described.items(), chapters), stored=frozenset({"mimetype"}))


def epub_chapter_texts(data: bytes) -> dict[str, list[str]]:
    """The text of each chapter of an EPUB made here, in reading order, paragraph by paragraph, headings included,
    by chapter name (``01`` for speech 1, ``notes`` for the notes): what a reading system shows, for fidelity
    checks. Parsing as XML also proves every chapter well-formed."""
    texts: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        package = ElementTree.fromstring(book.read("EPUB/package.opf"))
        files = {item.get("id"): item.get("href") for item in package.iter(f"{OPF}item")}
        for itemref in package.iter(f"{OPF}itemref"):
            name = CHAPTER_ID.fullmatch(itemref.get("idref"))
            if name:
                page = ElementTree.fromstring(book.read(f"EPUB/{files[name.group(0)]}"))
                text = next(element for element in page.iter(f"{XHTML}div") if element.get("class") == "text")
                texts[name.group(1)] = ["".join(element.itertext()) for element in text]
    return texts


def chapter_file(name: str) -> str:
    """The chapter's file in the book: ``speech-01.xhtml`` for speech 1, ``notes.xhtml`` for the notes."""
    return f"speech-{name}.xhtml" if name.isdigit() else f"{name}.xhtml"


def element_ids(paragraphs: list[Paragraph]) -> list[str]:
    """Each paragraph's anchor as its element id, repeats numbered (note-1, note-1-2, …): XHTML forbids two equal
    ids, which notes numbered anew in each speech but gathered at the end have. Links go to the first, as on the
    site."""
    seen: Counter[str] = Counter()
    ids = []
    for paragraph in paragraphs:
        seen[paragraph.anchor] += 1
        ids.append(paragraph.anchor if seen[paragraph.anchor] == 1 else f"{paragraph.anchor}-{seen[paragraph.anchor]}")
    return ids


def _chapter_document(chapter: Chapter, notes: dict[str, str]) -> ContentDocument:
    render = functools.partial(_render, "chapter.xhtml.j2", chapter=chapter, ids=element_ids(chapter.paragraphs),
                               note_links=_note_links(chapter, notes))
    return ContentDocument(f"chapter-{chapter.name}", chapter_file(chapter.name), render)


def _note_links(chapter: Chapter, notes: dict[str, str]) -> dict[str, str]:
    """A speech's note markers → their notes, as on the site: the notes under the speech if it has its own, else
    the notes chapter; back matter links nothing."""
    if not chapter.is_speech:
        return {}
    own_notes = speech_note_anchors(chapter.paragraphs)
    if own_notes:
        return {marker: f"#{anchor}" for marker, anchor in own_notes.items()}
    return {marker: f"{chapter_file(NOTES_CHAPTER)}#{anchor}" for marker, anchor in notes.items()}


def note_pieces(paragraph: Paragraph, note_links: dict[str, str]) -> list[tuple[str, str | None]]:
    """The paragraph's text cut into (text, link) pieces: each note marker that is a key of note_links links to its
    note, except from the note itself; the rest links nowhere."""
    pieces: list[tuple[str, str | None]] = []
    done = 0
    for marker in NOTE_MARKER.finditer(paragraph.text):
        link = note_links.get(marker.group())
        if link and link != f"#{paragraph.anchor}":
            pieces += [(paragraph.text[done:marker.start()], None), (marker.group(), link)]
            done = marker.end()
    return [(text, link) for text, link in pieces + [(paragraph.text[done:], None)] if text]


def _identifier(compilation: Compilation) -> str:
    """A stable identifier of the book: the same compilation file and title always give the same one."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"speechsite:{compilation.source.name}:{compilation.title}").urn


def _template_file(name: str) -> bytes:
    return resources.files(__package__).joinpath("templates", name).read_bytes()


def _render(template: str, **context) -> bytes:
    return _templates().get_template(template).render(**context).encode("utf-8")


def _xml_safe(value):
    """Every value a template prints, with the characters XML forbids left out (markup kept as markup)."""
    if isinstance(value, Markup):
        return Markup(xml_text(value))
    return xml_text(value) if isinstance(value, str) else value


@functools.cache
def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_xml_safe,
        bytecode_cache=COMPILED_TEMPLATES,
    )
    environment.filters["note_pieces"] = note_pieces
    environment.filters["zip"] = zip
    environment.filters["chapter_file"] = chapter_file
    return environment
