"""Stage 3, junk: set aside lines the scraping site added (advertisements, navigation, recommendation headers), and
the lines an editor marked with [[junk]] pins."""

from __future__ import annotations

import re
from collections import defaultdict

from .errors import InputError
from .model import Overrides, Removed, SourceLine
from .prefixes import Prefixes

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
    """Return the lines with junk replaced by blanks (so blank-line runs stay measurable), and the removed lines.
    A line a [[junk]] pin matches is removed with the reason of the longest pin that matches it."""
    pins = {pin.starts_with: pin for pin in overrides.junk}
    prefixes = Prefixes(pins)
    pinned_lines: dict[str, list[int]] = defaultdict(list)
    kept, removed = [], []
    for line in lines:
        text = line.text.strip()
        matching = [pins[words] for words in prefixes.starting(text)] if text else []
        for pin in matching:
            pinned_lines[pin.starts_with].append(line.number)
        reason = ("override: " + (matching[-1].reason or "marked as junk by the editor") if matching
                  else junk_reason(text) if text else None)
        if reason:
            removed.append(Removed(line.number, line.text, reason))
            kept.append(SourceLine(line.number, ""))
        else:
            kept.append(line)
    _check_pin_counts(overrides, pinned_lines)
    return kept, removed


def _check_pin_counts(overrides: Overrides, pinned_lines: dict[str, list[int]]) -> None:
    """Each [[junk]] pin must match as many lines as it says (one unless count = N): a pin that silently removed
    dozens of body lines would lose text."""
    for pin in overrides.junk:
        matched = pinned_lines.get(pin.starts_with, [])
        if len(matched) != pin.count:
            lines = ", ".join(map(str, matched[:5])) + (", …" if len(matched) > 5 else "")
            found = f"matches {len(matched)} lines after the TOC" + (f" ({lines})" if matched else "")
            hint = "; add words, or say count = N" if matched else ""
            raise InputError(f"[[junk]] starts_with = \"{pin.starts_with}\" {found}, not {pin.count}{hint}",
                             overrides.path)
