"""Shapes a single line can have that say what it is, shared by the stages that split a compilation."""

from __future__ import annotations

import re

# A line that is only a date, in parentheses or not: （一九八二年九月一日）, 2020年12月8日, ranges such as
# （一九八四年六月二十二日、二十三日） or （一九六五年六月、十二月）, and a trailing ? where the source lost a character.
DATE_CHARS = r"[\d一二三四五六七八九十〇零○]"
DATE_LINE = re.compile(rf"^[（(]?\s*{DATE_CHARS}{{2,4}}\s*年(?:[\s、,，至到—\-－~～和及]*{DATE_CHARS}{{1,3}}\s*[月日号])*"
                       r"\s*[）)]?\s*[?？]?$")
# An author's name under a title: two to four Chinese characters alone on a line (邓小平).
BYLINE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
