"""The search index: the text of every speech as shown, and every TOC title, for our search engine in the browser.

It is made from the data model, never from HTML, and goes where Material's bundle looks for its own index
(``search/search_index.json``, and ``search/search_index.js`` which sets the global ``__index`` for file://); the
bundle hands it to the search worker in its setup message. The engine is
``templates/theme/assets/speechsite/search-engine.js``; it folds case and width itself, so texts stay as shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from .model import Compilation
from .write import speech_path

INDEX_JSON = "search/search_index.json"
"""Fetched by Material's bundle on the hosted site."""
INDEX_SCRIPT = "search/search_index.js"
"""Loaded by Material's bundle with a <script> tag from file://; it sets the global ``__index``."""
HIGHLIGHT_SEPARATOR = r"[\s\u200b]+"
"""Material's highlighter on the page a result opens splits our terms at this; terms are separated by spaces only."""


def search_index(compilation: Compilation, url_of: Callable[[str], str]) -> dict:
    """The index of a compilation's pages; ``url_of`` maps a source path (``speeches/01.md``) to its site URL.

    ``docs`` holds, in TOC order, for a speech with text ``{"title", "location", "paragraphs"}`` where each paragraph
    is ``[anchor, text, heading_level]``, and for a TOC entry without text ``{"title", "location"}`` pointing at the
    entry on the home page (``#toc-NN``, see templates/pages/index.md.j2). ``config`` is what Material's own bundle
    reads from the index (the highlighter's separator).
    """
    home = url_of("index.md")
    docs = []
    for speech in compilation.speeches:
        if speech.has_text:
            docs.append({
                "title": speech.title,
                "location": url_of(speech_path(speech)),
                "paragraphs": [[p.anchor, p.text, p.heading_level] for p in speech.paragraphs],
            })
        else:
            docs.append({"title": speech.title, "location": f"{home}#toc-{speech.slug}"})
    return {"config": {"separator": HIGHLIGHT_SEPARATOR}, "docs": docs}


def index_files(index: dict) -> dict[str, str]:
    """{site-relative path: content} of the index files: the JSON, and the same as a script for file://."""
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    return {INDEX_JSON: data, INDEX_SCRIPT: f"var __index = {data};\n"}
