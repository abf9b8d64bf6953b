"""The Word and EPUB downloads: every speech's exact text, paragraph by paragraph, with its headings; the
compilation's table of contents with the entries without text; notes linked; epubcheck passes; same bytes twice."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import docx
import pytest

from builders import compilation_of
from speechsite.downloads import (compilation_docx, compilation_epub, docx_chapter_texts, epub_chapter_texts,
                                  speech_docx)
from speechsite.downloads.archive import xml_text
from speechsite.model import Compilation
from speechsite.pipeline import build_compilation
from volumes import titled_volume

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Entry 2 has no text between two that have, entry 4 none at the end; dates, sections (一、 and （一）), notes at the
# end, and text that is markup elsewhere or that XML cannot carry (a form feed).
GAPPED = """示例讲话集(4篇)
1。论植树造林
2。关于兴修水利的几点意见
3。办好农村小学
4。谈谈节约


论植树造林
（一九五六年三月一日）
植树造林是一件大事〔1〕，关系到子孙后代。
一、先办苗圃
先把苗圃办好，育苗是造林的基础。
（一）选好地块
苗圃要选在水源近的地方。
二、管护
造林以后要管护，不能只种不管。


办好农村小学
（一九五七年一月）
农村小学要就近入学〔2〕，方便孩子上学。
<script>alert("x")</script> & {{ config }} ]]> 待遇\x0c要提高。


注释
〔1〕大事，指关系全局的事情。
〔2〕就近入学，指按居住地分配学校。
"""


def texts(paragraphs) -> list[str]:
    return [paragraph.text for paragraph in paragraphs]


def build(tmp_path: Path, source: str) -> Compilation:
    seed = tmp_path / "c.txt"
    seed.write_text(source, encoding="utf-8")
    return build_compilation(seed)


@pytest.fixture
def gapped(tmp_path):
    return build(tmp_path, GAPPED)


@pytest.fixture
def notes_per_speech(tmp_path):
    return build(tmp_path, titled_volume(notes_per_speech=True))


def epubcheck_command() -> list[str] | None:
    """How to run epubcheck, or None where it is not installed (tests/run.sh installs it)."""
    found = shutil.which("epubcheck")
    if found is None:
        return None
    real = os.path.realpath(found)
    # Debian's epubcheck is the jar itself, run through binfmt_misc, which containers often lack. C1 only and the
    # serial collector: a short run, at half the CPU.
    return ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", real] if real.endswith(".jar") else [found]


def xml_in(archive: bytes, name: str) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return ElementTree.fromstring(opened.read(name))


# Word


def test_every_speech_docx_has_its_title_date_exact_text_headings_and_source(seed_compilation):
    for speech in seed_compilation.speeches_with_text:
        data = speech_docx(seed_compilation, speech, site_url="https://example.org/talks")
        assert docx_chapter_texts(data) == {speech.slug: texts(speech.paragraphs)}
        paragraphs = docx.Document(io.BytesIO(data)).paragraphs
        assert (paragraphs[0].style.name, paragraphs[0].text) == ("Title", speech.title)
        headings = [(p.style.name, p.text) for p in paragraphs if p.style.name.startswith("Heading")]
        assert headings == [(f"Heading {p.heading_level - 1}", p.text) for p in speech.paragraphs if p.heading_level]
        assert [p.text for p in paragraphs[-2:]] == [
            f"——《{speech.title}》（2020年12月份最新工作会议讲话汇编，第{speech.number}篇）",
            f"https://example.org/talks/speeches/{speech.slug}/"]
    assert any(p.heading_level == 3 for p in seed_compilation.speeches[4].paragraphs)  # speech 5: Heading 2 too


def test_a_speech_docx_has_its_date_and_without_a_site_url_no_address(gapped):
    paragraphs = docx.Document(io.BytesIO(speech_docx(gapped, gapped.speeches[0]))).paragraphs
    assert [(p.style.name, p.text) for p in paragraphs[:2]] == [("Title", "论植树造林"), ("讲话日期", "（一九五六年三月一日）")]
    assert [p.text for p in paragraphs if p.style.name == "出处"] == ["——《论植树造林》（示例讲话集，第1篇）"]


def test_the_compilation_docx_holds_every_speech_and_a_table_of_contents_word_fills(seed_compilation):
    data = compilation_docx(seed_compilation)
    with_text = seed_compilation.speeches_with_text
    assert docx_chapter_texts(data) == {speech.slug: texts(speech.paragraphs) for speech in with_text}
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [s.title for s in with_text]
    body = document.element.body
    assert [text.text for text in body.iter(f"{W}instrText")] == [r' TOC \o "1-1" \h \z \u ']
    assert [p.text for p in document.paragraphs if p.style.name == "toc 1"] == [s.title for s in with_text]
    assert document.settings.element.find(f"{W}updateFields").get(f"{W}val") == "true"
    untexted = [p.text for p in document.paragraphs if p.style.name == "List"]
    assert untexted == [f"{s.number}　{s.title}（正文未收录）" for s in seed_compilation.speeches if not s.has_text]
    assert len(untexted) == 40


def test_the_compilation_docx_carries_the_back_matter_and_sections_one_level_down(gapped):
    data = compilation_docx(gapped)
    assert docx_chapter_texts(data) == {"01": texts(gapped.speeches[0].paragraphs),
                                        "03": [xml_text(p.text) for p in gapped.speeches[2].paragraphs],
                                        "notes": texts(gapped.back_matter[0].paragraphs)}
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs if p.style.name == "toc 1"] == ["论植树造林", "办好农村小学", "注释"]
    assert [p.text for p in document.paragraphs if p.style.name == "List"] == [
        "2　关于兴修水利的几点意见（正文未收录）", "4　谈谈节约（正文未收录）"]
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "论植树造林"), ("Heading 2", "一、先办苗圃"), ("Heading 3", "（一）选好地块"),
                        ("Heading 2", "二、管护"), ("Heading 1", "办好农村小学"), ("Heading 1", "注释")]


def test_word_styles_name_chinese_fonts_and_embed_none(gapped):
    data = compilation_docx(gapped)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not [name for name in package.namelist() if "font" in name.lower() and name != "word/fontTable.xml"]
        assert b"embedTrueTypeFonts" not in package.read("word/settings.xml")
        assert b"thumbnail" not in package.read("_rels/.rels")
    styles = docx.Document(io.BytesIO(data)).styles
    fonts = styles.element.find(f"{W}docDefaults").find(f"{W}rPrDefault").find(f"{W}rPr").find(f"{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "仿宋" and fonts.get(f"{W}eastAsiaTheme") is None

    def east_asian_font(name: str) -> str | None:
        found = styles[name].element.find(f"{W}rPr")
        return None if found is None or found.find(f"{W}rFonts") is None else found.find(f"{W}rFonts").get(
            f"{W}eastAsia")

    assert [east_asian_font(name) for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "讲话日期")] == [
        "宋体", "宋体", "黑体", "楷体", "楷体"]
    assert styles.element.find(f"{W}docDefaults").find(f".//{W}lang").get(f"{W}eastAsia") == "zh-CN"


# EPUB


@pytest.mark.parametrize("case", ["seed", "gapped", "notes_per_speech"])
def test_epub_chapters_are_the_speeches_texts_exactly(case, request):
    compilation = request.getfixturevalue("seed_compilation" if case == "seed" else case)
    expected = {speech.slug: [xml_text(p.text) for p in speech.paragraphs] for speech in compilation.speeches_with_text}
    expected |= {section.kind: texts(section.paragraphs) for section in compilation.back_matter}
    assert epub_chapter_texts(compilation_epub(compilation)) == expected


def test_hostile_text_is_text_in_the_epub_and_the_docx(project_dir):
    compilation = build_compilation(project_dir / "tests" / "fixtures" / "hostile.txt")
    expected = {speech.slug: texts(speech.paragraphs) for speech in compilation.speeches_with_text}
    assert epub_chapter_texts(compilation_epub(compilation)) == expected
    assert docx_chapter_texts(compilation_docx(compilation)) == expected


@pytest.mark.parametrize("case", ["seed", "gapped"])
def test_epubcheck_finds_no_error_and_no_warning(case, request, tmp_path):
    command = epubcheck_command()
    if command is None:
        pytest.skip("epubcheck is not installed (tests/run.sh installs it)")
    compilation = request.getfixturevalue("seed_compilation" if case == "seed" else case)
    book = tmp_path / "book.epub"
    book.write_bytes(compilation_epub(compilation))
    result = subprocess.run(command + [str(book)], capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "No errors or warnings detected" in report, report


def test_the_epub_navigation_is_the_full_toc_with_entries_without_text_marked(gapped):
    book = compilation_epub(gapped)
    items = list(xml_in(book, "EPUB/nav.xhtml").iter(f"{XHTML}li"))
    entries = [("".join(item.itertext()), item.get("class"), item.find(f"{XHTML}a").get("href")) for item in items]
    assert entries == [("1　论植树造林", None, "speech-01.xhtml"),
                       ("2　关于兴修水利的几点意见（正文未收录）", "no-text", "untexted-02.xhtml#toc-02"),
                       ("3　办好农村小学", None, "speech-03.xhtml"),
                       ("4　谈谈节约（正文未收录）", "no-text", "untexted-04.xhtml#toc-04"),
                       ("注释", None, "notes.xhtml")]
    listed = xml_in(book, "EPUB/untexted-02.xhtml").find(f".//{XHTML}li")
    assert (listed.get("id"), listed.text) == ("toc-02", "2　关于兴修水利的几点意见")
    spine = [itemref.get("idref") for itemref in xml_in(book, "EPUB/package.opf").iter(f"{OPF}itemref")]
    assert spine == ["nav", "chapter-01", "untexted-02", "chapter-03", "untexted-04", "chapter-notes"]
    root = xml_in(book, "EPUB/speech-01.xhtml")
    assert root.get("lang") == "zh-CN" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert [(h.tag, h.text) for h in root.iter() if h.tag in (f"{XHTML}h2", f"{XHTML}h3")] == [
        (f"{XHTML}h2", "一、先办苗圃"), (f"{XHTML}h3", "（一）选好地块"), (f"{XHTML}h2", "二、管护")]


def link_targets(book: bytes, chapter: str) -> list[tuple[str, str]]:
    """(marker, target) of every note link in a chapter, each target checked to be an element of the book."""
    links = [(a.text, a.get("href")) for a in xml_in(book, f"EPUB/{chapter}").iter(f"{XHTML}a")]
    for _, href in links:
        file, anchor = href.split("#")
        assert anchor in {element.get("id") for element in xml_in(book, f"EPUB/{file or chapter}").iter()}
    return links


def test_note_markers_link_to_the_notes_at_the_end(gapped):
    book = compilation_epub(gapped)
    assert link_targets(book, "speech-01.xhtml") == [("〔1〕", "notes.xhtml#note-1")]
    assert link_targets(book, "speech-03.xhtml") == [("〔2〕", "notes.xhtml#note-2")]
    assert link_targets(book, "notes.xhtml") == []  # a note does not link to itself


def test_note_markers_link_to_the_notes_under_their_own_speech(notes_per_speech):
    book = compilation_epub(notes_per_speech)
    note = next(p for p in notes_per_speech.speeches[0].paragraphs if p.text.startswith("〔1〕"))
    assert link_targets(book, "speech-01.xhtml") == [("〔1〕", f"#{note.anchor}")]


def test_repeated_anchors_get_distinct_ids_in_the_epub(tmp_path):
    compilation = build(tmp_path, titled_volume(notes_per_speech=False))  # three notes numbered 〔1〕 at the end
    assert [p.anchor for p in compilation.back_matter[0].paragraphs] == ["note-1"] * 3
    ids = [p.get("id") for p in xml_in(compilation_epub(compilation), "EPUB/notes.xhtml").iter(f"{XHTML}p")]
    assert ids == ["note-1", "note-1-2", "note-1-3"]


def test_text_xml_cannot_carry_is_left_out_and_nothing_else():
    compilation = compilation_of(["一\x0c二\x01三 <b>&amp;</b>"])
    assert epub_chapter_texts(compilation_epub(compilation)) == {"01": ["一二三 <b>&amp;</b>"]}
    assert docx_chapter_texts(compilation_docx(compilation)) == {"01": ["一二三 <b>&amp;</b>"]}


# Reproducible bytes


def downloads(compilation) -> list[bytes]:
    return ([speech_docx(compilation, speech) for speech in compilation.speeches_with_text]
            + [compilation_docx(compilation), compilation_epub(compilation)])


def test_downloads_are_the_same_bytes_every_time_and_dated_by_source_date_epoch(gapped, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609459200")  # 2021-01-01
    first = downloads(gapped)
    assert downloads(gapped) == first
    for archive in first:
        with zipfile.ZipFile(io.BytesIO(archive)) as opened:
            assert {entry.date_time for entry in opened.infolist()} == {(2021, 1, 1, 0, 0, 0)}
    book = zipfile.ZipFile(io.BytesIO(first[-1]))
    assert (book.infolist()[0].filename, book.infolist()[0].compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert b'<meta property="dcterms:modified">2021-01-01T00:00:00Z</meta>' in book.read("EPUB/package.opf")
    properties = docx.Document(io.BytesIO(first[0])).core_properties
    assert properties.created.isoformat() == properties.modified.isoformat() == "2021-01-01T00:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1612137600")  # 2021-02-01
    assert all(other != same for other, same in zip(downloads(gapped), first))


def test_another_process_makes_the_same_bytes(seed_path, seed_compilation, project_dir):
    """Nothing depends on the process: hash seeds, caches, the time."""
    script = ("import hashlib, sys\nfrom pathlib import Path\nfrom speechsite.pipeline import build_compilation\n"
              "sys.path.insert(0, 'tests')\nfrom test_downloads import downloads\n"
              "print(hashlib.sha256(b''.join(downloads(build_compilation(Path(sys.argv[1]))))).hexdigest())")
    result = subprocess.run([sys.executable, "-c", script, str(seed_path)], capture_output=True, text=True,
                            cwd=project_dir, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == hashlib.sha256(b"".join(downloads(seed_compilation))).hexdigest()
