"""What `python build.py` writes for each use: the hosted site (canonical links, sitemap, 404 page, a title and a
description per speech), the offline site (plain .html links, nothing absolute), its zip, and in neither a resource
from another host."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from speechsite.write import description

SITE_URL = "https://speeches.example.org/"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, project_dir) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    result = subprocess.run([sys.executable, str(project_dir / "build.py"), "--site-url", SITE_URL,
                             "--site-dir", str(out / "site"), "--offline-dir", str(out / "site-offline"),
                             "--dist-dir", str(out / "dist")], cwd=project_dir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


class Head(HTMLParser):
    """The parts of a page this file checks: title, meta and link tags, and every URL that makes a request."""

    LOADS = {("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
             ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"),
             ("embed", "src"), ("object", "data"), ("track", "src"), ("input", "src")}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.in_title = "", False
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.loads: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.in_title = tag == "title"
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs["property"]] = attrs.get("content", "")
        if tag == "link" and attrs.get("rel") in ("canonical", "prev", "next", "icon"):
            self.links[attrs["rel"]] = attrs["href"]
        if tag == "a" and attrs.get("href"):
            self.anchors.append(attrs["href"])
        for element, attribute in self.LOADS:
            if tag == element and attrs.get(attribute) and not (tag == "link" and attrs.get("rel") == "canonical"):
                self.loads.append(attrs[attribute])
        if attrs.get("style"):
            self.loads += re.findall(r"url\(\s*['\"]?([^'\")]+)", attrs["style"])

    def handle_endtag(self, tag):
        self.in_title = self.in_title and tag != "title"

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def head(page: Path) -> Head:
    parser = Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def outside(url: str) -> bool:
    """A URL that leaves the site: another host, or a scheme other than a relative path, data: or blob:."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob")


def test_hosted_speech_pages_are_titled_described_and_canonical(outputs, seed_compilation):
    for speech in seed_compilation.speeches_with_text:
        page = head(outputs / "site" / "speeches" / speech.slug / "index.html")
        assert page.title == f"{speech.number}. {speech.title} - {seed_compilation.title}"
        assert page.meta["description"] == description(speech) != ""
        assert page.links["canonical"] == f"{SITE_URL}speeches/{speech.slug}/"
    assert '<html lang="zh"' in (outputs / "site" / "index.html").read_text(encoding="utf-8")


def test_hosted_sitemap_lists_every_page_by_its_address(outputs, seed_compilation):
    sitemap = (outputs / "site" / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>(.*?)</loc>", sitemap)
    speeches = [f"{SITE_URL}speeches/{s.slug}/" for s in seed_compilation.speeches_with_text]
    overview = [f"{SITE_URL}{name}/" for name in ("about", "stats", "tags", "damage")]
    assert sorted(locations) == sorted([SITE_URL, *overview, *speeches])
    assert (outputs / "site" / "sitemap.xml.gz").exists()
    not_found = (outputs / "site" / "404.html").read_text(encoding="utf-8")
    assert "页面未找到" in not_found and 'href="/assets/' in not_found  # absolute: served for any missing path


def test_offline_site_links_html_files_and_nothing_absolute(outputs):
    site = outputs / "site-offline"
    assert not (site / "sitemap.xml").exists() and not (site / "404.html").exists()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 1 + 19 + 4  # home, speeches, about, stats, tags, damage
    for path in pages:
        page = head(path)
        assert "canonical" not in page.links, path
        for url in page.anchors + page.loads:
            target = urlsplit(url)
            if outside(url) or not target.path:
                continue
            assert not target.path.startswith("/"), (path, url)
            assert target.path.endswith((".html", ".css", ".js", ".png", ".svg", ".ico", ".docx", ".epub")), (path, url)
            assert (path.parent / unquote(target.path)).resolve().is_file(), (path, url)


@pytest.mark.parametrize("build", ["site", "site-offline"])
def test_no_page_or_stylesheet_loads_anything_from_another_host(outputs, build):
    site = outputs / build
    for path in site.rglob("*.html"):
        assert [url for url in head(path).loads if outside(url)] == [], path
        assert "fonts.googleapis.com" not in path.read_text(encoding="utf-8"), path
    for path in site.rglob("*.css"):
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", path.read_text(encoding="utf-8"))
        assert [url for url in urls if outside(url)] == [], path
        assert "@import" not in path.read_text(encoding="utf-8"), path


def test_outside_urls_are_recognised():
    assert outside("https://unpkg.com/iframe-worker/shim") and outside("//fonts.gstatic.com/x.woff2")
    assert not outside("../assets/x.css") and not outside("data:image/svg+xml;charset=utf-8,<svg/>")


def test_zip_holds_exactly_the_offline_site_in_one_folder(outputs):
    site = outputs / "site-offline"
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    with zipfile.ZipFile(outputs / "dist" / "000_6daea81426b11c94-offline.zip") as archive:
        assert archive.testzip() is None
        unpacked = {name.removeprefix("000_6daea81426b11c94-offline/"): archive.read(name)
                    for name in archive.namelist()}
    assert all(name.startswith("000_6daea81426b11c94-offline/") for name in archive.namelist())
    assert unpacked == files


def test_site_url_comes_from_the_environment_and_the_flag_wins(project_dir, tmp_path):
    environment = os.environ | {"SITE_URL": "https://from-env.example.org/talks/"}
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "env")],
                           cwd=project_dir, capture_output=True, text=True, env=environment)
    assert plain.returncode == 0, plain.stderr
    assert head(tmp_path / "env" / "index.html").links["canonical"] == "https://from-env.example.org/talks/"
    flagged = subprocess.run([sys.executable, str(project_dir / "build.py"), "--site-url", "https://flag.example.org/",
                              "--site-dir", str(tmp_path / "site"), "--offline-dir", str(tmp_path / "site-offline"),
                              "--dist-dir", str(tmp_path / "dist")],
                             cwd=project_dir, capture_output=True, text=True, env=environment)
    assert flagged.returncode == 0, flagged.stderr
    assert head(tmp_path / "site" / "index.html").links["canonical"] == "https://flag.example.org/"
    assert "canonical" not in head(tmp_path / "site-offline" / "index.html").links


def test_theme_files_no_page_loads_are_left_out_of_both_builds(outputs):
    """Our engine answers the search box: Material's worker, lunr's language files and source maps are unused."""
    for site in ("site", "site-offline"):
        shipped = [path.relative_to(outputs / site).as_posix() for path in (outputs / site).rglob("*")]
        assert "assets/javascripts/bundle" in " ".join(shipped)  # Material's own script stays
        assert not [path for path in shipped if "/lunr/" in path or "workers/search" in path or path.endswith(".map")]


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_has_a_description_and_sharing_cards(outputs):
    for site in ("site", "site-offline"):
        for page in html_pages(outputs / site):
            found = head(page).meta
            assert found.get("description"), page
            assert found["og:description"] == found["twitter:description"] == found["description"], page
            assert found["og:title"] and found["twitter:title"] == found["og:title"], page
    home = head(outputs / "site" / "index.html").meta
    assert home["og:url"] == SITE_URL and home["og:type"] == "website" and "目录共59篇，19篇有正文" in home["description"]


def test_the_hosted_site_has_compressed_copies_of_its_text_files_and_the_offline_one_none(outputs):
    import gzip

    import brotli

    for name in ("index.html", "speeches/05/index.html", "search/search_index.json"):
        page = outputs / "site" / name
        assert gzip.decompress(page.with_name(page.name + ".gz").read_bytes()) == page.read_bytes()
        assert brotli.decompress(page.with_name(page.name + ".br").read_bytes()) == page.read_bytes()
    assert not list((outputs / "site-offline").rglob("*.gz")) and not list((outputs / "site-offline").rglob("*.br"))


def test_both_builds_carry_the_same_downloads_and_link_them_from_speech_and_home_pages(outputs, seed_compilation):
    from urllib.parse import unquote

    from speechsite.downloads.site_files import compilation_downloads, speech_download

    whole = compilation_downloads(seed_compilation)
    expected = [speech_download(s) for s in seed_compilation.speeches_with_text] + [whole["docx"], whole["epub"]]
    assert sorted(p.name for p in (outputs / "site" / "downloads").iterdir() if p.suffix in (".docx", ".epub")) == \
        sorted(d.name for d in expected)
    assert speech_download(seed_compilation.speeches[4]).name == "第5篇 在全国体育局长会议上的讲话.docx"
    for download in expected:
        assert (outputs / "site" / download.path).read_bytes() == (outputs / "site-offline" / download.path).read_bytes()
    speech_links = {unquote(a) for a in head(outputs / "site-offline" / "speeches" / "05.html").anchors}
    assert {f"../{d.path}" for d in (speech_download(seed_compilation.speeches[4]), *whole.values())} <= speech_links
    assert {d.path for d in whole.values()} <= {unquote(a) for a in head(outputs / "site-offline" / "index.html").anchors}
    index = (outputs / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "downloads/" not in index and "全书 Word" not in index  # the links are not what search finds


def page_paragraphs(page: Path) -> list[str]:
    """A speech page's paragraphs and headings as a reader sees them, without the ¶ permalinks."""
    from test_build import ArticleText

    parser = ArticleText()
    parser.feed(page.read_text(encoding="utf-8"))
    return [text.removesuffix("¶") for text in parser.paragraphs.values()]


def test_the_word_and_epub_chapters_say_what_the_pages_say(outputs, seed_compilation):
    from speechsite.downloads import docx_chapter_texts, epub_chapter_texts

    from speechsite.downloads.site_files import compilation_downloads, speech_download

    files = {kind: outputs / "site" / d.path for kind, d in compilation_downloads(seed_compilation).items()}
    book = epub_chapter_texts(files["epub"].read_bytes())
    whole = docx_chapter_texts(files["docx"].read_bytes())
    for speech in seed_compilation.speeches_with_text:
        shown = page_paragraphs(outputs / "site" / "speeches" / speech.slug / "index.html")
        assert len(shown) == len(speech.paragraphs) > 0
        assert book[speech.slug] == shown, speech.number
        assert whole[speech.slug] == shown, speech.number
        own = outputs / "site" / speech_download(speech).path
        assert docx_chapter_texts(own.read_bytes())[speech.slug] == shown
