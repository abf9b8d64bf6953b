#!/usr/bin/env python3
"""Scale benchmark: the whole `python build.py` (hosted + offline + zip) on synthetic compilations 1x, 10x and 100x
the seed's text (benchmarks/synthetic.py: 19, 190 and 1,900 speeches as long as the seed's), each in its own
process. Prints build time, peak memory, pages, search-index bytes, and how the time grows.

  python benchmarks/scale.py [--factors 1 10 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
PROJECT_DIR = BENCHMARKS.parent
sys.path[:0] = [str(PROJECT_DIR), str(BENCHMARKS)]

from measure import run_measured  # noqa: E402
from synthetic import make  # noqa: E402

SEED_SPEECHES = 19
RUNS_PER_SPEECH = 5  # runs of 3-6 paragraphs: speeches about as long as the seed's


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    args = parser.parse_args()
    walls = {}
    print(f"{'factor':>6} {'characters':>11} {'speeches':>8} {'build s':>8} {'peak MiB':>9} {'pages':>6} "
          f"{'index bytes':>12}")
    for factor in args.factors:
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            made = make(SEED_SPEECHES * factor, runs_per_speech=RUNS_PER_SPEECH)
            seed = scratch / f"synthetic{factor}x.txt"
            seed.write_text(made.text, encoding="utf-8")
            wall, peak = run_measured([sys.executable, str(PROJECT_DIR / "build.py"), str(seed),
                                       "--site-dir", str(scratch / "site"), "--offline-dir", str(scratch / "off"),
                                       "--dist-dir", str(scratch / "dist")], PROJECT_DIR)
            pages = sum(1 for _ in (scratch / "site").rglob("index.html"))
            walls[factor] = wall
            print(f"{factor:>6} {len(made.text):>11,} {len(made.bodies):>8} {wall:>8.1f} {peak / 2**20:>9.0f} "
                  f"{pages:>6} {folder_bytes(scratch / 'site' / 'search'):>12,}")
    factors = sorted(walls)
    for smaller, larger in zip(factors, factors[1:]):
        print(f"{larger}x / {smaller}x build time: {walls[larger] / walls[smaller]:.1f} "
              f"(linear would be {larger / smaller:.0f})")


if __name__ == "__main__":
    main()
