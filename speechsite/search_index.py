"""The search index: the text of every speech as shown, and every TOC title, for our search engine in the browser.

It is made from the data model, never from HTML, and goes where Material's bundle looks for its own index
(``search/search_index.json``, and ``search/search_index.js`` which sets the global ``__index`` for file://); the
bundle hands it to the search worker in its setup message. The engine is
``templates/theme/assets/speechsite/search-engine.js``; it folds case and width and drops white space and format
characters itself, so texts stay as shown.

An index larger than ``SHARD_BYTES`` is split, so that no page loads it whole: that file then holds only a head (where
the shards are, a filter of the character pairs in each shard's texts, and what the ranking needs to know of all
texts), and the docs go into shards of about ``SHARD_BYTES`` each, in TOC order. A query loads the shards whose filter
says they may hold one of its terms: over http the worker fetches ``search/shards/N.json``; from file:// the page
adds a <script> tag for ``search/shards/N.js``, which files the same docs in the global ``__speechsiteShards`` under
the script's own path.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy

from .atomic import read_entry, write_atomically
from .model import Compilation
from .write import speech_path

INDEX_JSON = "search/search_index.json"
"""Fetched by Material's bundle on the hosted site."""
INDEX_SCRIPT = "search/search_index.js"
"""Loaded by Material's bundle with a <script> tag from file://; it sets the global ``__index``."""
SHARD_JSON = "search/shards/{}.json"
"""Shard N of a split index, fetched by the search worker on the hosted site."""
SHARD_SCRIPT = "search/shards/{}.js"
"""The same as a script, loaded with a <script> tag from file://."""
SHARDS_GLOBAL = "(self.__speechsiteShards = self.__speechsiteShards || {})"
"""Where a shard's script files its data, under the script's own path (search-setup.js takes it from there)."""
HIGHLIGHT_SEPARATOR = r"[\s\u200b]+"
"""Material's highlighter on the page a result opens splits our terms at this; terms are separated by spaces only."""
SHARD_BYTES = 1_000_000
"""An index whose JSON is larger is split into shards of about this size: a megabyte is quick to fetch and parse."""
FILTER_BITS = 6
"""Bits of a shard's filter per distinct character and character pair in its texts: about 1 in 16 pairs absent from
a shard still passes its filter; the longer a term, the less often all its pairs do."""
FILTER_HASHES = 3
"""Bits set per character pair (4 would be best for FILTER_BITS, by a hair, and take longer)."""

FORMAT_CHARACTERS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
                     "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
"""Unicode's format characters (category Cf, Unicode 15 and later), listed alike as FORMAT in search-engine.js: bidi
controls, joiners, the soft hyphen, tags. Invisible, so a reader cannot know whether to type them: fold drops them."""
FIELD_SEPARATOR = "\n"
"""Between the folded title and paragraphs of a doc in what the engine searches: white space, which no folded term
holds, so no term matches across two of them."""
# What JavaScript's \s matches (white space and line terminators), and the format characters: the engine drops these.
_IGNORED = re.compile(f"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
                      f"{FORMAT_CHARACTERS}]+")
_FULL_WIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def search_index(compilations: list[Compilation], url_of: Callable[[str], str]) -> dict:
    """The index of the compilations' pages; ``url_of`` maps a source path (``speeches/01.md``) to its site URL.

    ``docs`` holds, in TOC order, for a speech with text ``{"title", "location", "paragraphs"}`` where each paragraph
    is ``[anchor, text, heading_level]``, and for a TOC entry without text ``{"title", "location"}`` pointing at the
    entry on its TOC page (``#toc-NN``, see templates/pages/index.md.j2). Titles are as displayed (duplicate TOC
    titles carry their number). On a site with several compilations every doc also names its ``collection``, which
    the engine shows with each result. ``config`` is what Material's own bundle reads from the index.
    """
    docs = []
    for compilation in compilations:
        toc_page = url_of(compilation.page_path("index.md"))
        titles = compilation.analysis.display_titles if compilation.analysis else {}
        collection = {"collection": compilation.title} if len(compilations) > 1 else {}
        for speech in compilation.speeches:
            title = titles.get(speech.number, speech.title)
            if speech.has_text:
                docs.append({"title": title, "location": url_of(speech_path(speech)), **collection,
                             "paragraphs": [[p.anchor, p.text, p.heading_level] for p in speech.paragraphs]})
            else:
                docs.append({"title": title, "location": f"{toc_page}#toc-{speech.slug}", **collection})
    return {"config": {"separator": HIGHLIGHT_SEPARATOR}, "docs": docs}


def index_files(index: dict, shard_bytes: int = SHARD_BYTES, scripts: bool = True,
                cache_dir: Path | None = None) -> dict[str, str]:
    """{site-relative path: content} of the index files: the JSON, and with ``scripts`` the same as a script for
    file://; for an index larger than ``shard_bytes``, the head in those files and each shard likewise. With a
    cache_dir, each shard's filter is kept there by the digest of its docs (see split_index)."""
    return dict(index_file_items(index, shard_bytes, scripts, cache_dir))


def index_file_items(index: dict, shard_bytes: int = SHARD_BYTES, scripts: bool = True,
                     cache_dir: Path | None = None) -> Iterator[tuple[str, str]]:
    """The files of index_files one at a time, each shard's as soon as its docs are known, the head last: the JSON of
    an archive's index, 300 MB at 19,000 speeches, is never held whole (it was, twice, in each of the two builds)."""
    runs = _runs(index["docs"], shard_bytes)
    held: list[tuple[list[dict], list[str]]] = []  # the shards read before the index is known to be split: a few MB
    whole = len(_json({**index, "docs": []}).encode()) - 1  # the index's JSON bytes so far, each doc with a comma
    for docs, encoded in runs:
        held.append((docs, encoded))
        whole += sum(len(data.encode()) + 1 for data in encoded)
        if whole > shard_bytes:
            break
    if whole > shard_bytes:
        summaries = []
        for number, (docs, encoded) in enumerate(itertools.chain(held, runs)):
            shard = f"[{','.join(encoded)}]"  # as _json writes a list
            yield SHARD_JSON.format(number), shard
            if scripts:
                script = SHARD_SCRIPT.format(number)
                yield script, f"{SHARDS_GLOBAL}[{_json(script)}] = {shard};\n"
            summaries.append(_shard_entry(docs, encoded, cache_dir))
        data = _json(_head(index, summaries))
    else:  # small enough to be one file
        data = _json(index)
    yield INDEX_JSON, data
    if scripts:
        yield INDEX_SCRIPT, f"var __index = {data};\n"


def split_index(index: dict, shard_bytes: int = SHARD_BYTES,
                cache_dir: Path | None = None) -> tuple[dict, list[list[dict]]]:
    """The head of an index and its shards: runs of consecutive docs of about ``shard_bytes`` of JSON each (a doc
    larger than that is a shard of its own). A compilation's docs start a new shard when the current one is half
    full: so an edit to one compilation changes the shards that hold it and, nearly always, no other, and a
    rebuild takes the other shards' filters from cache_dir, where they are kept by the digest of their docs.

    Material hands the engine only ``config`` and ``docs`` of the index file, so the head is in ``docs``, an object
    instead of the list: its ``shards`` say where each shard's docs start in TOC order (for ties in the ranking), how
    many there are, where its files are, and its ``filter`` (base64, see ShardFilter; ``filter_hashes`` bits are set
    per character pair); ``text`` holds the number of docs with text and the length of their text as the engine
    matches it, from which it weighs a speech's length.
    """
    runs = list(_runs(index["docs"], shard_bytes))
    return _head(index, [_shard_entry(docs, encoded, cache_dir) for docs, encoded in runs]), [docs for docs, _ in runs]


def _runs(docs: Iterable[dict], shard_bytes: int) -> Iterator[tuple[list[dict], list[str]]]:
    """The docs in shards as split_index cuts them, each with its docs' JSON, one shard at a time."""
    run: list[dict] = []
    encoded: list[str] = []
    size = 0
    for doc in docs:
        data = _json(doc)
        doc_bytes = len(data.encode()) + 1
        new_compilation = bool(run) and doc.get("collection") != run[-1].get("collection")
        if run and (size + doc_bytes > shard_bytes or new_compilation and size >= shard_bytes / 2):
            yield run, encoded
            run, encoded, size = [], [], 0
        run.append(doc)
        encoded.append(data)
        size += doc_bytes
    if run:
        yield run, encoded


def _shard_entry(docs: list[dict], encoded: list[str], cache_dir: Path | None) -> tuple[int, int, dict]:
    """What the head needs of a shard: its docs, its docs with text, and its _shard_summary."""
    return len(docs), sum(1 for doc in docs if "paragraphs" in doc), _shard_summary(docs, encoded, cache_dir)


def _head(index: dict, summaries: list[tuple[int, int, dict]]) -> dict:
    """The head of a split index (see split_index), from each shard's _shard_entry."""
    shards, start = [], 0
    for number, (count, _, summary) in enumerate(summaries):
        shards.append({"start": start, "count": count, "data": SHARD_JSON.format(number),
                       "script": SHARD_SCRIPT.format(number), "filter": summary["filter"]})
        start += count
    text = {"count": sum(with_text for _, with_text, _ in summaries),
            "length": sum(summary["length"] for _, _, summary in summaries)}
    return {"config": index["config"], "docs": {"text": text, "filter_hashes": FILTER_HASHES, "shards": shards}}


def _shard_summary(docs: list[dict], encoded: list[str], cache_dir: Path | None) -> dict:
    """What the head says of a shard: its filter, and the length of its docs' texts as the engine matches them;
    from cache_dir when it holds them for these docs (their JSON, ``encoded``)."""
    entry = None
    if cache_dir is not None:
        digest = hashlib.sha256(f"{FILTER_BITS} {FILTER_HASHES}".encode())
        for data in encoded:
            digest.update(b"\0" + data.encode("utf-8", "surrogatepass"))
        entry = cache_dir / f"{digest.hexdigest()[:40]}.json"
        data = read_entry(entry)
        try:
            if data is not None:
                return json.loads(data)
        except ValueError:
            pass  # damaged: made again
    texts = [haystack(doc) for doc in docs]
    summary = {"filter": ShardFilter.of(texts).encoded(),
               "length": sum(len(text) for doc, text in zip(docs, texts) if "paragraphs" in doc)}
    if entry is not None:
        write_atomically(entry, _json(summary).encode())
    return summary


def fold(text: str) -> str:
    """Text as the engine matches it (``fold`` in search-engine.js): white space and format characters dropped,
    full-width forms to ASCII, lower case where that stays one character, in UTF-16 code units as JavaScript strings
    are (a character beyond U+FFFF becomes its two surrogates, which the engine leaves as they are)."""
    text = _IGNORED.sub("", text).translate(_FULL_WIDTH_TO_ASCII)
    lowered = text.lower()
    if len(lowered) == len(text) and "\u03a3" not in text and max(text, default="\0") <= "\uffff":
        return lowered  # one character each, and no final sigma: lower() of the whole is lower() of each character
    units = []
    for char in text:
        if char > "\uffff":
            code = ord(char) - 0x10000
            units += [chr(0xD800 + (code >> 10)), chr(0xDC00 + (code & 0x3FF))]
        else:
            lower = char.lower()
            units.append(lower if len(lower) == 1 else char)
    return "".join(units)


def haystack(doc: dict) -> str:
    """What the engine searches in a doc: its title and each paragraph folded, FIELD_SEPARATOR between them."""
    fields = [doc["title"], *(text for _, text, _ in doc.get("paragraphs", []))]
    return FIELD_SEPARATOR.join(map(fold, fields))


class ShardFilter:
    """A Bloom filter of the characters and character pairs of a shard's folded texts: it may wrongly answer that a
    shard holds a term, never that it does not. search-engine.js (``ShardFilter``) reads it with the same hashes."""

    def __init__(self, size: int):
        self.bits = bytearray(size)
        """The filter; bit i is bit i % 8 of byte i // 8."""

    @classmethod
    def of(cls, texts: list[str]) -> ShardFilter:
        """The filter of a shard's texts (folded): FILTER_BITS for each distinct character and character pair,
        computed on all keys at once with numpy (a shard has some 10^5 distinct pairs)."""
        found = [numpy.frombuffer(keys, dtype=numpy.dtype(keys.typecode)) for text in texts for keys in _keys(text)]
        keys = numpy.sort(numpy.concatenate(found).astype(numpy.uint64)) if found else numpy.zeros(0, numpy.uint64)
        keys = keys[numpy.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys  # distinct
        shard_filter = cls(max(8, len(keys) * FILTER_BITS // 8))
        size = len(shard_filter.bits) * 8
        first, step = _hash(keys, 1), _hash(keys, 2) | 1
        bitmap = numpy.zeros(size, dtype=bool)
        for number in range(FILTER_HASHES):
            bitmap[(first + number * step) % size] = True
        shard_filter.bits = bytearray(numpy.packbits(bitmap, bitorder="little").tobytes())
        return shard_filter

    def may_contain(self, term: str) -> bool:
        """Whether a folded term may occur in the shard: all its character pairs, or its one character, are set.
        (search-engine.js asks the same, leaving out pairs of characters that Python and a browser might fold apart.)"""
        units, pairs = _keys(term)
        return all(self.bits[p >> 3] & (1 << (p & 7)) for key in (pairs or units) for p in self._positions(key))

    def encoded(self) -> str:
        return base64.b64encode(self.bits).decode("ascii")

    def _positions(self, key: int) -> list[int]:
        """The bits a key sets: FILTER_HASHES of them, by double hashing."""
        size = len(self.bits) * 8
        first, step = _hash(key, 1), _hash(key, 2) | 1
        return [(first + i * step) % size for i in range(FILTER_HASHES)]


def _keys(text: str) -> tuple[array, array]:
    """What a filter holds of a folded text: its characters as UTF-16 code units, and each pair of neighbouring
    characters as one 32-bit number, the first in the low half (a pair whose second is U+0000 equals the first
    alone: one more false "may hold", never a miss). Read straight from the text's UTF-16 bytes, which is quick."""
    data = text.encode("utf-16-le", "surrogatepass")  # fold leaves halves of characters beyond U+FFFF
    units = array("H", data)
    pairs = array("I", data[:len(data) // 4 * 4]) + array("I", data[2:2 + (len(data) - 2) // 4 * 4])
    if sys.byteorder == "big":
        units.byteswap()
        pairs.byteswap()
    return units, pairs


def _hash(key, seed: int):
    """A 32-bit mix of key (an int, or a numpy array of uint64 for many at once), as search-engine.js computes it
    with Math.imul."""
    x = ((key ^ seed) * 0x9E3779B1) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x85EBCA6B) & 0xFFFFFFFF
    return x ^ (x >> 13)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
