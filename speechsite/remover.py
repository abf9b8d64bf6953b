"""Removes retired staging folders (output_paths.retire), in a process of its own, keeping the folders of a site they
hold as the frame of the next build of that site.

Making a folder costs a tenth of a millisecond on an ext4 disk, and a hosted site has one per page: 7,000 at 300
compilations, a second of each build. So the replaced site's files are removed and its folders kept, as
``<FRAME_PREFIX><site folder's name>`` beside the staging folder, with their list; the next build of that site
takes them (output_paths.claim_frame) and removes the ones it left empty. Only folders are kept, never a file, and no
hidden entry of the site (a gh-pages checkout's .git), which the next build links from the site it replaces.

Run as ``python -I -S remover.py FOLDER...``: nothing of the package is imported, so that it starts at once.
"""

from __future__ import annotations

import os
import shutil
import sys

RETIRED_PREFIX = ".speechsite-retired-"
"""A staging folder after its build: what it holds (the outputs it replaced) is being removed."""
FRAME_PREFIX = ".speechsite-frame-"
"""Beside a site's staging folders: the folders of a site the site replaced, for its next build."""
FRAME_FOLDERS = ".speechsite-frame-folders"
"""In a frame: the list of its folders, relative to it, one per line, each after those inside it."""


def remove_retired(folder: str) -> None:
    """Remove folder, first keeping each site in it as a frame, unless its site has one already. A retired frame
    (output_paths.staging_folder retires those whose site is gone) is removed whole."""
    if os.path.basename(folder).removeprefix(RETIRED_PREFIX).startswith("."):
        shutil.rmtree(folder, ignore_errors=True)
        return
    with os.scandir(folder) as entries:
        sites = [entry.path for entry in entries if entry.is_dir(follow_symlinks=False)
                 and not entry.name.startswith(".") and entry.name != "retired"]
    for site in sites:
        frame = os.path.join(os.path.dirname(folder), FRAME_PREFIX + os.path.basename(site))
        if not os.path.lexists(frame):
            keep_folders(site, frame)
    shutil.rmtree(folder, ignore_errors=True)


def keep_folders(site: str, frame: str) -> None:
    """Empty site of everything but its folders (hidden entries at its top go whole), list them, and move it to
    frame. A site that cannot be emptied is left for the caller to remove."""
    folders = []
    try:
        with os.scandir(site) as entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
        for parent, subfolders, files in os.walk(site, topdown=False):
            for name in files:  # symbolic links to folders come here too (os.walk does not follow them)
                os.unlink(os.path.join(parent, name))
            for name in subfolders:
                path = os.path.join(parent, name)
                if os.path.islink(path):
                    os.unlink(path)
                else:
                    folders.append(os.path.relpath(path, site))
        with open(os.path.join(site, FRAME_FOLDERS), "w", encoding="utf-8") as listing:
            listing.write("".join(f"{name}\n" for name in folders))
        os.rename(site, frame)  # fails if another build's frame arrived meanwhile (it holds its list)
    except OSError:
        pass


if __name__ == "__main__":
    for retired in sys.argv[1:]:
        remove_retired(retired)
