"""A build killed at random moments, the way a machine, a CI runner or an impatient editor stops one: SIGKILL or
SIGTERM, to the build alone or to its whole process group. After each kill every output is either the previous
build or the new one, complete; no build process is left; and the next build leaves no hidden folder behind.

The two builds differ (an override file retitles a speech), so an output that mixed them would show."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from speechsite.output_paths import RETIRED_PREFIX, STAGING_PREFIX
from test_cli import output_dirs

SEED = Path("seeds/000_6daea81426b11c94.txt")
OUTPUTS = ("site", "site-offline", "dist")
KILLS = [(signal.SIGKILL, False), (signal.SIGKILL, True), (signal.SIGTERM, False), (signal.SIGTERM, True)]
"""(signal, to the whole process group?) — each tried at several moments."""
MOMENTS_PER_KILL = 3
RANDOM = random.Random(20261201)
"""Fixed, so that a failure can be replayed: the moments are random across the build, not across runs."""


def build_command(project_dir: Path, seed: Path, outputs: Path) -> list[str]:
    return [sys.executable, str(project_dir / "build.py"), str(seed), *map(str, output_dirs(outputs))]


def outputs_tree(outputs: Path) -> dict[str, dict]:
    """Each output's files and folders, leaving out the build's own hidden staging and retired folders (a SIGKILL
    can leave those, and a retired one may be going as we look; the next build removes them, which the test checks
    separately)."""
    return {name: _tree_without_hidden_folders(outputs / name) for name in OUTPUTS}


def _tree_without_hidden_folders(directory: Path) -> dict[str, bytes | None]:
    found = {}
    for folder, folders, files in os.walk(directory):
        folders[:] = sorted(name for name in folders if not name.startswith((STAGING_PREFIX, RETIRED_PREFIX)))
        relative = Path(folder).relative_to(directory)
        found.update({(relative / name).as_posix(): None for name in folders})
        found.update({(relative / name).as_posix(): (Path(folder) / name).read_bytes() for name in files})
    return found


def processes_of_group(group: int) -> list[int]:
    """Running processes (not zombies) in the given process group: what a kill left behind."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def processes_left(group: int) -> list[int]:
    """The group's processes still running after a few seconds' grace (a dying child needs a moment)."""
    deadline = time.monotonic() + 10
    while processes_of_group(group) and time.monotonic() < deadline:
        time.sleep(0.02)
    return processes_of_group(group)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory, project_dir):
    """A seed with its first build (outputs A) and, with an override file written beside it, what the second build
    makes (outputs B); plus how long a build takes, to spread the kills over it."""
    work = tmp_path_factory.mktemp("fault")
    seed = work / "seeds" / "compilation.txt"
    seed.parent.mkdir()
    shutil.copy(project_dir / SEED, seed)
    retitle = '[[title]]\nspeech = 1\ntitle = "改过的标题"\n'
    results = {}
    for name, override in (("B", retitle), ("A", None)):  # B first, so that the override is gone for A's outputs
        if override:
            seed.with_suffix(".toml").write_text(override, encoding="utf-8")
        else:
            seed.with_suffix(".toml").unlink()
        started = time.monotonic()
        done = subprocess.run(build_command(project_dir, seed, work / name), cwd=project_dir, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr
        results[name] = (outputs_tree(work / name), time.monotonic() - started)
    (a, _), (b, duration) = results["A"], results["B"]
    for name in OUTPUTS:
        assert a[name] != b[name], f"{name}: the two builds must differ for the test to tell them apart"
    return seed, a, b, duration, retitle


@pytest.mark.skipif(sys.platform != "linux", reason="watches the build's processes through /proc")
@pytest.mark.parametrize("number, to_group", KILLS, ids=lambda k: getattr(k, "name", "group" if k else "build"))
def test_a_build_killed_at_any_moment_leaves_each_output_old_or_new_and_nothing_running(
        two_builds, project_dir, tmp_path, number, to_group):
    seed, before, after, duration, retitle = two_builds
    outputs = tmp_path / "outputs"
    for moment in sorted(RANDOM.uniform(0.05, duration * 1.1) for _ in range(MOMENTS_PER_KILL)):
        seed.with_suffix(".toml").unlink(missing_ok=True)
        assert subprocess.run(build_command(project_dir, seed, outputs), cwd=project_dir,
                              capture_output=True).returncode == 0
        assert outputs_tree(outputs) == before
        seed.with_suffix(".toml").write_text(retitle, encoding="utf-8")

        build_process = subprocess.Popen(build_command(project_dir, seed, outputs), cwd=project_dir,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(moment)
        try:
            (os.killpg if to_group else os.kill)(build_process.pid, number)
        except ProcessLookupError:
            pass  # it had finished: then its outputs must be the new ones
        _, stderr = build_process.communicate(timeout=30)
        where = f"{signal.Signals(number).name} to the {'group' if to_group else 'build'} at {moment:.2f} s"

        assert processes_left(build_process.pid) == [], f"{where}: processes left"
        if number == signal.SIGTERM and build_process.returncode != 0:
            # 143 and one line; or, killed while Python was still starting, by the signal itself (nothing to undo)
            assert build_process.returncode in (143, -signal.SIGTERM), f"{where}: {stderr.decode()}"
            if build_process.returncode == 143:
                assert stderr.decode().splitlines()[-1] == "error: interrupted by SIGTERM", where
        now = outputs_tree(outputs)
        for name in OUTPUTS:
            assert now[name] in (before[name], after[name]), f"{where}: {name} is neither the old nor the new build"

        assert subprocess.run(build_command(project_dir, seed, outputs), cwd=project_dir,
                              capture_output=True).returncode == 0
        assert outputs_tree(outputs) == after
        # beside the outputs, where they are made (not rglob: a retired folder may be going meanwhile)
        hidden = [p for folder in (outputs, outputs / "dist") for p in folder.glob(f"{STAGING_PREFIX}*")]
        assert hidden == [], f"{where}: the next build left {hidden}"
