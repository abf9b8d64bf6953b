#!/usr/bin/env python3
"""Rebuild benchmark: `python build.py` of an archive (compilations of the seed's size, benchmarks/scale.py) with
the compilation cache empty (cold) or holding every compilation (warm), and cold with --jobs 1 against --jobs 2;
warm after one sentence of one compilation was edited (that compilation is split and its pages rendered again, the
others' come from the caches);
`python build.py prepare` alone (the split and analysis, no site) the same way. Each run is its own process; CPU is
user + system time of it and every process it waited for (the forked offline build, the pool's workers).

Only the cache entries of its own compilations are removed (and at the end all of them), never the others; compiled
templates stay cached throughout, as after any earlier build.

  python benchmarks/rebuild.py [--compilations 20] [--rounds 3] [--scratch DIR] [--only warm,edited]

--only keeps the runs whose labels contain one of the words given (at 300 compilations and more the cold runs
take minutes each).
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

from measure import wait_for_removals  # noqa: E402
from scale import archive_seeds  # noqa: E402
from speechsite.compilation_cache import FOLDER, compilation_key  # noqa: E402

RUNS = {  # label → (command after build.py, whether the compilation cache starts empty, whether a paragraph changed)
    "build, cold, --jobs 1": (["--jobs", "1"], True, False),
    "build, cold, --jobs 2": (["--jobs", "2"], True, False),
    "build, warm": ([], False, False),
    "build, one paragraph edited": ([], False, True),
    "prepare, cold, --jobs 1": (["prepare", "--jobs", "1"], True, False),
    "prepare, cold, --jobs 2": (["prepare", "--jobs", "2"], True, False),
}


def measured(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of the command, run in the project folder. What earlier runs wrote is flushed to disk
    first: at 300 compilations a build writes gigabytes, and their writeback under the next timed build made its
    figures vary by half."""
    os.sync()
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, cwd=PROJECT_DIR, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def edit_one_paragraph(seed: Path) -> None:
    """Change one sentence in the middle of the seed's text, as an editor fixing a typo would."""
    text = seed.read_text(encoding="utf-8")
    middle = text.index("。", len(text) // 2)
    seed.write_text(text[:middle] + "（改）" + text[middle:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compilations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scratch", type=Path, help="where the seeds and sites go (default: the system's temporary "
                        "folder; on some machines file creation there is far slower than beside the project)")
    parser.add_argument("--only", help="comma-separated words; only the runs whose labels contain one of them")
    args = parser.parse_args()
    runs = {label: run for label, run in RUNS.items()
            if not args.only or any(word in label for word in args.only.split(","))}
    if not runs:
        parser.error(f"--only {args.only}: no run's label contains these words")
    os.chdir(PROJECT_DIR)  # the builds run here, and an entry's name depends on how its seed is shown from here
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        scratch = Path(scratch)
        seeds = archive_seeds(scratch, args.compilations)
        entries = [PROJECT_DIR / FOLDER / f"{compilation_key(seed, False)}.pickle" for seed in seeds]
        outputs = ["--site-dir", scratch / "site", "--offline-dir", scratch / "site-offline", "--dist-dir",
                   scratch / "dist"]

        def run(command: list[str], cold: bool, edit: bool = False) -> tuple[float, float]:
            if cold:
                for entry in entries:
                    entry.unlink(missing_ok=True)
            if edit:
                edit_one_paragraph(seeds[len(seeds) // 2])
            arguments = [*command, *seeds] + (outputs if command[:1] != ["prepare"] else [])
            return measured([sys.executable, str(PROJECT_DIR / "build.py"), *map(str, arguments)])

        try:
            run([], cold=True)  # byte-compiled modules, compiled templates, the file cache
            results: dict[str, list[tuple[float, float]]] = {label: [] for label in runs}
            for _ in range(args.rounds):
                for label, (command, cold, edit) in runs.items():
                    results[label].append(run(command, cold, edit))
        finally:
            for entry in entries:
                entry.unlink(missing_ok=True)
            wait_for_removals(scratch)
    print(f"{args.compilations} compilations of the seed's size, median of {args.rounds} rounds, "
          f"{os.cpu_count()} cores")
    print(f"{'':26} {'wall s':>7} {'CPU s':>7}")
    for label, figures in results.items():
        print(f"{label:26} {statistics.median(w for w, _ in figures):7.2f} "
              f"{statistics.median(c for _, c in figures):7.2f}")


if __name__ == "__main__":
    main()
