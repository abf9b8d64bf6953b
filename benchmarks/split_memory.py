#!/usr/bin/env python3
"""How the segmentation's memory and time grow with the text: for the seed recombined 10×, 30×, 100× and 300×
(benchmarks/synthetic.py, the seed's shape), the CPU seconds of segmentation (the alignment stage, titles and
evidence included), the peak memory it allocates (tracemalloc, a second run) and the peak resident memory of the
whole split (read → segment → fidelity check). Each size runs in a fresh process.

  python benchmarks/split_memory.py                    # 10x, 30x, 100x, 300x
  python benchmarks/split_memory.py --scales 10 30

Measured on the 2-core machine of the README, segmentation CPU seconds and peak, in brackets the whole split's RSS:

  size    rows made when needed               blocks x entries matrices (before, same machine)
   10x    0.27 s    6 MiB   (85 MiB)          0.22 s     6 MiB   (85 MiB)
   30x    0.92 s   12 MiB  (110 MiB)          0.86 s    43 MiB  (146 MiB)
  100x    4.1 s    38 MiB  (206 MiB)          4.3 s    441 MiB  (638 MiB)
  300x   17.5 s   127 MiB  (510 MiB)         24.7 s   3844 MiB (4318 MiB)
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED_SPEECHES = 19
RUNS_PER_SPEECH = 5  # as in scale.py and split_scale.py: synthetic speeches about as long as the seed's


def measure(path: Path) -> None:
    """In this process: split one file, timing its segmentation and then measuring it again under tracemalloc."""
    sys.path.insert(0, str(PROJECT_DIR))
    from speechsite import pipeline

    segment = pipeline.segment
    calls = []

    def timed_segment(*args):
        started = time.process_time()
        result = segment(*args)
        seconds = time.process_time() - started
        tracemalloc.start()  # a second run, since tracing slows the Python parts
        segment(*args)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        calls.append((seconds, peak))
        return result

    pipeline.segment = timed_segment
    compilation = pipeline.build_compilation(path, with_analysis=False)
    seconds, peak = calls[-1]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{path.stat().st_size / 1e6:6.1f} MB  {len(compilation.speeches_with_text):5d} speeches  "
          f"{len(compilation.speeches):5d} entries  segment {seconds:7.2f} s CPU, peak {peak / 2**20:7.1f} MiB  "
          f"(whole split: peak RSS {rss:6.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="*", default=[10, 30, 100, 300])
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's half
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from measure import child_measurement
    from synthetic import make

    with tempfile.TemporaryDirectory() as scratch:
        for scale in args.scales:
            path = Path(scratch) / f"seed{scale}.txt"
            path.write_text(make(SEED_SPEECHES * scale, runs_per_speech=RUNS_PER_SPEECH).text, encoding="utf-8")
            print(f"{scale:4d}x  {child_measurement(__file__, str(path))}", flush=True)


if __name__ == "__main__":
    main()
