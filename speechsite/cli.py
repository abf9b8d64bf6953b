"""The commands behind ``build.py``: build (into temporary folders, then swapped in), prepare (the compilations
into the cache only), serve and inspect."""

from __future__ import annotations

import errno
import json
import logging
import os
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from .compilation_cache import FOLDER as COMPILATIONS_CACHE, prepared_compilations
from .downloads.site_files import copy_downloads
from .errors import InputError, OutputError, display_path
from .interrupts import deferred
from .model import Compilation
from .output_paths import check_outputs, staging_folder, swap_in
from .parallel import ChildFailed, alongside, can_fork
from .pipeline import build_compilation, decision_report
from .plugin import search_postings_ahead
from .reproducible import ZIP_CACHE, offline_zip_name, source_date_epoch, zip_folder
from .site_url import checked_site_url
from .typography import CONTROL_CHARACTERS
from .write import speech_path

log = logging.getLogger("speechsite")
SEEDS_VARIABLE = "SPEECHSITE_SEEDS"
"""mkdocs.yml reads the seeds from this variable when set (os.pathsep between paths): how serve passes them on."""
FULL_DISK = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded"}
PROJECT_DIR = Path(__file__).resolve().parent.parent
ALL_CORES = os.cpu_count() or 1
CONFIG_FILE = PROJECT_DIR / "mkdocs.yml"


def run(args) -> int:
    _configure_logging(args.verbose)
    if args.command == "inspect":
        return inspect(_seeds(args.seeds), as_json=args.json, verbatim=args.verbatim)
    if args.command == "serve":
        return serve(args.seeds, args.dev_addr)
    if args.command == "prepare":
        return prepare(_seeds(args.seeds), verbatim=args.verbatim, jobs=args.jobs)
    return build(_seeds(args.seeds), args.site_dir, args.offline_dir, args.dist_dir, site_url=args.site_url,
                 strict=args.strict, verbatim=args.verbatim, jobs=args.jobs)


def describe(error: Exception) -> str:
    """The one line a user sees for an error."""
    if isinstance(error, (InputError, OutputError, MkDocsException, ChildFailed)):
        line = str(error).strip() or type(error).__name__
    elif isinstance(error, OSError):
        line = f"{error.strerror or error}: {error.filename}" if error.filename else str(error)
    else:
        line = f"{type(error).__name__}: {error} (a bug; run again with --debug and report the traceback)"
    return printable(line)


def printable(text: str) -> str:
    """Text for a terminal, each control character but tab and line feed written as \\u001b: printed as it is, an
    escape sequence in a compilation could recolour, retitle or rewrite the reader's terminal."""
    return CONTROL_CHARACTERS.sub(lambda char: f"\\u{ord(char[0]):04x}", text)


def build(seeds: list[Path], site_dir: Path, offline_dir: Path, dist_dir: Path, site_url: str | None = None,
          strict: bool = False, verbatim: bool = False, jobs: int = ALL_CORES) -> int:
    """Build the hosted site, the offline site and its zip into temporary folders beside their destinations and
    swap them in only when all three succeeded: a failed build leaves the previous ones untouched. Compilations
    come from the cache where it holds them; the others are split in up to ``jobs`` processes."""
    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH: one line naming it, before MkDocs trips over it
    site_url = checked_site_url(site_url)
    _refuse_symlink_loops([*seeds, site_dir, offline_dir, dist_dir])
    site_dir, offline_dir = site_dir.resolve(), offline_dir.resolve()
    zip_path = dist_dir.resolve() / offline_zip_name(seeds[0])
    check_outputs(PROJECT_DIR, seeds, site_dir, offline_dir, zip_path)  # before anything is read, staged or replaced
    prepared = prepared_compilations(seeds, verbatim, PROJECT_DIR / COMPILATIONS_CACHE, jobs)
    made = sum(not p.from_cache for p in prepared)
    log.info("compilations: %d split and analysed, %d from the cache", made, len(prepared) - made)
    compilations = [p.compilation for p in prepared]
    for compilation in compilations:  # the reports are data on the compilation: a cached one reports as a new one
        for line in decision_report(compilation):
            log.info(printable(line))
        for warning in compilation.warnings:
            log.warning(printable(warning))
    with ExitStack() as stack:
        staged = {target: _staging_path(stack, target) for target in (site_dir, offline_dir, zip_path)}
        postings = stack.enter_context(ExitStack())
        if can_fork():  # else the builds make them themselves, and this would only run after them
            postings.enter_context(alongside(lambda: _search_postings_ahead(compilations),
                                             lambda error: f"making the search index failed: {describe(error)}"))

        def build_offline() -> None:
            with _writing(offline_dir):
                known = _build_site(compilations, staged[offline_dir], strict, offline=True, hosted_url=site_url)
            with _writing(zip_path):
                zip_folder(staged[offline_dir], staged[zip_path], root=zip_path.stem, cache_dir=PROJECT_DIR / ZIP_CACHE,
                           known=known, previous=zip_path)

        with alongside(build_offline, describe):  # independent renders: on two cores the offline one is free
            with _writing(site_dir):
                _build_site(compilations, staged[site_dir], strict, site_url=site_url, downloads=False)
        with _writing(site_dir):
            copy_downloads(compilations, staged[offline_dir], staged[site_dir])  # made once, by the offline build
        postings.close()  # done (the builds waited for it); a failure stops the build before anything is swapped in
        with deferred():  # a Ctrl-C or SIGTERM now would swap in some outputs and not the others
            for target, path in staged.items():
                swap_in(path, target)  # the old one ends up in the staging folder, removed with it
    hosted, offline = display_path(site_dir), display_path(offline_dir)
    print(f"built {hosted}/ — serve it with: python -m http.server -d {hosted} 8000")
    print(f"built {offline}/ and {display_path(zip_path)} — open {offline}/index.html from disk, no server needed")
    if not site_url:
        log.info("no site URL given (--site-url or SITE_URL): %s/ has no canonical links and no sitemap", hosted)
    return 0


def _search_postings_ahead(compilations: list[Compilation]) -> None:
    """plugin.search_postings_ahead, unless mkdocs.yml turns our search off. In a child process: the configuration
    is read again here, without a word (the builds report what is wrong with it)."""
    logging.getLogger("mkdocs").setLevel(logging.CRITICAL)
    if load_config(config_file=str(CONFIG_FILE)).plugins["speechsite"].config.search:
        search_postings_ahead(compilations, PROJECT_DIR)


def prepare(seeds: list[Path], verbatim: bool = False, jobs: int = ALL_CORES) -> int:
    """Split and analyse the compilations into the cache, without building a site: the piece of a build that can run
    as separate jobs, on separate machines sharing the project folder."""
    _refuse_symlink_loops(seeds)
    for seed, prepared in zip(seeds, prepared_compilations(seeds, verbatim, PROJECT_DIR / COMPILATIONS_CACHE, jobs)):
        print(printable(f"{display_path(seed)}: {'in the cache' if prepared.from_cache else 'split and analysed'}"))
    return 0


def _refuse_symlink_loops(paths: list[Path]) -> None:
    """InputError naming the first path that leads into a loop of symbolic links (which nothing could read)."""
    for path in paths:
        try:
            os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise InputError("symlink loop", path) from None


@contextmanager
def _writing(output: Path) -> Iterator[None]:
    """A full disk while writing ``output`` is one line naming it, where the OSError would name the file being copied
    (such as one of Material's stylesheets in the virtualenv)."""
    try:
        yield
    except OSError as error:
        if error.errno in FULL_DISK:
            raise OutputError(f"{FULL_DISK[error.errno]} writing {display_path(output)}") from error
        raise


def _build_site(compilations: list[Compilation], site_dir: Path, strict: bool, site_url: str | None = None,
                offline: bool = False, hosted_url: str | None = None, downloads: bool = True) -> dict[str, str]:
    """One MkDocs build of the already prepared compilations: the hosted site (at site_url, if known), or the offline
    one, told where the hosted site lives (hosted_url, if known: copied paragraphs and Word files cite it). Returns
    the files whose bytes a cache entry's name decides, by that name (see zip_folder)."""
    config = load_config(config_file=str(CONFIG_FILE), site_dir=str(site_dir), strict=strict, site_url=site_url)
    plugin = config.plugins["speechsite"]
    plugin.prepared = compilations
    plugin.config.offline = offline
    plugin.config.hosted_url = hosted_url
    plugin.config.downloads = downloads
    mkdocs_build(config)
    return plugin.known_files


def _staging_path(stack: ExitStack, target: Path) -> Path:
    """Where target is built: in a hidden staging folder beside it (same file system, so renaming is atomic)."""
    with _writing(target):
        return stack.enter_context(staging_folder(target.parent)) / target.name


def serve(seeds: list[Path], dev_addr: str) -> int:
    """Live preview. The seeds are checked first, so that bad input is one line here rather than a failed rebuild
    in the server's log; later edits that break a seed are reported by each rebuild, and the last good site stays."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _refuse_symlink_loops(seeds)
    if seeds:
        os.environ[SEEDS_VARIABLE] = os.pathsep.join(str(seed.resolve()) for seed in seeds)
    config = load_config(config_file=str(CONFIG_FILE))
    for seed in config.plugins["speechsite"].seed_paths():
        build_compilation(seed, with_analysis=False)
    mkdocs_serve(config_file=str(CONFIG_FILE), dev_addr=dev_addr, livereload=True)
    return 0


def inspect(seeds: list[Path], as_json: bool, verbatim: bool = False) -> int:
    _refuse_symlink_loops(seeds)
    compilations = [p.compilation for p in prepared_compilations(seeds, verbatim, PROJECT_DIR / COMPILATIONS_CACHE,
                                                                 ALL_CORES)]
    if as_json:  # JSON escapes C0 controls itself; printable writes the others the same way, still valid JSON
        print(printable(json.dumps({"collections": [_as_json(c) for c in compilations]}, ensure_ascii=False,
                                   indent=1)))
    else:
        for compilation in compilations:
            print(printable(_as_text(compilation)))
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
            "date": speech.date or None,
            "boundary": {"line": speech.boundary.line, "confidence": speech.boundary.confidence,
                         "evidence": speech.boundary.evidence, "pinned": speech.boundary.pinned}
            if speech.boundary else None,
            "paragraphs": [paragraph.text for paragraph in speech.paragraphs],
        } for speech in compilation.speeches],
        "possible_boundaries_not_taken": [{"line": gap.line, "confidence": gap.confidence, "evidence": gap.evidence}
                                          for gap in compilation.weak_gaps],
        "front_matter": [{"line": r.line, "text": r.text} for r in compilation.removed if r.reason == "front matter"],
        "back_matter": [{"kind": section.kind, "title": section.title, "line": section.line,
                         "paragraphs": len(section.paragraphs)} for section in compilation.back_matter],
        "removed": [{"line": r.line, "text": r.text, "reason": r.reason} for r in compilation.removed],
    }


def _as_text(compilation: Compilation) -> str:
    out = [f"{display_path(compilation.source)}: {compilation.title}"]
    out += [f"  {line}" for line in decision_report(compilation, limit=None)[1:]]
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
    out.append("  suspected damage:")
    for finding in compilation.analysis.damage:
        out.append(f"    line {finding.line} ({finding.kind}): {finding.text} — {finding.explanation}")
    return "\n".join(out)
