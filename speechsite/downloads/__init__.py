"""Downloads of a compilation: each speech and the whole compilation as Word documents (.docx), the compilation as
an EPUB 3 book; the same input always gives the same bytes (dates from SOURCE_DATE_EPOCH, fixed zip order)."""

from .epub import compilation_epub, epub_chapter_texts
from .word import compilation_docx, docx_chapter_texts, speech_docx

__all__ = ["compilation_docx", "compilation_epub", "docx_chapter_texts", "epub_chapter_texts", "speech_docx"]
