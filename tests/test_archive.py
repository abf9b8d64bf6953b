"""speechsite/archive.py: compilations grouped by the year and month their titles name, newest first, the rest
last."""

from __future__ import annotations

from pathlib import Path

from speechsite.archive import group_by_month, year_and_month
from speechsite.model import Compilation


def compilation(title: str) -> Compilation:
    return Compilation(source=Path(f"{title}.txt"), title=title, speeches=[], removed=[], lines=[])


def test_the_year_and_month_a_title_names():
    assert year_and_month("2020年12月份最新工作会议讲话汇编(59篇)") == (2020, 12)
    assert year_and_month("[资料]2021年1月份讲话汇编") == (2021, 1)
    assert year_and_month("2019 年 03 月党课讲稿") == (2019, 3)
    assert year_and_month("邓小平文选（第二卷）") is None
    assert year_and_month("2020年13月") is None  # no such month
    assert year_and_month("第2020年度") is None


def test_newest_first_and_undated_last_in_their_given_order():
    titles = ["2020年11月份汇编", "文选第一卷", "2021年1月份汇编", "2020年12月份汇编甲", "文选第二卷", "2020年12月份汇编乙"]
    groups = group_by_month([compilation(t) for t in titles])
    assert [(g.year, [(m.month, [c.title for c in m.compilations]) for m in g.months]) for g in groups] == [
        (2021, [(1, ["2021年1月份汇编"])]),
        (2020, [(12, ["2020年12月份汇编甲", "2020年12月份汇编乙"]), (11, ["2020年11月份汇编"])]),
        (None, [(0, ["文选第一卷", "文选第二卷"])]),
    ]
    assert groups[1].compilation_count == 3
