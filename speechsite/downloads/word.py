"""Word downloads: each speech as a .docx, and the whole compilation as one with a table of contents Word fills in.

python-docx builds them from its default template, restyled for Chinese text: 仿宋 for the text, 宋体 for titles,
黑体 and 楷体 for section headings, named in the styles as east-asian fonts (``w:eastAsia``) and never embedded, so
Word and WPS use the reader's own. Each speech and back-matter section opens with a bookmark ``chapter_<name>``
(``chapter_01``, ``chapter_notes``), by which ``docx_chapter_texts`` finds its text again.
"""

from __future__ import annotations

import functools
import io
import zipfile
from dataclasses import dataclass
from urllib.parse import urljoin

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph

from ..model import Compilation, Speech
from ..write import page_url, speech_path
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


def speech_docx(compilation: Compilation, speech: Speech, site_url: str | None = None) -> bytes:
    """One speech as a .docx: its title, date, text with its section headings, and where it comes from."""
    document = _styled_document(speech.title, compilation.title, title_level=0)
    _add_chapter(document, Chapter.of_speech(speech), 0, title_level=0)
    _add_paragraph(document, source_line(compilation, speech), SOURCE_STYLE)
    if site_url:
        _add_paragraph(document, address(site_url, speech_path(speech)), SOURCE_STYLE)
    return _docx_bytes(document)


def compilation_docx(compilation: Compilation, site_url: str | None = None) -> bytes:
    """The whole compilation as one .docx: its title, a table of contents of the speeches with text and the back
    matter, the TOC entries without text listed as 正文未收录, then every speech with text and the back matter."""
    document = _styled_document(compilation.title, "", title_level=1)
    _add_paragraph(document, compilation.title, "Title")
    summary = f"目录共 {len(compilation.speeches)} 篇，其中 {compilation.speeches_with_text_count} 篇收录了正文。"
    _add_paragraph(document, summary, SUMMARY_STYLE)
    if site_url:
        _add_paragraph(document, address(site_url, compilation.page_path("index.md")), SUMMARY_STYLE)
    _add_table_of_contents(document, [chapter.title for chapter in chapters(compilation)])
    without_text = [speech for speech in compilation.speeches if not speech.has_text]
    if without_text:
        _add_paragraph(document, f"以下 {len(without_text)} 篇仅存标题，正文未收录：", "Normal")
        for speech in without_text:
            _add_paragraph(document, f"{speech.number}　{speech.title}（正文未收录）", "List")
    for index, chapter in enumerate(chapters(compilation)):
        _add_chapter(document, chapter, index, title_level=1)
    return _docx_bytes(document)


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


def _add_chapter(document, chapter: Chapter, index: int, title_level: int) -> None:
    """A speech or a back-matter section: its title (Title, or Heading 1 in the compilation) opening with the
    chapter's bookmark, its date, then its text; the page's h2/h3 sections are the next Word heading levels down."""
    heading = _add_paragraph(document, chapter.title, "Title" if title_level == 0 else "Heading 1")
    _bookmark(heading, BOOKMARK_PREFIX + chapter.name, index)
    if chapter.date:
        _add_paragraph(document, chapter.date, DATE_STYLE)
    for paragraph in chapter.paragraphs:
        style = f"Heading {title_level + paragraph.heading_level - 1}" if paragraph.heading_level else TEXT_STYLE
        _add_paragraph(document, paragraph.text, style)


def _add_paragraph(document, text: str, style: str) -> WordParagraph:
    """A paragraph of the named style at the end of the body, set by the style's id: python-docx looks a name up
    among all of the template's 160 styles for every paragraph, and its add_paragraph searches the body's children
    for the closing section properties each time (quadratic: 5 s for 20,000 paragraphs, 0.5 s this way)."""
    body = document.element.body
    element = OxmlElement("w:p")
    last = next(body.iterchildren(reversed=True), None)  # not len(body): lxml counts children one by one
    if last is not None and last.tag == qn("w:sectPr"):
        last.addprevious(element)
    else:
        body.append(element)
    paragraph = WordParagraph(element, document._body)
    paragraph.add_run(xml_text(text))
    paragraph._p.style = _style_ids()[style]
    return paragraph


def _bookmark(paragraph: WordParagraph, name: str, index: int) -> None:
    """Put a bookmark named ``name`` around the paragraph's text; its id is the chapter's index, unique in the file."""
    bookmark_id = str(index)
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), bookmark_id)
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), bookmark_id)
    paragraph._p.insert(len(paragraph._p.xpath("./w:pPr")), start)
    paragraph._p.append(end)


def _add_table_of_contents(document, titles: list[str]) -> None:
    """A TOC field over Heading 1 (the speeches with text and the back matter). Its result is filled in already with
    their titles, for readers that do not update fields; Word brings in the page numbers when it opens the file
    (settings: updateFields)."""
    _add_paragraph(document, "目录", "TOC Heading")
    entries = [_add_paragraph(document, title, "toc 1") for title in titles or [""]]
    begin = [_field_character("begin"), _field_instruction(r' TOC \o "1-1" \h \z \u '), _field_character("separate")]
    for position, run in enumerate(begin):
        entries[0]._p.insert(len(entries[0]._p.xpath("./w:pPr")) + position, run)
    entries[-1]._p.append(_field_character("end"))
    update_fields = OxmlElement("w:updateFields")
    update_fields.set(qn("w:val"), "true")
    document.settings.element.find(qn("w:compat")).addprevious(update_fields)  # the schema's order: before compat


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


def _styled_document(title: str, subject: str, title_level: int):
    """A new document from the restyled template, titled and dated by the source date."""
    document = Document(io.BytesIO(_styled_template(title_level)))
    properties = document.core_properties
    properties.title, properties.subject, properties.language = xml_text(title), xml_text(subject), "zh-CN"
    properties.author = properties.comments = properties.last_modified_by = ""
    properties.created = properties.modified = source_time()
    return document


@functools.cache
def _styled_template(title_level: int) -> bytes:
    """python-docx's default document on A4, restyled for Chinese text, without the template's thumbnail (a picture
    of an English page); made once per process, as restyling is a tenth of a download's time."""
    document = Document()
    package = document.part.package
    for relationship_id, relationship in list(package.rels.items()):
        if relationship.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[relationship_id]
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin, page.left_margin, page.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    _restyle(document, title_level)
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue()


@functools.cache
def _style_ids() -> dict[str, str]:
    """Style name → id in the restyled template (the same at either title level)."""
    return {style.name: style.style_id for style in Document(io.BytesIO(_styled_template(0))).styles}


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


def _docx_bytes(document) -> bytes:
    """The document saved, then zipped again with fixed times: python-docx stamps each part with the current time."""
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as package:
        return reproducible_zip({name: package.read(name) for name in package.namelist()})
