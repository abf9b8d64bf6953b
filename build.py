#!/usr/bin/env python3
"""Build, preview or inspect the site made from compilations of speeches.

  python build.py [SEED ...] [--site-url URL]     build the hosted site into site/, the offline one (opened from
                                                  disk) into site-offline/ and zipped into dist/
  python build.py serve [--dev-addr HOST:PORT]    live preview; rebuilds when a seed, override, template or
                                                  mkdocs.yml changes
  python build.py inspect [SEED ...] [--json]     show how each compilation was split, and what was removed
  python build.py prepare [SEED ...]              split and analyse into .cache/ only, for a build to find there

SEED defaults to seeds/*.txt. Errors in the input are reported as one line; --debug shows the traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
COMMANDS = ("build", "serve", "inspect", "prepare")


def main(argv: list[str]) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner, once per run, says nothing new
    args = parse_args(argv)
    from speechsite import cli, interrupts  # imported after argument parsing so --help is instant

    interrupts.stop_on_signals()
    try:
        return cli.run(args)
    except BrokenPipeError:  # `inspect | head -1`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that exit's flush does not fail again
        return 0
    except interrupts.Stopped as stop:  # with-blocks have cleaned up on the way here; the line replaces a traceback
        if args.debug:
            raise
        print(f"error: {stop}", file=sys.stderr)
        return stop.exit_status
    except Exception as error:  # noqa: BLE001 - the one place where errors become a line for the user
        if args.debug:
            raise
        print(f"error: {cli.describe(error)}", file=sys.stderr)
        return 2


def parse_args(argv: list[str]) -> argparse.Namespace:
    command = argv[0] if argv and argv[0] in COMMANDS else "build"
    rest = argv[1:] if argv and argv[0] in COMMANDS else argv
    parser = argparse.ArgumentParser(
        prog=f"python build.py{'' if command == 'build' else ' ' + command}",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("seeds", nargs="*", type=Path, metavar="SEED",
                        help="compilation text files (default: seeds/*.txt)")
    if command == "build":
        parser.add_argument("--site-dir", type=Path, default=PROJECT_DIR / "site",
                            help="where the hosted site goes (default: site/)")
        parser.add_argument("--offline-dir", type=Path, default=PROJECT_DIR / "site-offline",
                            help="where the offline site goes (default: site-offline/)")
        parser.add_argument("--dist-dir", type=Path, default=PROJECT_DIR / "dist",
                            help="where the offline site's zip goes (default: dist/)")
        parser.add_argument("--site-url", help="the hosted site's address, for canonical links and the sitemap "
                                               "(default: $SITE_URL, else none)")
        parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    if command == "inspect":
        parser.add_argument("--json", action="store_true", help="print the split as JSON (for tools and tests)")
    if command in ("build", "inspect", "prepare"):
        parser.add_argument("--verbatim", action="store_true",
                            help="keep the source punctuation (no full-width conversion)")
    if command in ("build", "prepare"):
        parser.add_argument("--jobs", type=positive_number, default=os.cpu_count() or 1, metavar="N",
                            help="split and analyse up to N compilations at once (default: one per core, "
                                 "%(default)s)")
    if command == "serve":
        parser.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (default: %(default)s)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--verbose", action="store_true", help="show everything MkDocs logs")
    args = parser.parse_args(rest)
    args.command = command
    return args


def positive_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


if __name__ == "__main__":
    logging.basicConfig(format="%(levelname)-7s -  %(message)s", level=logging.WARNING)
    sys.exit(main(sys.argv[1:]))
