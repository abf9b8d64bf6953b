"""Errors a user can fix — in their input, or where the outputs go — reported as one plain line at the command line."""

from __future__ import annotations

from pathlib import Path


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the working directory when it lies below it."""
    path = Path(path)
    try:
        resolved = path.resolve()
    except RuntimeError:  # a symbolic link loop (before Python 3.13): its folder is shown as usual, then its name
        return str(Path(display_path(path.parent)) / path.name)
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class InputError(Exception):
    """The source file (or its override file) cannot be turned into a site; the message says why and what to do."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            shown = display_path(self.path)
            where = f"{shown}:{self.line}: " if self.line else f"{shown}: "
        return f"{where}{self.message}"


class OutputError(Exception):
    """An output cannot be written (the disk is full); the message names the output as the user gave it."""
