#!/usr/bin/env python3
"""Lighthouse scores of the hosted site: the home page, a long speech and the statistics page, on mobile and
desktop, the median of several runs per page, served by `python -m http.server` as the README tells hosts to try.

Needs Node and the pinned Lighthouse (`npm ci --prefix benchmarks/lighthouse`) and Debian's Chromium. Builds the
seed into a temporary folder first unless --site is given.

Each line also names the longest main-thread task (Lighthouse's long-tasks audit, median over the runs) and what it
is, from the run's trace: Lighthouse simulates a phone by multiplying each task's observed time by 4, or by 2 when the
task lays the page out, so 50 ms means ~12 ms (~25 ms with layout) on this machine (desktop: ×1, ×0.5). An empty page is scored too: the
browser's own work to commit a navigation (window, script context) is a long task on every page, not the site's.

  python benchmarks/lighthouse.py [--runs 3] [--site DIR] [--page speeches/05/]
"""

from __future__ import annotations

import argparse
import collections
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
EMPTY_PAGE = "_empty/"
"""A page with nothing on it, served beside the site: the floor any page's tasks sit on."""
EMPTY_HTML = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
              'content="width=device-width, initial-scale=1"><meta name="description" content="空白页">'
              '<link rel="icon" href="data:,"><title>空白页</title></head><body><p>空白页</p></body></html>')

WORK_KINDS = {
    "style": ("UpdateLayoutTree", "RecalculateStyles", "ParseAuthorStyleSheet"),
    "layout": ("Layout", "UpdateLayer", "PrePaint", "Paint", "Layerize", "Commit"),
    "HTML parsing": ("ParseHTML",),
    "navigation commit": ("DocumentLoader::CommitNavigation", "LocalWindowProxy::Initialize",
                          "LocalWindowProxy::CreateContext", "V8.DeserializeContext", "ContextCreatedNotification",
                          "DocumentLoader::CreateParserPostCommit", "InstallConditionalFeatures",
                          "DocumentLoader::InitializeWindow"),
    "garbage collection": ("MajorGC", "MinorGC", "V8.GC_SCAVENGER", "V8.GC_MARK_COMPACTOR"),
}
"""Trace events by the kind of work they are (self time); script time is named by its file instead."""
SCRIPT_EVENTS = ("EvaluateScript", "FunctionCall", "TimerFire", "FireAnimationFrame", "EventDispatch",
                 "XHRReadyStateChange", "v8.compile", "v8.run", "V8.Execute")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_site(into: Path) -> Path:
    outputs = ["--site-dir", into / "site", "--offline-dir", into / "offline", "--dist-dir", into / "dist"]
    subprocess.run([sys.executable, str(PROJECT_DIR / "build.py"), *map(str, outputs)], check=True,
                   capture_output=True)
    return into / "site"


def main_thread_tasks(trace: dict, slowdown: float) -> list[dict]:
    """The renderer's top-level main-thread tasks: observed ms, their CPU ms, Lantern's estimate (× the CPU slowdown,
    half that with layout) and the ms of each kind of work inside (self time of the events, scripts by file name)."""
    events = trace["traceEvents"]
    threads = {(e["pid"], e["tid"]) for e in events
               if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    runs = collections.Counter((e["pid"], e["tid"]) for e in events
                               if e.get("name") == "RunTask" and (e["pid"], e["tid"]) in threads)
    if not runs:
        return []
    main = runs.most_common(1)[0][0]
    timed = sorted((e for e in events if (e["pid"], e["tid"]) == main and e.get("ph") == "X" and "dur" in e),
                   key=lambda e: (e["ts"], -e["dur"]))
    kind_of = {name: kind for kind, names in WORK_KINDS.items() for name in names}
    tasks, open_events = [], []
    for event in timed:
        while open_events and event["ts"] >= open_events[-1]["ts"] + open_events[-1]["dur"]:
            open_events.pop()
        if not open_events:
            if event["name"] != "RunTask":
                continue
            tasks.append({"ms": event["dur"] / 1000, "cpu ms": event.get("tdur", 0) / 1000,
                          "work": collections.Counter(), "layout": False})
        task = tasks[-1]
        data = event.get("args", {}).get("data") or {}
        script = data.get("url") or event.get("args", {}).get("fileName") if event["name"] in SCRIPT_EVENTS else None
        if script:
            event["kind"] = "script " + (script.rstrip("/").rsplit("/", 1)[-1] if "/" in script else script)
        elif event["name"] in kind_of:
            event["kind"] = kind_of[event["name"]]
        else:
            event["kind"] = open_events[-1]["kind"] if open_events else "other"
        task["layout"] |= event["name"] == "Layout"
        task["work"][event["kind"]] += event["dur"] / 1000
        if open_events:
            task["work"][open_events[-1]["kind"]] -= event["dur"] / 1000
        open_events.append(event)
    for task in tasks:
        task["factor"] = slowdown / 2 if task["layout"] else slowdown
        task["estimate"] = task["ms"] * task["factor"]
    return tasks


def what_task(tasks: list[dict], estimate: float) -> str:
    """What the trace's task of about that estimated length did, by its two largest kinds of work."""
    if not tasks or not estimate:
        return "-"
    task = min(tasks, key=lambda task: abs(task["estimate"] - estimate))
    kinds = [(kind, ms) for kind, ms in task["work"].most_common() if kind not in ("other",) and ms >= 0.5][:2]
    parts = ", ".join(f"{kind} {ms:.0f}" for kind, ms in kinds)
    return (f"{parts} of {task['ms']:.0f} ms observed ×{task['factor']:g}"
            f" (CPU {task['cpu ms']:.0f} ms)")


def lighthouse(url: str, form_factor: str, report: Path) -> dict[str, float]:
    """One Lighthouse run; category → score (0–100), plus the longest main-thread task and what it was."""
    command = [str(LIGHTHOUSE), url, "--quiet", "--save-assets", "--output=json", f"--output-path={report}",
               f"--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
               f"--only-categories={','.join(CATEGORIES)}"]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True)
    result = json.loads(report.read_text())
    scores = {name: round(100 * result["categories"][name]["score"]) for name in CATEGORIES}
    long_tasks = result["audits"].get("long-tasks", {}).get("details", {}).get("items", [])
    scores["longest task ms"] = round(max((task["duration"] for task in long_tasks), default=0))
    trace = report.with_name(report.stem + "-0.trace.json")
    slowdown = result["configSettings"]["throttling"]["cpuSlowdownMultiplier"]
    tasks = main_thread_tasks(json.loads(trace.read_text()), slowdown)
    scores["longest task"] = what_task(tasks, scores["longest task ms"])
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
        served = Path(scratch) / "served"  # the site and the empty page, without writing into --site
        served.mkdir()
        for entry in site.iterdir():
            (served / entry.name).symlink_to(entry.resolve())
        (served / EMPTY_PAGE).mkdir()
        (served / EMPTY_PAGE / "index.html").write_text(EMPTY_HTML, encoding="utf-8")
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", str(served),
                                   str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            print(f"{'page':<16} {'form':<8} " + " ".join(f"{name:>14}" for name in CATEGORIES)
                  + f" {'longest task':>13} (range)  what it is (median run)  | audits below 1 (any run)")
            for page in [*(args.page or PAGES), EMPTY_PAGE]:
                for form_factor in ("mobile", "desktop"):
                    runs = [lighthouse(f"http://127.0.0.1:{port}/{page}", form_factor,
                                       Path(scratch) / f"report-{run}.json") for run in range(args.runs)]
                    medians = {name: statistics.median(run[name] for run in runs)
                               for name in (*CATEGORIES, "longest task ms")}
                    longest = sorted(run["longest task ms"] for run in runs)
                    median_run = min(runs, key=lambda run: abs(run["longest task ms"] - medians["longest task ms"]))
                    failing = sorted({audit for run in runs for audit in run["failing"]})
                    name = "(empty page)" if page == EMPTY_PAGE else page or "home"
                    print(f"{name:<16} {form_factor:<8} "
                          + " ".join(f"{medians[category]:>14g}" for category in CATEGORIES)
                          + f" {medians['longest task ms']:>10g} ms ({longest[0]}–{longest[-1]})"
                          + f"  {median_run['longest task']}  | {', '.join(failing) or '-'}")
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
