"""Word downloads: each speech as a .docx, and the whole compilation as one with a table of contents Word fills in.

python-docx makes the template from its default one, restyled for Chinese text: 仿宋 for the text, 宋体 for titles,
黑体 and 楷体 for section headings, named in the styles as east-asian fonts (``w:eastAsia``) and never embedded, so
Word and WPS use the reader's own. Each speech and back-matter section opens with a bookmark ``chapter_<name>``
(``chapter_01``, ``chapter_notes``), by which ``docx_chapter_texts`` finds its text again.

A document is the template's package with two parts of its own, the body (``word/document.xml``) and the title
(``docProps/core.xml``); the template's other parts, 350 kB of styles among them, are deflated once per process.
Opening the template and saving through python-docx for each file cost 28 ms a speech (a third of it parsing the
template, a third deflating its styles twice): a third of the CPU of a cold build of 1,900 speeches.
"""

from __future__ import annotations

import copy
import functools
import io
import itertools
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph
from lxml import etree

from ..model import Compilation, Speech
from ..write import page_url, speech_path
from ..reproducible import Deflated
from .archive import reproducible_zip, source_time, xml_text
from .chapters import Chapter, chapters

TEXT_STYLE = "讲话正文"
"""The style of every paragraph of a speech's text that is not a heading."""
DATE_STYLE = "讲话日期"
SUMMARY_STYLE = "汇编说明"
"""The lines under the compilation's title: how many TOC entries have text, and its address."""
SOURCE_STYLE = "出处"
BOOKMARK_PREFIX = "chapter_"
LATIN_FONT = "Times New Roman"
TEXT_SIZE = Pt(16)
"""三号, the size of Chinese official documents' text."""
STYLES_FOR_WORD_2010 = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
DOCUMENT_PART, CORE_PART = "word/document.xml", "docProps/core.xml"
"""The parts each document has of its own; the others are the template's."""


@dataclass
class Look:
    """How a paragraph style looks: its east-asian font, size, weight and alignment."""

    east_asian_font: str
    size: Pt = TEXT_SIZE
    bold: bool = False
    centred: bool = False


TITLE_LOOK = Look("宋体", Pt(22), bold=True, centred=True)
"""A speech's title (二号 宋体, bold): Title in a speech's document, Heading 1 in the compilation's."""
SECTION_LOOKS = [Look("黑体"), Look("楷体"), Look("仿宋", bold=True)]
"""Section headings, outermost first: 一、 in 黑体, （一） in 楷体, as Chinese documents set them."""
HEADINGS = [f"Heading {level}" for level in range(1, len(SECTION_LOOKS) + 2)]
"""The Word headings a document may use: a speech's title in the compilation's document, and its sections."""


def speech_docx(compilation: Compilation, speech: Speech, site_url: str | None = None) -> bytes:
    """One speech as a .docx: its title, date, text with its section headings, and where it comes from."""
    document = Draft(speech.title, compilation.title, title_level=0)
    for paragraph in _chapter_paragraphs(document, Chapter.of_speech(speech), 0, title_level=0):
        document.append(paragraph)
    document.add(source_line(compilation, speech), SOURCE_STYLE)
    if site_url:
        document.add(address(site_url, speech_path(speech)), SOURCE_STYLE)
    return document.docx()


def compilation_docx(compilation: Compilation, site_url: str | None = None) -> bytes:
    """The whole compilation as one .docx: its title, a table of contents of the speeches with text and the back
    matter, the TOC entries without text listed as 正文未收录, then every speech with text and the back matter."""
    document = Draft(compilation.title, "", title_level=1)
    document.add(compilation.title, "Title")
    summary = f"目录共 {len(compilation.speeches)} 篇，其中 {compilation.speeches_with_text_count} 篇收录了正文。"
    document.add(summary, SUMMARY_STYLE)
    if site_url:
        document.add(address(site_url, compilation.page_path("index.md")), SUMMARY_STYLE)
    _add_table_of_contents(document, [chapter.title for chapter in chapters(compilation)])
    without_text = [speech for speech in compilation.speeches if not speech.has_text]
    if without_text:
        document.add(f"以下 {len(without_text)} 篇仅存标题，正文未收录：", "Normal")
        for speech in without_text:
            document.add(f"{speech.number}　{speech.title}（正文未收录）", "List")
    return document.docx(document.xml(_chapter_paragraphs(document, chapter, index, title_level=1))
                         for index, chapter in enumerate(chapters(compilation)))


def docx_chapter_texts(data: bytes) -> dict[str, list[str]]:
    """The text of each chapter of a .docx made here, paragraph by paragraph, headings included, by chapter name
    (``01`` for speech 1, ``notes`` for the notes): what Word shows as the text, for fidelity checks."""
    texts: dict[str, list[str]] = {}
    chapter: list[str] | None = None
    for paragraph in Document(io.BytesIO(data)).paragraphs:
        bookmarks = [name for name in paragraph._p.xpath("./w:bookmarkStart/@w:name")
                     if name.startswith(BOOKMARK_PREFIX)]
        if bookmarks:
            chapter = texts.setdefault(bookmarks[0].removeprefix(BOOKMARK_PREFIX), [])
        elif chapter is not None and (paragraph.style.name == TEXT_STYLE or paragraph.style.name.startswith("Heading")):
            chapter.append(paragraph.text)
    return texts


def source_line(compilation: Compilation, speech: Speech) -> str:
    """Where a speech comes from: ——《标题》（汇编名，第N篇）."""
    return xml_text(f"——《{speech.title}》（{compilation.title}，第{speech.number}篇）")


def address(site_url: str, docs_path: str) -> str:
    """The hosted address of a page (docs path ``speeches/01.md`` → ``https://example.org/talks/speeches/01/``)."""
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", page_url("index.md", docs_path, True))


class Draft:
    """A document being written: a copy of its template's document part and title, paragraphs added before the page
    setup (the body's last element)."""

    def __init__(self, title: str, subject: str, title_level: int):
        self.template = _template(title_level, source_time())
        self.document = copy.deepcopy(self.template.document)
        self.page_setup = self.document.find(qn("w:body")).find(qn("w:sectPr"))
        self.core = copy.deepcopy(self.template.core)
        self.core.find(qn("dc:title")).text = xml_text(title)
        self.core.find(qn("dc:subject")).text = xml_text(subject)

    def add(self, text: str, style: str):
        """A paragraph of the named style at the end of the body (see ``paragraph``)."""
        return self.append(self.paragraph(text, style))

    def append(self, paragraph):
        self.page_setup.addprevious(paragraph)
        return paragraph

    def paragraph(self, text: str, style: str):
        """A paragraph (w:p element) of the named style, set by the style's id and built as lxml elements:
        python-docx's add_paragraph searches the body for the page setup each time (quadratic) and its run text
        goes character by character (a third of a download's time)."""
        paragraph = OxmlElement("w:p")
        properties = OxmlElement("w:pPr")
        properties.append(OxmlElement("w:pStyle", {qn("w:val"): self.template.style_ids[style]}))
        paragraph.append(properties)
        text = xml_text(text)
        if any(control in text for control in "\t\r\n"):  # tabs and line breaks: python-docx makes their elements
            WordParagraph(paragraph, None).add_run(text)
        else:
            run = OxmlElement("w:r")
            if text:
                words = OxmlElement("w:t")
                words.text = text
                if text.strip() != text:
                    words.set(qn("xml:space"), "preserve")
                run.append(words)
            paragraph.append(run)
        return paragraph

    @staticmethod
    def xml(paragraphs) -> bytes:
        """Paragraphs as the body's XML, to be put after the body's own with ``docx``: serialized inside a body
        element that declares their namespace, as the document's does, so their bytes are as they would be there."""
        body = OxmlElement("w:body")
        body.extend(paragraphs)
        xml = etree.tostring(body, encoding="UTF-8", xml_declaration=False)
        return xml[xml.index(b">") + 1:xml.rindex(b"<")] if len(body) else b""

    def docx(self, more: Iterable[bytes] = ()) -> bytes:
        """The .docx: the template's parts in its order, with this document's body and title, fixed zip times. The
        body's paragraphs are followed by ``more`` (see ``xml``), made and deflated one piece at a time, never held
        whole: a compilation of thousands of speeches is hundreds of megabytes of XML."""
        own = {DOCUMENT_PART: etree.tostring(self.document, encoding="UTF-8", standalone=True),
               CORE_PART: etree.tostring(self.core, encoding="UTF-8", standalone=True)}
        body = own[DOCUMENT_PART]
        end = body.rindex(b"<w:sectPr")  # the page setup closes the body
        own[DOCUMENT_PART] = Deflated.of_pieces(itertools.chain([body[:end]], more, [body[end:]]))
        return reproducible_zip((name, own.get(name, data)) for name, data in self.template.parts.items())


def _chapter_paragraphs(document: Draft, chapter: Chapter, index: int, title_level: int) -> list:
    """A speech or a back-matter section: its title (Title, or Heading 1 in the compilation) opening with the
    chapter's bookmark, its date, then its text; the page's h2/h3 sections are the next Word heading levels down."""
    heading = document.paragraph(chapter.title, "Title" if title_level == 0 else "Heading 1")
    _bookmark(heading, BOOKMARK_PREFIX + chapter.name, index)
    paragraphs = [heading] + ([document.paragraph(chapter.date, DATE_STYLE)] if chapter.date else [])
    for paragraph in chapter.paragraphs:
        style = f"Heading {title_level + paragraph.heading_level - 1}" if paragraph.heading_level else TEXT_STYLE
        paragraphs.append(document.paragraph(paragraph.text, style))
    return paragraphs


def _bookmark(paragraph, name: str, index: int) -> None:
    """Put a bookmark named ``name`` around the text of the paragraph (a w:p element); its id is the chapter's
    index, unique in the file."""
    bookmark_id = str(index)
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), bookmark_id)
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), bookmark_id)
    paragraph.insert(len(paragraph.xpath("./w:pPr")), start)
    paragraph.append(end)


def _add_table_of_contents(document: Draft, titles: list[str]) -> None:
    """A TOC field over Heading 1 (the speeches with text and the back matter). Its result is filled in already with
    their titles, for readers that do not update fields; Word brings in the page numbers when it opens the file
    (the compilation's template sets updateFields)."""
    document.add("目录", "TOC Heading")
    entries = [document.add(title, "toc 1") for title in titles or [""]]
    begin = [_field_character("begin"), _field_instruction(r' TOC \o "1-1" \h \z \u '), _field_character("separate")]
    for position, run in enumerate(begin):
        entries[0].insert(len(entries[0].xpath("./w:pPr")) + position, run)
    entries[-1].append(_field_character("end"))


def _field_character(kind: str):
    run, character = OxmlElement("w:r"), OxmlElement("w:fldChar")
    character.set(qn("w:fldCharType"), kind)
    run.append(character)
    return run


def _field_instruction(instruction: str):
    run, text = OxmlElement("w:r"), OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    run.append(text)
    return run


@dataclass(frozen=True)
class Template:
    """What each document of a title level copies: the template's parts in package order (those a document does not
    change deflated once), its document part (the w:document element) and title as elements, and each style's id by
    name."""

    parts: dict[str, bytes | Deflated]
    document: etree._Element
    core: etree._Element
    style_ids: dict[str, str]


@functools.cache
def _template(title_level: int, time: datetime) -> Template:
    """python-docx's default document on A4, restyled for Chinese text, dated ``time``, without the template's
    thumbnail (a picture of an English page) and its second copy of the styles for Word 2010 (stylesWithEffects,
    which later Word and WPS do without: a third of each file, 260 MB of an archive of 19,000 speeches); the
    compilation's (title level 1) asks Word to fill in its table of contents (updateFields). Made once per process
    and time."""
    document = Document()
    package = document.part.package
    for relationship_id, relationship in list(package.rels.items()):
        if relationship.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[relationship_id]
    for relationship_id, relationship in list(document.part.rels.items()):
        if relationship.reltype == STYLES_FOR_WORD_2010:
            del document.part.rels[relationship_id]
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin, page.left_margin, page.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    _restyle(document, title_level)
    used = (TEXT_STYLE, DATE_STYLE, SUMMARY_STYLE, SOURCE_STYLE, "Title", *HEADINGS, "TOC Heading", "toc 1", "List")
    _keep_used_styles(document.styles.element, {document.styles[name].style_id for name in used})
    properties = document.core_properties
    properties.language, properties.created, properties.modified = "zh-CN", time, time
    properties.author = properties.comments = properties.last_modified_by = ""
    if title_level == 1:
        update_fields = OxmlElement("w:updateFields", {qn("w:val"): "true"})
        document.settings.element.find(qn("w:compat")).addprevious(update_fields)  # the schema's order: before compat
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    shared = {name: data if name in (DOCUMENT_PART, CORE_PART) else Deflated.of(data) for name, data in parts.items()}
    return Template(shared, etree.fromstring(parts[DOCUMENT_PART]), etree.fromstring(parts[CORE_PART]),
                    {style.name: style.style_id for style in document.styles})


def _restyle(document, title_level: int) -> None:
    """仿宋 三号 text at 1.5 lines with a two-character indent; titles and headings as TITLE_LOOK and SECTION_LOOKS;
    Chinese as the east-asian language, so Word lays out the punctuation and line breaks for it."""
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = _plain_fonts(defaults)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), "仿宋")
    defaults.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    document.settings.element.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.size = TEXT_SIZE
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)

    text = document.styles.add_style(TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    text.base_style = normal
    text.paragraph_format.first_line_indent = TEXT_SIZE * 2
    text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name in (DATE_STYLE, SUMMARY_STYLE):
        centred = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        centred.base_style = normal
        _apply(centred, Look("楷体", centred=True))
    source = document.styles.add_style(SOURCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    source.base_style = normal
    _apply(source, Look("楷体"))
    source.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    source.paragraph_format.space_before = Pt(12)
    document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH, builtin=True).base_style = normal  # Word's own

    title = document.styles["Title"]
    title.element.pPr.remove(title.element.pPr.find(qn("w:pBdr")))  # the template underlines titles in blue
    _apply(title, TITLE_LOOK)
    if title_level == 1:  # the compilation's: each speech's title is a Heading 1 on a new page
        speech_title = document.styles["Heading 1"]
        _apply(speech_title, TITLE_LOOK)
        speech_title.paragraph_format.page_break_before = True
        speech_title.paragraph_format.space_after = Pt(12)
    for level, look in enumerate(SECTION_LOOKS, start=title_level + 1):
        _apply(document.styles[f"Heading {level}"], look)


def _keep_used_styles(styles, style_ids: set[str]) -> None:
    """Remove the template's styles that no paragraph of ours uses (100 table styles among them: 9 kB of each
    file, 190 MB of an archive of 19,000 speeches), keeping the defaults and what the kept ones are based on or
    linked to. Word and WPS offer their built-in styles without them (the latent styles stay)."""
    by_id = {style.get(qn("w:styleId")): style for style in styles.findall(qn("w:style"))}
    kept = {style_id for style_id, style in by_id.items() if style_id in style_ids or style.get(qn("w:default")) == "1"}
    todo = list(kept)
    while todo:
        style = by_id[todo.pop()]
        for reference in ("w:basedOn", "w:link", "w:next"):
            element = style.find(qn(reference))
            target = None if element is None else element.get(qn("w:val"))
            if target in by_id and target not in kept:
                kept.add(target)
                todo.append(target)
    for style_id, style in by_id.items():
        if style_id not in kept:
            styles.remove(style)


def _apply(style, look: Look) -> None:
    _plain_fonts(style.element.get_or_add_rPr()).set(qn("w:eastAsia"), look.east_asian_font)
    style.font.size = look.size
    style.font.bold = look.bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    if look.centred:
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _plain_fonts(run_properties):
    """The rFonts of run properties without the template's theme fonts, which would win over the names we set."""
    fonts = run_properties.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    return fonts
