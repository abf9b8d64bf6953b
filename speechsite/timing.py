"""Stage timing shared by the pipeline, the analysis and the benchmarks (below all of them, so none imports another
to get it)."""

from __future__ import annotations

import time
from contextlib import contextmanager


class StageTimes(dict):
    """Seconds spent in each stage, for the build log and benchmarks/phases.py."""

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.perf_counter() - started
