"""speechsite/output_paths.py, through the command line: outputs that would replace the project, a source or each
other are refused before anything is touched; staging folders a killed build left are removed by the next one; a
stopped build exits with the shell's status and one line, and its forked child goes with it.

Every refused case runs on a copy of the project, never on the project itself: a regression would destroy it."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builders import copy_project, outputs_under, settled
from speechsite.output_paths import (RETIRED_PREFIX, STAGING_PREFIX, claim_frame, remove_empty_frame_folders,
                                     retire, wait_for_retired)
from speechsite.remover import FRAME_FOLDERS, FRAME_PREFIX
from speechsite.parallel import can_fork
from test_cli import output_dirs

SEED = "seeds/000_6daea81426b11c94.txt"


def build(project: Path, *args, **popen) -> subprocess.CompletedProcess:
    """python build.py of the given project (its own build.py and speechsite/), run in that project."""
    return subprocess.run([sys.executable, str(project / "build.py"), *map(str, args)], cwd=project,
                          capture_output=True, text=True, **popen)


def tree(directory: Path, settle: bool = True) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (as None), hidden ones included, so that any change shows; with settle,
    once the outputs a build replaced are removed."""
    return {p.relative_to(directory).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in outputs_under(directory, settle)}


def staging_folders(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.glob(f"{STAGING_PREFIX}*")]


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory) -> Path:
    """A copy of the project with a .git folder and a finished build into its default site/, site-offline/, dist/."""
    copy = copy_project(tmp_path_factory.mktemp("built") / "project")
    (copy / ".git").mkdir()
    (copy / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    result = build(copy)
    assert result.returncode == 0, result.stderr
    assert (copy / "site" / "index.html").exists() and (copy / "dist" / "000_6daea81426b11c94-offline.zip").exists()
    return copy


@pytest.fixture
def project_copy(built_copy, tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built_copy, copy, symlinks=True)
    return copy


@pytest.mark.parametrize("flags, words", [
    (["--site-dir", "."], "--site-dir .: is the project folder"),
    (["--offline-dir", ".."], ": contains the project folder"),
    (["--dist-dir", "."], "--dist-dir .: is the project folder"),
    (["--site-dir", "docs"], "--site-dir docs: is docs/"),
    (["--dist-dir", "docs"], "--dist-dir docs: is docs/"),
    (["--site-dir", "templates/theme/site"], "lies inside templates/"),
    (["--site-dir", "seeds"], "--site-dir seeds: is the folder of the seed"),
    (["--offline-dir", SEED], f"--offline-dir {SEED}: is the seed"),
    (["--site-dir", SEED.replace(".txt", ".toml")], "is the override file"),
    (["--offline-dir", "seeds/X.txt"], "--offline-dir seeds/X.txt: lies deeper inside the project folder"),
    (["--site-dir", ".git"], "--site-dir .git: is one of the project's own files or folders"),
    (["--dist-dir", "speechsite"], "--dist-dir speechsite: is one of the project's own files or folders"),
    (["--site-dir", "build.py"], "--site-dir build.py: is one of the project's own files or folders"),
    (["--dist-dir", "site/downloads"], "--site-dir site: contains --dist-dir site/downloads"),
    (["--offline-dir", "site/offline"], "--site-dir site: contains --offline-dir site/offline"),
    (["--site-dir", "X", "--offline-dir", "X"], "--site-dir X: is --offline-dir X"),
    (["--site-dir", "dist"], "--site-dir dist: is --dist-dir dist"),
])
def test_an_output_that_would_replace_the_project_a_source_or_another_output_is_refused(project_copy, flags, words):
    before = tree(project_copy)
    result = build(project_copy, *flags)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [result.stderr.strip()] and words in result.stderr, result.stderr
    assert tree(project_copy) == before  # not a file, not a folder, not the earlier build's outputs changed


def test_a_symbolic_link_is_judged_by_what_it_points_to(project_copy):
    (project_copy / "pages").symlink_to("docs")
    before = tree(project_copy / "docs")
    result = build(project_copy, "--site-dir", "pages")
    assert result.returncode == 2 and "is docs/" in result.stderr, result.stderr
    assert tree(project_copy / "docs") == before


def test_a_new_name_directly_in_the_project_is_an_output_and_stays_one(project_copy):
    flags = ["--site-dir", "public", "--offline-dir", "public-offline", "--dist-dir", "downloads"]
    for _ in range(2):  # the second build replaces what the first wrote there
        result = build(project_copy, *flags)
        assert result.returncode == 0, result.stderr
    assert (project_copy / "public" / "index.html").exists()
    assert [p.name for p in settled(project_copy / "downloads").iterdir()] == ["000_6daea81426b11c94-offline.zip"]


@pytest.mark.parametrize("someone_elses, flag, output, words", [
    ("notes.txt", "--site-dir", "notes.txt", "exists and is not a folder"),
    ("mine/notes.txt", "--offline-dir", "mine", "holds files that are not a site this generator built"),
    ("notes.txt", "--dist-dir", "notes.txt", "exists and is not a folder"),
    ("dist/000_6daea81426b11c94-offline.zip", "--dist-dir", "dist", "exists and is not a zip this build wrote"),
])
def test_an_output_outside_the_project_must_be_new_or_what_a_build_wrote(project_dir, tmp_path, someone_elses, flag,
                                                                         output, words):
    (tmp_path / someone_elses).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / someone_elses).write_text("not the build's")
    flags = output_dirs(tmp_path)
    flags[flags.index(flag) + 1] = tmp_path / output
    before = tree(tmp_path)
    result = build(project_dir, SEED, *flags)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert tree(tmp_path) == before


def test_the_next_build_removes_the_staging_folders_a_killed_build_left_and_nothing_else(project_dir, tmp_path):
    assert build(project_dir, *output_dirs(tmp_path)).returncode == 0
    abandoned = [tmp_path / f"{STAGING_PREFIX}abandoned", tmp_path / "dist" / f"{STAGING_PREFIX}abandoned"]
    for folder in abandoned:
        (folder / "retired").mkdir(parents=True)
        (folder / "retired" / "index.html").write_text("a site swapped out by a build that was then killed")
    in_use = tmp_path / f"{STAGING_PREFIX}in-use"  # as a build running at the same time holds it
    in_use.mkdir()
    lock = os.open(in_use, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    someone_elses = tmp_path / ".site-mine"
    someone_elses.mkdir()
    try:
        result = build(project_dir, *output_dirs(tmp_path))
    finally:
        os.close(lock)
    assert result.returncode == 0, result.stderr
    assert not any(folder.exists() for folder in abandoned)
    assert in_use.is_dir() and someone_elses.is_dir()


def test_the_sites_a_build_replaced_are_removed_after_it_and_what_a_killed_removal_left_by_the_next(project_dir,
                                                                                                     tmp_path):
    assert build(project_dir, *output_dirs(tmp_path)).returncode == 0
    left = [tmp_path / f"{RETIRED_PREFIX}killed", tmp_path / "dist" / f"{RETIRED_PREFIX}killed"]
    for folder in left:  # as a removal that was killed halfway leaves it
        (folder / "site" / "speeches").mkdir(parents=True)
        (folder / "site" / "index.html").write_text("a site replaced by an earlier build")
    result = build(project_dir, *output_dirs(tmp_path))
    assert result.returncode == 0, result.stderr
    settled(tmp_path)  # fails unless the replaced outputs and the leftovers go
    assert not any(folder.exists() for folder in left) and not staging_folders(tmp_path, tmp_path / "dist")
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site-offline" / "index.html").is_file()


def test_a_retired_folder_is_renamed_at_once_and_removed_even_without_a_process_to_spare(tmp_path, monkeypatch):
    folders = [tmp_path / f"{STAGING_PREFIX}{name}" for name in ("a", "b")]
    for folder in folders:
        (folder / "site").mkdir(parents=True)
        (folder / "site" / "index.html").write_text("old")
    retire(folders[:1])
    assert not folders[0].exists()  # renamed before retire returns: no staging folder is seen as a build's
    wait_for_retired()
    frame = tmp_path / f"{FRAME_PREFIX}site"  # the folders of the site it held, kept for the next build of site
    assert sorted(tmp_path.iterdir()) == [frame, folders[1]]
    shutil.rmtree(frame)

    def no_process(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")
    monkeypatch.setattr(subprocess, "Popen", no_process)
    retire(folders[1:])
    assert not list(tmp_path.iterdir())


def a_replaced_site(folder: Path) -> Path:
    """A site as a build replaces it: pages in folders, a folder of nothing, a gh-pages checkout's .git, a link."""
    site = folder / "site"
    for page in ("index.html", "speeches/01/index.html", "speeches/02/index.html", "gone/deeper/index.html"):
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(f"the old {page}")
    (site / "assets" / "empty").mkdir(parents=True)
    (site / ".git" / "refs").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / "speeches" / "link").symlink_to(site / "speeches" / "01")
    return site


def test_a_replaced_site_leaves_its_folders_and_nothing_else_as_the_frame_of_the_next_build(tmp_path):
    retired = tmp_path / f"{STAGING_PREFIX}old"
    a_replaced_site(retired)
    retire([retired])
    wait_for_retired()
    frame = tmp_path / f"{FRAME_PREFIX}site"
    assert sorted(p.relative_to(frame).as_posix() + ("/" if p.is_dir() else "") for p in frame.rglob("*")) == [
        FRAME_FOLDERS, "assets/", "assets/empty/", "gone/", "gone/deeper/", "speeches/", "speeches/01/",
        "speeches/02/"]
    listed = (frame / FRAME_FOLDERS).read_text(encoding="utf-8").splitlines()
    assert sorted(listed) == ["assets", "assets/empty", "gone", "gone/deeper", "speeches", "speeches/01",
                              "speeches/02"]
    assert all(listed.index(inner) < listed.index(outer) for inner in listed for outer in listed
               if inner.startswith(outer + "/"))  # so that removing them in order can empty a parent
    assert not retired.exists() and not list(tmp_path.glob(f"{RETIRED_PREFIX}*"))


def test_a_build_takes_the_frame_and_removes_the_folders_it_left_empty(tmp_path):
    frame = tmp_path / f"{FRAME_PREFIX}site"
    retire([a_replaced_site(tmp_path / f"{STAGING_PREFIX}old").parent])
    wait_for_retired()
    speeches = (frame / "speeches").stat().st_ino
    elsewhere = tmp_path / "chosen" / "site"
    elsewhere.mkdir(parents=True)
    assert claim_frame(elsewhere) == [] and frame.is_dir()  # not a staged site: the frame is not its
    busy = tmp_path / f"{STAGING_PREFIX}busy" / "site"
    (busy / "assets").mkdir(parents=True)
    assert claim_frame(busy) == [] and frame.is_dir()  # written to already

    staged = tmp_path / f"{STAGING_PREFIX}new" / "site"
    staged.mkdir(parents=True)
    folders = claim_frame(staged)
    assert not frame.exists() and (staged / "speeches").stat().st_ino == speeches
    assert not (staged / FRAME_FOLDERS).exists()
    (staged / "speeches" / "01" / "index.html").write_text("the new page")
    (staged / "index.html").write_text("the new home")
    remove_empty_frame_folders(staged, folders)
    assert sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*")) == [
        "index.html", "speeches", "speeches/01", "speeches/01/index.html"]
    assert claim_frame(tmp_path / f"{STAGING_PREFIX}next" / "site") == []  # taken: the next build has none


def start_build(project_dir: Path, outputs: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(project_dir / "build.py"), SEED, *map(str, output_dirs(outputs))],
                            cwd=project_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def wait_until_rendering(build_process: subprocess.Popen, outputs: Path) -> int | None:
    """Wait until the build renders into its staging folders; return its forked child's process id, if it forks."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and build_process.poll() is None:
        children = Path(f"/proc/{build_process.pid}/task/{build_process.pid}/children").read_text().split()
        if staging_folders(outputs) and (children or not can_fork()):
            return int(children[0]) if children else None
        time.sleep(0.005)
    pytest.fail("the build never started rendering")


def is_running(pid: int) -> bool:
    """The process exists and is not a zombie (ended, and waiting to be reaped by whoever adopted it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_until_ended(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while is_running(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    return not is_running(pid)


@pytest.mark.skipif(sys.platform != "linux", reason="watches the build's processes through /proc")
@pytest.mark.parametrize("number, to_group, status", [(signal.SIGTERM, False, 143), (signal.SIGINT, True, 130)])
def test_a_stopped_build_says_so_in_one_line_and_leaves_no_process_and_no_change(project_dir, tmp_path, number,
                                                                                 to_group, status):
    """SIGTERM to the build (as timeout sends it), or Ctrl-C (SIGINT to the whole process group)."""
    assert build(project_dir, SEED, *output_dirs(tmp_path)).returncode == 0
    before = tree(tmp_path)
    build_process = start_build(project_dir, tmp_path, start_new_session=True)
    child = wait_until_rendering(build_process, tmp_path)
    (os.killpg if to_group else os.kill)(build_process.pid, number)
    _, stderr = build_process.communicate(timeout=20)
    assert build_process.returncode == status, stderr
    assert [line for line in stderr.splitlines() if not line.startswith("INFO")] == \
        [f"error: interrupted by {signal.Signals(number).name}"]
    assert child is None or not is_running(child)
    assert tree(tmp_path) == before  # no staging folder left; the outputs as before (or rebuilt identically)


@pytest.mark.skipif(not can_fork(), reason="needs the forked offline build (Linux, two cores)")
def test_a_killed_build_takes_its_child_along_and_the_next_build_clears_up(project_dir, tmp_path):
    build_process = start_build(project_dir, tmp_path)
    child = wait_until_rendering(build_process, tmp_path)
    build_process.kill()
    build_process.communicate(timeout=20)
    assert wait_until_ended(child)
    assert not list((tmp_path / "dist").glob(f"{STAGING_PREFIX}*/*.zip")), "the offline build went on to the end"
    assert staging_folders(tmp_path)  # SIGKILL leaves no chance to clean up ...
    assert build(project_dir, SEED, *output_dirs(tmp_path)).returncode == 0
    assert not staging_folders(tmp_path, tmp_path / "dist")  # ... so the next build does it


def test_the_frames_of_sites_that_are_gone_are_removed_by_the_next_build_beside_them(tmp_path):
    """A preview's site is a temporary folder that goes when the server stops (its frame goes then too, but not if
    the server was killed): a frame whose site is gone is removed, one whose site is there is kept."""
    (tmp_path / "site").mkdir()
    for name in ("site", "mkdocs_gone"):
        (tmp_path / f"{FRAME_PREFIX}{name}" / "speeches" / "01").mkdir(parents=True)
    from speechsite.output_paths import staging_folder
    with staging_folder(tmp_path):
        pass
    wait_for_retired()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{FRAME_PREFIX}site", "site"]
