"""search_index: every speech's text exactly as shown, every TOC title, and where each one is on the site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from speechsite.model import Compilation, Paragraph, Speech, TocEntry
from speechsite.search_index import INDEX_JSON, INDEX_SCRIPT, index_files, search_index


def directory_urls(src_uri: str) -> str:
    """What MkDocs makes of a source path for the hosted site."""
    return "./" if src_uri == "index.md" else src_uri.removesuffix(".md") + "/"


def html_urls(src_uri: str) -> str:
    """… and for the offline site."""
    return src_uri.removesuffix(".md") + ".html"


def paragraph(text: str, anchor: str, heading_level: int = 0) -> Paragraph:
    return Paragraph(text, line=1, source_text=text, heading_level=heading_level, anchor=anchor)


@pytest.fixture
def compilation() -> Compilation:
    with_text = Speech(TocEntry(1, "在于都县工商联大会上的讲话", 2), title="在于都县工商联大会上的讲话", paragraphs=[
        paragraph("同志们：", "p1"),
        paragraph("一、统一思想", "p2", heading_level=2),
        paragraph("抓好ＧＤＰ，<script>不是标签</script> [x](y) {{ y }}", "p3"),
    ])
    title_only = Speech(TocEntry(12, "在全市森林防火工作推进会议上的讲话", 3), title="在全市森林防火工作推进会议上的讲话")
    return Compilation(Path("sample.txt"), "讲话汇编", [with_text, title_only], removed=[], lines=[])


def test_a_speech_with_text_is_its_title_and_its_paragraphs_as_shown(compilation):
    speech = search_index(compilation, directory_urls)["docs"][0]
    assert speech == {
        "title": "在于都县工商联大会上的讲话",
        "location": "speeches/01/",
        "paragraphs": [
            ["p1", "同志们：", 0],
            ["p2", "一、统一思想", 2],
            ["p3", "抓好ＧＤＰ，<script>不是标签</script> [x](y) {{ y }}", 0],
        ],
    }


def test_a_title_without_text_points_at_its_entry_on_the_home_page(compilation):
    entry = search_index(compilation, directory_urls)["docs"][1]
    assert entry == {"title": "在全市森林防火工作推进会议上的讲话", "location": "./#toc-12"}
    assert search_index(compilation, html_urls)["docs"][1]["location"] == "index.html#toc-12"


def test_locations_follow_the_sites_url_style(compilation):
    assert search_index(compilation, html_urls)["docs"][0]["location"] == "speeches/01.html"


def test_the_files_hold_the_same_index_as_json_and_as_a_script_setting_a_global(compilation):
    index = search_index(compilation, directory_urls)
    files = index_files(index)
    assert set(files) == {INDEX_JSON, INDEX_SCRIPT}
    assert json.loads(files[INDEX_JSON]) == index
    prefix, data = files[INDEX_SCRIPT].split(" = ", 1)
    assert prefix == "var __index"
    assert json.loads(data.rstrip().removesuffix(";")) == index


def test_chinese_text_is_written_as_utf8_not_as_escapes(compilation):
    data = index_files(search_index(compilation, directory_urls))[INDEX_JSON]
    assert "于都县工商联" in data  # 3 bytes a character in UTF-8; an escape would take 6


def test_the_seed_index_holds_every_toc_entry_and_all_text_with_little_overhead(seed_compilation):
    index = search_index(seed_compilation, directory_urls)
    docs = index["docs"]
    assert [doc["title"] for doc in docs] == [speech.title for speech in seed_compilation.speeches]
    assert sum("paragraphs" in doc for doc in docs) == 19
    assert [doc["location"] for doc in docs if "paragraphs" not in doc][0] == "./#toc-20"
    shown = [p.text for speech in seed_compilation.speeches for p in speech.paragraphs]
    assert [text for doc in docs for _, text, _ in doc.get("paragraphs", [])] == shown
    text_bytes = sum(len(text.encode()) for text in shown)
    assert len(index_files(index)[INDEX_JSON].encode()) < 1.08 * text_bytes


def test_a_build_writes_our_index_in_place_of_materials(tmp_path, project_dir, seed_compilation):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(project_dir / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    build(config)
    written = json.loads((tmp_path / "site" / INDEX_JSON).read_text(encoding="utf-8"))
    assert written == search_index(seed_compilation, directory_urls)
    script = (tmp_path / "site" / INDEX_SCRIPT).read_text(encoding="utf-8")
    assert json.loads(script.removeprefix("var __index = ").rstrip().removesuffix(";")) == written
