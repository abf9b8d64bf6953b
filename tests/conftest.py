"""Shared fixtures: the project root, the seed, and the seed's compilation built once per test session. Helpers that
tests import live in builders.py: a module named conftest is also tests/e2e's, and which one an import finds depends
on what pytest collected first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builders import PROJECT_DIR
from speechsite.pipeline import build_compilation

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
