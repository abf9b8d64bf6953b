#!/usr/bin/env python3
"""Live-preview benchmark: how long after an edit to the seed `mkdocs serve` shows the new text.

Copies the project's site sources (mkdocs.yml, templates, docs, the seed) to a temporary folder, starts
`mkdocs serve` there on a free loopback port, then edits one word of speech 1 several times, at random moments, and
for each edit polls the speech page every 20 ms until the new word is served. Prints each delay, the median and the
largest. With --compilations N the site is an archive of N compilations of the seed's size (benchmarks/scale.py)
instead, and the word edited is in speech 1 of the middle one.

With --against DIR (another checkout of this project, such as a worktree of an earlier commit) a second server runs
that checkout's code on its own copy of the same sources, and the edits alternate between the two, each taking the
other's turn first every other time: two runs one after the other differed by a fifth on this machine as its speed
drifted, while edits side by side share its state. Prints both medians and the median of the per-edit ratios.

  python benchmarks/serve.py [--edits 5] [--compilations N] [--scratch DIR] [--against DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED_NAME = "000_6daea81426b11c94.txt"
ORIGINAL_WORD = "专题学习班"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, word: str, timeout: float) -> float:
    """Seconds until the page at url contains word."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if word in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.02)
    raise SystemExit(f"{word} did not appear at {url} within {timeout} s")


def archive_in(folder: Path, count: int) -> tuple[Path, str, str]:
    """count compilations in folder; the middle one's seed, the address of its first speech and a word in it."""
    sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "benchmarks")]
    from scale import archive_seeds
    from speechsite.pipeline import build_compilation
    from speechsite.plugin import collection_slugs

    middle = archive_seeds(folder, count)[count // 2]
    compilation = build_compilation(middle, with_analysis=False)
    first = compilation.speeches_with_text[0]
    text = middle.read_text(encoding="utf-8")
    # six Chinese characters of speech 1 as the seed has them (its punctuation is normalised on the page)
    word = next(found for paragraph in first.paragraphs for found in re.findall(r"[\u4e00-\u9fff]{6}", paragraph.text)
                if found in text)
    return middle, f"{collection_slugs([compilation])[0]}/speeches/{first.slug}/", word


class Preview:
    """`mkdocs serve` of one checkout's code (``tree``) on a copy of the site sources in ``folder``."""

    def __init__(self, tree: Path, folder: Path, seeds: Path | None):
        for name in ("mkdocs.yml", "templates", "docs"):
            source = tree / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
        if seeds is not None:
            shutil.copytree(seeds, folder / "seeds")
        else:
            (folder / "seeds").mkdir()
            shutil.copy(PROJECT_DIR / "seeds" / SEED_NAME, folder / "seeds" / SEED_NAME)
        self.port = free_port()
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(tree))  # that checkout's speechsite
        self.server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-q", "-a", f"127.0.0.1:{self.port}"],
                                       cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.folder, self.delays = folder, []

    def edit(self, seed_name: str, page: str, old: str, new: str) -> float:
        """Replace old by new in the seed; seconds until the page shows it."""
        seed = self.folder / "seeds" / seed_name
        seed.write_text(seed.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        self.delays.append(wait_for(f"http://127.0.0.1:{self.port}/{page}", new, 60))
        return self.delays[-1]

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--compilations", type=int, default=0)
    parser.add_argument("--scratch", type=Path, help="where the copy goes (default: the system's temporary folder)")
    parser.add_argument("--against", type=Path, help="another checkout whose preview runs beside this one's")
    args = parser.parse_args()
    trees = {"this": PROJECT_DIR, **({"against": args.against.resolve()} if args.against else {})}
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        scratch = Path(scratch)
        if args.compilations:
            seeds = scratch / "seeds"
            seeds.mkdir()
            seed, page, original = archive_in(seeds, args.compilations)
        else:
            seed, page, original, seeds = Path(SEED_NAME), "speeches/01/", ORIGINAL_WORD, None
        previews: dict[str, Preview] = {}
        try:
            for name, tree in trees.items():
                (scratch / name).mkdir()
                previews[name] = Preview(tree, scratch / name, seeds)
            for name, preview in previews.items():
                started = time.perf_counter()
                wait_for(f"http://127.0.0.1:{preview.port}/{page}", original, 1800)
                print(f"{name}: first build served {time.perf_counter() - started:.2f} s after the wait began")
            previous = original
            pauses = random.Random(7)
            for edit in range(1, args.edits + 1):
                word = f"{original[:-1]}{edit}{original[-1]}"
                order = list(previews.items())[::1 if edit % 2 else -1]
                for name, preview in order:
                    delay = preview.edit(seed.name, page, previous, word)
                    print(f"edit {edit}, {name}: new text served after {delay:.2f} s")
                    # Let the server settle, then edit at a random moment: MkDocs looks for changes every 0.5 s, and
                    # a fixed pause would put every edit at the same point of that cycle (always just after a look).
                    time.sleep(1.0 + pauses.random() * 0.5)
                previous = word
            for name, preview in previews.items():
                print(f"{name}: median delay from saving the seed to the new page being served: "
                      f"{statistics.median(preview.delays):.2f} s (max {max(preview.delays):.2f} s)")
            if len(previews) == 2:
                ratios = [a / b for a, b in zip(previews["this"].delays, previews["against"].delays)]
                print(f"median of the per-edit ratios this / against: {statistics.median(ratios):.2f}")
        finally:
            for preview in previews.values():
                preview.stop()


if __name__ == "__main__":
    main()
