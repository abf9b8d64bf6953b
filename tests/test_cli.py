"""The command line: inspect's JSON contract, and one-line errors without tracebacks."""

import json
import subprocess
import sys

import pytest

from seed_truth import TRUE_SPEECHES
from speechsite.typography import normalise


def run(project_dir, *args, cwd=None):
    return subprocess.run([sys.executable, str(project_dir / "build.py"), *map(str, args)],
                          cwd=cwd or project_dir, capture_output=True, text=True)


def test_inspect_json_has_the_documented_shape(project_dir, seed_path):
    result = run(project_dir, "inspect", "seeds/000_6daea81426b11c94.txt", "--json")
    assert result.returncode == 0, result.stderr
    collection, = json.loads(result.stdout)["collections"]
    assert collection["source"] == "seeds/000_6daea81426b11c94.txt"
    assert collection["title"] == "2020年12月份最新工作会议讲话汇编"
    speeches = collection["speeches"]
    assert len(speeches) == 59
    assert set(speeches[0]) == {"number", "title", "url", "paragraphs"}
    assert [s["number"] for s in speeches if s["url"]] == list(TRUE_SPEECHES)
    assert speeches[0]["url"] == "speeches/01/" and speeches[19] == {
        "number": 20, "title": "在全区深化接放管服改革工作推进会议上的讲话", "url": None, "paragraphs": []}
    removed = collection["removed"]
    assert removed[0] == {"line": 1, "text": "[党规党纪心得体会2021年8月份]2020年12月份最新工作会议讲话汇编(59篇)",
                          "reason": "title"}
    assert sum(r["reason"] == "toc" for r in removed) == 59


@pytest.mark.parametrize("flags, shown", [([], normalise), (["--verbatim"], str.strip)])
def test_inspect_json_bodies_equal_the_source_lines(project_dir, seed_path, flags, shown):
    collection, = json.loads(run(project_dir, "inspect", "--json", *flags).stdout)["collections"]
    source = seed_path.read_text(encoding="utf-8").split("\n")
    body_lines = [shown(line) for line in source[122:1026] if line.strip()]
    assert [p for s in collection["speeches"] for p in s["paragraphs"]] == body_lines


def test_inspect_text_shows_confidence_and_removed_lines(project_dir):
    result = run(project_dir, "inspect")
    assert result.returncode == 0
    assert "weak boundary before speech 2" in result.stdout
    assert "line 1030 (advertisement)" in result.stdout


@pytest.mark.parametrize("make, words", [
    (lambda d: d / "missing.txt", "no such file"),
    (lambda d: d, "is a directory"),
    (lambda d: (d / "empty.txt").write_text("  \n\n") and d / "empty.txt", "empty"),
    (lambda d: (d / "bin.txt").write_bytes(b"\x89PNG\x00\x01\x02") and d / "bin.txt", "binary"),
    (lambda d: (d / "notoc.txt").write_text("标题\n正文一\n正文二\n") and d / "notoc.txt", "no table of contents"),
])
def test_bad_input_is_one_line_on_stderr(project_dir, tmp_path, make, words):
    for command in ("inspect", "build"):
        args = [command, make(tmp_path)] + (["--site-dir", tmp_path / "site"] if command == "build" else [])
        result = run(project_dir, *args)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.stderr, result.stderr


def test_failed_build_leaves_the_previous_site_in_place(project_dir, tmp_path):
    site = tmp_path / "site"
    assert run(project_dir, "--site-dir", site).returncode == 0
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    broken = tmp_path / "broken.txt"
    broken.write_text("标题\n没有目录\n", encoding="utf-8")
    assert run(project_dir, broken, "--site-dir", site).returncode == 2
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]
