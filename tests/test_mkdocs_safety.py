"""speechsite/plugin.py under plain `mkdocs build` and `mkdocs serve`: never destroy, never hang.

A build that fails (a page, a strict-mode warning, a kill -9) leaves the previous site whole; a site folder that
would replace a source is refused; a preview server goes on answering every request with the last good site while
a seed or override file is broken or a rebuild crashes, and says so in one line; seeds named like a glob pattern or
with a colon in the name are built and served. Every test runs on a small project made in a temporary folder."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from builders import PROJECT_DIR, settled
from speechsite.output_paths import STAGING_PREFIX
from speechsite.remover import FRAME_PREFIX

sys.path.insert(0, str(PROJECT_DIR / "tests" / "e2e"))
from test_live_preview import start_server, stop_server  # noqa: E402

COMPILATION = """示例讲话汇编(2篇)

1。在春季工作会议上的讲话
2。在秋季总结会议上的讲话


在春季工作会议上的讲话

同志们：

今天我们召开春季工作会议，主要任务是部署今年的各项工作。

大家要统一思想，真抓实干，把各项任务落到实处。

谢谢大家！


在秋季总结会议上的讲话

同志们：

今天我们召开秋季总结会议，回顾一年来的工作，总结经验教训。

今年的工作取得了明显成效，但也存在一些不足，需要认真加以改进。

谢谢大家！
"""
RETITLE = '[[title]]\nspeech = 1\ntitle = "改过的标题"\n'
HOOKS = '''"""Failures on purpose: speech 2's page raises or hangs (FAIL_AT_SPEECH_2=raise|hang), every build
crashes while seeds/crash exists (standing for a bug in the split), and the child process making the search
postings fails with a full disk (FAIL_POSTINGS=1)."""
import errno
import os
import time
from pathlib import Path

import speechsite.plugin


def postings_on_a_full_disk(compilations, project_dir, **forms):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(project_dir / "a.postings"))


if os.environ.get("FAIL_POSTINGS"):
    speechsite.plugin.search_postings_ahead = postings_on_a_full_disk


def on_pre_build(config):
    if (Path(config.config_file_path).parent / "seeds" / "crash").exists():
        raise RuntimeError("a crash on purpose")


def on_post_page(output, page, config):
    if page.file.src_uri == "speeches/02.md" and os.environ.get("FAIL_AT_SPEECH_2") == "raise":
        raise RuntimeError("speech 2 fails on purpose")
    if page.file.src_uri == "speeches/02.md" and os.environ.get("FAIL_AT_SPEECH_2") == "hang":
        (Path(config.config_file_path).parent / "reached").touch()
        time.sleep(120)
    return output
'''
LIVERELOAD_SCRIPT = re.compile(r"<script>\s*var livereload = .*?</script>", re.S)
ANSWER_TIMEOUT = 5
"""Seconds within which the preview server must answer any request, a broken seed or not."""


@pytest.fixture
def project(tmp_path) -> Path:
    """The project's docs/, templates/ and mkdocs.yml (with the hooks above), and one small seed."""
    project = tmp_path / "project"
    for name in ("docs", "templates"):
        shutil.copytree(PROJECT_DIR / name, project / name)
    config = (PROJECT_DIR / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(config + "\nhooks:\n  - hooks.py\n", encoding="utf-8")
    (project / "hooks.py").write_text(HOOKS, encoding="utf-8")
    (project / "seeds").mkdir()
    (project / "seeds" / "compilation.txt").write_text(COMPILATION, encoding="utf-8")
    return project


def tree(directory: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (as None), hidden ones included, so that any change shows (once the
    outputs a build replaced are removed)."""
    return {p.relative_to(directory).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(settled(directory).rglob("*"))}


def staging_folders(folder: Path) -> list[Path]:
    return list(folder.glob(f"{STAGING_PREFIX}*"))


def mkdocs(project: Path, *args: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", *args, "-f", str(project / "mkdocs.yml")], cwd=project,
                          capture_output=True, text=True, timeout=120,
                          env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"} | environment)


def built(project: Path) -> dict:
    """The site of a successful `mkdocs build`."""
    result = mkdocs(project, "build")
    assert result.returncode == 0, result.stderr
    return tree(project / "site")


def sources(project: Path) -> dict:
    return {name: tree(project / name) for name in ("docs", "seeds", "templates")}


def test_a_page_that_fails_leaves_the_previous_site_whole(project):
    before = built(project)
    (project / "seeds" / "compilation.toml").write_text(RETITLE, encoding="utf-8")  # a mixed site would show
    result = mkdocs(project, "build", FAIL_AT_SPEECH_2="raise")
    assert result.returncode != 0 and "speech 2 fails on purpose" in result.stderr
    assert tree(project / "site") == before
    assert not staging_folders(project)


def test_only_speeches_show_tags_and_each_links_to_a_list_on_the_tags_page_that_holds_it(project):
    """The tags page lists speeches by their analysis' tags; tags a hand-written page names in its front matter would
    link to lists that do not hold it (or do not exist), so that page shows none."""
    (project / "docs" / "notes.md").write_text("---\ntags:\n  - 编者\n---\n# 编者说明\n\n说明。\n", encoding="utf-8")
    site = project / "site"
    built(project)
    assert 'class="md-tags"' not in (site / "notes" / "index.html").read_text(encoding="utf-8")
    tags_page = (site / "tags" / "index.html").read_text(encoding="utf-8")
    for speech in ("01", "02"):
        html = (site / "speeches" / speech / "index.html").read_text(encoding="utf-8")
        anchors = re.findall(r'href="\.\./\.\./tags/#([^"]+)" class="md-tag"', html)
        assert anchors and all(re.search(rf'<h2 id="{re.escape(anchor)}">.*?</h2>\s*<ul>(.*?)</ul>', tags_page, re.S)
                               [1].count(f'href="../speeches/{speech}/"') == 1 for anchor in anchors)


def test_a_failure_of_the_child_making_the_search_postings_fails_the_build_in_one_line(project):
    """The plugin makes the postings in a child process while it renders; the build waits for it once the text
    shards are placed (or, for an index too small to split, at the end), and its failure stops the build."""
    before = built(project)
    result = mkdocs(project, "build", FAIL_POSTINGS="1")
    assert result.returncode != 0
    assert f"making the search index failed: [Errno 28] No space left on device: '{project / 'a.postings'}'" \
        in result.stderr and "Traceback" not in result.stderr
    assert tree(project / "site") == before
    assert not staging_folders(project)


def test_a_build_killed_mid_page_leaves_the_previous_site_and_the_next_build_clears_up(project):
    before = built(project)
    (project / "seeds" / "compilation.toml").write_text(RETITLE, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml")],
                               cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=os.environ | {"FAIL_AT_SPEECH_2": "hang"})
    deadline = time.monotonic() + 60
    while not (project / "reached").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.kill()
    process.wait()
    assert (project / "reached").exists(), "the build never reached speech 2"
    assert tree(project / "site") == before
    built(project)
    assert "改过的标题" in (project / "site" / "speeches" / "01" / "index.html").read_text(encoding="utf-8")
    assert not staging_folders(project)  # the kill left one; the next build removed it


def test_a_strict_build_that_warns_leaves_the_previous_site(project):
    before = built(project)
    (project / "docs" / "broken.md").write_text("# 坏链接\n\n[无处](nowhere.md)\n", encoding="utf-8")
    result = mkdocs(project, "build", "--strict")
    assert result.returncode != 0 and "Aborted with 1 warnings in strict mode" in result.stdout + result.stderr
    assert tree(project / "site") == before
    assert not staging_folders(project)


@pytest.mark.parametrize("site_dir, words", [("seeds", "is the folder of the seed"),
                                             ("templates", "is templates/"),
                                             ("templates/theme", "lies inside templates/")])
def test_a_site_folder_that_would_replace_a_source_is_refused_in_one_line(project, site_dir, words):
    before = sources(project)
    result = mkdocs(project, "build", "--site-dir", site_dir)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and words in errors[0] and "Traceback" not in result.stderr, result.stderr
    assert sources(project) == before


def test_a_site_url_that_would_inject_markup_is_refused_by_plain_mkdocs_too(project):
    before = built(project)
    result = mkdocs(project, "build", SITE_URL='https://example.org/"><script>alert(1)</script>/')
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "SITE_URL) may not contain quotes" in errors[0], result.stderr
    assert tree(project / "site") == before


def test_hidden_entries_of_the_site_folder_are_kept_as_mkdocs_keeps_them(project):
    """A guard for the staging: MkDocs leaves a site folder's hidden entries (a gh-pages checkout's .git) alone."""
    built(project)
    (project / "site" / ".git").mkdir()
    (project / "site" / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (project / "site" / ".nojekyll").write_text("")
    built(project)
    assert (project / "site" / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (project / "site" / ".nojekyll").is_file()


def get(url: str) -> str:
    """The page at url, which must answer within ANSWER_TIMEOUT seconds, without the live-reload script the server
    adds to each answer (it differs every time)."""
    with urllib.request.urlopen(url, timeout=ANSWER_TIMEOUT) as response:
        assert response.status == 200
        return LIVERELOAD_SCRIPT.sub("", response.read().decode("utf-8"))


def eventually(check, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout} s")
        time.sleep(0.2)


def log_since(log: Path, offset: int) -> str:
    return log.read_bytes()[offset:].decode("utf-8", errors="replace")


def serve(project: Path):
    return start_server([sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml")], project,
                        project.parent / "serve.log")


def test_serve_answers_with_the_last_good_site_while_an_override_or_a_seed_is_broken(project):
    log = project.parent / "serve.log"
    seed, override = project / "seeds" / "compilation.txt", project / "seeds" / "compilation.toml"
    process, url = serve(project)
    try:
        assert "在春季工作会议上的讲话" in get(url + "speeches/01/")
        breakages = [(override, "[[title", "not valid TOML", RETITLE, "改过的标题"),
                     (seed, "标题\n没有目录\n", "no table of contents", COMPILATION.replace("部署", "预览里部署"),
                      "预览里部署")]
        for path, broken, error, fixed, new_text in breakages:
            last_good, logged = get(url + "speeches/01/"), log.stat().st_size
            path.write_text(broken, encoding="utf-8")
            eventually(lambda: error in log_since(log, logged), f"the log did not report {error!r}")
            eventually(lambda: "still serving the last good site" in log_since(log, logged),
                       "the server did not say it goes on serving")
            for page in ("", "speeches/01/", "speeches/02/", "about/"):
                assert "<article" in get(url + page)  # answers at once, and is no half-written site
            assert get(url + "speeches/01/") == last_good
            path.write_text(fixed, encoding="utf-8")
            eventually(lambda: new_text in get(url + "speeches/01/"), f"the page did not show {new_text!r}")
    finally:
        stop_server(process)
    assert "Traceback" not in log.read_text(encoding="utf-8")


def test_serve_reports_a_crashing_rebuild_in_one_line_and_keeps_serving(project):
    log = project.parent / "serve.log"
    process, url = serve(project)
    try:
        last_good = get(url + "speeches/01/")
        (project / "seeds" / "crash").touch()
        eventually(lambda: "a crash on purpose" in log.read_text(encoding="utf-8"), "the log did not report the crash")
        assert get(url + "speeches/01/") == last_good
        (project / "seeds" / "crash").unlink()
        (project / "seeds" / "compilation.toml").write_text(RETITLE, encoding="utf-8")
        eventually(lambda: "改过的标题" in get(url + "speeches/01/"), "the page did not show the new title")
    finally:
        stop_server(process)
    text = log.read_text(encoding="utf-8")
    assert "Traceback" not in text and len([line for line in text.splitlines() if "a crash on purpose" in line]) == 1


def test_seeds_named_like_a_glob_pattern_or_with_a_colon_are_built_and_served(project, monkeypatch):
    seeds = project / "seeds"
    (seeds / "compilation.txt").rename(seeds / "glob[1].txt")
    (seeds / "colon:name.txt").write_text(COMPILATION.replace("示例讲话汇编", "第二部汇编"), encoding="utf-8")
    monkeypatch.setenv("SPEECHSITE_SEEDS", os.pathsep.join(["seeds/glob[1].txt", "seeds/colon:name.txt"]))
    process, url = serve(project)  # as `python build.py serve 'seeds/glob[1].txt' seeds/colon:name.txt` runs it
    try:
        assert "在春季工作会议上的讲话" in get(url + "glob-1/speeches/01/")
        assert "第二部汇编" in get(url + "colon-name/")
        text = (seeds / "glob[1].txt").read_text(encoding="utf-8")
        (seeds / "glob[1].txt").write_text(text.replace("部署", "预览里部署"), encoding="utf-8")
        eventually(lambda: "预览里部署" in get(url + "glob-1/speeches/01/"), "an edit of glob[1].txt did not show")
    finally:
        stop_server(process)


def test_a_rebuild_while_serving_reports_only_the_compilation_it_read_again(project, monkeypatch):
    """An archive's preview must not repeat every compilation's split report at each save, nor print MkDocs' note that
    the home page links to pages "excluded from the built site" (the plugin's own pages, which are in it)."""
    seeds = project / "seeds"
    (seeds / "second.txt").write_text(COMPILATION.replace("示例讲话汇编", "第二部汇编"), encoding="utf-8")
    monkeypatch.setenv("SPEECHSITE_SEEDS", os.pathsep.join(["seeds/compilation.txt", "seeds/second.txt"]))
    log = project.parent / "serve.log"
    process, url = serve(project)
    try:
        first_build = log.read_text(encoding="utf-8")
        logged = log.stat().st_size
        seed = seeds / "second.txt"
        seed.write_text(seed.read_text(encoding="utf-8").replace("部署", "预览里部署"), encoding="utf-8")
        eventually(lambda: "预览里部署" in get(url + "second/speeches/01/"), "an edit of second.txt did not show")
        eventually(lambda: "Documentation built" in log_since(log, logged), "the rebuild did not end")
        rebuild = log_since(log, logged)
    finally:
        stop_server(process)
    assert "seeds/compilation.txt: 2 of 2 TOC entries have text" in first_build
    assert "seeds/second.txt: 2 of 2 TOC entries have text" in rebuild
    assert "seeds/compilation.txt" not in rebuild
    assert "excluded from the built site" not in first_build + rebuild


def test_a_build_in_the_frame_of_a_replaced_site_is_the_site_a_build_from_nothing_makes(project):
    """The second build leaves the first site's folders as a frame (output_paths.claim_frame); the third takes it, with
    a compilation fewer, so that its folders are left empty and must go."""
    seeds = project / "seeds"
    for name in ("second", "third"):
        (seeds / f"{name}.txt").write_text(COMPILATION.replace("示例讲话汇编", f"{name}汇编"), encoding="utf-8")
    three = os.pathsep.join(f"seeds/{name}.txt" for name in ("compilation", "second", "third"))
    for _ in range(2):
        assert mkdocs(project, "build", SPEECHSITE_SEEDS=three).returncode == 0
    frame = settled(project) / f"{FRAME_PREFIX}site"
    kept = (frame / "second" / "speeches").stat().st_ino
    two = os.pathsep.join(f"seeds/{name}.txt" for name in ("compilation", "second"))
    assert mkdocs(project, "build", SPEECHSITE_SEEDS=two).returncode == 0
    assert (project / "site" / "second" / "speeches").stat().st_ino == kept  # the frame's folder: it was used
    result = mkdocs(project, "build", "-d", str(project / "from-nothing"), SPEECHSITE_SEEDS=two)
    assert result.returncode == 0, result.stderr
    assert not (project / "site" / "third").exists()
    assert tree(project / "site") == tree(project / "from-nothing")


def test_a_preview_stopped_with_ctrl_c_leaves_no_folder_frame_behind(project):
    """A rebuild while serving leaves the replaced site's folders as a frame beside the preview's temporary site
    (in the system's temporary folder); when the server stops, that site goes, and its frame with it."""
    def frames() -> set[Path]:
        return set(Path(tempfile.gettempdir()).glob(f"{FRAME_PREFIX}mkdocs_*"))
    before = frames()
    log = project.parent / "serve.log"
    process, url = serve(project)
    try:
        seed = project / "seeds" / "compilation.txt"
        for word in ("预览里部署", "再次部署"):
            seed.write_text(COMPILATION.replace("部署", word), encoding="utf-8")
            eventually(lambda: word in get(url + "speeches/01/"), f"the page did not show {word!r}")
        eventually(lambda: frames() - before, "no frame was made while serving")
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl-C stops it: MkDocs then ends the plugins and removes the site
        process.wait(timeout=30)
    eventually(lambda: not frames() - before, "the preview's frame is still there after it stopped")
    assert "Traceback" not in log.read_text(encoding="utf-8")
