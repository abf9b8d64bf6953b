#!/usr/bin/env python3
"""Live-preview benchmark: how long after an edit to the seed `mkdocs serve` shows the new text.

Copies the project's site sources (mkdocs.yml, templates, docs, the seed) to a temporary folder, starts
`mkdocs serve` there on a free loopback port, then edits one word of speech 1 several times, at random moments, and
for each edit polls the speech page every 20 ms until the new word is served. Prints each delay, the median and the
largest. With --compilations N the site is an archive of N compilations of the seed's size (benchmarks/scale.py)
instead, and the word edited is in speech 1 of the middle one.

  python benchmarks/serve.py [--edits 5] [--compilations N] [--scratch DIR]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--compilations", type=int, default=0)
    parser.add_argument("--scratch", type=Path, help="where the copy goes (default: the system's temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        project = Path(scratch)
        for name in ("mkdocs.yml", "templates", "docs"):
            source = PROJECT_DIR / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
        (project / "seeds").mkdir()
        port = free_port()
        if args.compilations:
            seed, page, original = archive_in(project / "seeds", args.compilations)
        else:
            seed, page, original = project / "seeds" / SEED_NAME, "speeches/01/", ORIGINAL_WORD
            shutil.copy(PROJECT_DIR / "seeds" / SEED_NAME, seed)
        url = f"http://127.0.0.1:{port}/{page}"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-q", "-a", f"127.0.0.1:{port}"],
                                  cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            print(f"first build served after {wait_for(url, original, 1800):.2f} s")
            delays, previous = [], original
            pauses = random.Random(7)
            for edit in range(1, args.edits + 1):
                word = f"{original[:-1]}{edit}{original[-1]}"
                seed.write_text(seed.read_text(encoding="utf-8").replace(previous, word, 1), encoding="utf-8")
                delays.append(wait_for(url, word, 60))
                previous = word
                print(f"edit {edit}: new text served after {delays[-1]:.2f} s")
                # Let the server settle, then edit at a random moment: MkDocs looks for changes every 0.5 s, and a
                # fixed pause would put every edit at the same point of that cycle (always just after a look, say).
                time.sleep(1.0 + pauses.random() * 0.5)
            print(f"median delay from saving the seed to the new page being served: {statistics.median(delays):.2f} s"
                  f" (max {max(delays):.2f} s)")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
