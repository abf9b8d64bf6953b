#!/usr/bin/env python3
"""Whole-build benchmark: `python build.py` (hosted + offline + zip) against a bare Material build of the same
generated pages with Material's default search and jieba, run alternately, each in its own process.

Ours runs twice per round: as usual (compiled templates and the split compilation cached in .cache/ by an earlier
run) and cold (both emptied first, as in a fresh clone). Prints, per side, the median wall time and peak memory (of
the whole process tree: the build forks), and the median of the per-round ratios ours / bare. Needs jieba for the
baseline (pip install -r benchmarks/requirements.txt); jieba keeps its own dictionary cache in the temporary folder.

  python benchmarks/build.py [--rounds 7] [--seed seeds/000_6daea81426b11c94.txt]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(PROJECT_DIR), str(Path(__file__).resolve().parent)]

from measure import run_measured, wait_for_removals  # noqa: E402
from speechsite.compilation_cache import FOLDER as COMPILATION_CACHE, compilation_key  # noqa: E402
from speechsite.pipeline import build_compilation  # noqa: E402
from speechsite.template_cache import FOLDER as TEMPLATE_CACHE  # noqa: E402
from speechsite.write import PageWriter  # noqa: E402

BARE_CONFIG = """\
site_name: {title}
theme:
  name: material
  language: zh
  font: false
plugins:
  - search
"""


def bare_material_project(seed: Path, folder: Path) -> Path:
    """The same generated pages (home + speeches + hand-written docs) in a plain Material project."""
    compilation = build_compilation(seed)
    docs = folder / "docs"
    shutil.copytree(PROJECT_DIR / "docs", docs)
    for path, markdown in PageWriter(PROJECT_DIR / "templates" / "pages").render(compilation).items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(markdown, encoding="utf-8")
    config = folder / "mkdocs.yml"
    config.write_text(BARE_CONFIG.format(title=compilation.title), encoding="utf-8")
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=Path, default=PROJECT_DIR / "seeds" / "000_6daea81426b11c94.txt")
    args = parser.parse_args()
    try:
        import jieba  # noqa: F401
    except ImportError:
        raise SystemExit("the baseline needs jieba: pip install -r benchmarks/requirements.txt") from None

    os.chdir(PROJECT_DIR)  # where the builds run: a cache entry's name depends on how its seed is shown from there
    seed_entry = PROJECT_DIR / COMPILATION_CACHE / f"{compilation_key(args.seed.resolve(), False)}.pickle"
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        bare_config = bare_material_project(args.seed.resolve(), scratch / "bare")
        ours = [sys.executable, str(PROJECT_DIR / "build.py"), str(args.seed.resolve()),
                "--site-dir", str(scratch / "site"), "--offline-dir", str(scratch / "site-offline"),
                "--dist-dir", str(scratch / "dist")]
        bare = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(bare_config), "-d", str(scratch / "bare-site")]
        run_measured(ours, PROJECT_DIR)  # warm the file cache and byte-compiled modules of both sides
        run_measured(bare, scratch)
        results = {"ours": [], "cold": [], "bare": []}
        for _ in range(args.rounds):
            results["ours"].append(run_measured(ours, PROJECT_DIR))
            results["bare"].append(run_measured(bare, scratch))
            shutil.rmtree(PROJECT_DIR / TEMPLATE_CACHE, ignore_errors=True)
            seed_entry.unlink(missing_ok=True)
            results["cold"].append(run_measured(ours, PROJECT_DIR))
        wait_for_removals(scratch)
        for side, label in (("ours", "python build.py (hosted + offline + zip)"),
                            ("cold", "the same, caches emptied first"),
                            ("bare", "bare Material + search + jieba (hosted only)")):
            walls = [wall for wall, _ in results[side]]
            peak = max(rss for _, rss in results[side])
            print(f"{label:48s} median {statistics.median(walls):.3f} s   peak {peak / 2**20:.0f} MiB")
        for side in ("ours", "cold"):
            ratios = [o[0] / b[0] for o, b in zip(results[side], results["bare"])]
            print(f"ratio {side}/bare (median of {args.rounds} paired rounds): {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
