#!/usr/bin/env python3
"""Where the time of one build goes: the imports, each pipeline stage (the analysis one by one), the page writer, the
search index, and the MkDocs renders of the hosted and of the offline site, each with the peak memory of the process
so far.

It prints figures; it is not a test. Run it on a quiet machine, and more than once: single runs vary by ±20 %.

  python benchmarks/phases.py                 # the seed
  python benchmarks/phases.py --scale 100     # a synthetic compilation a hundred times the seed (as scale.py makes)
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
SEED = PROJECT_DIR / "seeds" / "000_6daea81426b11c94.txt"
FIRST_USE = "徐立毅书记在履新不久"
"""A sentence with a name jieba's dictionary lacks: segmenting it makes rjieba load its HMM (~0.03 s, once)."""
SEED_SPEECHES = 19
RUNS_PER_SPEECH = 5  # as in scale.py: synthetic speeches about as long as the seed's


def peak_rss() -> str:
    """The process's peak resident memory so far (Linux reports it in KiB)."""
    return f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MiB"


def line(name: str, seconds: float, note: str = "") -> None:
    print(f"{name:28s} {seconds:8.3f} s   {note}")


def synthetic_seed(scale: int, folder: Path) -> Path:
    """A compilation recombined from the seed's paragraphs (benchmarks/synthetic.py): ``scale`` times as many speeches
    as the seed, as long as its."""
    from synthetic import make

    path = folder / f"synthetic{scale}x.txt"
    path.write_text(make(SEED_SPEECHES * scale, runs_per_speech=RUNS_PER_SPEECH).text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, help="build a synthetic compilation this many times the seed instead")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

    started = time.perf_counter()
    from speechsite.pipeline import build_compilation  # numpy, rjieba (its dictionary), the gazetteer data
    from speechsite.timing import StageTimes
    from speechsite.search_index import index_files, search_index
    from speechsite.write import PageWriter
    pipeline_imported = time.perf_counter()
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    imported = time.perf_counter()
    from speechsite.words import tagged
    tagged(FIRST_USE)
    first_used = time.perf_counter()

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        seed = synthetic_seed(args.scale, scratch) if args.scale else SEED
        times = StageTimes()
        built = time.perf_counter()
        compilation = build_compilation(seed, times=times)
        built = time.perf_counter() - built
        with_text = compilation.speeches_with_text
        characters = sum(speech.char_count for speech in with_text)
        print(f"{seed.name}: {characters:,} characters ({len(seed.read_text(encoding='utf-8')):,} in the file), "
              f"{len(with_text)} speeches with text of {len(compilation.speeches)}")
        line("imports", imported - started, f"speechsite {pipeline_imported - started:.3f} s, "
                                            f"mkdocs {imported - pipeline_imported:.3f} s")
        line("rjieba's first use", first_used - imported, "loads its model of unknown words, once a process")
        for stage, seconds in times.items():
            if not stage.startswith("analyse: "):
                line(stage, seconds)
            if stage == "analyse":
                for part, part_seconds in times.items():
                    if part.startswith("analyse: "):
                        line(f"  {part.removeprefix('analyse: ')}", part_seconds)
        line("pipeline", built, peak_rss())

        written = time.perf_counter()
        pages = PageWriter(PROJECT_DIR / "templates" / "pages").render(compilation)
        written = time.perf_counter() - written
        line("write", written, f"{len(pages)} pages; {peak_rss()}")

        indexed = time.perf_counter()
        files = index_files(search_index([compilation], lambda uri: uri.removesuffix(".md") + "/"), scripts=False)
        indexed = time.perf_counter() - indexed
        line("search index", indexed, f"{sum(len(content.encode()) for content in files.values()):,} bytes in "
                                      f"{len(files)} file{'s' * (len(files) != 1)} (hosted); {peak_rss()}")

        total = first_used - imported + built + written + indexed
        for site, offline in (("hosted", False), ("offline", True)):
            config = load_config(config_file=str(PROJECT_DIR / "mkdocs.yml"), site_dir=str(scratch / site))
            plugin = config.plugins["speechsite"]
            plugin.prepared = [compilation]
            plugin.config.offline = offline
            render_started = time.perf_counter()
            mkdocs_build(config)
            rendered = time.perf_counter() - render_started
            total += rendered
            line(f"mkdocs {site}", rendered, peak_rss())
        line("total but the imports", total)
        print("MkDocs renders include the plugin's own page writing and search index (timed alone above);\n"
              "python build.py runs the two renders at once, in two processes.")


if __name__ == "__main__":
    main()
