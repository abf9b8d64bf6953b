"""Stage 5, typography: the text as shown on pages, derived from a source line by documented rules only."""

from __future__ import annotations


def normalise(text: str) -> str:
    """Strip surrounding white space (trailing spaces would be hard line breaks in Markdown)."""
    return text.strip()
