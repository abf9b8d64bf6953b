#!/usr/bin/env python3
"""How well the split does on real compilations with hand-checked gold splits: per file and in total, the exact
speeches, character F1, silent errors (wrong speeches no weak boundary or weak gap points at) and the split's time.

  python benchmarks/split_quality.py [FOLDER]      # default ../shared/corpora beside the project
  python benchmarks/split_quality.py --verbose     # and each wrong speech, gold against ours
  python benchmarks/split_quality.py --json        # the same figures as JSON
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCHMARKS.parent), str(BENCHMARKS)]

from split_scoring import DEVELOPMENT_SET, CharCounts, FileScore, WrongSpeech, gold_pairs, score_folder  # noqa: E402

SNIPPET_CHARS = 12


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEVELOPMENT_SET,
                        help="folder of X.txt files with X.gold.json beside them")
    parser.add_argument("--verbose", action="store_true", help="print each wrong speech")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not gold_pairs(args.folder):
        print(f"{args.folder}: no X.txt with an X.gold.json beside it", file=sys.stderr)
        return 2
    scores = score_folder(args.folder)
    if args.json:
        print(json.dumps(as_json(scores), ensure_ascii=False, indent=1))
        return 0
    for score in scores:
        print(file_line(score))
        if args.verbose:
            for wrong in score.wrong:
                print(wrong_line(wrong))
    print(total_line(scores))
    return 0


def file_line(score: FileScore) -> str:
    head = f"{score.name:20s} exact {score.exact:3d}/{score.gold_count:<3d}"
    if score.failure:
        return f"{head} FAILED: {score.failure}"
    return (f"{head} chars F1 {score.char_f1:.4f}  silent errors {score.silent_errors:3d}  "
            f"split {score.cpu_seconds:6.3f} s ({score.megabytes_per_second:5.2f} MB/s)")


def wrong_line(wrong: WrongSpeech) -> str:
    status = "reported" if wrong.reported else "SILENT"
    return (f"    #{wrong.number} {wrong.title[:20]} [{status}]: gold {len(wrong.gold)} chars, got {len(wrong.got)}; "
            f"starts {wrong.gold[:SNIPPET_CHARS]!r} / {wrong.got[:SNIPPET_CHARS]!r}; "
            f"ends {wrong.gold[-SNIPPET_CHARS:]!r} / {wrong.got[-SNIPPET_CHARS:]!r}")


def total_line(scores: list[FileScore]) -> str:
    total = totals(scores)
    return (f"{'total':20s} exact {total['exact']:3d}/{total['gold_speeches']:<3d} chars F1 {total['chars_f1']:.4f}  "
            f"silent errors {total['silent_errors']:3d}  split {total['cpu_seconds']:6.3f} s "
            f"({total['megabytes_per_second']:5.2f} MB/s)  failed files {total['failed_files']}")


def totals(scores: list[FileScore]) -> dict:
    """The whole set: character F1 over all files' characters, so a big file weighs more."""
    split = [score for score in scores if not score.failure]  # a failed file's time says nothing of the speed
    seconds = sum(score.cpu_seconds for score in split)
    megabytes = sum(score.size_bytes for score in split) / 1e6
    return {
        "exact": sum(score.exact for score in scores),
        "gold_speeches": sum(score.gold_count for score in scores),
        "chars_f1": round(sum((score.chars for score in scores), CharCounts(0, 0, 0)).f1, 4),
        "silent_errors": sum(score.silent_errors for score in scores),
        "cpu_seconds": round(seconds, 3),
        "megabytes_per_second": round(megabytes / seconds, 2) if seconds else 0.0,
        "failed_files": len(scores) - len(split),
    }


def as_json(scores: list[FileScore]) -> dict:
    return {"files": [{
        "name": score.name,
        "exact": score.exact,
        "gold_speeches": score.gold_count,
        "chars_f1": round(score.char_f1, 4),
        "silent_errors": score.silent_errors,
        "cpu_seconds": round(score.cpu_seconds, 3),
        "megabytes": round(score.size_bytes / 1e6, 3),
        "failure": score.failure or None,
        "wrong": [{"number": wrong.number, "title": wrong.title, "reported": wrong.reported,
                   "gold_chars": len(wrong.gold), "got_chars": len(wrong.got)} for wrong in score.wrong],
    } for score in scores], "total": totals(scores)}


if __name__ == "__main__":
    sys.exit(main())
