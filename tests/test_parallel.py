"""speechsite/parallel.py: work in a forked child, its failure brought back as one line; work in a pool of worker
processes, in order, its first failure raised as it is, every worker stopped with the build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builders import copy_project
from speechsite.compilation_cache import FOLDER as COMPILATIONS_CACHE
from speechsite.errors import InputError
from speechsite.parallel import ChildFailed, ChildTraceback, alongside, can_fork, map_in_processes
from test_fault_injection import processes_left

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synthetic import make  # noqa: E402

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs Linux and two cores")


def describe(error: BaseException) -> str:
    return f"described: {error}"


def test_the_child_does_its_work_while_the_parent_does_its_own(tmp_path):
    done = tmp_path / "child-was-here"
    with alongside(lambda: done.write_text(str(os.getpid())), describe):
        parent = os.getpid()
    assert done.exists() and int(done.read_text()) != parent


def test_a_failure_in_the_child_is_raised_in_the_parent_as_its_line_with_the_traceback_chained():
    def fails():
        raise ValueError("disk full")

    with pytest.raises(ChildFailed, match="^described: disk full$") as raised:
        with alongside(fails, describe):
            pass
    assert isinstance(raised.value.__cause__, ChildTraceback)
    assert "in fails" in str(raised.value.__cause__)  # --debug shows where the child failed


def test_a_failure_in_the_parent_stops_the_child(tmp_path):
    late = tmp_path / "written-after-the-parent-failed"

    def slow():
        time.sleep(1)
        late.write_text("too late")

    with pytest.raises(KeyError):
        with alongside(slow, describe):
            raise KeyError("parent failed")
    time.sleep(1.5)
    assert not late.exists()


def square_in_process(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def fail_on_odd(number: int) -> int:
    if number % 2:
        raise InputError("odd", f"{number}.txt", line=number)
    return number


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_pool_gives_the_results_in_order_from_its_workers_or_this_process(jobs):
    results = map_in_processes(square_in_process, [1, 2, 3, 4, 5], jobs=jobs)
    assert [square for square, _ in results] == [1, 4, 9, 16, 25]
    workers = {pid for _, pid in results}
    assert workers == {os.getpid()} if jobs == 1 else (os.getpid() not in workers and len(workers) <= jobs)


def test_the_first_failure_in_the_pool_is_raised_as_it_is():
    with pytest.raises(InputError) as raised:
        map_in_processes(fail_on_odd, [0, 2, 3, 4, 5], jobs=2)
    assert (raised.value.message, raised.value.path, raised.value.line) == ("odd", Path("3.txt"), 3)


@pytest.fixture(scope="module")
def project_with_long_splits(tmp_path_factory) -> Path:
    """A copy of the project with three compilations of ten times the seed's speeches (a second or so each)."""
    copy = copy_project(tmp_path_factory.mktemp("pool") / "project")
    for number in range(3):
        (copy / "seeds" / f"long{number}.txt").write_text(make(190, seed=number, runs_per_speech=5).text,
                                                          encoding="utf-8")
    return copy


@pytest.mark.parametrize("number, to_group, status", [(signal.SIGTERM, False, 143), (signal.SIGINT, True, 130),
                                                      (signal.SIGKILL, False, -signal.SIGKILL)],
                         ids=["SIGTERM to the build", "Ctrl-C to its group", "SIGKILL to the build"])
def test_a_stopped_parallel_split_says_so_in_one_line_and_leaves_no_worker(project_with_long_splits, number,
                                                                            to_group, status):
    """SIGTERM to the build, Ctrl-C (SIGINT to the whole process group), or SIGKILL, with the workers splitting."""
    seeds = sorted((project_with_long_splits / "seeds").glob("long*.txt"))
    for seed in seeds:  # new content, so that none is in the cache from an earlier round
        seed.write_text(seed.read_text(encoding="utf-8") + f"{number.name}。\n", encoding="utf-8")
    build = subprocess.Popen([sys.executable, "build.py", "prepare", "--jobs", "2", *seeds],
                             cwd=project_with_long_splits, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    children = Path(f"/proc/{build.pid}/task/{build.pid}/children")
    while build.poll() is None and len(children.read_text().split()) < 2:
        time.sleep(0.005)
    (os.killpg if to_group else os.kill)(build.pid, number)
    _, stderr = build.communicate(timeout=30)
    assert build.returncode == status, stderr
    assert stderr.splitlines() == ([] if number == signal.SIGKILL else [f"error: interrupted by {number.name}"])
    assert processes_left(build.pid) == []
    assert not list((project_with_long_splits / COMPILATIONS_CACHE).glob("*.pickle")), "a worker went on to the end"
