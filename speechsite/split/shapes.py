"""What single lines look like: dates, bylines, salutations, openings and closings, enumerations, editor's notes.
These shapes are the vocabulary of the split's evidence; what they weigh is in weights.py."""

from __future__ import annotations

import re

# A line that is only a date, in parentheses or not: （一九八二年九月一日）, 2020年12月8日, ranges such as
# （一九八四年六月二十二日、二十三日） or （一九六五年六月、十二月）, and a trailing ? where the source lost a character.
DATE_CHARS = r"[\d一二三四五六七八九十〇零○]"
DATE_LINE = re.compile(rf"^[（(]?\s*{DATE_CHARS}{{2,4}}\s*年(?:[\s、,，至到—\-－~～和及]*{DATE_CHARS}{{1,3}}\s*[月日号])*"
                       r"\s*[）)]?\s*[?？]?$")
# An author's name under a title: two to four Chinese characters alone on a line (邓小平).
BYLINE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
SALUTATION = re.compile(
    r"^(?:尊敬的|各位|同志们|亲爱的|女士们|先生们|朋友们|老师们|同学们|大家)[^。]{0,50}$")
MEETING_WORDS = re.compile(r"召开|举行|召集|开幕|会议|大会|论坛|座谈|仪式|学习班")
PLAIN_OPENING_WORDS = re.compile(r"^(?:根据|按照|刚才|今天|这次|本次|为了?|在.{2,30}之际|受.{1,10}委托)")
CLOSING_WORDS = re.compile(r"谢谢|讲(?:这么多|这些|这几点|这点意见|到这里)|我的话完了|圆满成功|身体健康|万事如意|"
                           r"阖家幸福|万岁[!！]?$|闭幕[。!！]?$")
# A long paragraph that opens by addressing the audience is the closing exhortation (同志们!美好前景令人憧憬…).
PERORATION = re.compile(r"^(?:同志们|朋友们|各位[^,，!！]{0,12})[、,，!！]")
# What goes on with a list begun before it: 二、, （二）, 其次, an answer 答：, and a note after the first (〔2〕, ⑵).
ENUMERATION_CONTINUATION = re.compile(
    r"^(?:[二三四五六七八九十]+(?:[、是要\s]|$)|[(（](?!一[)）])[一二三四五六七八九十百〇○零]+[)）]|第[二三四五六七八九十]+[,，、]|"
    r"[(（〔](?!1[)）〕])\d{1,3}[)）〕]|[⑵-⒇]|[2-9]\d?[、.．]|其次|再次|另一方面|此外|同时|另外|(?:[^，。:：]{1,6})?答\s*[:：])")
# A section heading: a short line that ends no sentence (一　两种方针, 中国共产党和抗日战争).
HEADING = re.compile(r"^[^。！？!?；;：:…]{1,20}(?<![。！？!?；;：:）)”’…])$")
# A question in a dialogue: a bare 问: goes on with one; a named asker (记者问:) opens it, as an interview's first.
QUESTION = re.compile(r"^(?P<asker>[^，。:：问]{1,6})?问\s*[:：]")
# Connectives that refer back to the text before them.
REFERRING_BACK = re.compile(r"^(?:以上|上述|总之|总而言之|综上所述|由此可见|可见|因此|所以|但是|然而|而且|并且|反之|否则|于是)")
NON_TEXT = re.compile(r"[^\w]|_", re.UNICODE)
# An editor's note that is a whole paragraph in parentheses: （这是…时的讲话。） / （本文刊载于…）.
NOTE_IN_PARENTHESES = re.compile(r"^[（(].{6,}[）)]\s*[?？]?$")
# An editor's note that names the piece it introduces: 这是…的报告 / 此文是为…而写的 / 这个布告是….
DESCRIBES_THE_PIECE = re.compile(
    r"^[^，。,；;？?！!]{0,10}?(?:这|此|本)(?:个|篇|部|份)?[^，。,；;？?！!是]{0,6}[，,]?是"
    r"(?=[^。]*?(?:讲话|报告|决议|信|文章|著作|文件|谈话|发言|电报|提纲|讲演|演说|命令|布告|声明|社论|评论|序言|按语|"
    r"题词|指示|通知|结论|总结|批语|致词|祝词|开幕词|闭幕词|论文|宣言|纲领|通电|答复|讲稿|写的|起草的))")
# Character pairs that occur in nearly every title of this genre say nothing about which speech is which.
GENERIC_TITLE_PAIRS = {"讲话", "发言", "致辞", "上的", "会上", "议上", "会议", "工作", "大会", "的讲", "的发", "的致"}


def is_heading(text: str) -> bool:
    """A section heading, not a date line (which is as short and ends no sentence either)."""
    return bool(HEADING.match(text)) and not DATE_LINE.match(text)


def is_salutation(text: str) -> bool:
    return len(text) <= 60 and bool(SALUTATION.match(text))


def character_pairs(text: str) -> set[str]:
    """The character pairs of a text's letters and digits: the unit titles and topics are compared in."""
    clean = NON_TEXT.sub("", text)
    return {clean[i:i + 2] for i in range(len(clean) - 1)}
