"""The store of generated index files: each text is written (and gzipped) once, and every build that has the same
text links to it."""

from __future__ import annotations

import gzip

import pytest

from speechsite import file_store


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
