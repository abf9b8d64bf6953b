"""The archive's home page: compilations grouped so that a reader finds one among a thousand, by the year and month
their titles name (as a publisher titles a monthly compilation: 2020年12月份…汇编), the rest under 其他."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Compilation

YEAR_MONTH = re.compile(r"((?:19|20)\d\d)\s*年\s*(1[0-2]|0?[1-9])\s*月")
"""The first year and month a title names: 2020年12月, 2021年1月份, 2019 年 03 月."""


@dataclass
class MonthGroup:
    month: int
    compilations: list[Compilation] = field(default_factory=list)


@dataclass
class YearGroup:
    year: int | None
    """None: the compilations whose titles name no year and month."""
    months: list[MonthGroup] = field(default_factory=list)

    @property
    def speeches_with_text(self) -> int:
        return sum(c.speeches_with_text_count for month in self.months for c in month.compilations)

    @property
    def compilation_count(self) -> int:
        return sum(len(month.compilations) for month in self.months)


def year_and_month(title: str) -> tuple[int, int] | None:
    found = YEAR_MONTH.search(title)
    return (int(found.group(1)), int(found.group(2))) if found else None


def group_by_month(compilations: list[Compilation]) -> list[YearGroup]:
    """Newest year first, months newest first within it, compilations in their given order within a month; the
    undated ones last, as one group (month 0) in their given order."""
    dated: dict[int, dict[int, list[Compilation]]] = {}
    undated: list[Compilation] = []
    for compilation in compilations:
        when = year_and_month(compilation.title)
        if when:
            dated.setdefault(when[0], {}).setdefault(when[1], []).append(compilation)
        else:
            undated.append(compilation)
    groups = [YearGroup(year, [MonthGroup(month, dated[year][month]) for month in sorted(dated[year], reverse=True)])
              for year in sorted(dated, reverse=True)]
    if undated:
        groups.append(YearGroup(None, [MonthGroup(0, undated)]))
    return groups
