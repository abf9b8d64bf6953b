"""Speech metadata: kind and level from the title (then the text), length, reading time, places, duplicate titles."""

import pytest

from speechsite.metadata import (CHARACTERS_PER_MINUTE, compilation_metadata, display_titles, places_named,
                                 speech_kind, speech_level, speech_metadata, title_level)
from speechsite.model import Paragraph, Speech, TocEntry


def speech(title: str, *texts: str, number: int = 1) -> Speech:
    paragraphs = [Paragraph(text, index, text, anchor=f"p{index}") for index, text in enumerate(texts, start=1)]
    return Speech(TocEntry(number, title, number), paragraphs, title=title)


@pytest.mark.parametrize("title, kind", [
    ("在全国体育局长会议上的讲话", "讲话"),
    ("在第十五届台商论坛上的致辞", "致辞"),
    ("在全国文明城市挂牌仪式上的致词", "致辞"),
    ("在委党组中心组学习贯彻党的十九届五中全会精神研讨会上的发言", "发言"),
    ("在九届十八次常委会议上的主持讲话", "主持讲话"),
    ("在县委第五巡察组巡察县退役军人事务局工作动员会上的表态发言", "表态发言"),
    ("在纪念中国关工委成立30周年暨全国关心下一代 工作表彰大会上的总结讲话", "总结讲话"),
    ("在全市森林防火工作推进会议上的讲话（摘要）", "讲话"),
])
def test_kind_is_read_from_the_title_ending(title, kind):
    assert speech_kind(speech(title)) == (kind, "title")


@pytest.mark.parametrize("title", ["在大会上的讲话 （摘要）", "在大会上的讲话(全文)  ", "在" + " " * 100_000 + "大会上的讲话"])
def test_kind_is_read_past_a_note_and_white_space(title):
    assert speech_kind(speech(title)) == ("讲话", "title")


def test_a_title_without_kind_falls_back_to_the_text_then_to_other():
    title = "总结过去,汲取经验教训 期待未来,创造新的辉煌"
    assert speech_kind(speech(title, "同志们：", "今年工作取得新成效。")) == ("讲话", "text")
    assert speech_kind(speech(title, "今年工作取得新成效。", "我就讲这么多。")) == ("讲话", "text")
    assert speech_kind(speech(title, "今年工作取得新成效。")) == ("其他", "none")
    assert speech_kind(speech("思想破冰引领发展突围")) == ("其他", "none")


@pytest.mark.parametrize("title, level", [
    ("在全国体育局长会议上的讲话", "全国"),
    ("在纪念中国关工委成立30周年暨全国关心下一代工作表彰大会上的总结讲话", "全国"),
    ("在全省市(州)、县(市、区)党委巡察工作动员部署会上的讲话", "省"),
    ("在省十三届人大常委会第十九次会议上的讲话", "省"),
    ("在安徽省抗击新冠肺炎疫情表彰大会上的讲话", "省"),
    ("在市政协十一届二十一次常委会议上的讲话", "市"),
    ("在焦作市创建全国文明城市总结大会上的讲话", "市"),
    ("在全国文明城市挂牌仪式上的致辞", "市"),
    ("在全州基本医疗保险州级统筹工作推进会的讲话", "州"),
    ("在县残联脱贫成效提升会议的讲话", "县"),
    ("在于都县工商联第十二次会员代表大会开幕式上的讲话", "县"),
    ("在全区住建系统安全生产工作紧急视频会议上的讲话", "区"),
    ("在全旗安全生产暨今冬明春防火工作会上的讲话", "旗"),
    ("在镇村干部会议上的讲话", "镇"),
    ("在红船镇普惠金融对接会议上的发言", "镇"),
])
def test_level_is_read_from_the_title(title, level):
    assert title_level(title) == level


@pytest.mark.parametrize("title", [
    "在年轻干部座谈会上的讲话",
    "在统筹城乡发展工作会议上的讲话",          # 城乡 is no township
    "在全面推进乡村振兴工作会议上的讲话",      # 乡村 neither
    "在第四批国家机关工作人员报告履职会议上的讲话",
    "2020年度领导干部集体约谈暨新提拔领导干部廉政谈话会上的讲话",
])
def test_titles_without_a_level_say_none(title):
    assert title_level(title) is None


def test_level_falls_back_to_how_the_text_names_its_unit():
    untitled = "2020年度领导干部集体约谈会上的讲话"
    assert speech_level(speech(untitled, "我县今年脱贫攻坚成效明显。", "全县上下要再接再厉，我县的目标一定能实现。")) == ("县", "text")
    assert speech_level(speech(untitled, "我国经济持续恢复，全国上下团结一心。", "我国发展前景广阔。")) == (None, "none")
    assert speech_level(speech(untitled, "全市只提一次。")) == (None, "none")
    assert speech_level(speech("在全省教育工作会议上的讲话", "我县我县我县。")) == ("省", "title")


def test_places_are_gazetteer_names_in_full_or_short():
    places = {place.name: place for place in places_named(
        ["在焦作市创建全国文明城市总结大会上的讲话",
         "在于都县工商联大会上，淮北市和郑州的同志介绍了经验，陕西全运会即将举办。焦作已在眼前！"])}
    assert set(places) == {"焦作市", "于都县", "淮北市", "郑州市", "陕西省"}
    assert places["焦作市"].mentions == 2 and places["焦作市"].tier == "地级"
    assert places["陕西省"].tier == "省级" and places["于都县"].tier == "县级"


def test_a_full_name_is_found_where_the_text_opens_and_ends():
    assert [(place.name, place.mentions) for place in places_named(["焦作市", "焦作市创建全国文明城市"])] == [("焦作市", 2)]
    assert places_named(["市"]) == places_named(["全市"]) == ()


@pytest.mark.parametrize("text", [
    "全市上下要一起努力，我县各县区各乡镇都要落实。",
    "祝各位代表幸福安康、事业兴旺！欢迎各位来宾！",
    "确保社会长治久安，托起朝阳育新人。",
    "规范市场秩序，推进区域协调发展，优化新城区布局。",
    "东京奥运会推迟举办，我国体育健儿积极备战。",
])
def test_ordinary_words_are_not_places(text):
    assert places_named([text]) == ()


def test_length_and_reading_time():
    text = "字" * (CHARACTERS_PER_MINUTE * 2 + CHARACTERS_PER_MINUTE // 2)  # 2.5 minutes: rounds up
    metadata = speech_metadata(speech("在全市会议上的讲话", text, "同志们 ：  "))
    assert metadata.characters == len(text) + 4
    assert metadata.reading_minutes == 3
    assert speech_metadata(speech("在全市会议上的讲话", "同志们：")).reading_minutes == 1
    assert speech_metadata(speech("在全市会议上的讲话")).reading_minutes == 0


def test_duplicate_titles_get_their_number(seed_compilation):
    titles = display_titles(seed_compilation)
    assert titles[22] == "在市委政协工作会议上的讲话（第22篇）"
    assert titles[25] == "在市委政协工作会议上的讲话（第25篇）"
    assert titles[43].endswith("（第43篇）") and titles[49].endswith("（第49篇）")
    assert titles[5] == "在全国体育局长会议上的讲话"
    assert len(set(titles.values())) == len(titles)


@pytest.fixture(scope="module")
def seed_metadata(seed_compilation):
    return compilation_metadata(seed_compilation)


@pytest.mark.parametrize("number, place", [(13, "焦作市"), (18, "于都县"), (9, "淮北市"), (8, "郑州市"), (11, "青冈县")])
def test_seed_speeches_name_their_own_place_first(seed_metadata, number, place):
    assert seed_metadata[number].places[0].name == place


def test_seed_places_are_never_deictic(seed_metadata):
    names = [place.name for metadata in seed_metadata.values() for place in metadata.places]
    assert "陕西省" in names and "郑州市" in names
    assert not [name for name in names if name[0] in "全我各本该"]


def test_seed_metadata_covers_every_toc_entry(seed_compilation, seed_metadata):
    assert set(seed_metadata) == {s.number for s in seed_compilation.speeches}
    assert (seed_metadata[11].kind, seed_metadata[11].kind_source) == ("讲话", "text")
    assert (seed_metadata[11].level, seed_metadata[11].level_source) == ("县", "text")
    assert seed_metadata[31].kind == "表态发言" and seed_metadata[27].kind == "总结讲话"
    paragraphs = seed_compilation.speeches[4].paragraphs
    assert seed_metadata[5].characters == sum(len(p.text.replace(" ", "")) for p in paragraphs)
    assert all(m.reading_minutes == 0 for n, m in seed_metadata.items() if n > 19)
