"""Work in forked processes: one piece in a child while the parent does another (``alongside``: how ``python
build.py`` renders the hosted and the offline site at once), and many independent pieces in a pool of workers
(``map_in_processes``: how it splits the compilations not in the cache).

``alongside`` forks without multiprocessing's pickling: the child inherits the prepared compilations and the loaded
modules for free, and only one line of text (the error, if any) comes back through a pipe. The pool's pieces are
compilations, which must come back, so there they travel pickled.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from typing import NoReturn

from .interrupts import SIGNALS, deferred

PR_SET_PDEATHSIG = 1  # from Linux's <linux/prctl.h>


class ChildFailed(Exception):
    """The work in the child failed; the message is the one line its error would have given in the parent."""


def can_fork() -> bool:
    """Forking pays only with a second core, and is safe only where fork is the platform's own way (Linux)."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1


@contextmanager
def alongside(work: Callable[[], None], describe: Callable[[BaseException], str]):
    """Run work in a child process during the with-block; on leaving the block without an error, wait for the child
    and raise ChildFailed with describe(its error) if it failed. On an error in the block, or a Ctrl-C or SIGTERM
    while waiting, the child is stopped, so that nothing writes into folders the caller is about to remove; if the
    parent is killed outright, the child dies with it. Where forking does not pay (``can_fork``), work runs after
    the block instead, in this process, and its errors are raised as they are."""
    if not can_fork():
        yield
        work()
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or text buffered before the fork would be printed twice
    parent, child = os.getpid(), None
    read_end, write_end = os.pipe()
    with open(read_end, "rb") as from_child, open(write_end, "wb") as to_parent:
        try:
            with deferred():  # a Ctrl-C or SIGTERM during the fork waits until each process is ready to handle it
                child = os.fork()
                if child == 0:
                    _live_as_child(work, describe, to_parent.fileno(), parent)
            to_parent.close()  # the child's copy is now the only one: reading ends when the child ends
            yield
            report = from_child.read().decode("utf-8", "replace")
            _, status = os.waitpid(child, 0)
        except BaseException:  # an error in the block, or a stop while waiting: nothing may write on
            if child is not None:
                _stop(child)
            raise
    if status:
        line, _, child_traceback = report.partition("\0")
        cause = ChildTraceback(child_traceback) if child_traceback else None
        raise ChildFailed(line or f"the child process ended with status {os.waitstatus_to_exitcode(status)}") \
            from cause


def map_in_processes(work: Callable, *iterables: Iterable, jobs: int) -> list:
    """``list(map(work, *iterables))``, in up to ``jobs`` forked worker processes, each piece and its result pickled.
    The first error in the pieces' order is raised as it is (so it must pickle), as in this process; on it, or on a
    Ctrl-C or SIGTERM, the workers are stopped at once, and if the parent is killed outright they die with it. With
    one job or one piece, or where fork is not the platform's own way (only Linux), the work runs in this process."""
    arguments = [list(iterable) for iterable in iterables]
    pieces = min(map(len, arguments))
    if jobs == 1 or pieces < 2 or sys.platform != "linux":
        return list(map(work, *arguments))
    with ProcessPoolExecutor(min(jobs, pieces), multiprocessing.get_context("fork"),
                             initializer=_live_as_worker, initargs=(os.getpid(),)) as pool:
        try:
            with deferred():  # the workers are forked with signals held back until they have set their own handling
                results = pool.map(work, *arguments)
            return list(results)
        except BaseException:
            for worker in pool._processes.values():  # Python has no public way to stop busy workers before 3.14
                worker.terminate()
            raise


def _live_as_worker(parent: int) -> None:
    """A worker ignores Ctrl-C, which reaches the whole process group, and ends at SIGTERM without a word: the parent
    alone reports a stop, and stops the workers itself."""
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def _live_as_child(work: Callable[[], None], describe: Callable[[BaseException], str], report_fd: int,
                   parent: int) -> NoReturn:
    """The child's whole life: the work, then its error (if any) as one report to the parent, then the end, without
    ever returning into the caller's code or running a clean-up of the parent's."""
    status = 0
    try:
        _die_with(parent)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)  # held back by the parent around the fork
        work()
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent as a line
        status = 1
        report = describe(error) + "\0" + "".join(traceback.format_exception(error))
        os.write(report_fd, report.encode("utf-8", "replace"))
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(status)


def _die_with(parent: int) -> None:
    """Ask Linux to kill this child when the parent ends, however it ends (SIGKILL included), so that no orphan goes
    on writing into the parent's staging folders."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


def _stop(child: int) -> None:
    """Stop the child and wait for its end, so that nothing writes into folders the caller is about to remove."""
    with suppress(ProcessLookupError, ChildProcessError):  # it may have ended and been waited for already
        os.kill(child, signal.SIGTERM)
        os.waitpid(child, 0)


class ChildTraceback(Exception):
    """The child's traceback as text, chained to ChildFailed so that ``--debug`` shows where the child failed."""
