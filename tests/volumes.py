"""Small published volumes written for the tests, in the shapes the development set has (never its text): front
matter before a bullet TOC, bodies opening with title, date and byline lines, editor's notes, notes per speech."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Piece:
    title: str
    date: str
    paragraphs: list[str]
    closing_note: str
    notes: list[str]


PIECES = [
    Piece("论植树造林", "（一九五六年三月一日）",
          ["植树造林是一件大事〔1〕，关系到子孙后代。", "各地要把荒山绿化起来，每年都要有计划地种树。",
           "一", "先把苗圃办好，育苗是造林的基础。", "二", "造林以后要管护，不能只种不管。"],
          "（这是作者在全国林业会议上的讲话。）", ["〔1〕 大事，指关系全局的事情。"]),
    Piece("关于兴修水利的几点意见", "（一九五六年六月十日、十一日）?",
          ["兴修水利要因地制宜，大中小结合，以小为主。", "水库修好以后，渠道要配套，否则水放不出去。",
           "群众出工要合理计酬，不能平调。"],
          "（这是作者在水利工作座谈会上的发言要点。）", ["〔1〕 平调，指无偿调用群众的劳力和财物。"]),
    Piece("办好农村小学", "（一九五七年一月）",
          ["农村小学要就近入学，方便孩子上学〔1〕。", "教师的待遇要逐步提高，生活上要多关心他们。",
           "课本要适合农村的实际，多讲生产知识。"],
          "（这是作者同教育部门负责人的谈话。）", ["〔1〕 就近入学，指按居住地分配学校。"]),
]


def titled_volume(notes_per_speech: bool = True) -> str:
    """A volume as a public text corpus publishes it: a stray excerpt before 目录, a bullet TOC with a stray date
    line and a 注释 entry, each body with title, date and byline, and notes after each speech or at the end."""
    lines = ["《示例文选》", PIECES[0].paragraphs[1], "", "", "目  录"]
    lines += [f"· {piece.title} " for piece in PIECES[:-1]]
    lines += ["  （一九五七年一月）  作者  ", f"· {PIECES[-1].title} ", "· 注释"]
    for piece in PIECES:
        lines += [piece.title, piece.date, "作者"] + piece.paragraphs + [piece.closing_note]
        if notes_per_speech:
            lines += ["注　　释"] + piece.notes + ["", ""]
    if not notes_per_speech:
        lines += ["注释"] + [note for piece in PIECES for note in piece.notes]
    return "\n".join(lines) + "\n"


def expected_bodies(notes_per_speech: bool = True) -> list[list[str]]:
    """What each speech's body must be: its paragraphs and closing note, and its own notes section if it has one."""
    return [piece.paragraphs + [piece.closing_note] + (["注　　释"] + piece.notes if notes_per_speech else [])
            for piece in PIECES]
