#!/usr/bin/env python3
"""Synthetic compilations made from the seed, with their true split: for tests of other styles and for scale.

Each synthetic speech is a run of 3–6 consecutive paragraphs from one of the seed's speeches, sometimes with a
salutation before it and a closing after it, and a title made from words of its own opening (so that, as in real
compilations, the title and the text share words). Options choose the TOC style, whether bodies repeat their
title and a date line, how many blank lines separate speeches, and whether paragraphs are separated by blank lines
or written one per line with a full-width indent.

  python benchmarks/synthetic.py --speeches 190 --runs-per-speech 5 --out /tmp/seed10x.txt   # about 10x the seed
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from speechsite.pipeline import build_compilation  # noqa: E402
from speechsite.split.shapes import ENUMERATION_CONTINUATION  # noqa: E402

SEED = PROJECT_DIR / "seeds" / "000_6daea81426b11c94.txt"
SALUTATIONS = ["同志们:", "各位领导,同志们:", "各位代表、同志们:", "尊敬的各位来宾,同志们:"]
CLOSINGS = ["谢谢大家!", "我就讲这么多。", "谢谢大家。"]
TOC_FORMATS = {
    "N。": lambda n, t: f"{n}。{t}",
    "N、": lambda n, t: f"{n}、{t}",
    "(N)": lambda n, t: f"（{n}）{t}",
    "bullet": lambda n, t: f"· {t}",
}
CHINESE_RUN = re.compile(r"[\u4e00-\u9fff]{6,}")


@dataclass
class Synthetic:
    text: str
    titles: list[str]
    bodies: list[list[str]]
    """The true split: each speech's paragraphs as written in the source (title and date lines excluded)."""


def make(speeches: int, seed: int = 0, toc_style: str = "N。", title_lines: bool = False,
         blank_lines_between: int = 2, indented_lines: bool = False, extra_titles: int = 0,
         runs_per_speech: int = 1) -> Synthetic:
    rng = random.Random(seed)
    runs = _paragraph_runs(rng)
    titles, bodies = [], []
    for number in range(1, speeches + 1):
        first = (number - 1) * runs_per_speech
        body = [p for k in range(first, first + runs_per_speech) for p in runs[k % len(runs)]]
        phrases = CHINESE_RUN.findall(body[0]) or CHINESE_RUN.findall("".join(body)) or ["综合工作"]
        phrase = rng.choice(phrases)
        offset = rng.randrange(0, max(1, len(phrase) - 6))
        titles.append(f"在第{number}次{phrase[offset:offset + rng.randint(4, 6)]}工作会议上的讲话")
        if rng.random() < 0.5:
            body = [rng.choice(SALUTATIONS)] + body
        if rng.random() < 0.4:
            body = body + [rng.choice(CLOSINGS)]
        bodies.append(body)
    all_titles = titles + [f"在第{speeches + i + 1}次未收录会议上的讲话" for i in range(extra_titles)]
    lines = [f"[资料]合成讲话汇编({len(all_titles)}篇)", ""]
    lines += [TOC_FORMATS[toc_style](n, t) for n, t in enumerate(all_titles, start=1)]
    lines += ["", ""]
    paragraph_gap = [] if indented_lines else [""]
    for number, (title, body) in enumerate(zip(titles, bodies), start=1):
        if number > 1:
            lines += [""] * blank_lines_between
        if title_lines:
            lines += [title] + paragraph_gap + [f"（二〇二〇年十二月{number % 28 + 1}日）"] + paragraph_gap
        for paragraph in body:
            lines += [("\u3000\u3000" + paragraph) if indented_lines else paragraph] + paragraph_gap
    return Synthetic("\n".join(lines) + "\n", all_titles, bodies)


def _paragraph_runs(rng: random.Random) -> list[list[str]]:
    """The seed's speeches cut into runs of 3–6 consecutive paragraphs, shuffled: each paragraph appears once per
    cycle, so speeches share no text unless more are asked for than the seed can fill (about 100)."""
    runs = []
    for speech in build_compilation(SEED, verbatim=True).speeches_with_text:
        texts = [p.source_text.strip() for p in speech.paragraphs]
        start = 0
        while start < len(texts):
            end = start + rng.randint(3, 6)
            while end < len(texts) and ENUMERATION_CONTINUATION.match(texts[end]):
                end += 1  # no real speech opens with 二、 or 三是: cut where a new train of thought starts
            runs.append(texts[start:end])
            start = end
    rng.shuffle(runs)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speeches", type=int, default=19)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--toc-style", choices=sorted(TOC_FORMATS), default="N。")
    parser.add_argument("--title-lines", action="store_true", help="bodies repeat their title and a date line")
    parser.add_argument("--runs-per-speech", type=int, default=1,
                        help="runs of 3-6 paragraphs per speech (5 makes speeches as long as the seed's)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    made = make(args.speeches, args.seed, args.toc_style, args.title_lines, runs_per_speech=args.runs_per_speech)
    args.out.write_text(made.text, encoding="utf-8")
    print(f"{args.out}: {len(made.text):,} characters, {len(made.bodies)} speeches")


if __name__ == "__main__":
    main()
