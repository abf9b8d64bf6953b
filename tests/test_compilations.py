"""Compilations in other styles, made from the seed's text with their true split (benchmarks/synthetic.py)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synthetic import make  # noqa: E402

from speechsite.pipeline import build_compilation  # noqa: E402


def split(tmp_path, made, name="c.txt"):
    path = tmp_path / name
    path.write_text(made.text, encoding="utf-8")
    compilation = build_compilation(path)
    assert [s.title for s in compilation.speeches] == made.titles
    return compilation, [[p.source_text.strip() for p in s.paragraphs] for s in compilation.speeches_with_text]


def exact_share(got, expected):
    return sum(a == b for a, b in zip(got, expected)) / len(expected)


def test_bullet_toc_with_title_and_date_lines_splits_exactly(tmp_path):
    made = make(100, seed=1, toc_style="bullet", title_lines=True, extra_titles=7)
    compilation, got = split(tmp_path, made)
    assert got == made.bodies
    assert all(s.date.startswith("（二〇二〇年十二月") for s in compilation.speeches_with_text)
    reasons = {r.reason for r in compilation.removed}
    assert {"speech title", "speech date"} <= reasons


def test_same_without_title_lines_splits_at_least_nine_in_ten(tmp_path):
    made = make(100, seed=1, toc_style="bullet", title_lines=False)
    _, got = split(tmp_path, made)
    assert exact_share(got, made.bodies) >= 0.9


@pytest.mark.parametrize("toc_style", ["N。", "N、", "(N)"])
def test_one_paragraph_per_indented_line_without_blank_lines(tmp_path, toc_style):
    made = make(30, seed=2, toc_style=toc_style, title_lines=True, blank_lines_between=0, indented_lines=True)
    _, got = split(tmp_path, made)
    assert got == made.bodies


def test_seed_with_bom_crlf_and_a_different_toc_style_splits_like_the_seed(tmp_path, seed_path, seed_compilation):
    text = seed_path.read_text(encoding="utf-8")
    lines = text.split("\n")
    restyled = [line.replace("。", "、", 1) if 2 <= i <= 120 and line[:1].isdigit() else line
                for i, line in enumerate(lines)]
    copy = tmp_path / "seed.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(restyled).encode("utf-8"))
    again = build_compilation(copy)
    assert [[p.text for p in s.paragraphs] for s in again.speeches] == [
        [p.text for p in s.paragraphs] for s in seed_compilation.speeches]


def test_two_compilations_make_one_site_with_two_collections(tmp_path, seed_path):
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
    from test_links import broken_links

    second = tmp_path / "second.txt"
    second.write_text(make(12, seed=3, toc_style="bullet", title_lines=True).text, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(seed_path.parent.parent / "build.py"), str(seed_path), str(second),
                             "--site-dir", str(out / "site"), "--offline-dir", str(out / "off"),
                             "--dist-dir", str(out / "dist")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for site in (out / "site", out / "off"):
        assert broken_links(site) == []
        home = (site / "index.html").read_text(encoding="utf-8")
        assert "2020年12月份最新工作会议讲话汇编" in home and "合成讲话汇编" in home
        assert "目录共 71 篇，其中 31 篇有正文" in home  # what the archive holds
        assert home.index('id="y2020"') < home.index('id="y2020-12"') < home.index("2020年12月份最新") < \
            home.index('id="undated"') < home.index("合成讲话汇编")  # grouped by year and month, undated last
    assert (out / "site" / "000-6daea81426b11c94" / "speeches" / "19" / "index.html").exists()
    assert (out / "site" / "second" / "speeches" / "12" / "index.html").exists()
    assert (out / "off" / "second" / "stats.html").exists()
    page = (out / "site" / "second" / "speeches" / "12" / "index.html").read_text(encoding="utf-8")
    assert "000-6daea81426b11c94" not in page and "2020年12月份" not in page  # no other compilation in its navigation
    assert 'href="../11/"' in page and 'href="../../.."' in page  # its own speeches, and the archive's home
