"""Byte-identical builds: the same input twice gives the same three outputs, dates come only from SOURCE_DATE_EPOCH,
and the zip's order, times and modes do not depend on the file system."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builders import outputs_under

from speechsite import reproducible
from speechsite.errors import InputError
from speechsite.reproducible import (NAME_MAX_BYTES, Deflated, gzip_sitemap, offline_zip_name, source_date, write_zip,
                                    zip_folder)

EPOCH = 1609459200  # 2021-01-01 00:00:00 UTC


def build(project_dir: Path, out: Path, **env: str) -> Path:
    environment = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "SITE_URL")} | env
    result = subprocess.run([sys.executable, str(project_dir / "build.py"), "--site-url", "https://speeches.example.org/",
                             "--site-dir", str(out / "site"), "--offline-dir", str(out / "site-offline"),
                             "--dist-dir", str(out / "dist")],
                            cwd=project_dir, capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    return out


def tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in outputs_under(directory, settle=False)
            if p.is_file()}


def gzip_mtime(path: Path) -> int:
    return struct.unpack("<I", path.read_bytes()[4:8])[0]


def test_two_builds_of_the_same_input_are_byte_identical(project_dir, tmp_path):
    first = tree(build(project_dir, tmp_path / "first"))
    second = tree(build(project_dir, tmp_path / "second"))
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert "site/sitemap.xml.gz" in first and "dist/000_6daea81426b11c94-offline.zip" in first


def test_without_source_date_epoch_nothing_carries_a_date(project_dir, tmp_path):
    out = build(project_dir, tmp_path)
    assert "<lastmod>" not in (out / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert gzip_mtime(out / "site" / "sitemap.xml.gz") == 0  # gzip's "no time stamp"
    with zipfile.ZipFile(out / "dist" / "000_6daea81426b11c94-offline.zip") as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_source_date_epoch_dates_the_sitemap_and_the_zip(project_dir, tmp_path):
    out = build(project_dir, tmp_path, SOURCE_DATE_EPOCH=str(EPOCH))
    sitemap = (out / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<lastmod>2021-01-01</lastmod>") == sitemap.count("<url>") > 20
    assert gzip_mtime(out / "site" / "sitemap.xml.gz") == EPOCH
    assert gzip.decompress((out / "site" / "sitemap.xml.gz").read_bytes()).decode("utf-8") == sitemap
    with zipfile.ZipFile(out / "dist" / "000_6daea81426b11c94-offline.zip") as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2021, 1, 1, 0, 0, 0)}


def test_zip_is_sorted_and_ignores_file_times_and_modes(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    zips = []
    for attempt, names in enumerate([["b/z.html", "a.html", "b/a.css"], ["b/a.css", "a.html", "b/z.html"]]):
        folder = tmp_path / f"site{attempt}"
        for name in names:  # created in a different order, at different times, with different modes
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(name, encoding="utf-8")
            os.utime(folder / name, (1_000_000_000 + attempt * 999, 1_000_000_000 + attempt * 999))
            (folder / name).chmod(0o600 if attempt else 0o755)
        zip_folder(folder, tmp_path / f"{attempt}.zip", root="site-offline")
        zips.append((tmp_path / f"{attempt}.zip").read_bytes())
    assert zips[0] == zips[1]
    with zipfile.ZipFile(tmp_path / "0.zip") as archive:
        assert archive.namelist() == ["site-offline/a.html", "site-offline/b/a.css", "site-offline/b/z.html"]
        assert {entry.external_attr >> 16 for entry in archive.infolist()} == {0o100644}
        assert archive.read("site-offline/b/a.css") == b"b/a.css"


def test_sitemap_gzip_holds_the_sitemap_and_no_build_time(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    gzip_sitemap(tmp_path)
    first = (tmp_path / "sitemap.xml.gz").read_bytes()
    gzip_sitemap(tmp_path)
    assert (tmp_path / "sitemap.xml.gz").read_bytes() == first
    assert gzip.decompress(first) == b"<urlset/>" and gzip_mtime(tmp_path / "sitemap.xml.gz") == 0


def test_source_date_epoch_must_be_a_number(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        source_date()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date() is None


def test_a_malformed_source_date_epoch_is_one_line_at_the_command_line(project_dir, tmp_path):
    result = subprocess.run([sys.executable, str(project_dir / "build.py"), "--site-dir", str(tmp_path / "site"),
                             "--offline-dir", str(tmp_path / "site-offline"), "--dist-dir", str(tmp_path / "dist")],
                            cwd=project_dir, capture_output=True, text=True,
                            env=os.environ | {"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: SOURCE_DATE_EPOCH='yesterday' is not a number of seconds; unset it or give e.g. 1609459200"]


@pytest.mark.parametrize("characters", [80, 82, 84])
def test_the_zip_name_fits_in_a_file_name_whatever_the_seed_name(characters):
    name = offline_zip_name(Path("seeds") / ("讲" * characters + ".txt"))
    assert len(name.encode()) <= NAME_MAX_BYTES and name.endswith("讲-offline.zip")
    assert offline_zip_name(Path("seeds/000_6daea81426b11c94.txt")) == "000_6daea81426b11c94-offline.zip"


def test_a_zip_made_with_the_cache_of_deflated_entries_is_the_same_zip(tmp_path):
    folder = tmp_path / "site"
    for name, text in (("index.html", "<p>目录</p>" * 200), ("speeches/01.html", "<p>同志们：</p>" * 300),
                       ("tiny.txt", "1")):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    zip_folder(folder, tmp_path / "plain.zip", root="site-offline")
    cache = tmp_path / "cache"
    zip_folder(folder, tmp_path / "first.zip", root="site-offline", cache_dir=cache)
    assert len(list(cache.glob("*.deflate"))) == 3
    zip_folder(folder, tmp_path / "again.zip", root="site-offline", cache_dir=cache)
    assert (tmp_path / "plain.zip").read_bytes() == (tmp_path / "first.zip").read_bytes() \
        == (tmp_path / "again.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "again.zip") as archive:
        assert archive.testzip() is None
        assert archive.read("site-offline/speeches/01.html").decode("utf-8") == "<p>同志们：</p>" * 300
        assert archive.getinfo("site-offline/tiny.txt").compress_type == zipfile.ZIP_STORED  # deflate would grow it
    for entry in cache.glob("*.deflate"):  # what the cache holds is what the zip carries, checked by its CRC
        entry.write_bytes(b"\x03\x00")  # the raw deflate of no bytes at all
    zip_folder(folder, tmp_path / "from-cache.zip", root="site-offline", cache_dir=cache)
    with zipfile.ZipFile(tmp_path / "from-cache.zip") as archive, pytest.raises(zipfile.BadZipFile, match="CRC"):
        archive.read("site-offline/speeches/01.html")


def test_files_known_by_name_make_the_same_zip_without_being_read_again(tmp_path):
    folder = tmp_path / "site"
    files = {"index.html": ("<p>目录</p>" * 200).encode(), "speeches/01.html": ("<p>同志们：</p>" * 300).encode(),
             "downloads/a.docx": os.urandom(3000), "tiny.txt": b"1"}  # random bytes: stored, deflate would grow them
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    known = {name: f"entry {number}" for number, name in enumerate(files) if name != "index.html"}
    zip_folder(folder, tmp_path / "plain.zip", root="site-offline")
    cache = tmp_path / "cache"
    zip_folder(folder, tmp_path / "first.zip", root="site-offline", cache_dir=cache, known=known)
    assert len(list(cache.glob("*.known"))) == 3
    zip_folder(folder, tmp_path / "again.zip", root="site-offline", cache_dir=cache, known=known)
    assert (tmp_path / "plain.zip").read_bytes() == (tmp_path / "first.zip").read_bytes() \
        == (tmp_path / "again.zip").read_bytes()
    # The name decides the bytes: a known file is taken from the cache by it, unread (were it edited in place).
    (folder / "speeches/01.html").write_bytes(b"<p>changed in place</p>" * 300)
    zip_folder(folder, tmp_path / "trusted.zip", root="site-offline", cache_dir=cache, known=known)
    with zipfile.ZipFile(tmp_path / "trusted.zip") as archive:
        assert archive.testzip() is None
        assert archive.read("site-offline/speeches/01.html") == files["speeches/01.html"]
        assert archive.read("site-offline/downloads/a.docx") == files["downloads/a.docx"]
        assert archive.getinfo("site-offline/downloads/a.docx").compress_type == zipfile.ZIP_STORED


def test_a_rebuilt_zip_copies_the_last_zips_unchanged_entries_and_is_the_same_zip(tmp_path, monkeypatch):
    folder, cache, destination = tmp_path / "site", tmp_path / "cache", tmp_path / "dist" / "site-offline.zip"
    destination.parent.mkdir()
    files = {f"speeches/{number:02}.html": f"<p>第{number}篇：同志们。</p>".encode() * 200 for number in range(6)}
    files |= {"downloads/a.docx": os.urandom(3000), "index.html": "<p>目录</p>".encode() * 200}
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    known = {name: f"{name} version 1" for name in files if name != "index.html"}

    def build(staged_name: str) -> None:  # as cli.build does: zip into a staged file, then swap it in
        staged = tmp_path / staged_name
        zip_folder(folder, staged, root="site-offline", cache_dir=cache, known=known, previous=destination)
        staged.replace(destination)

    build("first.zip")
    made_anew = []
    known_entry = reproducible._known_entry
    monkeypatch.setattr(reproducible, "_known_entry", lambda path, *rest: made_anew.append(os.path.basename(path))
                        or known_entry(path, *rest))
    (folder / "speeches/03.html").write_bytes("<p>改过的第3篇。</p>".encode() * 150)
    known["speeches/03.html"] = "speeches/03.html version 2"
    build("second.zip")
    assert made_anew == ["03.html"]  # the others were copied from the last zip
    zip_folder(folder, tmp_path / "plain.zip", root="site-offline")
    assert destination.read_bytes() == (tmp_path / "plain.zip").read_bytes()
    with zipfile.ZipFile(destination) as archive:
        assert archive.testzip() is None
        assert archive.read("site-offline/speeches/03.html") == "<p>改过的第3篇。</p>".encode() * 150

    # A zip at the destination other than the one recorded (here the same bytes, another file) is not copied from;
    # nor is one whose record is wrong (each copied entry's local header is checked first).
    shutil.copy(destination, tmp_path / "other.zip")
    (tmp_path / "other.zip").replace(destination)
    made_anew.clear()
    build("third.zip")
    assert len(made_anew) == len(known)
    record = next(cache.glob("last-zip-*.json"))
    kept = json.loads(record.read_text(encoding="utf-8"))
    for entry in kept["entries"].values():
        entry[1] += 1  # every offset wrong
    record.write_text(json.dumps(kept), encoding="utf-8")
    made_anew.clear()
    build("fourth.zip")
    assert len(made_anew) == len(known)
    assert destination.read_bytes() == (tmp_path / "plain.zip").read_bytes()


def test_entries_deflated_beforehand_make_the_same_zip(tmp_path):
    entries = [("styles.xml", "<w:style/>".encode() * 500), ("document.xml", "<w:p>讲话</w:p>".encode() * 50),
               ("one", b"1")]
    write_zip(tmp_path / "plain.zip", entries)
    write_zip(tmp_path / "shared.zip", [(name, Deflated.of(data)) for name, data in entries])
    assert (tmp_path / "plain.zip").read_bytes() == (tmp_path / "shared.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "shared.zip") as archive:
        assert archive.testzip() is None
        assert [archive.read(name) for name, _ in entries] == [data for _, data in entries]


def test_an_entry_deflated_piece_by_piece_makes_the_same_zip(tmp_path):
    document = "<w:p>讲话的正文，一段又一段。</w:p>".encode() * 2000
    pieces = [document[start:start + 777] for start in range(0, len(document), 777)]  # cut mid-character too
    write_zip(tmp_path / "whole.zip", [("document.xml", document), ("one", b"1")])
    write_zip(tmp_path / "pieces.zip", [("document.xml", Deflated.of_pieces(iter(pieces))), ("one", b"1")])
    assert (tmp_path / "whole.zip").read_bytes() == (tmp_path / "pieces.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "pieces.zip") as archive:
        assert archive.testzip() is None and archive.read("document.xml") == document
