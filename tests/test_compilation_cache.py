"""speechsite/compilation_cache.py, through the command line of a copy of the project with its own .cache/: a build
from the cache makes what a build from scratch makes, a change to one compilation splits that one again and no
other, --jobs 2 makes what --jobs 1 makes, a bad seed in a parallel split is one line, a damaged entry is made again,
prepare fills the cache so that the build splits nothing; and the MkDocs plugin takes its compilations from it too."""

from __future__ import annotations

import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builders import copy_project
from speechsite import compilation_cache, plugin
from speechsite.compilation_cache import FOLDER
from speechsite.pipeline import build_compilation
from test_cli import output_dirs
from test_output_paths import tree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synthetic import make  # noqa: E402

SEEDS = ("seeds/a.txt", "seeds/b.txt", "seeds/c.txt")
SUMMARY = re.compile(r"compilations: (\d+) split and analysed, (\d+) from the cache")
PAGES_SUMMARY = re.compile(r".*(hosted|offline) site: \d+ pages rendered, \d+ from the cache\n")
"""The render cache's line, which differs between a first build and the next (see test_render_cache.py)."""
MISCOUNT = "the title says 9 pieces"
"""The warning a.txt's title gives (it counts 9 speeches, its TOC 5): a build must print it, from the cache too."""


def run(project: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(project / "build.py"), *map(str, args)], cwd=project,
                          capture_output=True, text=True)


def split_and_cached(result: subprocess.CompletedProcess) -> tuple[int, int]:
    """How many compilations the build split and analysed, and how many it took from the cache."""
    assert result.returncode == 0, result.stderr
    made, cached = SUMMARY.search(result.stderr).groups()
    return int(made), int(cached)


def entries(project: Path) -> dict[str, bytes]:
    return {entry.name: entry.read_bytes() for entry in (project / FOLDER).glob("*.pickle")}


def entry_of(project: Path, seed: str) -> Path:
    """The cache entry whose compilation is the seed's."""
    found, = [entry for entry in (project / FOLDER).glob("*.pickle")
              if pickle.loads(entry.read_bytes()).source == Path(seed)]
    return found


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project whose seeds are three small compilations (five speeches each), with an empty cache."""
    copy = copy_project(tmp_path / "project")
    for old in (copy / "seeds").iterdir():
        old.unlink()
    for number, seed in enumerate(SEEDS):
        text = make(5, seed=number).text
        (copy / seed).write_text(text.replace("(5篇)", "(9篇)") if seed == "seeds/a.txt" else text, encoding="utf-8")
    return copy


def test_a_build_from_the_cache_makes_the_same_files_and_says_the_same_as_one_from_scratch(project, tmp_path):
    outputs = tmp_path / "outputs"
    cold = run(project, *output_dirs(outputs))
    built_from_scratch = tree(outputs)
    warm = run(project, *output_dirs(outputs))  # into the same folders, so that the log names the same paths
    assert split_and_cached(cold) == (3, 0) and split_and_cached(warm) == (0, 3)
    assert tree(outputs) == built_from_scratch
    assert MISCOUNT in cold.stderr
    assert SUMMARY.sub("", PAGES_SUMMARY.sub("", warm.stderr)) == SUMMARY.sub("", PAGES_SUMMARY.sub("", cold.stderr))


@pytest.mark.parametrize("change, shown", [
    (lambda seed: seed.write_text(seed.read_text(encoding="utf-8") + "后来补上的一段话。\n", encoding="utf-8"),
     "后来补上的一段话"),
    (lambda seed: seed.with_suffix(".toml").write_text('[[title]]\nspeech = 1\ntitle = "改过的标题"\n',
                                                        encoding="utf-8"), "改过的标题"),
], ids=["seed edited", "override file added"])
def test_a_change_to_one_compilation_splits_that_one_again_and_no_other(project, tmp_path, change, shown):
    assert split_and_cached(run(project, *output_dirs(tmp_path / "outputs"))) == (3, 0)
    before = entries(project)
    change(project / "seeds/b.txt")
    assert split_and_cached(run(project, *output_dirs(tmp_path / "outputs"))) == (1, 2)
    after = entries(project)
    assert {name: after[name] for name in before} == before  # the others were read, not written again
    new, = set(after) - set(before)
    assert pickle.loads(after[new]).source == Path("seeds/b.txt")
    assert any(shown in page.read_text(encoding="utf-8") for page in (tmp_path / "outputs" / "site").rglob("*.html"))


def test_two_jobs_make_the_same_files_as_one(project, tmp_path):
    one = run(project, "--jobs", "1", *output_dirs(tmp_path / "one"))
    shutil.rmtree(project / FOLDER)
    two = run(project, "--jobs", "2", *output_dirs(tmp_path / "two"))
    assert split_and_cached(one) == split_and_cached(two) == (3, 0)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert len(entries(project)) == 3  # the workers stored what they made


def test_a_bad_seed_in_a_parallel_split_is_one_line_naming_it_and_exit_2(project, tmp_path):
    (project / "seeds/b.txt").write_text("标题\n没有目录\n", encoding="utf-8")
    result = run(project, "--jobs", "2", *output_dirs(tmp_path / "outputs"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["error: seeds/b.txt:1: no table of contents found after the title line; "
                                          "expected numbered lines such as '1。标题' or bullets '· 标题'"]
    assert not (tmp_path / "outputs").exists()


@pytest.mark.parametrize("damage", [
    lambda data: data[:len(data) // 2],
    lambda data: b"",
    lambda data: b"not a pickle at all",
    lambda data: pickle.dumps(["a list", "not a compilation"]),
], ids=["truncated", "empty", "not a pickle", "another object"])
def test_a_damaged_entry_is_made_again(project, damage):
    assert run(project, "prepare").returncode == 0
    damaged = entry_of(project, "seeds/b.txt")
    whole = damaged.read_bytes()
    damaged.write_bytes(damage(whole))
    result = run(project, "prepare")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["seeds/a.txt: in the cache", "seeds/b.txt: split and analysed",
                                          "seeds/c.txt: in the cache"]
    assert damaged.read_bytes() == whole


def test_prepare_fills_the_cache_so_that_the_build_splits_nothing(project, tmp_path):
    for seed in SEEDS:  # one job per compilation, as `parallel python build.py prepare ::: seeds/*.txt` runs them
        result = run(project, "prepare", seed)
        assert result.returncode == 0 and result.stdout == f"{seed}: split and analysed\n", result.stderr
    build = run(project, *output_dirs(tmp_path / "outputs"))
    assert split_and_cached(build) == (0, 3)
    assert MISCOUNT in build.stderr
    verbatim = run(project, "prepare", "--verbatim", project / "seeds/a.txt")  # absolute: the same seed, shown alike
    assert verbatim.stdout == "seeds/a.txt: split and analysed\n"  # the flag changes what a compilation is
    assert run(project, "prepare", "--verbatim", "seeds/a.txt").stdout == "seeds/a.txt: in the cache\n"


def test_the_plugin_splits_again_only_the_seed_that_changed_even_in_a_new_process(tmp_path, monkeypatch):
    """mkdocs serve keeps compilations in memory; a new process (mkdocs build, a restarted serve) reads the cache."""
    split = []

    def counting_split(seed, verbatim=False):
        split.append(seed.name)
        return build_compilation(seed, verbatim)

    monkeypatch.setattr(compilation_cache, "build_compilation", counting_split)
    monkeypatch.setattr(plugin, "_COMPILATIONS", {})
    seeds = [tmp_path / name for name in ("a.txt", "b.txt")]
    for number, seed in enumerate(seeds):
        seed.write_text(make(5, seed=number).text, encoding="utf-8")

    def rebuild() -> list[str]:
        split.clear()
        for seed in seeds:
            plugin._cached_compilation(seed, False, tmp_path / "cache")
        return list(split)

    assert rebuild() == ["a.txt", "b.txt"]
    seeds[1].write_text(seeds[1].read_text(encoding="utf-8") + "后来补上的一段话。\n", encoding="utf-8")
    assert rebuild() == ["b.txt"]
    monkeypatch.setattr(plugin, "_COMPILATIONS", {})
    assert rebuild() == []


def test_entries_unused_for_a_month_are_removed_and_those_in_use_kept(tmp_path, seed_path):
    import os
    import time

    from speechsite.atomic import UNUSED_DAYS
    from speechsite.compilation_cache import prepared_compilations

    folder = tmp_path / "cache"
    seed = tmp_path / "seed.txt"
    seed.write_bytes(seed_path.read_bytes())
    prepared_compilations([seed], False, folder)
    in_use, = folder.glob("*.pickle")
    old_stamp = time.time() - (UNUSED_DAYS + 1) * 86400
    stale = folder / ("0" * 64 + ".pickle")
    stale.write_bytes(b"an entry of a seed edited long ago")
    recent = folder / ("1" * 64 + ".pickle")
    recent.write_bytes(b"an entry of another archive, used yesterday")
    os.utime(stale, (old_stamp, old_stamp))
    os.utime(in_use, (old_stamp, old_stamp))  # unused for a month, but this build reads it
    os.utime(recent, (time.time() - 86400,) * 2)
    assert prepared_compilations([seed], False, folder)[0].from_cache
    assert stale.exists(), "unused entries are looked for at most once a day, and the first build just did"
    for stamp in folder.glob("removed-unused-*"):
        os.utime(stamp, (time.time() - 2 * 86400,) * 2)
    assert prepared_compilations([seed], False, folder)[0].from_cache
    assert not stale.exists() and recent.exists() and in_use.exists()
    assert in_use.stat().st_mtime > old_stamp  # the read marked it used


def test_a_compilation_read_back_from_its_pickle_equals_it(seed_compilation):
    import pickle

    from speechsite import model

    again = pickle.loads(pickle.dumps(seed_compilation, pickle.HIGHEST_PROTOCOL))
    assert again == seed_compilation
    assert again.analysis == seed_compilation.analysis  # its frozen parts read back by quick_unpickling
    with pytest.raises(TypeError):
        model.quick_unpickling(model.Paragraph)  # not frozen: Python's own pickling, already quick
