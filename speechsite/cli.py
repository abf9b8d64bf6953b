"""The commands behind ``build.py``: build (into a temporary folder, then swapped in), serve and inspect."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from .errors import InputError, display_path
from .model import Compilation
from .pipeline import build_compilation, decision_report
from .write import speech_path

log = logging.getLogger("speechsite")
PROJECT_DIR = Path(__file__).resolve().parent.parent
CONFIG_FILE = PROJECT_DIR / "mkdocs.yml"


def run(args) -> int:
    _configure_logging(args.verbose)
    if args.command == "inspect":
        return inspect(_seeds(args.seeds), as_json=args.json, verbatim=args.verbatim)
    if args.command == "serve":
        return serve(args.dev_addr)
    return build(_seeds(args.seeds), args.site_dir, strict=args.strict, verbatim=args.verbatim)


def describe(error: Exception) -> str:
    """The one line a user sees for an error."""
    if isinstance(error, (InputError, MkDocsException)):
        return str(error).strip() or type(error).__name__
    if isinstance(error, OSError):
        return f"{error.strerror or error}: {error.filename}" if error.filename else str(error)
    return f"{type(error).__name__}: {error} (a bug; run again with --debug and report the traceback)"


def build(seeds: list[Path], site_dir: Path, strict: bool = False, verbatim: bool = False) -> int:
    """Build the site into a temporary folder beside site_dir and swap it in only when the build succeeded."""
    compilations = [build_compilation(seed, verbatim) for seed in seeds]
    for compilation in compilations:
        for line in decision_report(compilation):
            log.info(line)
        for warning in compilation.warnings:
            log.warning(warning)
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{site_dir.name}-", dir=site_dir.parent) as scratch:
        staged = Path(scratch) / "site"
        config = load_config(config_file=str(CONFIG_FILE), site_dir=str(staged), strict=strict)
        config.plugins["speechsite"].prepared = compilations
        mkdocs_build(config)
        retired = Path(scratch) / "retired"
        if site_dir.exists():
            site_dir.rename(retired)
        staged.rename(site_dir)
    print(f"built {display_path(site_dir)}/ — serve it with: python -m http.server -d {display_path(site_dir)} 8000")
    return 0


def serve(dev_addr: str) -> int:
    from mkdocs.commands.serve import serve as mkdocs_serve

    mkdocs_serve(config_file=str(CONFIG_FILE), dev_addr=dev_addr, livereload=True)
    return 0


def inspect(seeds: list[Path], as_json: bool, verbatim: bool = False) -> int:
    compilations = [build_compilation(seed, verbatim) for seed in seeds]
    if as_json:
        print(json.dumps({"collections": [_as_json(c) for c in compilations]}, ensure_ascii=False, indent=1))
    else:
        for compilation in compilations:
            print(_as_text(compilation))
    return 0


def _seeds(given: list[Path]) -> list[Path]:
    if given:
        return given
    found = sorted((PROJECT_DIR / "seeds").glob("*.txt"))
    if not found:
        raise InputError("no compilation given and none in seeds/; pass a .txt file or put one in seeds/")
    return [Path(display_path(path)) for path in found]


def _configure_logging(verbose: bool) -> None:
    logging.getLogger("mkdocs").setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("mkdocs.plugins.speechsite").setLevel(logging.INFO)
    logging.getLogger("speechsite").setLevel(logging.INFO)


def _as_json(compilation: Compilation) -> dict:
    return {
        "source": display_path(compilation.source),
        "title": compilation.title,
        "speeches": [{
            "number": speech.number,
            "title": speech.title,
            "url": speech_path(speech).removesuffix(".md") + "/" if speech.has_text else None,
            "paragraphs": [paragraph.text for paragraph in speech.paragraphs],
        } for speech in compilation.speeches],
        "removed": [{"line": r.line, "text": r.text, "reason": r.reason} for r in compilation.removed],
    }


def _as_text(compilation: Compilation) -> str:
    out = [f"{display_path(compilation.source)}: {compilation.title}"]
    out += [f"  {line}" for line in decision_report(compilation)[1:]]
    out += [f"  warning: {warning}" for warning in compilation.warnings]
    out.append(f"  {'no.':>4} {'conf':>5} {'chars':>6}  title / first 20 … last 20 characters")
    for speech in compilation.speeches:
        if not speech.has_text:
            out.append(f"  {speech.number:>4} {'':>5} {'':>6}  {speech.title}  [正文未收录]")
            continue
        text = "".join(p.text for p in speech.paragraphs)
        out.append(f"  {speech.number:>4} {speech.boundary.confidence:>5.2f} {speech.char_count:>6}  {speech.title}")
        out.append(f"  {'':>4} {'':>5} {'':>6}  line {speech.boundary.line}: {text[:20]} … {text[-20:]}")
        out.append(f"  {'':>4} {'':>5} {'':>6}  evidence: {', '.join(speech.boundary.evidence)}")
    out.append("  removed lines:")
    for removed in compilation.removed:
        if removed.reason != "toc":
            out.append(f"    line {removed.line} ({removed.reason}): {removed.text}")
    toc = [r.line for r in compilation.removed if r.reason == "toc"]
    if toc:
        out.append(f"    lines {toc[0]}–{toc[-1]} (toc): {len(toc)} table-of-contents lines")
    return "\n".join(out)
