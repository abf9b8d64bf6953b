"""speechsite/parallel.py: work in a forked child, its failure brought back as one line."""

from __future__ import annotations

import os
import time

import pytest

from speechsite.parallel import ChildFailed, ChildTraceback, alongside, can_fork

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
