"""A preview that notices a saved file at once.

MkDocs' live-reload server looks for changes every half second (watchdog's polling observer, which compares a listing
of every watched file with the last one): a quarter of a second of waiting on average before each rebuild (a seed
edit was served 0.90 s after saving, now 0.71 s: benchmarks/serve.py --against). Where the system tells of changes
itself (inotify on Linux, FSEvents or kqueue on macOS, ReadDirectoryChangesW on Windows: watchdog's ``Observer``), the
server is given an observer of that kind instead.
"""

from __future__ import annotations

import logging
import os

from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileAttribEvent, FileClosedEvent,
                             FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent,
                             FileSystemEventHandler)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("mkdocs.plugins.speechsite")
CHANGES = [FileCreatedEvent, FileModifiedEvent, FileAttribEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
"""What a rebuild follows: what the polling observer notices (a file's size or time changed, a file came or went),
and the end of a write. Not a file opened or read, which inotify reports too: every build reads the seeds, and each
would start the next."""


class ChangeObserver(Observer):
    """The system's observer, told of CHANGES only (MkDocs schedules its watches without a filter), outside hidden
    files and folders."""

    def schedule(self, event_handler, path, *, event_filter=None, **options):
        return super().schedule(_VisibleChanges(event_handler, path), path, event_filter=event_filter or CHANGES,
                                **options)


class _VisibleChanges(FileSystemEventHandler):
    """Passes on the changes of files that are not hidden below the watched folder: an editor's swap file
    (``.seed.txt.swp``, rewritten every few seconds while a seed is open), ``.git``, or ``.cache`` when the seeds lie
    in the project folder itself, which every build writes and would rebuild after."""

    def __init__(self, handler: FileSystemEventHandler, root: str):
        super().__init__()
        self.handler, self.root = handler, os.path.abspath(root)

    def dispatch(self, event) -> None:
        paths = [path for path in (event.src_path, getattr(event, "dest_path", "")) if path]
        if not all(self._hidden(os.fsdecode(path)) for path in paths):
            self.handler.dispatch(event)

    def _hidden(self, path: str) -> bool:
        inside = os.path.relpath(path, self.root)
        return any(part.startswith(".") and part not in (".", "..") for part in inside.split(os.sep))


def watch_by_events(server, more_paths: list[str]) -> bool:
    """Make MkDocs' server (mkdocs.livereload.LiveReloadServer, before it serves) watch what it watches, and
    ``more_paths``, through the system's change events. False, with the server left polling, where the system has
    none or they cannot watch these paths (a system's limit of watches reached, say)."""
    if issubclass(Observer, PollingObserver):
        return False
    # The server keeps its watches in _watched_paths (path → how often it was asked) and _watch_refs (mkdocs 1.6,
    # which requirements.txt pins); its watch() makes the callback that asks for a rebuild.
    watched = dict(server._watched_paths)
    if not _can_watch([*watched, *more_paths]):
        return False
    server.observer.unschedule_all()
    server.observer = ChangeObserver()
    server._watched_paths.clear()
    server._watch_refs.clear()
    for path, times in watched.items():
        for _ in range(times):
            server.watch(path)
    return True


def _can_watch(paths: list[str]) -> bool:
    """Whether an event observer can watch the paths: started once with them, then stopped (the server starts its
    own as it begins serving, which would otherwise fail there with a traceback)."""
    probe = ChangeObserver()
    try:
        for path in paths:
            probe.schedule(FileSystemEventHandler(), path, recursive=True)
        probe.start()
    except OSError as error:
        log.info("the preview looks for changes every half second (%s)", error)
        return False
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()
    return True
