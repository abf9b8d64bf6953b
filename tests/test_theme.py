"""The tuned theme environments (speechsite/theme.py) must produce exactly what MkDocs' own would."""

from __future__ import annotations

from mkdocs.config import load_config
from mkdocs.structure.files import Files

from speechsite.theme import ThemeLoader, tune_theme


def theme_files(config) -> list[tuple[str, str]]:
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return sorted((file.src_uri, file.abs_src_path) for file in files)


def test_the_theme_files_mkdocs_copies_are_the_same_with_the_faster_listing(project_dir):
    config = load_config(config_file=str(project_dir / "mkdocs.yml"))
    plain = theme_files(config)
    tune_theme(config.theme)
    assert isinstance(config.theme.get_env().loader, ThemeLoader)
    assert plain and theme_files(config) == plain
    assert any(uri.startswith("assets/speechsite/") for uri, _ in plain)  # our custom_dir's files are among them


def test_icons_in_hidden_folders_still_load(project_dir):
    config = load_config(config_file=str(project_dir / "mkdocs.yml"))
    tune_theme(config.theme)
    environment = config.theme.get_env()
    assert not any(name.startswith(".icons/") for name in environment.list_templates())
    assert "<svg" in environment.get_template(".icons/material/magnify.svg").render()
