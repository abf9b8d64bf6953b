"""speechsite/downloads/site_files.py: where the downloads sit, and their cache: a second build makes no file
again, an edited speech makes its own .docx and the whole compilation's files again and nothing else."""

from __future__ import annotations

import copy
from urllib.parse import unquote

import pytest

from speechsite.downloads import site_files
from speechsite.downloads.site_files import compilation_downloads, download_files, speech_download


@pytest.fixture
def made(monkeypatch):
    """Records which files were made (not taken from the cache), by kind and speech."""
    calls = []
    originals = (site_files.speech_docx, site_files.compilation_docx, site_files.compilation_epub)
    monkeypatch.setattr(site_files, "speech_docx", lambda c, s, url: calls.append(("docx", s.number))
                        or originals[0](c, s, url))
    monkeypatch.setattr(site_files, "compilation_docx", lambda c, url: calls.append(("whole docx",))
                        or originals[1](c, url))
    monkeypatch.setattr(site_files, "compilation_epub", lambda c: calls.append(("epub",)) or originals[2](c))
    return calls


def test_every_speech_with_text_and_the_whole_compilation_have_a_file(seed_compilation, tmp_path, made):
    files = download_files(seed_compilation, None, tmp_path)
    whole = compilation_downloads(seed_compilation)
    assert set(files) == {speech_download(s).path for s in seed_compilation.speeches_with_text} | {
        whole["docx"].path, whole["epub"].path}
    assert speech_download(seed_compilation.speeches[4]).path == "downloads/第5篇 在全国体育局长会议上的讲话.docx"
    assert all(data[:2] == b"PK" for data in files.values())


def test_a_second_build_takes_every_file_from_the_cache_with_the_same_bytes(seed_compilation, tmp_path, made):
    first = download_files(seed_compilation, "https://example.org/", tmp_path)
    made.clear()
    assert download_files(seed_compilation, "https://example.org/", tmp_path) == first
    assert made == []


def test_an_edited_speech_makes_its_own_file_and_the_whole_compilations_again(seed_compilation, tmp_path, made):
    download_files(seed_compilation, None, tmp_path)
    edited = copy.deepcopy(seed_compilation)
    edited.speeches[2].paragraphs[1].text += "（编者改）"
    made.clear()
    files = download_files(edited, None, tmp_path)
    assert sorted(made) == sorted([("docx", 3), ("whole docx",), ("epub",)])
    assert "（编者改）".encode() not in files[speech_download(edited.speeches[0]).path]


def test_another_site_address_is_other_content(seed_compilation, tmp_path, made):
    download_files(seed_compilation, None, tmp_path)
    made.clear()
    download_files(seed_compilation, "https://example.org/", tmp_path)
    assert len(made) == len(seed_compilation.speeches_with_text) + 2


def test_a_damaged_cache_entry_is_made_again(seed_compilation, tmp_path, made):
    download_files(seed_compilation, None, tmp_path)
    for entry in tmp_path.iterdir():
        entry.chmod(0)  # unreadable (as root, readable after all: then the bytes are simply reused)
    made.clear()
    files = download_files(seed_compilation, None, tmp_path)
    assert all(data[:2] == b"PK" for data in files.values())


def test_a_title_with_path_or_address_characters_is_still_one_file_and_one_link(seed_compilation):
    speech = copy.deepcopy(seed_compilation.speeches[0])
    speech.title = "关于50%的目标/任务#1：问与答?" + "很长" * 50
    download = speech_download(speech)
    assert download.path.count("/") == 1 and "?" not in download.name and len(download.name.encode()) < 255
    assert "#" not in download.href and "%25" in download.href and unquote(download.href) == download.path


def _entries(plan):
    return {path: cached for path, (cached, _) in plan.items()}


def test_a_compilation_from_the_cache_is_digested_once_and_keyed_as_if_it_were_not(seed_compilation, tmp_path,
                                                                                 monkeypatch):
    from_cache = copy.deepcopy(seed_compilation)
    from_cache.cache_key = "0" * 64
    first = _entries(site_files.download_plan(from_cache, None, tmp_path))
    assert first == _entries(site_files.download_plan(seed_compilation, None, tmp_path))
    digested = []
    original = site_files._speech_content
    monkeypatch.setattr(site_files, "_speech_content", lambda speech: digested.append(speech) or original(speech))
    assert _entries(site_files.download_plan(from_cache, None, tmp_path)) == first
    assert digested == []
    from_cache.place_under("elsewhere")  # its speeches' place is part of what their files show
    site_files.download_plan(from_cache, None, tmp_path)
    assert len(digested) == len(from_cache.speeches)


def test_placing_downloads_marks_their_entries_used(seed_compilation, tmp_path):
    import os

    plan = site_files.download_plan(seed_compilation, None, tmp_path / "cache")
    site_files.place_downloads(plan, tmp_path / "site")
    for cached in _entries(plan).values():
        os.utime(cached, (0, 0))
    site_files.place_downloads(plan, tmp_path / "again")
    assert all(cached.stat().st_mtime > 0 for cached in _entries(plan).values())
    assert {cached.name for cached in _entries(plan).values()} <= site_files.plan_entries([plan], [seed_compilation], None)
