"""Small compilations built by hand for unit tests of the analysis modules."""

from pathlib import Path

from speechsite.model import Compilation, Paragraph, Speech, TocEntry


def compilation_of(*bodies: list[str]) -> Compilation:
    """A compilation whose speech i (from 1), titled 第i篇讲话, has the given paragraphs, anchored p1, p2, …"""
    speeches = []
    for number, texts in enumerate(bodies, start=1):
        paragraphs = [Paragraph(text, number * 100 + index, text, anchor=f"p{index}")
                      for index, text in enumerate(texts, start=1)]
        speeches.append(Speech(TocEntry(number, f"第{number}篇讲话", number), paragraphs, title=f"第{number}篇讲话"))
    return Compilation(Path("sample.txt"), "汇编", speeches, [], [])
