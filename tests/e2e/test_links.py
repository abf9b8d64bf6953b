"""Link check over both built sites: every internal link and anchor resolves; nothing points off the site."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (attribute, value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            value = attrs.get(name)
            if value is not None and not (tag == "link" and attrs.get("rel") in ("canonical", "alternate")):
                self.refs.append((name, value))


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _target(site: Path, page: Path, path: str) -> Path:
    target = (page.parent / unquote(path)).resolve() if path else page
    if target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path) -> list[str]:
    pages = {page.resolve(): _parse(page) for page in site.rglob("*.html")}
    problems = []
    for page, links in pages.items():
        if page.name == "404.html":
            continue  # its links are written for whatever URL it is served at
        for attribute, value in links.refs:
            url = urlsplit(value)
            if url.scheme in ("data", "mailto"):
                continue
            if url.scheme or url.netloc:
                problems.append(f"{page.relative_to(site)}: off-site {attribute}={value}")
                continue
            target = _target(site, page, url.path)
            if not target.exists():
                problems.append(f"{page.relative_to(site)}: missing {value}")
            elif url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(url.fragment) not in ids:
                    problems.append(f"{page.relative_to(site)}: no anchor #{url.fragment} in {value}")
    return problems


@pytest.mark.parametrize("which", ["hosted", "offline"])
def test_every_internal_link_and_anchor_resolves(built_sites, which):
    site = getattr(built_sites, which)
    assert site is not None and site.exists(), f"the {which} site was not built"
    assert broken_links(site) == []


def test_the_checker_finds_a_broken_link_and_anchor(tmp_path):
    (tmp_path / "index.html").write_text('<a href="gone/">x</a><a href="#nowhere">y</a><p id="here"></p>'
                                         '<a href="#here">z</a><script src="https://cdn.example/x.js"></script>')
    assert broken_links(tmp_path) == ["index.html: missing gone/", "index.html: no anchor #nowhere in #nowhere",
                                      "index.html: off-site src=https://cdn.example/x.js"]
