"""Small compilations built by hand for unit tests of the analysis modules, seed files written for a test, and a
copy of the project for builds that must not touch its caches."""

import shutil
import time
from pathlib import Path

from speechsite.model import Compilation, Paragraph, Speech, TocEntry
from speechsite.output_paths import RETIRED_PREFIX
from speechsite.remover import FRAME_PREFIX

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROJECT_ENTRIES = ("build.py", "mkdocs.yml", "docs", "templates", "seeds", "speechsite")
"""What a copy of the project needs to build (tests, benchmarks and the rest are not needed by the build)."""


def compilation_of(*bodies: list[str]) -> Compilation:
    """A compilation whose speech i (from 1), titled 第i篇讲话, has the given paragraphs, anchored p1, p2, …"""
    speeches = []
    for number, texts in enumerate(bodies, start=1):
        paragraphs = [Paragraph(text, number * 100 + index, text, anchor=f"p{index}")
                      for index, text in enumerate(texts, start=1)]
        speeches.append(Speech(TocEntry(number, f"第{number}篇讲话", number), paragraphs, title=f"第{number}篇讲话"))
    return Compilation(Path("sample.txt"), "汇编", speeches, [], [])


def write_compilation(directory: Path, body: str, name: str = "sample.txt", encoding: str = "utf-8") -> Path:
    """Write a small compilation file for a test and return its path."""
    path = directory / name
    path.write_bytes(body.encode(encoding))
    return path


def copy_project(destination: Path) -> Path:
    """A copy of what the project needs to build, into the new folder destination: its builds run its own build.py
    and keep their caches in its own .cache/, never the project's."""
    destination.mkdir(parents=True)
    for name in PROJECT_ENTRIES:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    return destination


def outputs_under(directory: Path, settle: bool = True) -> list[Path]:
    """Every path under directory, sorted (with settle, once the outputs a build replaced are removed), but the
    folder frames replaced sites leave for the next build (output_paths.claim_frame): what the builds put there."""
    return [path for path in sorted((settled(directory) if settle else directory).rglob("*"))
            if not any(part.startswith(FRAME_PREFIX) for part in path.relative_to(directory).parts)]


def settled(folder: Path, timeout: float = 30) -> Path:
    """folder once the outputs a build replaced are gone from it (a process of their own removes them after the
    build has returned: output_paths.retire); fails the test if they never go."""
    deadline = time.monotonic() + timeout
    while _retired_in(folder):
        assert time.monotonic() < deadline, f"retired outputs still in {folder} after {timeout} s"
        time.sleep(0.02)
    return folder


def _retired_in(folder: Path) -> bool:
    """Whether a retired folder lies in folder or in a folder of it (as beside a site, or a zip in dist/)."""
    try:
        return any(folder.glob(f"{RETIRED_PREFIX}*")) or any(folder.glob(f"*/{RETIRED_PREFIX}*"))
    except FileNotFoundError:  # one went while we looked
        return True
