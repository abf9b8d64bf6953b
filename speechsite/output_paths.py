"""Where a build may write: the checks on its three outputs, made before anything is staged; the hidden staging
folders it builds in, which the next build removes when an interrupted one left them behind; and the exchange that
puts a staged output in place.

The outputs are the site folder (--site-dir), the offline site folder (--offline-dir), the dist folder (--dist-dir)
and the zip in it; the two site folders are replaced whole. All paths are compared with symbolic links resolved.
An output is refused when

- it is, or contains, the project folder, a seed, a seed's folder or an override file (``<seed>.toml``), or it is,
  contains or lies inside docs/ or templates/ (what MkDocs reads);
- it lies inside the project folder but not directly in it, or directly in it takes the name of one of the
  project's own files or folders: there only site/, site-offline/, dist/, a new name, or a folder a build wrote
  (empty, a site this generator built, or nothing but offline zips) will do;
- it is, contains or lies inside another output;
- it exists and is not what the build writes there: a site folder must be empty or a site this generator built
  (``index.html`` beside ``assets/speechsite/``), the dist folder a folder, the zip a zip this generator wrote.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, display_path
from .interrupts import deferred
from .overrides import override_path
from .remover import FRAME_FOLDERS, FRAME_PREFIX, RETIRED_PREFIX

try:
    import fcntl
except ImportError:  # Windows has no fcntl: there no staging folder is ever taken for an abandoned one
    fcntl = None

DEFAULT_NAMES = ("site", "site-offline", "dist")
"""The default outputs, directly in the project folder, which git ignores."""
SOURCE_FOLDERS = {"docs": "docs/, the pages MkDocs reads", "templates": "templates/, the pages' and theme's templates"}
SITE_MARK = Path("assets", "speechsite")
"""Every site this generator builds has its own theme assets here; a folder without them is someone else's."""
STAGING_PREFIX = ".speechsite-staging-"
REMOVER = Path(__file__).with_name("remover.py")
_REMOVERS: list = []
"""The processes removing this process's retired folders (subprocess.Popen), so that they can be waited for."""
AT_FDCWD, RENAME_EXCHANGE = -100, 2  # from Linux's <fcntl.h> and <linux/fs.h>


@dataclass(frozen=True)
class Output:
    """One place the build writes to."""

    flag: str  # the command-line option that chose it, for the message
    path: Path  # with symbolic links resolved
    kind: str  # "site" (a folder replaced whole), "dist" (a folder the zip is put in) or "zip"

    def refuse(self, why: str) -> InputError:
        shown = f"{display_path(self.path.parent)} (its zip {self.path.name})" if self.kind == "zip" \
            else display_path(self.path)
        return InputError(f"{self.flag} {shown}: {why}")


def check_outputs(project_dir: Path, seeds: list[Path], site_dir: Path, offline_dir: Path, zip_path: Path) -> None:
    """Raise InputError for the first output that the rules in this module's docstring refuse."""
    project_dir = project_dir.resolve()
    folders = [Output("--site-dir", site_dir.resolve(), "site"), Output("--offline-dir", offline_dir.resolve(), "site"),
               Output("--dist-dir", zip_path.parent.resolve(), "dist")]
    zip_output = Output("--dist-dir", zip_path.resolve(), "zip")
    protected = _protected_sources(project_dir, seeds)
    for output in [*folders, zip_output]:
        _check_against_sources(output, protected)
    for number, output in enumerate(folders):
        for other in folders[number + 1:]:
            relation = _relation(output.path, other.path)
            if relation:
                raise output.refuse(f"{relation} {other.flag} {display_path(other.path)}; the outputs must be "
                                    "separate folders")
    for output in folders:
        _check_inside_project(output, project_dir)
    for output in [*folders, zip_output]:
        _check_what_is_there(output)


def check_site_dir(project_dir: Path, seeds: list[Path], site_dir: Path) -> None:
    """Raise InputError when the rules in this module's docstring refuse site_dir as the one output of a plain
    ``mkdocs build`` or ``mkdocs serve`` (MkDocs' site_dir setting, or its --site-dir)."""
    output, project_dir = Output("site_dir", site_dir.resolve(), "site"), project_dir.resolve()
    _check_against_sources(output, _protected_sources(project_dir, seeds))
    _check_inside_project(output, project_dir)
    _check_what_is_there(output)


def _protected_sources(project_dir: Path, seeds: list[Path]) -> list[tuple[Path, str, bool]]:
    """(path with symbolic links resolved, what it is, whether an output may not even lie inside it) of what no
    output may replace: resolved once for all outputs, each seed's folder once (an archive's hundreds of seeds
    share one)."""
    protected = [(project_dir, "the project folder", False)]
    protected += [(project_dir / name, what, True) for name, what in SOURCE_FOLDERS.items()]
    folders = set()
    for seed in seeds:
        shown = display_path(seed)
        if seed.parent not in folders:
            folders.add(seed.parent)
            protected.append((seed.parent, f"the folder of the seed {shown}", False))
        protected += [(seed, f"the seed {shown}", False), (override_path(seed), f"the override file of {shown}", False)]
    return [(source.resolve(), what, not_even_inside) for source, what, not_even_inside in protected]


def _check_against_sources(output: Output, protected: list[tuple[Path, str, bool]]) -> None:
    for source, what, not_even_inside in protected:
        relation = _relation(output.path, source)
        if relation and (relation != "lies inside" or not_even_inside):
            raise output.refuse(f"{relation} {what}, which the build must never replace or write into")


def _check_inside_project(output: Output, project_dir: Path) -> None:
    if not output.path.is_relative_to(project_dir):
        return
    if output.path.parent != project_dir:
        raise output.refuse("lies deeper inside the project folder; there an output must be directly in it, like "
                            "site/")
    if output.path.exists() and output.path.name not in DEFAULT_NAMES and not _written_by_a_build(output.path):
        raise output.refuse("is one of the project's own files or folders; choose a new name, or site/, "
                            "site-offline/, dist/")


def _check_what_is_there(output: Output) -> None:
    path = output.path
    if not path.exists():
        return
    if output.kind == "zip":
        if not (path.is_file() and _is_our_zip(path)):
            raise output.refuse("exists and is not a zip this build wrote; move it away first")
    elif not path.is_dir():
        raise output.refuse("exists and is not a folder")
    elif output.kind == "site" and not (_is_empty(path) or _is_our_site(path)):
        raise output.refuse("holds files that are not a site this generator built, and the build replaces the folder "
                            "whole; empty it or choose a new folder")


def _relation(path: Path, other: Path) -> str | None:
    """How path stands to other: "is" it, "contains" it, "lies inside" it, or None when they are apart."""
    if path == other:
        return "is"
    if other.is_relative_to(path):
        return "contains"
    if path.is_relative_to(other):
        return "lies inside"
    return None


def _written_by_a_build(folder: Path) -> bool:
    """An earlier output: empty, a site this generator built, or a dist folder of nothing but offline zips."""
    return folder.is_dir() and (_is_empty(folder) or _is_our_site(folder) or all(
        (entry.is_file() and entry.name.endswith("-offline.zip"))
        or entry.name.startswith((STAGING_PREFIX, RETIRED_PREFIX)) for entry in folder.iterdir()))


def _is_empty(folder: Path) -> bool:
    return next(folder.iterdir(), None) is None


def _is_our_site(folder: Path) -> bool:
    return (folder / "index.html").is_file() and (folder / SITE_MARK).is_dir()


def _is_our_zip(path: Path) -> bool:
    """A zip whose files all lie in one top folder named after it, as ``reproducible.zip_folder`` writes them."""
    try:
        with zipfile.ZipFile(path) as archive:
            return all(name.startswith(f"{path.stem}/") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


@contextmanager
def staging_folder(beside: Path) -> Iterator[Path]:
    """A new hidden folder in beside to build in, locked while this process and its forked children live. Left
    normally, it is retired (renamed, then removed by a process of its own, see retire); left by an error or a stop,
    it is removed at once. Staging folders that no live build holds are retired first: what a build that was killed
    left behind (a lock dies with its process, even by SIGKILL, where a clean-up handler would not run); so are the
    folder frames (claim_frame) of sites that are gone, such as a preview's temporary one."""
    beside.mkdir(parents=True, exist_ok=True)
    retire([stale for stale in beside.glob(f"{STAGING_PREFIX}*")
            if stale.is_dir() and not stale.is_symlink() and _abandoned(stale)]
           + [left for left in beside.glob(f"{RETIRED_PREFIX}*") if left.is_dir() and not left.is_symlink()]
           + [frame for frame in beside.glob(f"{FRAME_PREFIX}*") if frame.is_dir() and not frame.is_symlink()
              and not (beside / frame.name.removeprefix(FRAME_PREFIX)).exists()])
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=beside))
    lock = _lock(folder)
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    else:
        retire([folder])
    finally:
        if lock is not None:
            os.close(lock)


def retire(folders: list[Path]) -> None:
    """Remove folders (a replaced site: thousands of files, most of a second on a slow disk) without making the
    build wait: each is renamed to a hidden retired name at once, and a process of its own deletes them while the
    build ends, or the preview serves the new site. One it did not finish (killed, or the machine stopped) is
    retired again by the next build. Where no such process can be started, they are removed here."""
    retired = []
    for folder in folders:
        with suppress(OSError):
            folder.rmdir()  # empty (the build replaced nothing): no process needed
            continue
        name = folder.with_name(RETIRED_PREFIX + folder.name.removeprefix(STAGING_PREFIX).removeprefix(RETIRED_PREFIX))
        try:
            folder.rename(name)
            retired.append(name)
        except OSError:  # gone already (another build retired it), or not ours to rename
            shutil.rmtree(folder, ignore_errors=True)
    if not retired:
        return
    try:
        _REMOVERS.append(subprocess.Popen(
            [sys.executable, "-I", "-S", str(REMOVER), *map(str, retired)], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
    except OSError:  # no process to spare: remove them in this one, keeping no frames
        for folder in retired:
            shutil.rmtree(folder, ignore_errors=True)
    _REMOVERS[:] = [remover for remover in _REMOVERS if remover.poll() is None]  # reaps the finished ones


def claim_frame(staged: Path) -> list[str]:
    """Give the site being built in staged (still empty) the folders of a site it replaced, if a frame of them is
    ready (see remover.py); the frame's folders, relative to staged, each after those inside it."""
    if not staged.parent.name.startswith(STAGING_PREFIX):  # a folder of someone's choosing, not a staged site
        return []
    frame = frame_of(staged.parent.parent / staged.name)  # the site it will replace, beside its staging folder
    existed = staged.exists()
    try:
        if existed:
            staged.rmdir()  # fails if anything was written there already: then no frame
        frame.rename(staged)  # fails when there is none, or another build took it
    except OSError:
        if existed:
            staged.mkdir(exist_ok=True)
        return []
    listing = staged / FRAME_FOLDERS
    try:
        folders = listing.read_text(encoding="utf-8").splitlines()
        listing.unlink()
    except (OSError, UnicodeDecodeError):  # not one the remover finished: rather no frame than a wrong one
        shutil.rmtree(staged)
        staged.mkdir()
        return []
    return folders


def discard_frame(site_dir: Path) -> None:
    """Remove the frame of site_dir (a preview's temporary site, which goes as the server stops), once this process's
    removals, which may be making it still, are done."""
    wait_for_retired()
    retire([frame_of(site_dir)])


def frame_of(site_dir: Path) -> Path:
    """Where the folders of the sites site_dir replaces are kept for its next build (see remover.py)."""
    return site_dir.parent / (FRAME_PREFIX + site_dir.name)


def remove_empty_frame_folders(staged: Path, folders: list[str]) -> None:
    """Remove those of a frame's folders (claim_frame) that the build left empty, so that the site is the one a build
    from nothing makes (the build never leaves a folder empty)."""
    for folder in folders:  # each after those inside it
        with suppress(OSError):  # not empty, the nearly always case
            os.rmdir(staged / folder)


def wait_for_retired() -> None:
    """Wait until the folders this process retired are gone (for tests, and benchmarks that time what follows)."""
    for remover in _REMOVERS:
        remover.wait()
    _REMOVERS.clear()


def _lock(folder: Path) -> int | None:
    """Hold folder's lock (through the returned descriptor) to mark it as in use."""
    if fcntl is None:
        return None
    descriptor = os.open(folder, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


def _abandoned(folder: Path) -> bool:
    """No process holds folder's lock: the build that made it has ended."""
    if fcntl is None:
        return False
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def exchange(path: Path, other: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE), so that there is no moment when either
    is missing. False where the platform or the file system cannot, and nothing was changed."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None) if sys.platform == "linux" else None
    if renameat2 is None:  # glibc before 2.28, or not Linux
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(path), AT_FDCWD, os.fsencode(other), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # a kernel or file system without the exchange
        return False
    raise OSError(code, os.strerror(code), str(other))


def stage(target: Path, stack: ExitStack) -> Path:
    """An empty folder to build target in: target's name in a new staging folder beside it (the same file system, so
    that swapping it in is one rename), held until stack closes, which removes it with whatever it still holds."""
    staged = stack.enter_context(staging_folder(target.parent)) / target.name
    staged.mkdir()
    return staged


def replace_site(staged: Path, site_dir: Path) -> None:
    """Put a staged site in site_dir's place, keeping site_dir's hidden entries as MkDocs does (it never cleans them
    away: a gh-pages checkout's .git, a .nojekyll). The old site ends up in the staging folder, removed with it."""
    with deferred():  # where two renames replace one exchange, a stop between them would lose both sites
        if site_dir.is_dir():
            _link_hidden_entries(site_dir, staged)
        swap_in(staged, site_dir)


def swap_in(staged: Path, target: Path) -> None:
    """Replace target (a folder or a file) by staged, in one step where the two can be exchanged (Linux), else by
    moving the old one aside into staged's folder first, and back if staged cannot follow."""
    if not target.exists():
        staged.rename(target)
    elif not exchange(staged, target):
        retired = staged.parent / "retired"
        target.rename(retired)
        try:
            staged.rename(target)
        except OSError:
            retired.rename(target)  # rather the old one than none, which the staging folder's removal would leave
            raise


def _link_hidden_entries(old: Path, new: Path) -> None:
    """Copy old's hidden top-level entries that new lacks into new, as hard links where the file system allows
    (a .git can be large, and the old folder is about to go)."""
    for entry in old.iterdir():
        if entry.name.startswith(".") and not os.path.lexists(new / entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=link_or_copy)
            else:
                link_or_copy(entry, new / entry.name)


def link_or_copy(source: str | Path, destination: str | Path) -> None:
    """destination as a hard link to source (the same bytes, no copying), or a copy where the file system has none."""
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:  # no hard links here (a FAT disk, a protected file of another user): copy it
        shutil.copy2(source, destination, follow_symlinks=False)
