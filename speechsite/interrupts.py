"""Ctrl-C (SIGINT) and SIGTERM as an exception, so that a stopped build unwinds like a failed one (staging folders
removed, the forked child stopped) and the command line reports one line and the shell's status, 128 + the signal."""

from __future__ import annotations

import signal
from contextlib import contextmanager

SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Stopped(KeyboardInterrupt):
    """A signal asked the program to stop. A KeyboardInterrupt, so that ``except Exception`` does not swallow it and
    code that stops cleanly on Ctrl-C (MkDocs' serve) stops the same way on SIGTERM."""

    def __init__(self, signal_number: int):
        self.signal_number = signal_number
        super().__init__(f"interrupted by {signal.Signals(signal_number).name}")

    @property
    def exit_status(self) -> int:
        return 128 + self.signal_number


def stop_on_signals() -> None:
    """From now on SIGINT and SIGTERM raise Stopped in the main thread (and in a forked child, which inherits it),
    unless this process was started with them ignored (``nohup``, a shell's background job): that choice stays."""
    for number in SIGNALS:
        if signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, _raise_stopped)


def _raise_stopped(number: int, frame: object) -> None:
    raise Stopped(number)


@contextmanager
def deferred():
    """Hold SIGINT and SIGTERM back during the block, so that a stop cannot fall between steps that belong together;
    one that came meanwhile is handled on leaving it."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: nothing to hold back with
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
