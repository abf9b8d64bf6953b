"""The search index: the text of every speech as shown, and every TOC title, for our search engine in the browser.

It is made from the data model, never from HTML, and goes where Material's bundle looks for its own index
(``search/search_index.json``, and ``search/search_index.js`` which sets the global ``__index`` for file://); the
bundle hands it to the search worker in its setup message. The engine is
``templates/theme/assets/speechsite/search-engine.js``; it folds case and width and drops white space and format
characters itself, so texts stay as shown.

An index larger than ``SHARD_BYTES`` is split, so that no page loads it whole and no query loads all of it. That
file then holds only a head: each doc's title, address and length (what the ranking and a result's title need). Where
the terms are is in the postings (see Postings): for every character, the docs that hold it and how often; for every
pair of neighbouring characters, every place it occurs, in a few segments of the docs (postings_segments). A query
loads, in each segment, the postings file that holds each of its characters or pairs, finds from them exactly which
docs hold each term and how often, ranks them, and loads the text of the first few results only, for their snippets:
the docs are in shards of about ``TEXT_SHARD_BYTES``, in TOC order. On the hosted site the worker fetches the
postings as JSON (``search/postings/S-N.json``) and the shards as gzipped JSON (``search/shards/N.json.gz``), which it
unpacks itself (DecompressionStream): a host keeps the texts at 43 % of their size, and sends them so however it is
set up; the postings stay plain, since reading a query's 20-30 of them through the unpacking stream made its first
answer a fifth slower. The offline site has them as scripts (``.js``) instead, which file their data in the global
``__speechsiteShards`` under the script's own path: from file:// the page adds a <script> tag for each, and over http
(the offline site put on a server after all) the worker imports them.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy

from .atomic import locked, writing_atomically
from .model import Compilation
from .precompress import COMPRESSORS
from .write import speech_path

INDEX_JSON = "search/search_index.json"
"""Fetched by Material's bundle on the hosted site."""
INDEX_SCRIPT = "search/search_index.js"
"""Loaded by Material's bundle with a <script> tag from file://; it sets the global ``__index``."""
SHARD_JSON = "search/shards/{}.json.gz"
"""Shard N of a split index (docs with their text), fetched by the search worker on the hosted site, gzipped (see
file_bytes)."""
SHARD_SCRIPT = "search/shards/{}.js"
"""The same as a script, loaded with a <script> tag from file://."""
POSTINGS_JSON = "search/postings/{}-{}.json"
"""Postings file N of segment S of a split index (see postings_segments), fetched by the search worker."""
POSTINGS_SCRIPT = "search/postings/{}-{}.js"
"""The same as a script, for file://."""
SHARDS_GLOBAL = "(self.__speechsiteShards = self.__speechsiteShards || {})"
"""Where a shard's script files its data, under the script's own path (search-setup.js takes it from there)."""
PACKED_SUFFIX = ".gz"
"""An index file named so is written gzipped (file_bytes), as precompress.py gzips its copies."""
HIGHLIGHT_SEPARATOR = r"[\s\u200b]+"
"""Material's highlighter on the page a result opens splits our terms at this; terms are separated by spaces only."""
SHARD_BYTES = 1_000_000
"""An index whose JSON is larger is split (see above): a megabyte is quick to fetch and parse, 300 MB is not."""
TEXT_SHARD_BYTES = 64_000
"""Docs' JSON per shard of a split index: a query loads the shards of its first results only (SNIPPETS in
search-engine.js), a few dozen kilobytes each."""
POSTINGS_FILE_BYTES = 32_000
"""The postings' JSON per file, on average: a query loads one file for each character or pair it looks up."""
POSTINGS_BYTES_PER_CHARACTER = 3.2
"""The postings' JSON per character of text, to choose how many files to spread them over before making them: 3.1
to 3.3 on the seed's text and on benchmarks/synthetic.py's 100 times the seed."""
BATCH_ENTRIES = 1_000_000
"""Character pairs gathered in memory before they go to their group's temporary file (about 40 MB of arrays with
their copies); each group is sorted in memory on its own (see Postings)."""
GROUP_ENTRIES = 2_000_000
"""Character pairs per group: about 100 MB of arrays to sort and encode at once. The postings are made in a child
process beside two builds and a child making the downloads: with twice this (and both builds' children making
postings at once) the 1,000 compilations' build peaked at 4,428 MiB for the process tree."""
SEGMENT_CHARACTERS = 2_000_000
"""The text of a segment of the postings, at least (see postings_segments): an edit makes its segment's postings again,
about a second for this many characters."""
SEGMENTS = 8
"""Segments at most, about, while they may still grow: a query loads a file of each segment for each pair it looks up,
so segments grow with the archive (by doubling, so that their bounds rarely move) to keep their number at this, up to
SEGMENT_DOUBLINGS times."""
SEGMENT_DOUBLINGS = 2
"""How often segments double at most: so a segment holds at most 8 M characters, and an edit makes at most that many
characters' postings again, in a child process, at any archive size (16 M took 8.6 CPU s and their stored files 4.8
more at 1,000 compilations, uncapped, in a slow hour). Beyond SEGMENTS of them (64 M characters, some 700 of the
seed's compilations) there are more segments instead, and a query gets its first results from the first few
(FIRST_SEGMENTS in search-engine.js) before the others' files are in. At 988 times the seed (benchmarks/search_scale.py,
median / p90 / max, one version after the other): first results over http 248 / 325 / 339 ms with 12 segments
against 296 / 377 / 396 ms with 6 uncapped (a second pair: 258 / 329 / 394 against 293 / 332 / 429 ms), the
complete answer 360 / 436 / 451 ms (2 s asked)."""
POSTINGS_FORMAT = 2
"""Changes with the postings' format, so that a cache entry of an earlier one is not read."""
POSTINGS_SUFFIX = ".postings"
"""A cache entry of the postings (see Postings)."""
PAIR_SEED, CHARACTER_SEED = 3, 4
"""The seeds of _hash that choose a pair's or a character's postings file (search-engine.js uses the same)."""

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
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")
_BEYOND_FFFF = re.compile("[\U00010000-\U0010ffff]")


def search_index(compilations: list[Compilation], url_of: Callable[[str], str]) -> dict:
    """The index of the compilations' pages; ``url_of`` maps a source path (``speeches/01.md``) to its site URL.

    ``docs`` holds, in TOC order, for a speech with text ``{"title", "location", "paragraphs"}`` where each paragraph
    is ``[anchor, text, heading_level]``, and for a TOC entry without text ``{"title", "location"}`` pointing at the
    entry on its TOC page (``#toc-NN``, see templates/pages/index.md.j2). Titles are as displayed (duplicate TOC
    titles carry their number). On a site with several compilations every doc also names its ``collection``, which
    the engine shows with each result. ``config`` is what Material's own bundle reads from the index.
    """
    docs = []
    kept = {id(compilation): (compilation, _paragraphs(compilation)) for compilation in compilations}
    _PARAGRAPHS.clear()
    _PARAGRAPHS.update(kept)
    known = {id(paragraphs): _SPEECH_TEXTS.get(id(paragraphs)) or [paragraphs, None, None]
             for _, speeches in kept.values() for paragraphs in speeches}
    _SPEECH_TEXTS.clear()
    _SPEECH_TEXTS.update(known)
    for compilation in compilations:
        toc_page = url_of(compilation.page_path("index.md"))
        titles = compilation.analysis.display_titles if compilation.analysis else {}
        collection = {"collection": compilation.title} if len(compilations) > 1 else {}
        for speech, paragraphs in zip(compilation.speeches, kept[id(compilation)][1]):
            title = titles.get(speech.number, speech.title)
            if speech.has_text:
                docs.append({"title": title, "location": url_of(speech_path(speech)), **collection,
                             "paragraphs": paragraphs})
            else:
                docs.append({"title": title, "location": f"{toc_page}#toc-{speech.slug}", **collection})
    return {"config": {"separator": HIGHLIGHT_SEPARATOR}, "docs": docs}


_PARAGRAPHS: dict[int, tuple[Compilation, list[list[list]]]] = {}
"""The docs' paragraphs of each compilation of search_index's last call, by the compilation (kept with them, so that
its id names no other): a preview's rebuild indexes every compilation again (twice, with the postings' child), and
at 300 compilations making these lists of 200,000 paragraphs again was a tenth of a second each time. Compilations
are not changed once made; an edit makes a new one."""
_SPEECH_TEXTS: dict[int, list] = {}
"""What is derived from a speech's paragraphs list of _PARAGRAPHS, by the list (kept in the entry, so that its id
names no other): [the list, its characters (_text_size), its JSON (_doc_json, while keep_doc_json)]."""
_keeping_doc_json = False


def keep_doc_json(keep: bool) -> None:
    """Whether to keep the JSON of the speeches' paragraphs from one index to the next: for a preview, whose every
    rebuild writes the text shards of all docs again (at 300 compilations, 0.2 s of JSON a rebuild, for about 55 MB
    kept), not for a build, which writes them once."""
    global _keeping_doc_json
    _keeping_doc_json = keep


def _text_size(doc: dict) -> int:
    """The characters of the doc's title and paragraphs."""
    paragraphs = doc.get("paragraphs", ())
    known = _SPEECH_TEXTS.get(id(paragraphs))
    if known is None:
        return len(doc["title"]) + sum(len(text) for _, text, _ in paragraphs)
    if known[1] is None:
        known[1] = sum(len(text) for _, text, _ in paragraphs)
    return len(doc["title"]) + known[1]


def _doc_json(doc: dict) -> str:
    """_json(doc), with its paragraphs' JSON kept for the next index (keep_doc_json)."""
    known = _SPEECH_TEXTS.get(id(doc.get("paragraphs"))) if _keeping_doc_json else None
    if known is None or next(reversed(doc)) != "paragraphs":  # put last below, so only where the doc has it last
        return _json(doc)
    if known[2] is None:
        known[2] = _json(known[0])
    return f'{_json({key: value for key, value in doc.items() if key != "paragraphs"})[:-1]},"paragraphs":{known[2]}}}'


def _paragraphs(compilation: Compilation) -> list[list[list]]:
    """Each speech's paragraphs as its doc holds them ([anchor, text, heading level]), from _PARAGRAPHS if there."""
    kept = _PARAGRAPHS.get(id(compilation))
    if kept is not None:  # the same compilation: _PARAGRAPHS holds it, so no other has its id
        return kept[1]
    return [[[p.anchor, p.text, p.heading_level] for p in speech.paragraphs] for speech in compilation.speeches]


def index_files(index: dict, shard_bytes: int = SHARD_BYTES, scripts: bool = True,
                text_shard_bytes: int = TEXT_SHARD_BYTES, cache_dir: Path | None = None,
                segment_characters: int = SEGMENT_CHARACTERS) -> dict[str, str]:
    """{site-relative path: content} of the index files: the JSON, and with ``scripts`` the same as a script for
    file://; for an index larger than ``shard_bytes``, the head in those files, and each shard and postings file as
    JSON (shards to be written gzipped: file_bytes), or with ``scripts`` as a script only. With a cache_dir, the postings
    come from there when they were made for the same texts (Postings)."""
    return dict(index_file_items(index, shard_bytes, scripts, text_shard_bytes, cache_dir, segment_characters))


def index_file_items(index: dict, shard_bytes: int = SHARD_BYTES, scripts: bool = True,
                     text_shard_bytes: int = TEXT_SHARD_BYTES, cache_dir: Path | None = None,
                     segment_characters: int = SEGMENT_CHARACTERS,
                     segments: list[Postings] | None = None,
                     postings_entries: Callable[[int, Postings, bool], list[tuple[str, Path]]] | None = None,
                     ready: Callable[[], None] | None = None) -> Iterator[tuple[str, str | Path]]:
    """The files of index_files one at a time, the head last: the JSON of an archive's index, 300 MB at 19,000
    speeches, is never held whole. ``segments``: the postings_segments of the index's docs, when the caller has
    them already (each digests its docs' texts). With ``postings_entries`` (file_store.postings_entries), the
    postings files come as (path, the stored file with their content) from it, unread. ``ready`` is called before
    the postings are read (to wait for the process making them)."""
    if not is_split(index, shard_bytes):
        yield from _as_files(INDEX_JSON, INDEX_SCRIPT, _json(index), scripts, script_global="var __index")
        return
    docs = index["docs"]
    shards, start = [], 0
    for number, (run, encoded) in enumerate(_runs(docs, text_shard_bytes)):
        shards.append({"start": start, "count": len(run),
                       **_where(SHARD_JSON.format(number), SHARD_SCRIPT.format(number), scripts)})
        start += len(run)
        yield _the_file(shards[-1], f"[{','.join(encoded)}]")
    if segments is None:
        segments = postings_segments(docs, cache_dir, segment_characters)
    if ready is not None:
        ready()
    for segment, postings in enumerate(segments):
        if postings_entries is not None:
            yield from postings_entries(segment, postings, scripts)
        else:
            yield from postings_file_items(segment, postings, scripts)
    head = _head(index, shards, segments, _where(POSTINGS_JSON, POSTINGS_SCRIPT, scripts))
    yield from _as_files(INDEX_JSON, INDEX_SCRIPT, _json(head), scripts, script_global="var __index")


def postings_file_items(segment: int, postings: Postings, scripts: bool) -> Iterator[tuple[str, str]]:
    """(path, content) of each postings file of the segment numbered ``segment``, as index_file_items gives them."""
    for number, data in postings.files():
        yield _the_file(_where(POSTINGS_JSON.format(segment, number), POSTINGS_SCRIPT.format(segment, number),
                               scripts), data)


def file_bytes(path: str, content: str) -> bytes:
    """The bytes of an index file as index_file_items gives it: gzipped if its name ends in ``.gz`` (the hosted site's
    shards), with gzip's fixed settings and no time, so the same text gives the same bytes."""
    data = content.encode("utf-8")
    return COMPRESSORS[PACKED_SUFFIX](data) if path.endswith(PACKED_SUFFIX) else data


def _where(data_path: str, script_path: str, scripts: bool) -> dict[str, str]:
    """Where a shard or postings file is, as the head says: as JSON on the hosted site; only as a script on the
    offline one (file:// can load nothing else; over http the worker loads the script too), which halves its files."""
    return {"script": script_path} if scripts else {"data": data_path}


def _the_file(where: dict[str, str], data: str) -> tuple[str, str]:
    """(path, content) of a shard or postings file whose place is ``where`` (see _where)."""
    if "data" in where:
        return where["data"], data
    return where["script"], f"{SHARDS_GLOBAL}[{_json(where['script'])}] = {data};\n"


def text_keys(compilations: list[Compilation]) -> list[str] | None:
    """For each doc of the compilations' search_index, in its order, a name of its text: its compilation's cache key
    (compilation_cache.py: the seed, its override file and the code decide every text of it) and its place there.
    None when a compilation has no cache key (not read through the compilation cache)."""
    if not all(compilation.cache_key for compilation in compilations):
        return None
    return [f"{compilation.cache_key} {number}" for compilation in compilations
            for number in range(len(compilation.speeches))]


def postings_segments(docs: list[dict], cache_dir: Path | None = None,
                      segment_characters: int = SEGMENT_CHARACTERS, keys: list[str] | None = None) -> list[Postings]:
    """The postings of the docs in segments: runs of docs of about ``segment_characters`` of text or more (doubled
    until there are at most about SEGMENTS, at most SEGMENT_DOUBLINGS times), cut where a compilation begins, or
    inside a compilation twice as long.
    Each segment's postings count positions and docs from its own first doc, so an edit changes the files of its own
    segment and, nearly always, no other; the others come from the cache. ``keys``: text_keys of the docs, which name
    a segment's cache entry without digesting its texts (a quarter of a second a build at 300 compilations)."""
    sizes = [_text_size(doc) for doc in docs]
    total = sum(sizes)
    for _ in range(SEGMENT_DOUBLINGS):
        if total > SEGMENTS * segment_characters:
            segment_characters *= 2
    segments: list[list[dict]] = [[]]
    size = 0
    for doc, doc_size in zip(docs, sizes):
        run = segments[-1]
        if run and size >= segment_characters and (doc.get("collection") != run[-1].get("collection")
                                                   or "collection" not in doc or size >= 2 * segment_characters):
            segments.append([])
            size = 0
        segments[-1].append(doc)
        size += doc_size
    starts = list(itertools.accumulate((len(run) for run in segments), initial=0))
    return [Postings(run, cache_dir, keys[start:start + len(run)] if keys else None)
            for run, start in zip(segments, starts)]


def is_split(index: dict, shard_bytes: int = SHARD_BYTES) -> bool:
    """Whether the index's JSON is larger than shard_bytes (counted only as far as needed)."""
    size = len(_json({**index, "docs": []}).encode()) - 1  # the index's JSON bytes so far, each doc with a comma
    for doc in index["docs"]:
        size += len(_json(doc).encode()) + 1
        if size > shard_bytes:
            return True
    return False


def _as_files(data_path: str, script_path: str, data: str, scripts: bool,
              script_global: str) -> Iterator[tuple[str, str]]:
    """The index or its head as JSON (which Material's bundle fetches over http) and, with ``scripts``, as a script
    that sets ``script_global`` to it (which it loads from file://)."""
    yield data_path, data
    if scripts:
        yield script_path, f"{script_global} = {data};\n"


def split_index(index: dict, text_shard_bytes: int = TEXT_SHARD_BYTES,
                segment_characters: int = SEGMENT_CHARACTERS) -> tuple[dict, list[list[dict]]]:
    """The head of a split index and its shards' docs, as index_file_items writes them (whatever the index's size).

    Material hands the engine only ``config`` and ``docs`` of the index file, so the head is in ``docs``, an object
    instead of the list. ``entries`` has for each doc in TOC order its title, location, collection (a number in
    ``collections``, or None on a site of one compilation), the length of its text as the engine matches it (its
    haystack) and whether it is a speech with text (1) or a TOC entry without (0); ``text`` the number of docs with
    text and the sum of their lengths, which the ranking weighs a speech's length against; ``shards`` where each
    shard's docs start in TOC order, how many there are and where its files are; ``postings`` the segments of the
    postings (where each one's docs start in TOC order, and its number of files) and where their files are (see
    postings_segments and Postings).
    """
    files = index_files(index, 0, scripts=False, text_shard_bytes=text_shard_bytes,
                        segment_characters=segment_characters)
    head = json.loads(files[INDEX_JSON])
    return head, [json.loads(files[shard["data"]]) for shard in head["docs"]["shards"]]


def _runs(docs: Iterable[dict], shard_bytes: int) -> Iterator[tuple[list[dict], list[str]]]:
    """The docs in runs of about ``shard_bytes`` of JSON (a doc larger than that is a run of its own), each with its
    docs' JSON, one run at a time. A compilation's docs start a new run when the current one is half full, so that
    an edit to one compilation changes its own shards and, nearly always, no other."""
    run: list[dict] = []
    encoded: list[str] = []
    size = 0
    for doc in docs:
        data = _doc_json(doc)
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


def _head(index: dict, shards: list[dict], segments: list[Postings], postings_files: dict[str, str]) -> dict:
    """The head of a split index (see split_index)."""
    collections: dict[str, int] = {}
    entries = []
    lengths = [length for postings in segments for length in postings.lengths]
    for doc, length in zip(index["docs"], lengths):
        collection = collections.setdefault(doc["collection"], len(collections)) if "collection" in doc else None
        entries.append([doc["title"], doc["location"], collection, length, int("paragraphs" in doc)])
    with_text = [length for doc, length in zip(index["docs"], lengths) if "paragraphs" in doc]
    segments_entry, start = [], 0
    for postings in segments:
        segments_entry.append({"start": start, "files": postings.file_count})
        start += len(postings.docs)
    return {"config": index["config"],
            "docs": {"text": {"count": len(with_text), "length": sum(with_text)}, "entries": entries,
                     "collections": list(collections), "shards": shards,
                     "postings": {"segments": segments_entry, **postings_files}}}


def fold(text: str) -> str:
    """Text as the engine matches it (``fold`` in search-engine.js): white space and format characters dropped,
    full-width forms to ASCII, lower case where that stays one character, in UTF-16 code units as JavaScript strings
    are (a character beyond U+FFFF becomes its two surrogates, which the engine leaves as they are)."""
    return _fold_kept(_IGNORED.sub("", text))


def _fold_kept(text: str) -> str:
    """fold() of text with nothing left to drop but FIELD_SEPARATOR, which stays as it is."""
    if _FULL_WIDTH.search(text):  # a CJK text has a full-width comma every few characters: numpy maps them at once
        units = numpy.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2").copy()
        units[(units >= 0xFF01) & (units <= 0xFF5E)] -= 0xFEE0
        text = units.tobytes().decode("utf-16-le", "surrogatepass")
    lowered = text.lower()
    if len(lowered) == len(text) and "\u03a3" not in text and not _BEYOND_FFFF.search(text):
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
    return _fold_kept(FIELD_SEPARATOR.join(_IGNORED.sub("", field) for field in fields))  # folded at once: quicker


class Postings:
    """Where every character and every pair of neighbouring characters occurs in the haystacks of some docs (a
    segment's, see postings_segments), spread over ``file_count`` JSON files by a hash (a query loads only the files
    of what it looks up).

    Positions are counted in one run of the docs' haystacks in TOC order, each followed by one position for the line
    feed that separates it from the next doc (the head's lengths give where each doc starts); docs by their place
    among these docs. Characters are UTF-16 code units, as JavaScript strings hold text; which file holds a pair or a
    character is _hash of its number (a pair's: the first plus the second times 65536) modulo ``file_count``. Each
    file is ``{"p": {pair: positions}, "c": {character: docs}}``, keyed by the pair or character itself (half a
    character beyond U+FFFF escaped), both base64 (unpadded) of unsigned LEB128 numbers: a pair's positions in order,
    the first as it is and each next as the distance from the one before; a character's docs as pairs of numbers,
    the doc's place (the first as it is, then the distance from the one before) and how often the character occurs
    in it. Pairs with the line feed between fields, which no term holds, are left out.

    A term of two or more characters occurs at position s exactly when its pairs at offsets 0, 2, 4, … and its last
    pair occur at s plus their offset: search-engine.js checks that with these positions alone, so what it finds
    is exact (and every occurrence, for counting them and for the snippet).

    Made in two steps whose memory does not grow with the archive: the pairs of a batch of docs go to the temporary
    file of their files' group (the file's number modulo the number of groups; in memory when there is one group),
    then each group is sorted on its own and its files written. That takes about a second for 2 M characters, so
    with a cache_dir the files are kept there, by the digest of the docs' texts or of their names
    (text_keys; see make_postings).
    """

    def __init__(self, docs: list[dict], cache_dir: Path | None = None, keys: list[str] | None = None):
        estimate = sum(_text_size(doc) for doc in docs)
        self.file_count = max(1, math.ceil(estimate * POSTINGS_BYTES_PER_CHARACTER / POSTINGS_FILE_BYTES))
        self.groups = min(self.file_count, max(1, math.ceil(estimate / GROUP_ENTRIES)))
        self.docs = docs
        self.lengths: list[int] = []
        """Each doc's haystack length, once files() has begun."""
        self.entry = cache_dir / f"{self._digest(keys)}{POSTINGS_SUFFIX}" if cache_dir is not None else None

    def _digest(self, keys: list[str] | None) -> str:
        """The name of the cache entry: a digest of the docs' texts, or of the names of them given (text_keys)."""
        digest = hashlib.sha256(_json([POSTINGS_FORMAT, POSTINGS_FILE_BYTES, POSTINGS_BYTES_PER_CHARACTER,
                                       FORMAT_CHARACTERS]).encode())
        if keys:
            digest.update(_json(["named", keys]).encode())
            return digest.hexdigest()[:40]
        for doc in self.docs:
            for text in (doc["title"], *(text for _, text, _ in doc.get("paragraphs", ()))):
                digest.update(b"\0" + text.encode("utf-8", "surrogatepass"))
            digest.update(b"\1")
        return digest.hexdigest()[:40]

    def files(self) -> Iterator[tuple[int, str]]:
        """(number, JSON) of every postings file, each file once, empty ones too: from the cache entry if there is
        one, else made (and kept in the cache)."""
        if self.entry is None:
            yield from self._made()
            return
        self.make_cached()
        with self.entry.open(encoding="utf-8", newline="\n") as lines:  # written whole: no lock needed to read
            self.lengths = json.loads(next(lines))
            for line in lines:
                number, data = line.removesuffix("\n").split(" ", 1)
                yield int(number), data
        os.utime(self.entry)  # used (see atomic.remove_unused)

    def read_lengths(self) -> None:
        """Set ``lengths`` from the cache entry's first line, without reading its files (they are placed from the
        file store: file_store.postings_entries)."""
        with self.entry.open(encoding="utf-8", newline="\n") as lines:
            self.lengths = json.loads(next(lines))
        os.utime(self.entry)  # used (see atomic.remove_unused)

    def make_cached(self) -> bool:
        """Make the cache entry unless it is there (or being made: then wait for it); True when it was made here. It
        holds the docs' lengths on the first line, then each file's number and JSON on a line (JSON has no line feed
        inside)."""
        with locked(self.entry):
            if self.entry.exists():
                return False
            with writing_atomically(self.entry, "w", encoding="utf-8", newline="\n") as out:
                made = self._made()
                first = next(made, None)  # lengths are known once the first file is made
                out.write(_json(self.lengths) + "\n")
                for number, data in itertools.chain([first] if first else [], made):
                    out.write(f"{number} {data}\n")
        return True

    def _made(self) -> Iterator[tuple[int, str]]:
        with tempfile.TemporaryDirectory(prefix="speechsite-postings-") as folder:
            spill = [_GroupFile(Path(folder, str(group))) for group in range(self.groups)] if self.groups > 1 \
                else [_GroupInMemory()]  # the text of a few thousand speeches: no need for files
            self._spill(spill)
            for group, groupfile in enumerate(spill):
                pairs, characters = groupfile.read()
                content = {number: ({}, {}) for number in range(group, self.file_count, self.groups)}
                for number, key, data in self._encoded_pairs(*pairs):
                    content[number][0][chr(key & 0xFFFF) + chr(key >> 16)] = data
                for number, key, data in self._encoded_characters(*characters):
                    content[number][1][chr(key)] = data
                for number, (pair_data, character_data) in content.items():
                    yield number, _LONE_SURROGATE.sub(_escaped, _json({"p": pair_data, "c": character_data}))

    def _spill(self, spill: list[_GroupFile]) -> None:
        batch: list[tuple[numpy.ndarray, ...]] = []
        entries, start = 0, 0
        for number, doc in enumerate(self.docs):
            units = numpy.frombuffer(haystack(doc).encode("utf-16-le", "surrogatepass"), dtype="<u2")
            self.lengths.append(len(units))
            first, second = units[:-1].astype(numpy.uint64), units[1:].astype(numpy.uint64)
            inside = numpy.nonzero((first != 10) & (second != 10))[0]  # not across FIELD_SEPARATOR
            characters, counts = numpy.unique(units[units != 10], return_counts=True)
            batch.append((first[inside] | second[inside] << numpy.uint64(16), inside.astype(numpy.uint64) + start,
                          characters.astype(numpy.uint64), numpy.full(len(characters), number, numpy.uint64),
                          counts.astype(numpy.uint64)))
            entries += len(inside)
            start += len(units) + 1
            if entries >= BATCH_ENTRIES:
                self._write_batch(batch, spill)
                batch, entries = [], 0
        self._write_batch(batch, spill)

    def _write_batch(self, batch: list[tuple[numpy.ndarray, ...]], spill: list[_GroupFile]) -> None:
        if not batch:
            return
        keys, positions, characters, docs, counts = (numpy.concatenate(column) for column in zip(*batch))
        if len(spill) == 1:
            spill[0].append((keys, positions), (characters, docs, counts))
            return
        pair_groups = _hash(keys, PAIR_SEED) % numpy.uint32(self.file_count) % numpy.uint32(self.groups)
        character_groups = (_hash(characters, CHARACTER_SEED) % numpy.uint32(self.file_count)
                            % numpy.uint32(self.groups))
        for group, groupfile in enumerate(spill):
            pairs, chars = pair_groups == group, character_groups == group
            groupfile.append((keys[pairs], positions[pairs]), (characters[chars], docs[chars], counts[chars]))

    def _encoded_pairs(self, keys: numpy.ndarray, positions: numpy.ndarray) -> Iterator[tuple[int, int, str]]:
        """(file number, key, base64) of each pair: its positions in order, as distances (see the class)."""
        if len(positions) and positions.max() >= 1 << 32:
            order = numpy.argsort(keys, kind="stable")  # positions stay in order within a key
            keys, positions = keys[order], positions[order]
        else:  # a pair and its position in one number: sorted twice as fast as argsort
            both = numpy.sort(keys << numpy.uint64(32) | positions)
            keys, positions = both >> numpy.uint64(32), both & numpy.uint64(0xFFFFFFFF)
        first = _run_starts(keys)
        return self._encoded(keys, first, _distances(positions, first), PAIR_SEED)

    def _encoded_characters(self, characters: numpy.ndarray, docs: numpy.ndarray,
                            counts: numpy.ndarray) -> Iterator[tuple[int, int, str]]:
        """(file number, code unit, base64) of each character: its docs as distances, each with its count."""
        order = numpy.argsort(characters, kind="stable")  # docs stay in order within a character
        characters, docs, counts = characters[order], docs[order], counts[order]
        first = _run_starts(characters)
        numbers = numpy.empty(2 * len(docs), numpy.uint64)
        numbers[0::2], numbers[1::2] = _distances(docs, first), counts
        first_number = numpy.zeros(2 * len(docs), bool)
        first_number[0::2] = first
        return self._encoded(numpy.repeat(characters, 2), first_number, numbers, CHARACTER_SEED)

    def _encoded(self, keys: numpy.ndarray, first: numpy.ndarray, numbers: numpy.ndarray,
                 seed: int) -> Iterator[tuple[int, int, str]]:
        """(file number, key, base64 of its numbers) for each run of equal keys (``first`` marks where one starts)."""
        data, ends = _leb128(numbers)
        starts = numpy.nonzero(first)[0]
        byte_starts = numpy.concatenate(([0], ends))[starts]
        byte_ends = ends[numpy.concatenate((starts[1:], [len(keys)])) - 1] if len(starts) else starts
        numbers_of = _hash(keys[starts], seed) % numpy.uint32(self.file_count)
        raw = data.tobytes()
        for number, key, begin, end in zip(numbers_of.tolist(), keys[starts].tolist(), byte_starts.tolist(),
                                           byte_ends.tolist()):
            yield number, key, base64.b64encode(raw[begin:end]).decode("ascii").rstrip("=")  # atob needs no padding


class _GroupFile:
    """The temporary files of one group of postings files: pairs (key, position) and characters (code unit, doc,
    count), appended a batch at a time."""

    def __init__(self, stem: Path):
        self.paths = [stem.with_suffix(f".{column}") for column in ("key", "position", "unit", "doc", "count")]
        for path in self.paths:
            path.touch()

    def append(self, pairs: tuple[numpy.ndarray, ...], characters: tuple[numpy.ndarray, ...]) -> None:
        for path, column in zip(self.paths, (*pairs, *characters)):
            with path.open("ab") as out:
                column.astype(numpy.uint64).tofile(out)

    def read(self) -> tuple[tuple[numpy.ndarray, ...], tuple[numpy.ndarray, ...]]:
        columns = [numpy.fromfile(path, dtype=numpy.uint64) for path in self.paths]
        return tuple(columns[:2]), tuple(columns[2:])


def make_postings(segments: list[Postings], made: Callable[[int, Postings], None] | None = None) -> None:
    """Make the cache entries of the segments that lack one, holding a lock on the whole cache folder meanwhile, or
    return at once if another process holds it: one process making postings (a few hundred megabytes) is enough, and
    another build's child ends instead of waiting (a forked child that lives on holds on to the memory its parent
    changes); builds wait for them with wait_for_postings. ``made`` is called with the number and postings of each
    segment whose entry was made here (to store its files ahead: see plugin.search_postings_ahead)."""
    if not segments:
        return
    with locked(segments[0].entry.parent / "making", wait=False) as held:
        for number, postings in enumerate(segments if held else []):
            if postings.make_cached() and made is not None:
                made(number, postings)


def wait_for_postings(segments: list[Postings]) -> None:
    """Wait until no process is making postings in the segments' cache folder (see make_postings)."""
    if segments:
        with locked(segments[0].entry.parent / "making"):
            pass


class _GroupInMemory:
    """The one group of an index small enough to sort at once: _GroupFile's columns, kept in memory."""

    def __init__(self):
        self.columns: list[list[numpy.ndarray]] = [[] for _ in range(5)]

    def append(self, pairs: tuple[numpy.ndarray, ...], characters: tuple[numpy.ndarray, ...]) -> None:
        for kept, column in zip(self.columns, (*pairs, *characters)):
            kept.append(column)

    def read(self) -> tuple[tuple[numpy.ndarray, ...], tuple[numpy.ndarray, ...]]:
        columns = [numpy.concatenate(kept) if kept else numpy.zeros(0, numpy.uint64) for kept in self.columns]
        self.columns = []
        return tuple(columns[:2]), tuple(columns[2:])


def _run_starts(keys: numpy.ndarray) -> numpy.ndarray:
    """Where each run of equal keys starts, of keys in order."""
    return numpy.concatenate(([True], keys[1:] != keys[:-1])) if len(keys) else numpy.zeros(0, bool)


def _distances(values: numpy.ndarray, first: numpy.ndarray) -> numpy.ndarray:
    """Each value less the one before, but the first of each run (``first``) as it is."""
    distances = values - numpy.concatenate(([0], values[:-1])).astype(numpy.uint64)
    distances[first] = values[first]
    return distances


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""Half of a character beyond U+FFFF, as a key of a postings file holds on its own: not UTF-8, so written escaped."""


def _escaped(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def _leb128(numbers: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The unsigned LEB128 bytes of each number, one after another, and where each number's bytes end: seven bits a
    byte, low bits first, the high bit set on every byte but a number's last. Made as a table of a row per number
    and a column per byte, whose bytes in use are then taken row by row: whole columns at a time, five to nine times
    quicker than placing each byte of the numbers that have it."""
    sizes = numpy.ones(len(numbers), numpy.int64)
    for groups in range(1, 10):  # a uint64 has ten groups of seven bits at most
        longer = numbers >= numpy.uint64(1 << 7 * groups)
        if not longer.any():
            break
        sizes += longer
    width = int(sizes.max()) if len(sizes) else 1
    table = numpy.empty((len(numbers), width), numpy.uint8)
    rest = numbers.copy()
    for byte in range(width):
        table[:, byte] = (rest & numpy.uint64(0x7F)).astype(numpy.uint8) | (sizes > byte + 1).view(numpy.uint8) << 7
        rest >>= numpy.uint64(7)
    return table[numpy.arange(width) < sizes[:, None]], numpy.cumsum(sizes)


def _hash(key, seed: int):
    """A 32-bit mix of key (an int, or a numpy array of them for many at once: uint32, as a pair's key fits 32 bits),
    as search-engine.js computes it with Math.imul. The array's arithmetic wraps at 32 bits by itself: twice as
    quick as masking 64-bit numbers."""
    if isinstance(key, numpy.ndarray):
        x = key.astype(numpy.uint32) ^ numpy.uint32(seed)
        x *= numpy.uint32(0x9E3779B1)
        x ^= x >> numpy.uint32(15)
        x *= numpy.uint32(0x85EBCA6B)
        return x ^ (x >> numpy.uint32(13))
    x = ((key ^ seed) * 0x9E3779B1) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x85EBCA6B) & 0xFFFFFFFF
    return x ^ (x >> 13)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
