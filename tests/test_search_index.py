"""search_index: every speech's text exactly as shown, every TOC title, and where each one is on the site; a large
index split into a head, shards of docs and postings that say exactly where every character and pair occurs."""

from __future__ import annotations

import base64
import collections
import copy
import gzip
import itertools
import json
import sys
import threading
import unicodedata
from pathlib import Path

import numpy
import pytest

from speechsite.atomic import locked
from speechsite.model import Compilation, Paragraph, Speech, TocEntry
from speechsite.search_index import (CHARACTER_SEED, HIGHLIGHT_SEPARATOR, INDEX_JSON, INDEX_SCRIPT, PAIR_SEED,
                                     POSTINGS_SUFFIX, SEGMENT_DOUBLINGS, SEGMENTS, SHARD_BYTES, SHARDS_GLOBAL, _hash,
                                     _leb128, file_bytes, fold, haystack, index_files, make_postings,
                                     postings_segments, search_index, split_index, text_keys, wait_for_postings)

SMALL_SHARDS = 30_000
"""Bytes that split the seed's index (about 280 kB), and per shard of its docs: about ten shards."""


def directory_urls(src_uri: str) -> str:
    """What MkDocs makes of a source path for the hosted site."""
    return "./" if src_uri == "index.md" else src_uri.removesuffix(".md") + "/"


def html_urls(src_uri: str) -> str:
    """… and for the offline site."""
    return src_uri.removesuffix(".md") + ".html"


def paragraph(text: str, anchor: str, heading_level: int = 0) -> Paragraph:
    return Paragraph(text, line=1, source_text=text, heading_level=heading_level, anchor=anchor)


@pytest.fixture
def compilation() -> Compilation:
    with_text = Speech(TocEntry(1, "在于都县工商联大会上的讲话", 2), title="在于都县工商联大会上的讲话", paragraphs=[
        paragraph("同志们：", "p1"),
        paragraph("一、统一思想", "p2", heading_level=2),
        paragraph("抓好ＧＤＰ，<script>不是标签</script> [x](y) {{ y }}", "p3"),
    ])
    title_only = Speech(TocEntry(12, "在全市森林防火工作推进会议上的讲话", 3), title="在全市森林防火工作推进会议上的讲话")
    return Compilation(Path("sample.txt"), "讲话汇编", [with_text, title_only], removed=[], lines=[])


def test_a_speech_with_text_is_its_title_and_its_paragraphs_as_shown(compilation):
    speech = search_index([compilation], directory_urls)["docs"][0]
    assert speech == {
        "title": "在于都县工商联大会上的讲话",
        "location": "speeches/01/",
        "paragraphs": [
            ["p1", "同志们：", 0],
            ["p2", "一、统一思想", 2],
            ["p3", "抓好ＧＤＰ，<script>不是标签</script> [x](y) {{ y }}", 0],
        ],
    }


def test_indexing_the_same_compilation_again_reuses_its_paragraphs_and_an_edited_one_is_read_again(compilation):
    """A preview indexes every compilation at each rebuild: one it indexed last time (the same object: an edit makes
    a new one) gives the same paragraph lists again, without making them; a new one its own text."""
    import copy

    first = search_index([compilation], directory_urls)["docs"][0]["paragraphs"]
    assert search_index([compilation], directory_urls)["docs"][0]["paragraphs"] is first
    edited = copy.deepcopy(compilation)
    edited.speeches[0].paragraphs[0].text = "同志们、朋友们："
    assert search_index([edited], directory_urls)["docs"][0]["paragraphs"][0] == ["p1", "同志们、朋友们：", 0]
    assert search_index([compilation], directory_urls)["docs"][0]["paragraphs"][0] == ["p1", "同志们：", 0]


def test_a_preview_keeping_the_docs_json_writes_the_same_files_and_an_edit_its_new_text(compilation):
    """keep_doc_json (a preview) reuses each speech's paragraphs' JSON from one index to the next: the files are the
    ones written without it, at the first index and the next, and an edited compilation's shards hold its new text."""
    from speechsite.search_index import keep_doc_json

    def shards(compilation) -> dict[str, str]:
        files = index_files(search_index([compilation], directory_urls), shard_bytes=0, scripts=False)
        return {path: text for path, text in files.items() if "/shards/" in path}

    written = shards(compilation)
    keep_doc_json(True)
    try:
        assert shards(compilation) == written
        assert shards(compilation) == written  # from what the last index kept
        edited = copy.deepcopy(compilation)
        edited.speeches[0].paragraphs[0].text = "同志们、朋友们："
        new = shards(edited)
        assert "同志们、朋友们：" in "".join(new.values()) and "同志们、朋友们：" not in "".join(written.values())
    finally:
        keep_doc_json(False)
    assert new == shards(edited)


def test_a_title_without_text_points_at_its_entry_on_the_home_page(compilation):
    entry = search_index([compilation], directory_urls)["docs"][1]
    assert entry == {"title": "在全市森林防火工作推进会议上的讲话", "location": "./#toc-12"}
    assert search_index([compilation], html_urls)["docs"][1]["location"] == "index.html#toc-12"


def test_locations_follow_the_sites_url_style(compilation):
    assert search_index([compilation], html_urls)["docs"][0]["location"] == "speeches/01.html"


def test_the_files_hold_the_same_index_as_json_and_as_a_script_setting_a_global(compilation):
    index = search_index([compilation], directory_urls)
    files = index_files(index)
    assert set(files) == {INDEX_JSON, INDEX_SCRIPT}
    assert json.loads(files[INDEX_JSON]) == index
    prefix, data = files[INDEX_SCRIPT].split(" = ", 1)
    assert prefix == "var __index"
    assert json.loads(data.rstrip().removesuffix(";")) == index


def test_chinese_text_is_written_as_utf8_not_as_escapes(compilation):
    data = index_files(search_index([compilation], directory_urls))[INDEX_JSON]
    assert "于都县工商联" in data  # 3 bytes a character in UTF-8; an escape would take 6


def test_the_seed_index_holds_every_toc_entry_and_all_text_with_little_overhead(seed_compilation):
    index = search_index([seed_compilation], directory_urls)
    docs = index["docs"]
    assert [doc["title"] for doc in docs] == [seed_compilation.analysis.display_titles[s.number]
                                              for s in seed_compilation.speeches]  # duplicates carry their number
    assert sum("paragraphs" in doc for doc in docs) == 19
    assert [doc["location"] for doc in docs if "paragraphs" not in doc][0] == "./#toc-20"
    shown = [p.text for speech in seed_compilation.speeches for p in speech.paragraphs]
    assert [text for doc in docs for _, text, _ in doc.get("paragraphs", [])] == shown
    text_bytes = sum(len(text.encode()) for text in shown)
    assert len(index_files(index)[INDEX_JSON].encode()) < 1.08 * text_bytes


def test_a_build_writes_our_index_in_place_of_materials(tmp_path, project_dir, seed_compilation):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(project_dir / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    build(config)
    written = json.loads((tmp_path / "site" / INDEX_JSON).read_text(encoding="utf-8"))
    assert written == search_index([seed_compilation], directory_urls)
    assert not (tmp_path / "site" / INDEX_SCRIPT).exists()  # served over http: only the JSON is read


def test_the_offline_build_has_the_index_as_a_script_too(tmp_path, project_dir, seed_compilation):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(project_dir / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins["speechsite"].config.offline = True
    build(config)
    written = json.loads((tmp_path / "site" / INDEX_JSON).read_text(encoding="utf-8"))
    assert written == search_index([seed_compilation], html_urls)
    script = (tmp_path / "site" / INDEX_SCRIPT).read_text(encoding="utf-8")
    assert json.loads(script.removeprefix("var __index = ").rstrip().removesuffix(";")) == written


def test_the_seed_index_is_small_enough_to_stay_one_file(seed_compilation):
    data = index_files(search_index([seed_compilation], directory_urls))
    assert set(data) == {INDEX_JSON, INDEX_SCRIPT}
    assert len(data[INDEX_JSON].encode()) < SHARD_BYTES / 2


@pytest.fixture(scope="module")
def seed_index(seed_compilation) -> dict:
    return search_index([seed_compilation], directory_urls)


def test_a_large_index_is_split_into_runs_of_docs_that_hold_every_doc_once(seed_index):
    head, shards = split_index(seed_index, SMALL_SHARDS)
    assert len(shards) > 5
    assert [doc for shard in shards for doc in shard] == seed_index["docs"]  # in TOC order, none lost or repeated
    starts = [0] + [sum(len(shard) for shard in shards[:n]) for n in range(1, len(shards))]
    assert [(s["start"], s["count"]) for s in head["docs"]["shards"]] == list(zip(starts, map(len, shards)))
    for shard in shards:
        assert len(json.dumps(shard, ensure_ascii=False).encode()) <= SMALL_SHARDS or len(shard) == 1


def test_a_split_index_is_its_head_shards_and_postings_as_json_or_for_file_urls_as_scripts(seed_index):
    hosted = index_files(seed_index, SMALL_SHARDS, scripts=False, text_shard_bytes=SMALL_SHARDS)
    head, shards = split_index(seed_index, SMALL_SHARDS)
    assert json.loads(hosted[INDEX_JSON]) == head
    assert head["config"] == seed_index["config"]  # Material's highlighter reads it
    postings = head["docs"]["postings"]
    files = sum(segment["files"] for segment in postings["segments"])
    assert len(hosted) == 1 + len(shards) + files
    assert {path.split("/")[1]: path.split(".", 1)[1] for path in hosted} == {  # the shards gzipped
        "search_index.json": "json", "shards": "json.gz", "postings": "json"}
    for entry, docs in zip(head["docs"]["shards"], shards):
        assert json.loads(hosted[entry["data"]]) == docs
        written = file_bytes(entry["data"], hosted[entry["data"]])
        text = hosted[entry["data"]].encode()
        assert gzip.decompress(written) == text and len(written) < 0.7 * len(text)
        assert written == file_bytes(entry["data"], hosted[entry["data"]])  # no time in it: the same text, the same
    assert file_bytes(INDEX_JSON, hosted[INDEX_JSON]) == hosted[INDEX_JSON].encode()
    offline = index_files(seed_index, SMALL_SHARDS, text_shard_bytes=SMALL_SHARDS)
    offline_head = json.loads(offline[INDEX_JSON])
    assert offline[INDEX_SCRIPT] == f"var __index = {offline[INDEX_JSON]};\n"
    assert len(offline) == 2 + len(shards) + files  # the head as both, the rest as scripts only
    for entry, hosted_entry in zip(offline_head["docs"]["shards"], head["docs"]["shards"]):
        assert set(entry) == {"start", "count", "script"}
        assert offline[entry["script"]] == f'{SHARDS_GLOBAL}["{entry["script"]}"] = {hosted[hosted_entry["data"]]};\n'
    script = offline_head["docs"]["postings"]["script"].format(0, 0)
    assert offline[script] == f'{SHARDS_GLOBAL}["{script}"] = {hosted[postings["data"].format(0, 0)]};\n'


def test_the_head_holds_each_docs_title_address_and_length_and_little_else(seed_index):
    head, _ = split_index(seed_index, SMALL_SHARDS)
    docs = seed_index["docs"]
    assert head["docs"]["entries"] == [[doc["title"], doc["location"], None, len(haystack(doc)),
                                        int("paragraphs" in doc)] for doc in docs]
    with_text = [doc for doc in docs if "paragraphs" in doc]
    assert head["docs"]["text"] == {"count": 19, "length": sum(len(haystack(doc)) for doc in with_text)}
    assert len(json.dumps(head, ensure_ascii=False).encode()) < 150 * len(docs)


def _numbers(base64_text: str) -> list[int]:
    """The unsigned LEB128 numbers of a postings value (as search-engine.js reads them)."""
    found, value, shift = [], 0, 0
    for byte in base64.b64decode(base64_text + "=" * (-len(base64_text) % 4)):
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            found.append(value)
            value, shift = 0, 0
    return found


def _code_units(text: str) -> str:
    """Text as JavaScript holds it: a character beyond U+FFFF as its two halves."""
    data = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(data[i:i + 2], "little")) for i in range(0, len(data), 2))


def _read_postings(files: dict[str, str], head: dict) -> tuple[dict, dict]:
    """{pair: [positions]} and {character: {doc: count}} over all docs, as the files of every segment say (positions
    in the run of all haystacks, docs by their place in TOC order), checking each is in the file its hash names."""
    postings, lengths = head["docs"]["postings"], [entry[3] for entry in head["docs"]["entries"]]
    pairs, characters = collections.defaultdict(list), collections.defaultdict(dict)
    for segment, entry in enumerate(postings["segments"]):
        base = sum(length + 1 for length in lengths[:entry["start"]])
        for number in range(entry["files"]):
            content = json.loads(files[postings["data"].format(segment, number)])
            for pair, data in content["p"].items():
                pair = _code_units(pair)  # Python's JSON joins two escaped halves into one character; JavaScript's not
                assert _hash(ord(pair[0]) + 65536 * ord(pair[1]), PAIR_SEED) % entry["files"] == number
                numbers = _numbers(data)
                pairs[pair] += [base + sum(numbers[:i + 1]) for i in range(len(numbers))]
            for character, data in content["c"].items():
                assert _hash(ord(character), CHARACTER_SEED) % entry["files"] == number
                numbers = _numbers(data)
                characters[character].update(zip(
                    [entry["start"] + sum(numbers[0:i + 1:2]) for i in range(0, len(numbers), 2)], numbers[1::2]))
    return pairs, characters


def test_numbers_are_written_as_unsigned_leb128_however_large():
    """The whole table of bytes _leb128 makes at once, against the format written out one number at a time."""
    def one_by_one(number: int) -> bytes:
        out = bytearray()
        while True:
            out.append(number & 0x7F | (0x80 if number >> 7 else 0))
            number >>= 7
            if not number:
                return bytes(out)

    edges = [0, 1, 127, 128, 255, 16_383, 16_384, 2 ** 21 - 1, 2 ** 21, 2 ** 32, 2 ** 63, 2 ** 64 - 1]
    spread = numpy.random.default_rng(7).integers(0, 2 ** 40, 5_000, dtype=numpy.uint64).tolist()
    for numbers in (edges, spread, [5, 3, 0], []):
        data, ends = _leb128(numpy.array(numbers, numpy.uint64))
        assert data.tobytes() == b"".join(map(one_by_one, numbers))
        assert ends.tolist() == list(itertools.accumulate(len(one_by_one(number)) for number in numbers))


def test_the_hash_of_many_keys_at_once_is_each_keys_hash():
    """Arrays are hashed in 32-bit arithmetic; one key, as search-engine.js does, with masks."""
    keys = [0, 1, 65_535, 65_536, 0x4E00 + 65_536 * 0x4E8C, 2 ** 32 - 1,
            *numpy.random.default_rng(8).integers(0, 2 ** 32, 2_000).tolist()]
    for seed in (PAIR_SEED, CHARACTER_SEED):
        assert _hash(numpy.array(keys, numpy.uint64), seed).tolist() == [_hash(key, seed) for key in keys]


@pytest.mark.parametrize("segment_characters", [2_000_000, 30_000])
def test_the_postings_say_where_every_pair_and_every_character_occurs(seed_index, segment_characters):
    """Positions in the run of all haystacks, each followed by a line feed; pairs with a line feed left out."""
    files = index_files(seed_index, SMALL_SHARDS, scripts=False, segment_characters=segment_characters)
    head = json.loads(files[INDEX_JSON])
    assert (len(head["docs"]["postings"]["segments"]) > 2) == (segment_characters < 100_000)
    pairs, characters = _read_postings(files, head)
    texts = [haystack(doc) for doc in seed_index["docs"]]
    run = "".join(text + "\n" for text in texts)
    expected_pairs = collections.defaultdict(list)
    for at in range(len(run) - 1):
        if "\n" not in run[at:at + 2]:
            expected_pairs[run[at:at + 2]].append(at)
    assert pairs == expected_pairs
    expected_characters = collections.defaultdict(dict)
    for number, text in enumerate(texts):
        for character, count in collections.Counter(text.replace("\n", "")).items():
            expected_characters[character][number] = count
    assert characters == expected_characters


def test_postings_keep_halves_of_characters_beyond_u_ffff_as_the_engine_sees_them():
    index = {"config": {}, "docs": [{"title": "古文𠀀字", "location": "a/", "paragraphs": [["p1", "又见𠀀字" * 5000, 0]]}]}
    files = index_files(index, 1_000, scripts=False)
    for path, content in files.items():
        content.encode("utf-8")  # no lone surrogate written raw: escaped in the JSON
    pairs, characters = _read_postings(files, json.loads(files[INDEX_JSON]))
    high, low = fold("𠀀")
    assert pairs[high + low][:2] == [2, 8] and pairs["见" + high] == [7 + 5 * n for n in range(5000)]
    assert characters[low] == {0: 5001}


@pytest.mark.parametrize("text, folded", [
    ("全县ＧＤＰ增长，Rcep", "全县gdp增长,rcep"),           # full-width forms to ASCII, Latin to lower case
    ("常委 会议\u3000听取\u200b了\n汇报\ufeff", "常委会议听取了汇报"),  # white space as JavaScript's \s, and U+200B
    ("ΣΑΣ", "σασ"),                                         # one character at a time: no final sigma
    ("İstanbul", "İstanbul"),                               # İ lowers to two characters: left as it is
    ("𐐀𝐀x", "\ud801\udc00\ud835\udc00x"),                # beyond U+FFFF: two surrogates, not folded
    ("防\u202e汛\u202d抗\u2066旱\u200d\U000e0041", "防汛抗旱"),  # format characters (Cf) are dropped
])
def test_fold_is_the_engines_fold(text, folded):
    assert fold(text) == folded


def test_fold_drops_every_format_character():
    """Bidi overrides and isolates, joiners, soft hyphens, tags: invisible, so a reader cannot type or omit them."""
    kept = [hex(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"
            and fold(chr(code))]
    assert kept == []


def test_no_term_runs_from_one_field_into_the_next(compilation):
    """The engine searches the haystack: the title and each paragraph folded, with a line feed (which no folded term
    holds) between them."""
    speech = search_index([compilation], directory_urls)["docs"][0]
    fields = ["在于都县工商联大会上的讲话", "同志们：", "一、统一思想", "抓好ＧＤＰ，<script>不是标签</script> [x](y) {{ y }}"]
    assert haystack(speech) == "\n".join(map(fold, fields))
    assert "讲话同志们" not in haystack(speech) and "讲话" in haystack(speech)


def test_several_compilations_are_searched_together_and_named(seed_compilation, tmp_path):
    import copy

    other = copy.deepcopy(seed_compilation)
    other.title = "另一部汇编"
    first, second = copy.deepcopy(seed_compilation), other
    first.place_under("first")
    second.place_under("second")
    docs = search_index([first, second], lambda uri: uri.removesuffix(".md") + "/")["docs"]
    assert len(docs) == 2 * len(seed_compilation.speeches)
    assert docs[0]["collection"] == seed_compilation.title and docs[-1]["collection"] == "另一部汇编"
    assert docs[0]["location"] == "first/speeches/01/" and docs[-1]["location"] == "second/index/#toc-59"
    assert [d["title"] for d in docs if d["title"].startswith("在市委政协工作会议上的讲话")][:2] == [
        "在市委政协工作会议上的讲话（第22篇）", "在市委政协工作会议上的讲话（第25篇）"]


def _archive_index(edited: str = "") -> dict:
    """Three compilations of ten docs each, about 3 kB of JSON per doc."""
    docs = [{"title": f"第{n}篇", "location": f"c{c}/speeches/{n:02}/", "collection": f"汇编{c}",
             "paragraphs": [[f"p-{k}", f"{c}号汇编第{n}篇第{k}段：推进改革发展稳定各项工作。" * 10
                             + (edited if (c, n, k) == (1, 3, 0) else ""), 0] for k in range(3)]}
            for c in range(3) for n in range(10)]
    return {"config": {"separator": HIGHLIGHT_SEPARATOR}, "docs": docs}


def test_an_edit_to_one_compilation_changes_its_own_shards_only():
    head, shards = split_index(_archive_index(), 40_000)
    assert [{doc["collection"] for doc in shard} for shard in shards] == [{"汇编0"}, {"汇编1"}, {"汇编2"}]
    edited_head, edited_shards = split_index(_archive_index("新增的一句话。"), 40_000)
    assert [old != new for old, new in zip(shards, edited_shards)] == [False, True, False]
    assert head["docs"]["collections"] == ["汇编0", "汇编1", "汇编2"] and head["docs"]["entries"][10][2] == 1
    assert edited_head["docs"]["text"]["length"] == head["docs"]["text"]["length"] + len("新增的一句话。")


def test_an_edit_to_one_compilation_changes_its_own_segments_postings_only():
    index, edited = _archive_index(), _archive_index("新增的一句话。")
    files, edited_files = (index_files(each, 40_000, segment_characters=5_000) for each in (index, edited))
    segments = json.loads(files[INDEX_JSON])["docs"]["postings"]["segments"]
    assert [segment["start"] for segment in segments] == [0, 10, 20]  # a segment per compilation
    changed = {path.split("/")[-1].split("-")[0] for path in files
               if "postings" in path and files[path] != edited_files[path]}
    assert changed == {"1"}


def test_segments_double_at_most_segment_doublings_times_then_grow_in_number():
    """So an edit makes the postings of at most a segment of 4 × the smallest (plus a doc) at any archive size; an
    archive beyond SEGMENTS such segments gets more of them (search-engine.js answers first from the first few)."""
    docs = _archive_index()["docs"]  # 30 docs of about 700 characters
    size = lambda segment: sum(len(haystack(doc)) for doc in segment.docs)  # noqa: E731
    capped = postings_segments(docs, segment_characters=100)
    assert len(capped) > SEGMENTS
    assert max(map(size, capped)) <= 2 * 100 * 2 ** SEGMENT_DOUBLINGS + max(len(haystack(doc)) for doc in docs)
    assert len(postings_segments(docs, segment_characters=2_000)) <= SEGMENTS  # below the cap: doubled as before


def test_postings_are_kept_in_the_cache_by_the_texts_they_come_from(seed_index, tmp_path):
    made = index_files(seed_index, SMALL_SHARDS)
    assert index_files(seed_index, SMALL_SHARDS, cache_dir=tmp_path) == made
    entry, = tmp_path.glob(f"*{POSTINGS_SUFFIX}")
    entry.write_text(entry.read_text(encoding="utf-8").replace('"p":{', '"p":{"XY":"AQ",', 1), encoding="utf-8")
    kept = index_files(seed_index, SMALL_SHARDS, cache_dir=tmp_path)
    assert kept != made and '"XY":"AQ"' in "".join(kept.values())  # read from the cache, not made again
    edited = json.loads(json.dumps(seed_index))
    edited["docs"][0]["paragraphs"][0][1] += "新增"
    assert index_files(edited, SMALL_SHARDS, cache_dir=tmp_path) == index_files(edited, SMALL_SHARDS)
    assert len(list(tmp_path.glob(f"*{POSTINGS_SUFFIX}"))) == 2


def test_postings_entries_do_not_depend_on_where_the_pages_are(seed_compilation, tmp_path):
    """python build.py makes them before its builds know their pages' addresses (plugin.search_postings_ahead), for
    both builds, whose addresses differ: so they must be the entries each build looks for."""
    entries = {tuple(postings.entry for postings in postings_segments(
        search_index([seed_compilation], url_of)["docs"], tmp_path, segment_characters=50_000))
        for url_of in (directory_urls, html_urls, lambda src_uri: src_uri)}
    assert len(entries) == 1 and len(next(iter(entries))) > 1


def test_while_one_process_makes_the_postings_another_returns_at_once_and_its_build_waits_for_them(seed_index,
                                                                                                 tmp_path):
    """Two builds at once (two runs on one project) each start a child making the postings: one makes them, the
    other child ends at once (a forked child that waits holds on to memory), and its build waits before it reads
    them."""
    segments = postings_segments(seed_index["docs"], tmp_path, segment_characters=SMALL_SHARDS)
    with locked(tmp_path / "making"):  # as the other build's child holds it while making
        making = threading.Thread(target=make_postings, args=(segments,), daemon=True)
        making.start()
        making.join(5)
        assert not making.is_alive() and not list(tmp_path.glob(f"*{POSTINGS_SUFFIX}"))  # returned, made none
        waited = threading.Thread(target=wait_for_postings, args=(segments,))
        waited.start()
        waited.join(0.3)
        assert waited.is_alive()  # the build waits while they are being made
    waited.join(5)
    assert not waited.is_alive()
    make_postings(segments)
    assert len(list(tmp_path.glob(f"*{POSTINGS_SUFFIX}"))) == len(segments) > 1


def test_segments_named_by_their_compilations_cache_keys_hold_the_postings_of_their_texts(seed_compilation, tmp_path):
    """The builds name a segment's cache entry by its compilations' keys (text_keys) instead of digesting its texts:
    the files are the same, and a compilation whose key changed (an edited seed) changes its own segments only."""
    first, second = copy.deepcopy(seed_compilation), copy.deepcopy(seed_compilation)
    first.cache_key, second.cache_key = "key-of-the-first", "key-of-the-second"
    second.title = "另一部汇编"  # a compilation begins where the collection's title changes
    docs = search_index([first, second], directory_urls)["docs"]
    keys = text_keys([first, second])
    assert len(keys) == len(docs) == 2 * len(seed_compilation.speeches)
    named = postings_segments(docs, tmp_path / "named", segment_characters=50_000, keys=keys)
    digested = postings_segments(docs, tmp_path / "digested", segment_characters=50_000)
    assert len(named) >= 2 and [list(p.files()) for p in named] == [list(p.files()) for p in digested]
    second.cache_key = "the-second-edited"
    renamed = postings_segments(docs, tmp_path / "named", segment_characters=50_000, keys=text_keys([first, second]))
    changed = [old.entry != new.entry for old, new in zip(named, renamed)]
    of_the_first = {id(doc) for doc in docs[:len(seed_compilation.speeches)]}
    only_the_first = sum(all(id(doc) in of_the_first for doc in postings.docs) for postings in named)
    assert only_the_first > 0 and changed == [False] * only_the_first + [True] * (len(named) - only_the_first)
    second.cache_key = ""  # not read through the compilation cache: the texts are digested
    assert text_keys([first, second]) is None
