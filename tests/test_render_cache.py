"""speechsite/render_cache.py (and the other caches a rebuild reads: precompressed copies, deflated zip entries,
search filters), through the command line of a copy of the project: a rebuild after an edit renders the edited
compilation's pages only and makes exactly the files a build from scratch makes; an edited template renders every
page again and says so; a damaged entry is rendered again."""

from __future__ import annotations

import re
import shutil

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from speechsite import plugin as speechsite_plugin
from speechsite.reproducible import ZIP_CACHE
from test_compilation_cache import SEEDS, project, run  # noqa: F401 - project is a fixture
from test_cli import output_dirs
from test_output_paths import tree

RENDERED = re.compile(r"(hosted|offline) site: (\d+) pages rendered, (\d+) from the cache")


def rendered(result) -> dict[str, tuple[int, int]]:
    """Per site, how many of the compilations' pages the build rendered and how many it took from the cache."""
    assert result.returncode == 0, result.stderr
    return {site: (int(made), int(reused)) for site, made, reused in RENDERED.findall(result.stderr)}


def edit_one_paragraph(project) -> None:
    seed = project / SEEDS[1]
    text = seed.read_text(encoding="utf-8")
    sentence = re.search(r"\n(.{20,}?。)", text[len(text) // 2:]).group(1)  # one sentence in the middle of a body
    seed.write_text(text.replace(sentence, sentence[:-1] + "，这是改过的一句话。", 1), encoding="utf-8")


def test_a_rebuild_after_an_edit_renders_that_compilation_only_and_equals_a_build_from_scratch(project, tmp_path):
    outputs = tmp_path / "outputs"
    first = rendered(run(project, *output_dirs(outputs)))
    pages = first["hosted"][0]
    assert first == {"hosted": (pages, 0), "offline": (pages, 0)}
    assert rendered(run(project, *output_dirs(outputs))) == {"hosted": (0, pages), "offline": (0, pages)}
    edit_one_paragraph(project)
    again = rendered(run(project, *output_dirs(outputs)))
    rebuilt = tree(outputs)
    # the zip took every compilation page by its render-cache key (zip_folder's known files), unread
    assert len(list((project / ZIP_CACHE).glob("*.known"))) >= pages
    own_pages = again["hosted"][0]
    assert 0 < own_pages < pages / 2 and again == {"hosted": (own_pages, pages - own_pages),
                                                   "offline": (own_pages, pages - own_pages)}
    assert "改过的一句话" in "".join(rebuilt[path].decode("utf-8", "replace") for path in rebuilt
                                 if path.startswith("site/b/speeches/") and path.endswith(".html"))
    shutil.rmtree(project / ".cache")
    assert rendered(run(project, *output_dirs(outputs))) == first
    assert tree(outputs) == rebuilt  # byte for byte: the site, its compressed copies, the offline site and zip


def test_an_edited_template_renders_every_page_again_and_says_so(project, tmp_path):
    outputs = tmp_path / "outputs"
    pages = rendered(run(project, *output_dirs(outputs)))["hosted"][0]
    css = project / "templates" / "theme" / "assets" / "speechsite" / "speechsite.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    result = run(project, *output_dirs(outputs))
    assert rendered(result) == {"hosted": (pages, 0), "offline": (pages, 0)}
    assert "hosted site: the code, theme, templates or settings changed since the last build" in result.stderr


def test_a_damaged_entry_is_rendered_again(project, tmp_path):
    outputs = tmp_path / "outputs"
    pages = rendered(run(project, *output_dirs(outputs)))["hosted"][0]
    from_scratch = tree(outputs)
    cache = project / ".cache" / "speechsite" / "pages"
    for bundle in cache.glob("*.bundle"):  # then each page is looked up on its own
        bundle.write_bytes(bundle.read_bytes()[:100])
    entries = sorted(cache.glob("*.pickle"))
    assert len(entries) == 2 * pages
    for entry in entries[:3]:
        entry.write_bytes(entry.read_bytes()[:100])  # cut short, as by a full disk
    for entry in entries[3:5]:  # the HTML of two more entries; a copy, not in place: the site's pages share its bytes
        html = entry.with_suffix(".html")
        data = html.read_bytes()
        html.unlink()
        html.write_bytes(data[:-10])
    again = rendered(run(project, *output_dirs(outputs)))
    assert sum(made for made, _ in again.values()) == 5
    assert tree(outputs) == from_scratch


def test_a_compilations_pages_are_found_together_in_its_bundle(project, tmp_path):
    outputs = tmp_path / "outputs"
    pages = rendered(run(project, *output_dirs(outputs)))["hosted"][0]
    from_scratch = tree(outputs)
    cache = project / ".cache" / "speechsite" / "pages"
    assert len(list(cache.glob("*.bundle"))) == 2 * len(SEEDS)  # each compilation's, in each site
    for entry in cache.glob("*.pickle"):
        entry.unlink()  # the bundles alone tell where each page's HTML is
    assert rendered(run(project, *output_dirs(outputs))) == {"hosted": (0, pages), "offline": (0, pages)}
    assert tree(outputs) == from_scratch
    html = sorted(cache.glob("*.html"))[0]
    html.unlink()
    html.write_bytes(b"cut short")  # a bundle whose page is damaged is not used: its compilation's pages are looked
    again = rendered(run(project, *output_dirs(outputs)))  # up one by one, and without their pickles, rendered again
    assert 0 < sum(made for made, _ in again.values()) < pages
    assert tree(outputs) == from_scratch


@pytest.mark.parametrize("setting", [["--site-url", "https://example.org/talks/"], ["--verbatim"]])
def test_a_build_with_other_settings_renders_every_page_it_changes(project, tmp_path, setting):
    outputs = tmp_path / "outputs"
    run(project, *output_dirs(outputs))
    made = rendered(run(project, *output_dirs(outputs), *setting))
    assert made["hosted"][1] == made["offline"][1] == 0  # the address is on every page; verbatim, in every text
    with_setting = tree(outputs)
    shutil.rmtree(project / ".cache")
    run(project, *output_dirs(outputs), *setting)
    assert tree(outputs) == with_setting


def test_compilation_pages_are_rendered_one_at_a_time_and_let_go(project, tmp_path, monkeypatch):
    """MkDocs reads every page before it renders any and keeps them all; the plugin renders a compilation's pages
    itself so that no more than one page's Markdown and HTML are held at once, and none when the build is done."""
    populate_page = speechsite_plugin.populate_page
    built: list = []

    def populate_and_count(page, *args, **kwargs):
        held = [other.file.src_uri for other in built if other.markdown is not None or other.content is not None]
        assert not held, f"still held when {page.file.src_uri} is read: {held}"
        built.append(page)
        populate_page(page, *args, **kwargs)

    monkeypatch.setattr(speechsite_plugin, "populate_page", populate_and_count)
    monkeypatch.chdir(project)
    monkeypatch.setenv("SPEECHSITE_SEEDS", "seeds/*.txt")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    mkdocs_build(config)
    plugin = config.plugins["speechsite"]
    assert sorted(page.file.src_uri for page in built) == sorted(plugin.compilation_of)  # every page, once
    assert all(page.markdown is None and page.content is None and page.file.content_string == "" for page in built)
    speech = next(page for page in built if "/speeches/" in page.file.src_uri)
    html = (tmp_path / "site" / speech.file.dest_uri).read_text(encoding="utf-8")
    assert plugin.speech_pages[speech.file.src_uri][1].paragraphs[0].text[:10] in html
    assert 'class="md-tag' in html  # its tags, linked to the tags page
