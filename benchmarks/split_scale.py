#!/usr/bin/env python3
"""How the split's cost grows with the text: CPU seconds per MB and peak memory of the split alone (read → segment
→ fidelity check, no analysis) on compilations recombined from the seed (benchmarks/synthetic.py) at several sizes,
in two shapes: the seed's (blank lines between paragraphs, two between speeches) and packed (one paragraph per
line, no blank line anywhere, so that every gap is a candidate boundary). Each case runs in a fresh process.

  python benchmarks/split_scale.py                      # 1x, 10x, 100x the seed's shape; packed 1x, 5x, 10x
  python benchmarks/split_scale.py --scales 1 10 --packed-scales 1 2
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED_SPEECHES = 19
RUNS_PER_SPEECH = 5  # as in scale.py and phases.py: synthetic speeches about as long as the seed's


def measure(path: Path) -> None:
    """In this process: split one file and print CPU seconds, megabytes and peak memory as one line."""
    sys.path.insert(0, str(PROJECT_DIR))
    from speechsite.pipeline import build_compilation

    started = time.process_time()
    compilation = build_compilation(path, with_analysis=False)
    seconds = time.process_time() - started
    megabytes = path.stat().st_size / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{megabytes:7.2f} MB  {len(compilation.speeches_with_text):5d} speeches  {seconds:7.2f} s CPU  "
          f"{seconds / megabytes:5.2f} s/MB  peak {peak:6.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="*", default=[1, 10, 100])
    parser.add_argument("--packed-scales", type=int, nargs="*", default=[1, 5, 10])
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's half
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from measure import child_measurement
    from synthetic import make

    cases = [("seed's shape", scale, {}) for scale in args.scales]
    cases += [("packed", scale, {"blank_lines_between": 0, "indented_lines": True}) for scale in args.packed_scales]
    with tempfile.TemporaryDirectory() as scratch:
        for shape, scale, options in cases:
            path = Path(scratch) / f"{shape[:6]}{scale}.txt"
            path.write_text(make(SEED_SPEECHES * scale, runs_per_speech=RUNS_PER_SPEECH, **options).text,
                            encoding="utf-8")
            print(f"{shape:>13} {scale:4d}x  {child_measurement(__file__, str(path))}", flush=True)


if __name__ == "__main__":
    main()
