"""Stage 3, junk: set aside lines the scraping site added (advertisements, navigation, recommendation headers)."""

from __future__ import annotations

import re

from .model import Overrides, Removed, SourceLine

PHONE_NUMBER = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
AD_WORDS = re.compile(r"代写|代做|微信|QQ|联系电话|咨询电话|客服|加盟|同微信")
NAVIGATION = re.compile(r"^\s*(?:上一篇|下一篇|返回首页|返回顶部|返回列表)\s*[:：]?")
RECOMMENDATION = re.compile(r"推荐内容|相关推荐|相关文章|猜你喜欢|热门推荐|热门文章|最新动态")


def junk_reason(text: str) -> str | None:
    """Why a line is site junk, or None when it is (or may be) text."""
    if PHONE_NUMBER.search(text) and AD_WORDS.search(text):
        return "advertisement"
    if NAVIGATION.match(text):
        return "navigation"
    if len(text.strip()) <= 20 and RECOMMENDATION.search(text):
        return "recommendation"
    return None


def split_junk(lines: list[SourceLine], overrides: Overrides) -> tuple[list[SourceLine], list[Removed]]:
    """Return the lines with junk replaced by blanks (so blank-line runs stay measurable), and the removed lines."""
    kept, removed = [], []
    for line in lines:
        text = line.text.strip()
        reason = junk_reason(text) if text else None
        for pin in overrides.junk:
            if text.startswith(pin.starts_with):
                reason = "override: " + (pin.reason or "marked as junk by the editor")
        if reason:
            removed.append(Removed(line.number, line.text, reason))
            kept.append(SourceLine(line.number, ""))
        else:
            kept.append(line)
    return kept, removed
