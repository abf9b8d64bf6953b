"""Back matter: notes and afterwords after the last speech become their own section, not part of a speech."""

from speechsite.backmatter import note_number
from speechsite.pipeline import build_compilation

SOURCE = """文选(2篇)
1。在甲会议上的讲话
2。在乙会议上的讲话


同志们:

我们要学习〔1〕,也要实践〔2〕。

谢谢大家!


同志们:

第二篇讲话的正文。


注  释

〔1〕学习,指理论学习。

〔2〕实践,指社会实践。


后记

本书收入讲话两篇。
"""


def test_notes_and_afterword_are_sections_of_their_own(tmp_path):
    seed = tmp_path / "c.txt"
    seed.write_text(SOURCE, encoding="utf-8")
    compilation = build_compilation(seed)
    assert [[p.text for p in s.paragraphs] for s in compilation.speeches_with_text] == [
        ["同志们：", "我们要学习〔1〕，也要实践〔2〕。", "谢谢大家！"], ["同志们：", "第二篇讲话的正文。"]]
    assert [(b.kind, b.title, [p.anchor for p in b.paragraphs]) for b in compilation.back_matter] == [
        ("notes", "注  释", ["note-1", "note-2"]), ("afterword", "后记", ["p1"])]


def test_a_notes_header_without_notes_is_just_text(tmp_path):
    seed = tmp_path / "c.txt"
    seed.write_text(SOURCE.replace("〔1〕学习", "学习").replace("\n\n\n后记\n\n本书收入讲话两篇。\n", "\n"),
                    encoding="utf-8")
    compilation = build_compilation(seed)
    assert compilation.back_matter == []
    assert compilation.speeches[1].paragraphs[-1].text == "〔2〕实践，指社会实践。"


def test_note_numbers():
    assert [note_number(m) for m in ("〔3〕", "[12]", "［7］", "③")] == [3, 12, 7, 3]


def test_the_seed_has_no_back_matter(seed_compilation):
    assert seed_compilation.back_matter == []
