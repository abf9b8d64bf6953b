"""Shared fixtures: the project root, the seed, and the seed's compilation built once per test session; a copy of the
project for builds that must not touch its caches."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from speechsite.pipeline import build_compilation

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROJECT_ENTRIES = ("build.py", "mkdocs.yml", "docs", "templates", "seeds", "speechsite")
"""What a copy of the project needs to build (tests, benchmarks and the rest are not needed by the build)."""
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return PROJECT_DIR / "seeds" / "000_6daea81426b11c94.txt"


@pytest.fixture(scope="session")
def seed_compilation(seed_path):
    return build_compilation(seed_path)


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
