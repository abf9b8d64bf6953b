"""Shared fixtures: the project root, the seed, and the seed's compilation built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from speechsite.pipeline import build_compilation

PROJECT_DIR = Path(__file__).resolve().parent.parent
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
