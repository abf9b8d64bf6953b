"""Run one piece of work in a forked child process while the parent does another: how ``python build.py`` renders
the hosted and the offline site at once on a machine with two or more cores.

A fork, not multiprocessing's pickling: the child inherits the prepared compilations and the loaded modules for
free, and only one line of text (the error, if any) comes back through a pipe.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable
from contextlib import contextmanager


class ChildFailed(Exception):
    """The work in the child failed; the message is the one line its error would have given in the parent."""


def can_fork() -> bool:
    """Forking pays only with a second core, and is safe only where fork is the platform's own way (Linux)."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1


@contextmanager
def alongside(work: Callable[[], None], describe: Callable[[BaseException], str]):
    """Run work in a child process during the with-block; on leaving the block without an error, wait for the child
    and raise ChildFailed with describe(its error) if it failed. On an error in the block the child is stopped, so
    that nothing writes into folders the caller is about to remove. Where forking does not pay (``can_fork``), work
    runs after the block instead, in this process, and its errors are raised as they are."""
    if not can_fork():
        yield
        work()
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or text buffered before the fork would be printed twice
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code, and leaves no clean-up of the parent's to run
        os.close(read_end)
        status = 0
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent as a line
            report = describe(error) + "\0" + "".join(traceback.format_exception(error))
            os.write(write_end, report.encode("utf-8", "replace"))
            status = 1
        finally:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            os._exit(status)
    os.close(write_end)
    try:
        yield
    except BaseException:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(read_end)
        raise
    with os.fdopen(read_end, "rb") as pipe:
        report = pipe.read().decode("utf-8", "replace")
    _, status = os.waitpid(pid, 0)
    if status:
        line, _, child_traceback = report.partition("\0")
        cause = ChildTraceback(child_traceback) if child_traceback else None
        raise ChildFailed(line or f"the child process ended with status {os.waitstatus_to_exitcode(status)}") \
            from cause


class ChildTraceback(Exception):
    """The child's traceback as text, chained to ChildFailed so that ``--debug`` shows where the child failed."""
