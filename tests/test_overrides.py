"""The override file: every wrong type or count is one line naming the file; a BOM is fine."""

from __future__ import annotations

import pytest

from speechsite.errors import InputError
from speechsite.overrides import load_overrides
from speechsite.parse import TITLE_MAX_CHARS
from speechsite.pipeline import build_compilation

SOURCE = "汇编(2篇)\n\n1。甲会议讲话\n\n2。乙会议讲话\n\n\n同志们:\n\n本文来源:内部资料\n\n甲会议开得好。\n\n本文来源:内部资料\n\n\n同志们:\n\n乙会议开得好。\n"


def with_overrides(tmp_path, toml: str | bytes):
    seed = tmp_path / "c.txt"
    seed.write_text(SOURCE, encoding="utf-8")
    path = seed.with_suffix(".toml")
    path.write_bytes(toml if isinstance(toml, bytes) else toml.encode("utf-8"))
    return seed


@pytest.mark.parametrize("toml, words", [
    ("title = [1]\n", r"title must be written as \[\[title\]\]"),
    ("boundary = 3\n", r"boundary must be written as \[\[boundary\]\]"),
    ('[[boundary]]\nstarts_with = "乙"\nspeech = "二"\n', "speech must be a TOC number"),
    ('[[junk]]\nstarts_with = "本文"\ncount = 0\n', "count must be how many lines"),
    ("a = " + "[" * 5000 + "]" * 5000 + "\n", "not valid TOML|nests too deeply"),
])
def test_wrong_types_are_one_line_naming_the_file(tmp_path, toml, words):
    seed = with_overrides(tmp_path, toml)
    with pytest.raises(InputError, match=words) as raised:
        load_overrides(seed)
    assert raised.value.path == seed.with_suffix(".toml")


def test_a_byte_order_mark_is_accepted(tmp_path):
    seed = with_overrides(tmp_path, b"\xef\xbb\xbf" + '[[title]]\nspeech = 1\ntitle = "新标题"\n'.encode())
    assert load_overrides(seed).titles == {1: "新标题"}


def test_a_junk_pin_matching_more_lines_than_it_says_is_an_error(tmp_path):
    seed = with_overrides(tmp_path, '[[junk]]\nstarts_with = "本文来源"\n')
    with pytest.raises(InputError, match="matches 2 lines after the TOC"):
        build_compilation(seed)
    seed.with_suffix(".toml").write_text('[[junk]]\nstarts_with = "本文来源"\ncount = 2\n', encoding="utf-8")
    removed = [r for r in build_compilation(seed).removed if r.reason.startswith("override")]
    assert len(removed) == 2


def test_a_title_too_long_to_be_one_is_refused(tmp_path):
    """Every page's navigation lists the titles: a title of 100,000 characters made each page that much larger."""
    seed = with_overrides(tmp_path, f'[[title]]\nspeech = 2\ntitle = "{"长" * (TITLE_MAX_CHARS + 1)}"\n')
    with pytest.raises(InputError, match=f"201 characters, too many for a title \\(at most {TITLE_MAX_CHARS}\\)"):
        load_overrides(seed)


def test_a_seed_whose_override_name_would_be_too_long_has_no_overrides(tmp_path):
    seed = tmp_path / ("讲" * 83 + "xx.txt")  # 255 bytes: with .toml instead of .txt, one too many for a name
    seed.write_text(SOURCE, encoding="utf-8")
    assert load_overrides(seed).junk == []
    assert len(build_compilation(seed).speeches_with_text) == 2
