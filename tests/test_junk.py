"""Site junk: what is removed, and what must not be."""

import pytest

from speechsite.junk import junk_reason
from seed_truth import JUNK_LINES


@pytest.mark.parametrize("text, reason", [
    ("文章代写:13258028938(同微信) 代写演讲稿", "advertisement"),
    ("联系电话 010-88886666 QQ同号", "advertisement"),
    ("上一篇: [心得体会]党纪党规 > 下一篇: 学习党课", "navigation"),
    ("下一篇:学习党课的心得体会", "navigation"),
    ("最新动态推荐内容", "recommendation"),
    ("相关推荐", "recommendation"),
])
def test_junk_is_recognised(text, reason):
    assert junk_reason(text) == reason


@pytest.mark.parametrize("text", [
    "同志们:",
    "全市共拨打热线电话13258028938次,同比增长12%。",  # a number without advertising words
    "我们要把上一篇文章做好,下一篇文章写好。",          # navigation words not at line start
    "各级党组织要做好推荐内容审核工作,确保推荐内容健康向上,坚持正确导向。",  # long line
])
def test_body_text_is_not_junk(text):
    assert junk_reason(text) is None


def test_seed_junk_is_removed_with_reasons(seed_compilation):
    removed = {r.reason: r.text for r in seed_compilation.removed if r.reason not in ("toc", "title")}
    assert set(removed) == set(JUNK_LINES)
    for reason, words in JUNK_LINES.items():
        assert words in removed[reason]
    body = "".join(p.text for s in seed_compilation.speeches for p in s.paragraphs)
    for words in ("13258028938", "上一篇", "推荐内容"):
        assert words not in body
