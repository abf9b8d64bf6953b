"""The store of generated index files: each text is written (and gzipped) once, and every build that has the same
text links to it."""

from __future__ import annotations

import functools
import gzip

import pytest

from speechsite import file_store, precompress
from speechsite.plugin import _store_postings
from speechsite.search_index import Postings, file_bytes, index_file_items, make_postings, postings_segments


def test_a_file_is_placed_as_a_link_to_its_entry_gzipped_when_its_name_says_so(tmp_path):
    store, site = tmp_path / "store", tmp_path / "site"
    site.mkdir()
    file_store.place("search/shards/0.json.gz", '[{"title":"讲话"}]', site / "0.json.gz", store)
    file_store.place("search/shards/0.js", 'x = [{"title":"讲话"}];\n', site / "0.js", store)
    assert gzip.decompress((site / "0.json.gz").read_bytes()).decode() == '[{"title":"讲话"}]'
    assert (site / "0.js").read_text(encoding="utf-8") == 'x = [{"title":"讲话"}];\n'
    entries = sorted(store.iterdir())
    assert sorted(entry.suffix for entry in entries) == [".gz", ".js"]
    assert {entry.stat().st_ino for entry in entries} == {(site / name).stat().st_ino for name in ("0.json.gz", "0.js")}


def test_the_same_text_is_written_once_and_a_new_text_gets_an_entry_of_its_own(tmp_path, monkeypatch):
    store = tmp_path / "store"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    file_store.place("search/postings/0-1.json.gz", '{"p":{}}', tmp_path / "a" / "0-1.json.gz", store)

    def never(path, content):
        raise AssertionError("written again")
    monkeypatch.setattr(file_store, "file_bytes", never)
    file_store.place("search/postings/3-1.json.gz", '{"p":{}}', tmp_path / "b" / "3-1.json.gz", store)  # the same text
    assert len(list(store.iterdir())) == 1
    with pytest.raises(AssertionError, match="written again"):
        file_store.place("search/postings/0-1.json.gz", '{"p":{"一二":"AQ"}}', tmp_path / "b" / "0-1.json.gz", store)


def test_the_postings_child_stores_every_file_of_the_segments_it_made_so_that_placing_them_writes_nothing(
        tmp_path, monkeypatch):
    """What plugin.search_postings_ahead runs in its child: a rebuild's new postings files are in the store, in the hosted
    (JSON) and the offline (script) form, with the hosted form's compressed copies, before _finish_site places them
    and precompress links the copies."""
    docs = [{"title": f"第{n}篇", "location": f"c{c}/speeches/{n:02}/", "collection": f"汇编{c}",
             "paragraphs": [["p1", f"{c}号汇编第{n}篇：推进改革发展稳定各项工作。" * 20, 0]]}
            for c in range(2) for n in range(5)]
    index = {"config": {}, "docs": docs}
    segments = postings_segments(docs, tmp_path / "postings", segment_characters=1_000)
    assert len(segments) == 2
    make_postings(segments, functools.partial(_store_postings, tmp_path / "store", tmp_path / "compressed",
                                              (False, True)))
    monkeypatch.setattr(file_store, "file_bytes", lambda path, content: pytest.fail(f"{path} written again"))
    placed = 0
    for scripts in (False, True):
        for path, content in index_file_items(index, 0, scripts, cache_dir=tmp_path / "postings", segments=segments):
            if "/postings/" in path:
                file_store.stored(path, content, tmp_path / "store")
                placed += 1
    assert placed == 2 * sum(postings.file_count for postings in segments)
    site = tmp_path / "site" / "search" / "postings"  # the hosted form's .gz and .br copies are made already
    site.mkdir(parents=True)
    known = {}  # as _finish_site places them and tells precompress their names
    for path, content in index_file_items(index, 0, False, cache_dir=tmp_path / "postings", segments=segments):
        if "/postings/" in path:
            target = site / path.rsplit("/", 1)[1]
            known[target] = file_store.identity(file_store.place(path, content, target, tmp_path / "store"))
    monkeypatch.setitem(precompress.COMPRESSORS, ".gz", lambda data: pytest.fail("compressed again"))
    monkeypatch.setitem(precompress.COMPRESSORS, ".br", lambda data: pytest.fail("compressed again"))
    assert precompress.precompress(tmp_path / "site", tmp_path / "compressed", known) > 0


def test_a_preview_stores_its_own_sites_form_of_new_postings_only(tmp_path):
    """mkdocs serve builds the hosted site alone: its postings child stores the JSON, not the offline scripts, and
    makes no compressed copies (a preview has none)."""
    docs = [{"title": "第1篇", "location": "speeches/01/", "paragraphs": [["p1", "推进改革发展稳定各项工作。" * 50, 0]]}]
    segments = postings_segments(docs, tmp_path / "postings")
    make_postings(segments, functools.partial(_store_postings, tmp_path / "store", None, (False,)))
    stored = sorted(path.suffix for path in (tmp_path / "store").rglob("*") if path.is_file())
    assert stored and set(stored) == {".json", ".placed"}  # the files, and their list (file_store.store_postings)
    assert not (tmp_path / "compressed").exists()


def test_a_rebuild_links_the_postings_files_it_listed_without_reading_them_and_stores_them_again_if_one_is_gone(
        tmp_path, monkeypatch):
    """_finish_site places postings through file_store.postings_entries: the first build stores the files and lists
    them; the next takes the list, and the head it writes is the same (it needs the docs' lengths from the cache)."""
    docs = [{"title": f"第{n}篇", "location": f"c{c}/speeches/{n:02}/", "collection": f"汇编{c}",
             "paragraphs": [["p1", f"{c}号汇编第{n}篇：推进改革发展稳定各项工作。" * 20, 0]]}
            for c in range(2) for n in range(5)]
    index, store = {"config": {}, "docs": docs}, tmp_path / "store"

    def placed(scripts: bool) -> dict:
        segments = postings_segments(docs, tmp_path / "postings", segment_characters=1_000)
        return dict(index_file_items(index, 0, scripts, cache_dir=tmp_path / "postings", segments=segments,
                                     postings_entries=functools.partial(file_store.postings_entries, folder=store)))

    for scripts in (False, True):
        first = placed(scripts)
        as_text = dict(index_file_items(index, 0, scripts, cache_dir=tmp_path / "postings",
                                        segment_characters=1_000))
        assert first.keys() == as_text.keys()
        entries = {path: entry for path, entry in first.items() if not isinstance(entry, str)}
        assert len(entries) >= 2 and all("/postings/" in path for path in entries)
        for path, entry in first.items():
            expected = file_bytes(path, as_text[path])
            assert (entry.read_bytes() if path in entries else file_bytes(path, entry)) == expected
        with monkeypatch.context() as patched:
            patched.setattr(Postings, "files", lambda self: pytest.fail("the postings were read again"))
            assert placed(scripts) == first
        gone = next(iter(entries.values()))
        gone.unlink()
        assert placed(scripts) == first and gone.is_file()
