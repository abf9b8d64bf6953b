"""speechsite/template_cache.py: compiled templates kept between runs, never an error, never stale."""

from __future__ import annotations

import jinja2

from speechsite.template_cache import CompiledTemplates


def environment(templates: dict[str, str], cache: CompiledTemplates) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(templates), bytecode_cache=cache)


def compiles(monkeypatch) -> list[str]:
    """Names of the templates Jinja compiles from source from now on."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def test_a_later_run_loads_the_compiled_template_instead_of_compiling_it(tmp_path, monkeypatch):
    first = CompiledTemplates()
    first.use_folder(tmp_path / "cache")
    assert environment({"page": "{{ 6 * 7 }}"}, first).get_template("page").render() == "42"
    compiled = compiles(monkeypatch)
    later = CompiledTemplates()  # as in a new process: nothing in memory
    later.use_folder(tmp_path / "cache")
    assert environment({"page": "{{ 6 * 7 }}"}, later).get_template("page").render() == "42"
    assert compiled == []
    assert environment({"page": "{{ 6 * 8 }}"}, later).get_template("page").render() == "48"  # edited: compiled anew
    assert compiled == ["page"]


def test_damaged_cache_files_are_compiled_anew(tmp_path, monkeypatch):
    cache = CompiledTemplates()
    cache.use_folder(tmp_path)
    environment({"page": "{{ 1 + 1 }}"}, cache).get_template("page")
    for file in tmp_path.iterdir():
        file.write_bytes(file.read_bytes()[:20])
    compiled = compiles(monkeypatch)
    fresh = CompiledTemplates()
    fresh.use_folder(tmp_path)
    assert environment({"page": "{{ 1 + 1 }}"}, fresh).get_template("page").render() == "2"
    assert compiled == ["page"]


def test_a_cache_folder_that_cannot_be_made_leaves_compiled_templates_in_memory_only(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    cache = CompiledTemplates()
    cache.use_folder(tmp_path / "a-file" / "cache")  # as a read-only project would, even for root
    assert environment({"page": "ok"}, cache).get_template("page").render() == "ok"
    assert cache.folder is None and cache.compiled
