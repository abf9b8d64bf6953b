"""The preview's server is told of changes by the system (live_watch.py), or keeps polling where it cannot be."""

import logging
import threading

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.observers.polling import PollingObserver

from speechsite import live_watch


@pytest.fixture
def server(tmp_path):
    made = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    yield made
    if made.observer.is_alive():
        made.observer.stop()
        made.observer.join()
    made.server_close()


def asked_to_rebuild(server: LiveReloadServer, timeout: float = 10) -> bool:
    with server._rebuild_cond:
        return server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=timeout)


def test_the_server_watches_what_it_watched_through_change_events_and_rebuilds_on_a_save(server, tmp_path):
    docs, seeds, config = tmp_path / "docs", tmp_path / "seeds", tmp_path / "mkdocs.yml"
    for folder in (docs, seeds):
        folder.mkdir()
    config.write_text("site_name: x\n")
    (docs / "page.md").write_text("# page\n")
    server.watch(str(docs))
    server.watch(str(config))
    assert isinstance(server.observer, PollingObserver)  # what MkDocs gives it

    assert live_watch.watch_by_events(server, [str(seeds)])
    server.watch(str(seeds))
    assert not isinstance(server.observer, PollingObserver)
    assert set(server._watched_paths) == {str(docs), str(config), str(seeds)}
    server.observer.start()
    try:
        for read in (config, docs / "page.md"):  # as every build reads them: no rebuild (inotify reports reads too)
            read.read_text()
        (seeds / ".seed.txt.swp").write_text("an editor's swap file")
        (seeds / ".cache").mkdir()
        (seeds / ".cache" / "entry").write_text("a cache entry")
        assert not asked_to_rebuild(server, timeout=1), "reading or a hidden file asked for a rebuild"
        for changed in (seeds / "new.txt", docs / "page.md", config):
            server._want_rebuild = False
            changed.write_text("changed\n")
            assert asked_to_rebuild(server), f"saving {changed.name} asked for no rebuild"
    finally:
        server.observer.stop()
        server.observer.join()


def test_where_change_events_cannot_watch_the_server_keeps_polling(server, tmp_path, monkeypatch, caplog):
    server.watch(str(tmp_path))
    polling = server.observer
    caplog.set_level(logging.INFO, logger=live_watch.log.name)

    def refuse(*args, **kwargs):
        raise OSError(28, "inotify watch limit reached")
    monkeypatch.setattr(live_watch.Observer, "schedule", refuse)
    assert not live_watch.watch_by_events(server, [str(tmp_path)])
    assert server.observer is polling and set(server._watched_paths) == {str(tmp_path)}
    assert "every half second (" in caplog.text and "limit" in caplog.text
    assert not [thread for thread in threading.enumerate() if "Observer" in type(thread).__name__]  # none left
