"""Related speeches: three to five per speech, ranked by shared characteristic words, never by boilerplate."""

import pytest
from builders import compilation_of

from speechsite import related
from speechsite.related import related_speeches
from speechsite.words import term_weights

BOILERPLATE = "我们要以习近平新时代中国特色社会主义思想为指导，扎实做好各项工作，推动经济社会高质量发展。"
FOREST = "今冬明春森林防火形势严峻，护林员要加强巡山，严管野外用火，落实防火隔离带和扑火队伍。"
SCHOOL = "全市中小学要落实课后服务，教师要减轻学生作业负担，推进义务教育均衡发展和校园安全。"
FARMS = "高标准农田建设要抓紧，种业振兴要加快，粮食播种面积要稳定，农机补贴要落实到户。"
HARBOUR = "港口航道疏浚要加快，集装箱吞吐量要提升，船舶靠泊效率要提高，海关通关要便利。"


def test_speeches_on_one_subject_are_related_first():
    compilation = compilation_of([BOILERPLATE, FOREST], [BOILERPLATE, SCHOOL], [BOILERPLATE, FOREST + "扑火"],
                                 [BOILERPLATE, SCHOOL + "校园"], [BOILERPLATE, FARMS], [BOILERPLATE, HARBOUR])
    related = related_speeches(compilation)
    assert related[1][0].number == 3 and related[3][0].number == 1
    assert related[2][0].number == 4 and related[4][0].number == 2
    assert "防火" in related[1][0].shared_words


def test_boilerplate_every_speech_has_never_links_or_shows():
    compilation = compilation_of([BOILERPLATE, FOREST], [BOILERPLATE, SCHOOL], [BOILERPLATE, FARMS],
                                 [BOILERPLATE, HARBOUR], [BOILERPLATE, FOREST])
    related = related_speeches(compilation)
    for items in related.values():
        for item in items:
            assert not {"习近平", "思想", "发展", "经济社会", "指导"} & set(item.shared_words)
    assert [item.score for item in related[2]] == [0.0, 0.0, 0.0]  # shares only boilerplate: list filled


def test_a_word_in_most_speeches_is_boilerplate_too():
    """护林员 is in four speeches of five: over half of them, so it neither links nor shows as shared."""
    compilation = compilation_of(["护林员护林员巡山"], ["护林员课后服务"], ["护林员高标准农田"], ["护林员集装箱码头"],
                                 ["数字乡村"])
    for items in related_speeches(compilation).values():
        assert all(item.score == 0 and "护林员" not in item.shared_words for item in items)


def test_speeches_sharing_nothing_still_get_three_by_toc_order():
    compilation = compilation_of(["森林防火"], ["课后服务"], ["高标准农田"], ["集装箱码头"], ["数字乡村"])
    related = related_speeches(compilation)
    assert [item.number for item in related[3]] == [2, 4, 1]
    assert all(item.score == 0 and item.shared_words == () for item in related[3])


def test_a_compilation_of_two_speeches_gives_what_it_has():
    related = related_speeches(compilation_of([FOREST], [FOREST + SCHOOL]))
    assert [item.number for item in related[1]] == [2]


@pytest.fixture(scope="module")
def seed_related(seed_compilation):
    return related_speeches(seed_compilation)


def test_every_seed_speech_gets_three_to_five_others(seed_compilation, seed_related):
    assert set(seed_related) == {speech.number for speech in seed_compilation.speeches_with_text}
    for number, items in seed_related.items():
        assert 3 <= len(items) <= 5
        assert number not in [item.number for item in items]
        assert len({item.number for item in items}) == len(items)
        assert [item.score for item in items] == sorted((item.score for item in items), reverse=True)
        assert all(item.score > 0 and item.shared_words for item in items)


@pytest.mark.parametrize("number, expected, words", [
    (3, 4, {"政协", "协商"}),        # 市政协 standing committee, twice
    (6, 16, {"长江", "治江"}),       # both given at 长江委
    (8, 10, {"学生", "义务教育"}),   # both about schools
    (12, 16, {"纪律", "监督"}),      # inspection and clean-government talks
])
def test_seed_speeches_on_one_subject_are_related_first(seed_related, number, expected, words):
    best = seed_related[number][0]
    assert best.number == expected
    assert words <= set(best.shared_words)


def test_seed_shared_words_are_never_boilerplate(seed_compilation, seed_related):
    weights = term_weights(seed_compilation)
    for items in seed_related.values():
        for item in items:
            for word in item.shared_words:
                assert 2 <= weights.document_frequency[word] <= weights.speech_count / 2, word


def test_the_nearest_speeches_with_text_fill_the_list_across_gaps_in_the_toc():
    """Speeches 3, 4, 6 and 7 have no text. For 5: 2 and 8 are three entries away (the earlier first), then 1."""
    compilation = compilation_of(["森林防火"], ["课后服务"], [], [], ["高标准农田"], [], [], ["集装箱码头"], ["数字乡村"])
    assert [item.number for item in related_speeches(compilation)[5]] == [2, 8, 1]


def test_related_speeches_do_not_depend_on_the_block_sizes(seed_compilation, seed_related, monkeypatch):
    """Small blocks (as for a compilation of thousands of speeches) give the same lists."""
    for name, size in (("BLOCK", 4), ("QUERY_BLOCK", 3), ("INDEX_BLOCK", 50)):
        monkeypatch.setattr(related, name, size)
    assert related_speeches(seed_compilation) == seed_related
