"""The theme's Jinja environments, made a little cheaper for every build without changing what they produce.

MkDocs makes several environments of the theme per build (one to list the theme's files, one to render pages;
Material's search plugin one for its translations) and has no setting for either change below, so ``tune_theme``
wraps the theme's ``get_env``.
"""

from __future__ import annotations

import os

import jinja2

from .template_cache import COMPILED_TEMPLATES


class ThemeLoader(jinja2.FileSystemLoader):
    """Lists the theme's files without walking hidden folders. MkDocs lists every file of the theme to find the
    static ones to copy, then drops every name under a hidden folder (its patterns ``.*`` and ``*/.*``): Material's
    ``.icons`` holds some 14,000 icons, and listing and dropping them is a fifth of a rebuild while serving.
    Templates, icons included, load as before; only ``list_templates`` differs."""

    def list_templates(self) -> list[str]:
        found = set()
        for searchpath in self.searchpath:
            for folder, subfolders, names in os.walk(searchpath, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                relative = os.path.relpath(folder, searchpath)
                for name in names:
                    path = name if relative == "." else os.path.join(relative, name)
                    found.add(path.replace(os.path.sep, "/"))
        return sorted(found)


def tune_theme(theme) -> None:
    """Every environment of the theme gets the shared compiled templates (template_cache.py) and ThemeLoader."""
    make_environment = theme.get_env

    def tuned_environment() -> jinja2.Environment:
        environment = make_environment()
        environment.loader = ThemeLoader(environment.loader.searchpath)
        environment.bytecode_cache = COMPILED_TEMPLATES
        return environment

    theme.get_env = tuned_environment
