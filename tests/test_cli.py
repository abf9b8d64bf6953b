"""The command line: inspect's JSON contract, one-line errors without tracebacks, and builds that replace their three
outputs (site/, site-offline/, the zip) only when all of them succeeded."""

import errno
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builders import outputs_under, settled
from seed_truth import TRUE_SPEECHES
from speechsite.errors import InputError, display_path
from speechsite.typography import normalise
from test_damage import WITH_CONTROL_CHARACTERS

CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What may not reach a terminal or a page: C0 and C1 control characters and DEL, but tab and line feed."""


def run(project_dir, *args, cwd=None, env=None):
    return subprocess.run([sys.executable, str(project_dir / "build.py"), *map(str, args)],
                          cwd=cwd or project_dir, capture_output=True, text=True, env=env)


def test_inspect_json_has_the_documented_shape(project_dir, seed_path):
    result = run(project_dir, "inspect", "seeds/000_6daea81426b11c94.txt", "--json")
    assert result.returncode == 0, result.stderr
    collection, = json.loads(result.stdout)["collections"]
    assert collection["source"] == "seeds/000_6daea81426b11c94.txt"
    assert collection["title"] == "2020年12月份最新工作会议讲话汇编"
    speeches = collection["speeches"]
    assert len(speeches) == 59
    assert set(speeches[0]) == {"number", "title", "url", "date", "boundary", "paragraphs"}
    assert [s["number"] for s in speeches if s["url"]] == list(TRUE_SPEECHES)
    assert speeches[0]["url"] == "speeches/01/" and speeches[19] == {
        "number": 20, "title": "在全区深化接放管服改革工作推进会议上的讲话", "url": None, "date": None,
        "boundary": None, "paragraphs": []}
    second = speeches[1]["boundary"]
    assert second["line"] == 133 and 0.5 < second["confidence"] < 0.9 and not second["pinned"]
    assert "opening names the occasion" in second["evidence"]
    assert {"possible_boundaries_not_taken", "front_matter", "back_matter"} <= set(collection)
    assert collection["front_matter"] == [] and collection["back_matter"] == []
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
    for command in ("inspect", "build", "serve"):
        args = [command, make(tmp_path)] + (output_dirs(tmp_path) if command == "build" else [])
        args += ["--dev-addr", "127.0.0.1:0"] if command == "serve" else []
        result = run(project_dir, *args)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.stderr, result.stderr


def test_inspect_prints_no_control_character_but_shows_where_each_was(project_dir, tmp_path):
    seed = tmp_path / "sample.txt"
    seed.write_text(WITH_CONTROL_CHARACTERS, encoding="utf-8")
    text, as_json = run(project_dir, "inspect", seed), run(project_dir, "inspect", "--json", seed)
    assert text.returncode == as_json.returncode == 0, text.stderr + as_json.stderr
    for output in (text.stdout, text.stderr, as_json.stdout, as_json.stderr):
        assert not CONTROL_CHARACTER.search(output), output
    assert "line 1 (title): 汇编\\u001b]0;标题\\u0007(2篇)" in text.stdout  # removed lines are listed verbatim
    assert "line 8 (control_characters): 今天" in text.stdout and "U+001B" in text.stdout
    collection, = json.loads(as_json.stdout)["collections"]
    assert collection["removed"][1]["text"] == "1。第一篇\x9b讲话"


def test_pages_and_search_index_hold_no_control_character(project_dir, tmp_path):
    seed = tmp_path / "sample.txt"
    seed.write_text(WITH_CONTROL_CHARACTERS, encoding="utf-8")
    assert run(project_dir, seed, *output_dirs(tmp_path)).returncode == 0
    written = [path for site in ("site", "site-offline") for path in (tmp_path / site).rglob("*")
               if path.suffix in (".html", ".json", ".xml", ".js") and path.parent.name != "javascripts"
               or path.parent.name == "search" and path.suffix not in (".gz", ".br")]  # not the compressed copies
    assert len(written) > 10
    for path in written:
        assert not CONTROL_CHARACTER.search(path.read_text(encoding="utf-8")), path
    damage = (tmp_path / "site" / "damage" / "index.html").read_text(encoding="utf-8")
    assert damage.count("U+001B") == 2 and "U+0007" in damage and "U+007F" in damage and "控制字符" in damage


@pytest.mark.parametrize("url, problem", [
    ('https://example.org/"><script>alert(1)</script>/', "may not contain"),
    ("https://example.org/talks'/", "may not contain"),
    ("https://example.org/<b>/", "may not contain"),
    ("https://example.org/my talks/", "may not contain"),
    ("https://example.org/\x1b[2J/", "may not contain"),
    ("https://example.org\\talks/", "may not contain"),
    ("javascript:alert(1)//", "http or https"),
    ("example.org/talks/", "http or https"),
    ("https:///talks/", "no host"),
])
def test_a_site_url_that_is_no_plain_web_address_is_one_line_and_touches_nothing(project_dir, tmp_path, url,
                                                                                   problem):
    for name, args, env in (("--site-url", ["--site-url", url], None),
                            ("SITE_URL", [], {**os.environ, "SITE_URL": url})):
        result = run(project_dir, *output_dirs(tmp_path), *args, env=env)
        assert result.returncode == 2
        assert result.stderr.startswith(f"error: {name} ") and problem in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and not CONTROL_CHARACTER.search(result.stderr), result.stderr
        assert list(tmp_path.iterdir()) == []


def test_a_symbolic_link_loop_is_one_line_naming_it(project_dir, tmp_path):
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    for command in ("inspect", "build", "serve"):
        args = [command, "a.txt"] + (output_dirs(tmp_path / "out") if command == "build" else [])
        result = run(project_dir, *args, cwd=tmp_path)
        assert (result.returncode, result.stderr) == (2, "error: a.txt: symlink loop\n"), command
    seed = project_dir / "seeds" / "000_6daea81426b11c94.txt"
    result = run(project_dir, seed, "--site-dir", "a.txt/site", "--offline-dir", "out/site-offline",
                 "--dist-dir", "out/dist", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "error: a.txt/site: symlink loop\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_a_symbolic_link_loop_in_the_seeds_folder_is_one_line_naming_it(tmp_path, monkeypatch):
    from speechsite import cli

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "loop.txt").symlink_to("loop.txt")
    monkeypatch.setattr(cli, "PROJECT_DIR", tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as refused:
        cli.run(cli_args("inspect"))
    assert str(refused.value) == "seeds/loop.txt: symlink loop"


def cli_args(command: str):
    """The arguments build.py gives cli.run for a command without seeds."""
    from argparse import Namespace

    return Namespace(command=command, seeds=[], verbose=False, json=False, verbatim=False)


def output_dirs(directory: Path) -> list:
    """The build's three outputs, all inside directory (never the project's site/, site-offline/, dist/)."""
    return ["--site-dir", directory / "site", "--offline-dir", directory / "site-offline", "--dist-dir",
            directory / "dist"]


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file's bytes, once the outputs a build replaced are removed."""
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in outputs_under(directory) if p.is_file()}


def test_build_writes_the_hosted_site_the_offline_site_and_its_zip(project_dir, tmp_path):
    result = run(project_dir, *output_dirs(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "speeches" / "05" / "index.html").exists()
    assert (tmp_path / "site-offline" / "speeches" / "05.html").exists()
    assert (tmp_path / "dist" / "000_6daea81426b11c94-offline.zip").exists()
    assert sorted(p.name for p in settled(tmp_path).iterdir()) == ["dist", "site", "site-offline"]  # no scratch left


def test_failed_build_leaves_the_previous_outputs_in_place(project_dir, tmp_path):
    handwritten = snapshot(project_dir / "docs")
    assert run(project_dir, *output_dirs(tmp_path)).returncode == 0
    before = snapshot(tmp_path)
    broken = tmp_path / "broken.txt"
    broken.write_text("标题\n没有目录\n", encoding="utf-8")
    for _ in range(2):  # two failed builds in a row
        assert run(project_dir, broken, *output_dirs(tmp_path)).returncode == 2
    broken.unlink()
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in settled(tmp_path).iterdir()) == ["dist", "site", "site-offline"]
    assert snapshot(project_dir / "docs") == handwritten  # the generator never writes into docs/


def test_pages_of_speeches_that_no_longer_exist_are_gone(project_dir, tmp_path):
    assert run(project_dir, *output_dirs(tmp_path)).returncode == 0
    assert (tmp_path / "site" / "speeches" / "19" / "index.html").exists()
    smaller = tmp_path / "smaller.txt"
    smaller.write_text("汇编(2篇)\n1。甲会议上的讲话\n2。乙会议上的讲话\n\n\n同志们:\n\n第一篇。\n\n\n同志们:\n\n第二篇。\n",
                       encoding="utf-8")
    assert run(project_dir, smaller, *output_dirs(tmp_path)).returncode == 0
    assert sorted(p.name for p in (tmp_path / "site" / "speeches").iterdir()) == ["01", "02"]


@pytest.mark.parametrize("failing", ["offline build", "zip"])
def test_a_failure_after_the_hosted_build_leaves_all_three_in_place(project_dir, tmp_path, monkeypatch, failing):
    """The hosted site is built first; when the offline build or the zip fails, site/ must not change either."""
    from speechsite import cli

    seed = project_dir / "seeds" / "000_6daea81426b11c94.txt"
    folders = (tmp_path / "site", tmp_path / "site-offline", tmp_path / "dist")
    assert cli.build([seed], *folders) == 0
    before = snapshot(tmp_path)
    build_site, zip_folder = cli._build_site, cli.zip_folder

    def offline_fails(compilations, site_dir, strict, offline=False, **urls):
        if offline and failing == "offline build":
            raise OSError(28, "No space left on device", str(site_dir))
        build_site(compilations, site_dir, strict, offline=offline, **urls)

    def zip_fails(folder, zip_path, root, **cache):
        zip_folder(folder, zip_path, root, **cache)
        if failing == "zip":
            raise OSError(28, "No space left on device", str(zip_path))

    monkeypatch.setattr(cli, "_build_site", offline_fails)
    monkeypatch.setattr(cli, "zip_folder", zip_fails)
    with pytest.raises(Exception, match="no space left on device writing"):  # from the child process, or this one
        cli.build([seed], *folders, site_url="https://changed.example.org/")
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in settled(tmp_path).iterdir()) == ["dist", "site", "site-offline"]


def test_a_failure_making_the_search_postings_ahead_leaves_all_three_in_place(project_dir, tmp_path, monkeypatch):
    """python build.py makes the search postings in a child process beside its two builds; its failure stops the
    build before anything is swapped in."""
    from speechsite import cli

    seed = project_dir / "seeds" / "000_6daea81426b11c94.txt"
    folders = (tmp_path / "site", tmp_path / "site-offline", tmp_path / "dist")
    assert cli.build([seed], *folders) == 0
    before = snapshot(tmp_path)

    def postings_fail(compilations, project):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(project / "a.postings"))

    monkeypatch.setattr(cli, "search_postings_ahead", postings_fail)
    monkeypatch.setattr(cli, "can_fork", lambda: True)  # on one core it is not started (nor would it fail)
    with pytest.raises(Exception) as failed:
        cli.build([seed], *folders, site_url="https://changed.example.org/")
    assert f"No space left on device: {project_dir / 'a.postings'}" in cli.describe(failed.value)
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in settled(tmp_path).iterdir()) == ["dist", "site", "site-offline"]


@pytest.mark.parametrize("full", ["site", "site-offline", "dist"])
def test_a_full_disk_is_one_line_naming_the_output_being_written(project_dir, tmp_path, monkeypatch, full):
    """Copying Material's stylesheets fails first on a full disk, and shutil names the file it copies from."""
    from speechsite import cli

    copyfile, zip_folder = shutil.copyfile, cli.zip_folder
    outputs = {name: tmp_path / name for name in ("site", "site-offline", "dist")}

    def copy_onto_a_full_disk(source, destination, **options):
        if f"/{full}/" in str(destination):  # inside the staging folder of that output
            error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(source))
            error.filename2 = str(destination)
            raise error
        return copyfile(source, destination, **options)

    def zip_onto_a_full_disk(folder, zip_path, root, **cache):
        if full == "dist":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(zip_path))
        zip_folder(folder, zip_path, root, **cache)

    monkeypatch.setattr(shutil, "copyfile", copy_onto_a_full_disk)
    monkeypatch.setattr(cli, "zip_folder", zip_onto_a_full_disk)
    with pytest.raises(Exception) as failed:
        cli.build([project_dir / "seeds" / "000_6daea81426b11c94.txt"], *outputs.values())
    written = outputs[full] / "000_6daea81426b11c94-offline.zip" if full == "dist" else outputs[full]
    assert cli.describe(failed.value) == f"no space left on device writing {display_path(written)}"
    assert [path.name for path in settled(tmp_path).iterdir() if path.name != "dist"] == []


def test_the_build_makes_the_same_files_in_one_process_as_in_two(project_dir, tmp_path, monkeypatch):
    """On two cores the offline site is built in a forked child (speechsite/parallel.py), else after the hosted one."""
    from speechsite import cli, parallel

    def folders(directory: Path) -> tuple[Path, Path, Path]:
        return directory / "site", directory / "site-offline", directory / "dist"

    seed = project_dir / "seeds" / "000_6daea81426b11c94.txt"
    assert cli.build([seed], *folders(tmp_path / "default")) == 0
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    monkeypatch.setattr(cli, "can_fork", lambda: False)
    assert cli.build([seed], *folders(tmp_path / "one-process")) == 0
    built = snapshot(tmp_path / "default")
    assert len(built) > 40 and built == snapshot(tmp_path / "one-process")


def test_inspect_into_a_pipe_closed_early_ends_quietly(project_dir):
    shell = f"{sys.executable} {project_dir / 'build.py'} inspect --json | head -c 1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", shell], cwd=project_dir, capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "" and result.stdout == "{"


@pytest.mark.parametrize("stem", ["讲" * 82, "a" * 251], ids=["82 Chinese characters", "255 bytes"])
def test_a_seed_with_a_name_as_long_as_the_file_system_allows_builds(project_dir, seed_path, tmp_path, stem):
    seed = tmp_path / f"{stem}.txt"
    seed.write_bytes(seed_path.read_bytes())
    result = run(project_dir, seed, *output_dirs(tmp_path))
    assert result.returncode == 0, result.stderr
    zip_file, = (tmp_path / "dist").glob("*-offline.zip")
    assert len(zip_file.name.encode()) <= 255 and zip_file.name.startswith(stem[:20])
