"""Reading: the same compilation in any supported encoding or line-end style splits identically."""

import codecs
from pathlib import Path

import pytest

from speechsite.errors import InputError
from speechsite.pipeline import build_compilation
from speechsite.read import read_lines


def split_of(compilation):
    return [(s.number, s.title, [p.text for p in s.paragraphs]) for s in compilation.speeches]


@pytest.mark.parametrize("encoding, bom, line_end", [
    ("utf-8", codecs.BOM_UTF8, "\n"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "\r\n"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "\n"),
    ("gb18030", b"", "\r\n"),
    ("gbk", b"", "\r"),
    ("utf-8", b"", "\r\n"),
])
def test_seed_splits_identically_in_any_encoding(tmp_path, seed_path, seed_compilation, encoding, bom, line_end):
    text = seed_path.read_text(encoding="utf-8").replace("\n", line_end)
    copy = tmp_path / "seed.txt"
    copy.write_bytes(bom + text.encode(encoding))
    assert split_of(build_compilation(copy)) == split_of(seed_compilation)


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b" \n\t\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "byte-order mark"),
    (bytes(range(0x80, 0x100)) * 4, "not text"),
])
def test_unreadable_files_are_named_errors(tmp_path, data, words):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=words):
        read_lines(path)


def test_line_numbers_survive_crlf(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes("一\r\n二\r\n\r\n三".encode())
    assert [(line.number, line.text) for line in read_lines(path)] == [(1, "一"), (2, "二"), (3, ""), (4, "三")]


def test_a_pipe_a_device_or_a_directory_is_refused_without_reading(tmp_path):
    import os

    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)  # reading it would wait forever for a writer
    for path, words in ((fifo, "not a regular file"), (Path("/dev/zero"), "not a regular file"),
                        (tmp_path, "is a directory"), (tmp_path / "missing.txt", "no such file")):
        with pytest.raises(InputError, match=words):
            read_lines(path)


def test_a_file_over_the_limit_is_refused_with_the_limit_named(tmp_path):
    from speechsite.read import read_regular_file

    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2049)
    with pytest.raises(InputError, match="larger than 0 MiB"):
        read_regular_file(path, 2048, "a file")
    assert read_regular_file(path, 4096, "a file") == b"x" * 2049
