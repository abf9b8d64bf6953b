"""Live preview: with a page open in the browser, `mkdocs serve` rebuilds and the page reloads itself when the seed,
its override file, a page template, the theme or mkdocs.yml changes. It runs on a copy of the project, so the real
seed is never touched; `python build.py serve` is checked to serve the real project."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECT_DIR

SEED = "000_6daea81426b11c94"
RELOAD_TIMEOUT = 30_000  # ms for one rebuild and reload; a rebuild takes about two seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(command: list[str], cwd: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """Start a preview server on a free loopback port and wait (at most a minute) until it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen([*command, "--dev-addr", f"127.0.0.1:{port}"], cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the preview server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail(f"the preview server did not answer within a minute: {log.read_text(errors='replace')[-2000:]}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """`mkdocs serve` on a copy of the project; yields (project copy, base URL)."""
    project = tmp_path_factory.mktemp("preview")
    for name in ("docs", "seeds", "templates"):
        shutil.copytree(PROJECT_DIR / name, project / name)
    shutil.copy2(PROJECT_DIR / "mkdocs.yml", project / "mkdocs.yml")
    process, url = start_server([sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml")],
                                project, project.parent / "mkdocs-serve.log")
    yield project, url
    stop_server(process)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def wait_for_text(page, selector: str, text: str) -> None:
    page.wait_for_function("([selector, text]) => [...document.querySelectorAll(selector)]"
                           ".some(e => e.textContent.includes(text))", arg=[selector, text], timeout=RELOAD_TIMEOUT)


def test_the_open_page_follows_every_kind_of_change(browser_page, preview):
    project, url = preview
    page = browser_page
    page.goto(url + "speeches/05/")
    assert "在全国体育局长会议上的讲话" in page.locator("article h1").inner_text()

    edit(project / "seeds" / f"{SEED}.txt", "也是中国体育不平凡的一年", "也是预览里改过的一年")
    wait_for_text(page, "article p", "也是预览里改过的一年")

    (project / "seeds" / f"{SEED}.toml").write_text('[[title]]\nspeech = 5\ntitle = "预览里改过的标题"\n',
                                                   encoding="utf-8")
    wait_for_text(page, "article h1", "预览里改过的标题")

    with (project / "templates" / "pages" / "speech.md.j2").open("a", encoding="utf-8") as template:
        template.write('\n<p class="preview-check">页面模板改过了</p>\n')
    wait_for_text(page, "article p.preview-check", "页面模板改过了")

    with (project / "templates" / "theme" / "assets" / "speechsite" / "speechsite.css").open("a") as stylesheet:
        stylesheet.write("\n.md-header { outline: 3px solid rgb(255, 0, 0); }\n")
    # While the preview reloads the page there is a moment with no header, so the check must allow for none.
    page.wait_for_function("(header => header !== null && getComputedStyle(header).outlineColor === 'rgb(255, 0, 0)')"
                           "(document.querySelector('.md-header'))", timeout=RELOAD_TIMEOUT)

    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\ncopyright: 预览里改过的配置\n")
    wait_for_text(page, ".md-copyright", "预览里改过的配置")
    assert page.log.errors == [] and page.log.external_requests == []

    # Idle, the server builds no more: a build reads the watched files, and reading is no change (a loop of
    # rebuilds would start one every half second here). One late event of the last save may still start one.
    log = project.parent / "mkdocs-serve.log"
    builds = log.read_text(encoding="utf-8").count("Building documentation")
    time.sleep(3)
    assert log.read_text(encoding="utf-8").count("Building documentation") <= builds + 1


def test_build_py_serve_serves_the_project(tmp_path):
    process, url = start_server([sys.executable, str(PROJECT_DIR / "build.py"), "serve"], PROJECT_DIR,
                                tmp_path / "serve.log")
    try:
        with urllib.request.urlopen(url + "speeches/05/", timeout=10) as response:
            assert "在全国体育局长会议上的讲话" in response.read().decode("utf-8")
    finally:
        stop_server(process)
