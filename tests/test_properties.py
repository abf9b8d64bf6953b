"""Property-based tests: compilations re-assembled from the seed's speeches, with random blank-line runs,
salutations, closings, order and junk, split back into exactly the speeches they were made of.

Each boundary keeps at least one sign of a start (a longer blank run or a salutation): without any, not even a
human could place it without reading for meaning, and the override file is the tool for that.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from speechsite.pipeline import build_compilation

SALUTATIONS = ["同志们:", "各位领导,同志们:", "各位代表:", "尊敬的各位来宾:"]
CLOSINGS = ["谢谢大家!", "我就讲这么多。", "谢谢大家。"]
JUNK = ["文章代写:13258028938(同微信) 代写演讲稿", "上一篇: [心得体会]学习心得 > 下一篇: 工作总结", "相关推荐"]


@st.composite
def compilations(draw, seed_speeches):
    chosen = draw(st.lists(st.sampled_from(seed_speeches), min_size=2, max_size=6, unique_by=lambda s: s.number))
    extra_titles = draw(st.integers(min_value=0, max_value=5))
    lines = ["[广告前缀]测试汇编(%d篇)" % (len(chosen) + extra_titles), ""]
    titles = [s.title for s in chosen] + [f"在第{i}次无正文会议上的讲话" for i in range(extra_titles)]
    for number, title in enumerate(titles, start=1):
        lines += [f"{number}。{title}", ""]
    lines.append("")
    expected = []
    for position, speech in enumerate(chosen):
        body = [p.source_text.strip() for p in speech.paragraphs]
        gap = draw(st.integers(min_value=1, max_value=3)) if position else 1
        starts_with_salutation = body[0].startswith(("同志们", "各位", "尊敬的"))
        if position and gap == 1 and not starts_with_salutation:
            body = [draw(st.sampled_from(SALUTATIONS))] + body
        elif not starts_with_salutation and draw(st.booleans()):
            body = [draw(st.sampled_from(SALUTATIONS))] + body
        if draw(st.booleans()):
            body = body + [draw(st.sampled_from(CLOSINGS))]
        lines += [""] * (gap - 1)
        for paragraph in body:
            lines += [paragraph, ""]
        expected.append(body)
    for junk in draw(st.lists(st.sampled_from(JUNK), max_size=3)):
        lines += ["", junk]
    return "\n".join(lines), titles, expected


def seed_speech_list():
    from pathlib import Path

    return build_compilation(Path(__file__).resolve().parent.parent / "seeds" / "000_6daea81426b11c94.txt"
                             ).speeches_with_text


SEED_SPEECHES = seed_speech_list()


def summary(speeches: list[list[str]]) -> list[tuple[int, str, str]]:
    """Paragraph count, first and last words of each speech: enough to read a failure."""
    return [(len(body), body[0][:12], body[-1][-8:]) for body in speeches]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(compilations(SEED_SPEECHES))
def test_reassembled_compilations_split_back_exactly(tmp_path_factory, case):
    text, titles, expected = case
    path = tmp_path_factory.mktemp("prop") / "c.txt"
    path.write_text(text, encoding="utf-8")
    compilation = build_compilation(path)
    assert [s.title for s in compilation.speeches] == titles
    got = [[p.source_text.strip() for p in s.paragraphs] for s in compilation.speeches_with_text]
    assert summary(got) == summary(expected)
    assert got == expected
    assert all(r.reason in ("title", "toc", "advertisement", "navigation", "recommendation")
               for r in compilation.removed)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("同志们:,。!一二三、()\n 1234567890篇讲话会议谢谢大家")), max_size=400))
def test_arbitrary_text_never_crashes(tmp_path_factory, text):
    from speechsite.errors import InputError

    path = tmp_path_factory.mktemp("fuzz") / "c.txt"
    path.write_text(text, encoding="utf-8")
    try:
        compilation = build_compilation(path)
    except InputError as error:
        assert str(error).startswith(str(path.name)) or path.name in str(error)
        return
    assert compilation.speeches
