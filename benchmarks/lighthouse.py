#!/usr/bin/env python3
"""Lighthouse scores of the hosted site: the home page, a long speech and the statistics page, on mobile and
desktop, the median of several runs per page, served by `python -m http.server` as the README tells hosts to try.

Needs Node and the pinned Lighthouse (`npm ci --prefix benchmarks/lighthouse`) and Debian's Chromium. Builds the
seed into a temporary folder first unless --site is given.

  python benchmarks/lighthouse.py [--runs 3] [--site DIR] [--page speeches/05/]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
LIGHTHOUSE = PROJECT_DIR / "benchmarks" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("", "speeches/05/", "stats/")
"""Home, the seed's longest speech (第5篇), and 统计."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_site(into: Path) -> Path:
    outputs = ["--site-dir", into / "site", "--offline-dir", into / "offline", "--dist-dir", into / "dist"]
    subprocess.run([sys.executable, str(PROJECT_DIR / "build.py"), *map(str, outputs)], check=True,
                   capture_output=True)
    return into / "site"


def lighthouse(url: str, form_factor: str, report: Path) -> dict[str, float]:
    """One Lighthouse run; category → score (0–100), plus the longest main-thread task before interaction."""
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               f"--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
               f"--only-categories={','.join(CATEGORIES)}"]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True)
    result = json.loads(report.read_text())
    scores = {name: round(100 * result["categories"][name]["score"]) for name in CATEGORIES}
    tasks = result["audits"].get("long-tasks", {}).get("details", {}).get("items", [])
    scores["longest task ms"] = round(max((task["duration"] for task in tasks), default=0))
    failing = [audit_id for audit_id, audit in result["audits"].items()
               if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") in
               ("binary", "metricSavings")]
    scores["failing"] = failing
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site", type=Path, help="an already built hosted site (default: build the seed)")
    parser.add_argument("--page", action="append", help="pages to score, relative to the site (default: "
                                                        + ", ".join(p or "home" for p in PAGES) + ")")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print(f"error: no Lighthouse at {LIGHTHOUSE}; run: npm ci --prefix benchmarks/lighthouse", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        site = args.site or build_site(Path(scratch))
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", str(site),
                                   str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            print(f"{'page':<16} {'form':<8} " + " ".join(f"{name:>14}" for name in CATEGORIES)
                  + f" {'longest task':>13}  audits below 1 (any run)")
            for page in args.page or PAGES:
                for form_factor in ("mobile", "desktop"):
                    runs = [lighthouse(f"http://127.0.0.1:{port}/{page}", form_factor,
                                       Path(scratch) / f"report-{run}.json") for run in range(args.runs)]
                    medians = {name: statistics.median(run[name] for run in runs)
                               for name in (*CATEGORIES, "longest task ms")}
                    failing = sorted({audit for run in runs for audit in run["failing"]})
                    print(f"{page or 'home':<16} {form_factor:<8} "
                          + " ".join(f"{medians[name]:>14g}" for name in CATEGORIES)
                          + f" {medians['longest task ms']:>10g} ms  {', '.join(failing) or '-'}")
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
