"""speechsite/precompress.py: .gz and .br copies beside the text files, the same bytes as the file once unpacked,
the same bytes on every run, none for files they would not make smaller."""

from __future__ import annotations

import gzip
import os
import time

import brotli

from speechsite.precompress import precompress

PAGE = ("<p>同志们：今天我们召开会议，研究部署下一阶段的工作。</p>\n" * 40).encode()


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_text_files_get_copies_that_unpack_to_the_same_bytes(tmp_path):
    page = write(tmp_path / "speeches" / "01" / "index.html", PAGE)
    style = write(tmp_path / "assets" / "site.css", b".md-typeset p { text-indent: 2em; }\n" * 20)
    assert precompress(tmp_path) == 2
    for path in (page, style):
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes()
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == path.read_bytes()


def test_images_small_files_and_copies_that_would_not_shrink_are_left_alone(tmp_path):
    write(tmp_path / "logo.png", PAGE)
    write(tmp_path / "tiny.html", b"<p>1</p>")
    write(tmp_path / "random.js", os.urandom(4096))  # does not compress
    precompress(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logo.png", "random.js", "tiny.html"]


def test_the_gzip_copy_carries_no_time_and_no_name_so_every_build_writes_the_same_bytes(tmp_path):
    page = write(tmp_path / "index.html", PAGE)
    precompress(tmp_path)
    header = (tmp_path / "index.html.gz").read_bytes()[:10]
    assert header[4:8] == bytes(4), "a modification time in the header"
    assert not header[3] & 0x08, "a file name in the header"
    first = (tmp_path / "index.html.br").read_bytes()
    precompress(tmp_path)
    assert (tmp_path / "index.html.br").read_bytes() == first and page.read_bytes() == PAGE


def test_a_compressed_file_the_site_already_has_is_kept(tmp_path):
    write(tmp_path / "sitemap.xml", PAGE)
    own = write(tmp_path / "sitemap.xml.gz", gzip.compress(PAGE, mtime=1600000000))
    precompress(tmp_path)
    assert own.read_bytes() == gzip.compress(PAGE, mtime=1600000000)


def test_copies_come_from_the_cache_when_the_file_is_unchanged(tmp_path):
    cache = tmp_path / "cache"
    first = write(tmp_path / "a" / "index.html", PAGE)
    precompress(first.parent, cache)
    assert len(list(cache.glob("*.*"))) == 2
    for entry in cache.glob("*.*"):
        entry.write_bytes(b"kept")  # what a later build finds in the cache is what it uses
    again = write(tmp_path / "b" / "index.html", PAGE)
    edited = write(tmp_path / "b" / "other.html", PAGE + b"<p>new</p>")
    precompress(again.parent, cache)
    assert (tmp_path / "b" / "index.html.gz").read_bytes() == b"kept"
    assert gzip.decompress((tmp_path / "b" / "other.html.gz").read_bytes()) == edited.read_bytes()
    assert len(list(cache.glob("*.*"))) == 4


def test_a_file_known_by_name_gets_the_same_copies_from_the_cache_without_being_read_again(tmp_path):
    cache = tmp_path / "cache"
    page = write(tmp_path / "a" / "speeches" / "01" / "index.html", PAGE)
    precompress(tmp_path / "a", cache, known={page: "page 1"})
    plain = write(tmp_path / "b" / "speeches" / "01" / "index.html", PAGE)
    precompress(tmp_path / "b")
    for suffix in (".gz", ".br"):
        assert page.with_name(page.name + suffix).read_bytes() == plain.with_name(plain.name + suffix).read_bytes()
    # The name decides the bytes: a page known by it takes its copies from the cache unread.
    again = write(tmp_path / "c" / "speeches" / "01" / "index.html", PAGE.replace("会议".encode(), "大会".encode()))
    precompress(tmp_path / "c", cache, known={again: "page 1"})
    assert gzip.decompress(again.with_name(again.name + ".gz").read_bytes()) == PAGE


def test_a_cache_entry_used_again_is_marked_used_when_its_mark_is_older_than_a_day(tmp_path):
    """Unused entries are removed after weeks (atomic.remove_unused): a copy linked from the cache must renew the
    entry's time, though once a day is enough."""
    cache = tmp_path / "cache"
    precompress(write(tmp_path / "a" / "index.html", PAGE).parent, cache)
    entries = sorted(cache.glob("*.*"))
    two_days_ago, an_hour_ago = time.time() - 2 * 86400, time.time() - 3600
    os.utime(entries[0], (two_days_ago, two_days_ago))
    os.utime(entries[1], (an_hour_ago, an_hour_ago))
    precompress(write(tmp_path / "b" / "index.html", PAGE).parent, cache)
    assert entries[0].stat().st_mtime > time.time() - 600
    assert abs(entries[1].stat().st_mtime - an_hour_ago) < 1
    assert (tmp_path / "b" / "index.html.gz").stat().st_ino == entries[0].stat().st_ino or \
        (tmp_path / "b" / "index.html.br").stat().st_ino == entries[0].stat().st_ino
