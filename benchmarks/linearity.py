#!/usr/bin/env python3
"""Whether costs grow with the input and no faster: each input shape at two sizes, the CPU seconds of each and the
ratio between them, which for a linear cost is the ratio of the sizes. Each case runs in a fresh process.

- lines: one speech of 10,000 and of 80,000 short lines (ratio 8), through the pipeline, the page writer and
  Python-Markdown with the site's extensions; with --whole-build also through ``python build.py`` (both renders,
  the downloads and the zip, imports included: minutes);
- spaces: a title line, a TOC entry and a body line each with a run of 10,000 and of 100,000 spaces (ratio 10),
  and an override [[title]] with such a run, through ``inspect``;
- pins: 3,000 and 30,000 pins (ratio 10), half of them [[junk]] removing a line each, half [[join]] keeping a
  paragraph from starting a speech, through the split.

A ratio above 12 is flagged as faster than linear. It prints figures; it is not a test.

  python benchmarks/linearity.py
  python benchmarks/linearity.py --cases lines --whole-build
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
MOST_RATIO = 12
SIZES = {"lines": (10_000, 80_000), "spaces": (10_000, 100_000), "pins": (3_000, 30_000)}


def lines_seed(folder: Path, size: int) -> Path:
    lines = ["讲话汇编", "1。在全市工作会议上的讲话", "", "同志们："] + [f"第{n}项工作要抓好落实。" for n in range(size)]
    return _write(folder / f"lines{size}.txt", lines)


def spaces_seed(folder: Path, size: int) -> Path:
    spaces = " " * size
    lines = ["讲话汇编" + spaces, "1。在全市工作会议上的讲话" + spaces, f"2。在全县{spaces}大会上的讲话", "", "",
             "同志们：", "", f"今天{spaces}我们开会。", "", "", "同志们：", "", "第二篇讲话开始了。"]
    seed = _write(folder / f"spaces{size}.txt", lines)
    titled = _write(folder / f"spaces{size}-titled.txt", lines)
    titled.with_suffix(".toml").write_text(f'[[title]]\nspeech = 1\ntitle = "在全市{spaces}会议上的讲话（摘要）"\n',
                                           encoding="utf-8")
    return seed


def pins_seed(folder: Path, size: int) -> Path:
    """Half the pins [[junk]] (a line of site junk each), half [[join]] (a paragraph that must not start a speech)."""
    lines = ["讲话汇编", "1。在全市工作会议上的讲话", "", "同志们：", "今天我们开会。"]
    lines += [f"AD{n}." if n % 2 else f"第{n}条。" for n in range(size)] + ["会议到此结束。"]  # short: 30,000 pins in 1 MiB
    seed = _write(folder / f"pins{size}.txt", lines)
    seed.with_suffix(".toml").write_text("".join(f'[[junk]]\nstarts_with="AD{n}."\n' if n % 2 else
                                                 f'[[join]]\nstarts_with="第{n}条"\n' for n in range(size)),
                                         encoding="utf-8")
    return seed


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def measure(case: str, seed: Path) -> None:
    """In this process: run one case on one seed and print its CPU seconds."""
    sys.path.insert(0, str(PROJECT_DIR))
    from speechsite.errors import InputError
    from speechsite.pipeline import build_compilation

    if case == "lines":
        import markdown
        from mkdocs.config import load_config

        from speechsite.write import PageWriter

        config = load_config(config_file=str(PROJECT_DIR / "mkdocs.yml"))
        started = time.process_time()
        pages = PageWriter(PROJECT_DIR / "templates" / "pages").render(build_compilation(seed))
        for page in pages.values():
            markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs).convert(page)
        print(f"{time.process_time() - started:.3f}")
    elif case == "spaces":
        from speechsite.cli import inspect

        started, outcomes = time.process_time(), []
        for path in (seed, seed.with_name(seed.stem + "-titled.txt")):
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    inspect([path], as_json=False)
                outcomes.append("inspected")
            except InputError:
                outcomes.append("refused")
        print(f"{time.process_time() - started:.3f} {'/'.join(outcomes)}")
    else:
        started = time.process_time()
        compilation = build_compilation(seed, with_analysis=False)
        removed = sum(r.reason.startswith("override") for r in compilation.removed)
        print(f"{time.process_time() - started:.3f} {removed:,} removed")


def whole_build_seconds(seed: Path, out: Path) -> float:
    """CPU seconds of ``python build.py`` on one seed: its process and the one it forks, imports included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, str(PROJECT_DIR / "build.py"), str(seed), "--site-dir", str(out / "site"),
                    "--offline-dir", str(out / "offline"), "--dist-dir", str(out / "dist")],
                   cwd=PROJECT_DIR, check=True, capture_output=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def report(name: str, small: int, large: int, seconds: tuple[float, float], note: str = "") -> None:
    ratio = seconds[1] / max(seconds[0], 1e-3)
    verdict = "linear" if ratio <= MOST_RATIO else "FASTER THAN LINEAR"
    print(f"{name:44s} {small:>7,} → {large:>7,}: {seconds[0]:7.2f} s → {seconds[1]:7.2f} s CPU   "
          f"ratio {ratio:5.1f} (sizes {large / small:.0f}×)  {verdict}  {note}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="*", choices=list(SIZES), default=list(SIZES))
    parser.add_argument("--whole-build", action="store_true", help="time python build.py on the lines too")
    parser.add_argument("--measure", nargs=2, metavar=("CASE", "SEED"), help=argparse.SUPPRESS)  # the child's half
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], Path(args.measure[1]))
        return
    makers = {"lines": lines_seed, "spaces": spaces_seed, "pins": pins_seed}
    names = {"lines": "one speech of short lines: pipeline+pages+md", "spaces": "runs of spaces: inspect",
             "pins": "[[junk]] and [[join]] pins: the split"}
    with tempfile.TemporaryDirectory() as scratch:
        for case in args.cases:
            seeds = [makers[case](Path(scratch), size) for size in SIZES[case]]
            results = [subprocess.run([sys.executable, __file__, "--measure", case, str(seed)], check=True,
                                      capture_output=True, text=True).stdout.split(maxsplit=1) for seed in seeds]
            report(names[case], *SIZES[case], tuple(float(result[0]) for result in results),
                   " / ".join(result[1].strip() for result in results if len(result) > 1))
            if case == "lines" and args.whole_build:
                report("one speech of short lines: python build.py", *SIZES[case],
                       tuple(whole_build_seconds(seed, Path(scratch) / seed.stem) for seed in seeds))


if __name__ == "__main__":
    main()
