"""Back matter: notes and afterwords after the last speech become their own section, not part of a speech."""

import subprocess
import sys
from pathlib import Path

from speechsite.backmatter import note_number
from speechsite.pipeline import build_compilation
from speechsite.write import PageWriter

PROJECT_DIR = Path(__file__).resolve().parent.parent

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


def test_note_markers_in_a_speech_link_to_their_notes(tmp_path):
    seed = tmp_path / "c.txt"
    seed.write_text(SOURCE.replace("第二篇讲话的正文。", "第二篇讲话有①②两点,引文见[1]。"), encoding="utf-8")
    pages = PageWriter(PROJECT_DIR / "templates" / "pages").render(build_compilation(seed))
    first, second = pages["speeches/01.md"], pages["speeches/02.md"]
    assert '学习<a class="note-ref" href="../../notes/#note-1">〔1〕</a>' in first
    assert '实践<a class="note-ref" href="../../notes/#note-2">〔2〕</a>' in first
    # the notes are numbered 〔N〕: ① ② and [1] in a speech are something else, and stay plain text
    assert "note-ref" not in second and "有①②两点" in second and "见[1]。" in second
    offline = PageWriter(PROJECT_DIR / "templates" / "pages").render(build_compilation(seed), use_directory_urls=False)
    assert 'href="../notes.html#note-1"' in offline["speeches/01.md"]


def test_note_links_survive_the_build_and_lead_to_their_notes(tmp_path):
    """Both builds: the fidelity check of every page passes (the text is unchanged) and the links resolve."""
    sys.path.insert(0, str(PROJECT_DIR / "tests" / "e2e"))
    from test_links import broken_links

    seed = tmp_path / "c.txt"
    seed.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(PROJECT_DIR / "build.py"), str(seed), "--site-dir", str(out / "site"),
                             "--offline-dir", str(out / "off"), "--dist-dir", str(out / "dist")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert broken_links(out / "site") == [] and broken_links(out / "off") == []
    assert 'href="../../notes/#note-2"' in (out / "site" / "speeches" / "01" / "index.html").read_text(encoding="utf-8")
    assert 'href="../notes.html#note-2"' in (out / "off" / "speeches" / "01.html").read_text(encoding="utf-8")


def test_notes_after_each_speech_stay_in_that_speech_and_its_markers_link_to_them(tmp_path):
    from volumes import expected_bodies, titled_volume

    seed = tmp_path / "v.txt"
    seed.write_text(titled_volume(notes_per_speech=True), encoding="utf-8")
    compilation = build_compilation(seed)
    assert [[p.source_text.strip() for p in s.paragraphs] for s in compilation.speeches] == expected_bodies(True)
    assert compilation.back_matter == []
    first = compilation.speeches[0]
    assert first.date == "（一九五六年三月一日）"
    assert {r.reason for r in compilation.removed} >= {"speech title", "speech date", "front matter",
                                                         "byline (the author's name under the title)"}
    page = PageWriter(PROJECT_DIR / "templates" / "pages").render(compilation)["speeches/01.md"]
    note = next(p for p in first.paragraphs if p.text.startswith("〔1〕"))
    assert f'<a class="note-ref" href="#{note.anchor}">〔1〕</a>' in page
    assert page.count('class="note-ref"') == 1  # the note itself does not link to itself


def test_one_notes_section_at_the_end_is_the_volumes_own_page(tmp_path):
    from volumes import expected_bodies, titled_volume

    seed = tmp_path / "v.txt"
    seed.write_text(titled_volume(notes_per_speech=False), encoding="utf-8")
    compilation = build_compilation(seed)
    assert [[p.source_text.strip() for p in s.paragraphs] for s in compilation.speeches] == expected_bodies(False)
    assert [section.kind for section in compilation.back_matter] == ["notes"]
    assert len(compilation.back_matter[0].paragraphs) == 3


def test_several_notes_sections_without_title_lines_are_notes_per_speech(tmp_path):
    from volumes import PIECES

    lines = ["文选(3篇)", ""] + [f"{n}。{piece.title}" for n, piece in enumerate(PIECES, start=1)] + ["", ""]
    for piece in PIECES:
        lines += [text for paragraph in piece.paragraphs + ["注　　释"] + piece.notes for text in (paragraph, "")]
        lines += [""]
    seed = tmp_path / "v.txt"
    seed.write_text("\n".join(lines), encoding="utf-8")
    compilation = build_compilation(seed)
    assert compilation.back_matter == []
    assert [[p.source_text for p in s.paragraphs] for s in compilation.speeches] == [
        piece.paragraphs + ["注　　释"] + piece.notes for piece in PIECES]


def test_page_paths_are_the_pages_render_writes(tmp_path, seed_compilation):
    """The plugin lists a compilation's pages without rendering them (a cached one is not rendered at all)."""
    seed = tmp_path / "c.txt"
    seed.write_text(SOURCE, encoding="utf-8")
    writer = PageWriter(PROJECT_DIR / "templates" / "pages")
    with_notes = build_compilation(seed)
    with_notes.place_under("c")
    for compilation in (seed_compilation, with_notes):
        assert writer.page_paths(compilation) == list(writer.render(compilation))
    assert "c/notes.md" in writer.page_paths(with_notes)
