"""Shared by the benchmarks: run a command as a child process and measure its wall time and peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SAMPLE_SECONDS = 0.01
SAMPLING_SHARE = 0.05
"""At most this share of one core goes to sampling: reading smaps_rollup of a process of gigabytes takes milliseconds,
and sampling every 10 ms regardless took 80 % of a core from a 2-core build of 1,000 compilations."""


def wait_for_removals(folder: Path, timeout: float = 120) -> None:
    """Wait until the processes removing what the builds replaced in folder are done: they leave the replaced sites'
    folders there as frames for the next builds (output_paths.retire), which a removal of folder must not race (it
    failed with "Directory not empty")."""
    from speechsite.output_paths import RETIRED_PREFIX

    deadline = time.monotonic() + timeout
    while any(folder.glob(f"{RETIRED_PREFIX}*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def child_measurement(script: str, *args: str) -> str:
    """What ``script --measure ARGS`` prints, run in its own process (so that each measurement starts clean), or
    its last error line."""
    result = subprocess.run([sys.executable, script, "--measure", *args], capture_output=True, text=True)
    return result.stdout.strip() or f"failed: {result.stderr.strip().splitlines()[-1:]}"


def run_measured(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak memory (bytes) of one command, run as a child process; exits with its stderr on failure.

    Peak memory is the larger of the kernel's figure for the biggest single process (ru_maxrss) and the largest sum
    over the command's process tree, sampled every 10 ms, of each process's proportional set size (PSS: a page
    shared by n processes counts 1/n in each): a build that forks uses both processes' memory at once, and the pages
    they share after the fork are counted once, as the machine holds them."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    errors = tempfile.TemporaryFile()  # not a pipe: a build's log outgrows a pipe's buffer and the build would block
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=env)
    tree_peak = [0]
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, tree_peak, stop), daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        errors.seek(0)
        raise SystemExit(f"failed: {' '.join(map(str, command))}\n{errors.read().decode()}")
    return wall, max(usage.ru_maxrss * 1024, tree_peak[0])


def _sample_tree(root: int, peak: list[int], stop: threading.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        peak[0] = max(peak[0], sum(_proportional_bytes(pid) for pid in _tree(root)))
        stop.wait(max(SAMPLE_SECONDS, (time.perf_counter() - started) / SAMPLING_SHARE))


def _tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            todo += [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            pass  # ended meanwhile
    return pids


def _proportional_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
