#!/usr/bin/env python3
"""Scale benchmark: the whole `python build.py` (hosted + offline + zip), each build in its own process, on
synthetic input (benchmarks/synthetic.py, speeches as long as the seed's) of two shapes:

- one compilation 1x, 10x, 100x the seed (19, 190, 1,900 speeches): --factors
- an archive of N compilations of 19 speeches each, titled by year and month as the publisher's are: --compilations

Prints per build: wall time, peak memory of the process tree, speech pages, the median speech page's bytes, the share
of HTML bytes that is the primary navigation, hosted site bytes and search-index bytes (without the .gz/.br copies),
all outputs' bytes (hosted and offline sites with every file, the zip); and how the time grows.

  python benchmarks/scale.py [--factors 1 10 100] [--compilations 10 100 300] [--scratch DIR]

Put --scratch on the project's disk: on this machine creating files in /tmp is ten times slower.
"""

from __future__ import annotations

import argparse
import re
import statistics
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
NAV_TAG = re.compile(r"<(/?)nav\b")


def folder_bytes(folder: Path, compressed_copies: bool = False) -> int:
    """Bytes of the files under folder, without the .gz and .br copies of its files unless asked (a file that is
    gzipped only, such as a hosted search shard, counts)."""
    return sum(path.stat().st_size for path in folder.rglob("*")
               if path.is_file() and (compressed_copies or not is_compressed_copy(path)))


def is_compressed_copy(path: Path) -> bool:
    return path.suffix in (".gz", ".br") and path.with_suffix("").is_file()


def primary_nav_bytes(html: str) -> int:
    """Bytes of the page's primary navigation: from its <nav> to the </nav> that closes it (sections nest navs)."""
    start = html.find('<nav class="md-nav md-nav--primary')
    if start < 0:
        return 0
    depth = 0
    for tag in NAV_TAG.finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return len(html[start:tag.end()].encode("utf-8"))
    return 0


def page_figures(site: Path) -> tuple[int, int, float]:
    """Speech pages, the median speech page's bytes, and the navigation's share of all HTML bytes."""
    speech_pages = sorted(site.glob("**/speeches/*/index.html"))
    html_bytes = nav_bytes = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        html_bytes += len(text.encode("utf-8"))
        nav_bytes += primary_nav_bytes(text)
    median = int(statistics.median(page.stat().st_size for page in speech_pages)) if speech_pages else 0
    return len(speech_pages), median, nav_bytes / max(html_bytes, 1)


def archive_seeds(folder: Path, count: int) -> list[Path]:
    """count compilations of the seed's size, one a month from January 2015, each with its own speeches."""
    seeds = []
    for number in range(count):
        year, month = 2015 + number // 12, number % 12 + 1
        made = make(SEED_SPEECHES, seed=number, runs_per_speech=RUNS_PER_SPEECH)
        text = made.text.replace("[资料]合成讲话汇编", f"[资料]{year}年{month}月份最新工作会议讲话汇编", 1)
        seed = folder / f"{number:04}.txt"
        seed.write_text(text, encoding="utf-8")
        seeds.append(seed)
    return seeds


def one_compilation(folder: Path, factor: int) -> list[Path]:
    seed = folder / f"synthetic{factor}x.txt"
    seed.write_text(make(SEED_SPEECHES * factor, runs_per_speech=RUNS_PER_SPEECH).text, encoding="utf-8")
    return [seed]


def build_and_measure(label: str, seeds: list[Path], scratch: Path) -> float:
    wall, peak = run_measured([sys.executable, str(PROJECT_DIR / "build.py"), *map(str, seeds),
                               "--site-dir", str(scratch / "site"), "--offline-dir", str(scratch / "off"),
                               "--dist-dir", str(scratch / "dist")], PROJECT_DIR)
    pages, median, nav_share = page_figures(scratch / "site")
    print(f"{label:>18} {wall:>8.1f} {peak / 2**20:>9.0f} {pages:>7} {median / 1000:>11.1f} {nav_share:>8.0%} "
          f"{folder_bytes(scratch / 'site') / 1e6:>9.1f} {folder_bytes(scratch / 'site' / 'search') / 1e6:>10.1f} "
          f"{sum(folder_bytes(scratch / name, True) for name in ('site', 'off', 'dist')) / 1e6:>11.1f}", flush=True)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factors", type=int, nargs="*", default=[1, 10, 100])
    parser.add_argument("--compilations", type=int, nargs="*", default=[])
    parser.add_argument("--scratch", type=Path, help="where the seeds and sites go (default: the system's temporary "
                        "folder)")
    args = parser.parse_args()
    print(f"{'input':>18} {'build s':>8} {'peak MiB':>9} {'speeches':>7} {'median kB':>11} {'nav':>8} "
          f"{'site MB':>9} {'search MB':>10} {'outputs MB':>11}")
    for sizes, shape, label in ((args.factors, one_compilation, "1 × {}x seed"),
                                (args.compilations, archive_seeds, "{} compilations")):
        walls = {}
        for size in sizes:
            with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
                scratch = Path(scratch)
                walls[size] = build_and_measure(label.format(size), shape(scratch, size), scratch)
        for smaller, larger in zip(sorted(walls), sorted(walls)[1:]):
            print(f"{label.format(larger)} / {label.format(smaller)} build time: "
                  f"{walls[larger] / walls[smaller]:.1f} (linear would be {larger / smaller:.0f})")


if __name__ == "__main__":
    main()
