#!/usr/bin/env python3
"""Rebuild benchmark: `python build.py` of an archive (compilations of the seed's size, benchmarks/scale.py) with
the compilation cache empty (cold) or holding every compilation (warm), and cold with --jobs 1 against --jobs 2;
`python build.py prepare` alone (the split and analysis, no site) the same way. Each run is its own process; CPU is
user + system time of it and every process it waited for (the forked offline build, the pool's workers).

Only the cache entries of its own compilations are removed (and at the end all of them), never the others; compiled
templates stay cached throughout, as after any earlier build.

  python benchmarks/rebuild.py [--compilations 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
PROJECT_DIR = BENCHMARKS.parent
sys.path[:0] = [str(PROJECT_DIR), str(BENCHMARKS)]

from scale import archive_seeds  # noqa: E402
from speechsite.compilation_cache import FOLDER, compilation_key  # noqa: E402

RUNS = {  # label → (command after build.py, whether the cache starts empty)
    "build, cold, --jobs 1": (["--jobs", "1"], True),
    "build, cold, --jobs 2": (["--jobs", "2"], True),
    "build, warm": ([], False),
    "prepare, cold, --jobs 1": (["prepare", "--jobs", "1"], True),
    "prepare, cold, --jobs 2": (["prepare", "--jobs", "2"], True),
}


def measured(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of the command, run in the project folder."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, cwd=PROJECT_DIR, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compilations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.chdir(PROJECT_DIR)  # the builds run here, and an entry's name depends on how its seed is shown from here
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        seeds = archive_seeds(scratch, args.compilations)
        entries = [PROJECT_DIR / FOLDER / f"{compilation_key(seed, False)}.pickle" for seed in seeds]
        outputs = ["--site-dir", scratch / "site", "--offline-dir", scratch / "site-offline", "--dist-dir",
                   scratch / "dist"]

        def run(command: list[str], cold: bool) -> tuple[float, float]:
            if cold:
                for entry in entries:
                    entry.unlink(missing_ok=True)
            arguments = [*command, *seeds] + (outputs if command[:1] != ["prepare"] else [])
            return measured([sys.executable, str(PROJECT_DIR / "build.py"), *map(str, arguments)])

        try:
            run([], cold=True)  # byte-compiled modules, compiled templates, the file cache
            results: dict[str, list[tuple[float, float]]] = {label: [] for label in RUNS}
            for _ in range(args.rounds):
                for label, (command, cold) in RUNS.items():
                    results[label].append(run(command, cold))
        finally:
            for entry in entries:
                entry.unlink(missing_ok=True)
    print(f"{args.compilations} compilations of the seed's size, median of {args.rounds} rounds, "
          f"{os.cpu_count()} cores")
    print(f"{'':26} {'wall s':>7} {'CPU s':>7}")
    for label, figures in results.items():
        print(f"{label:26} {statistics.median(w for w, _ in figures):7.2f} "
              f"{statistics.median(c for _, c in figures):7.2f}")


if __name__ == "__main__":
    main()
