"""The search engine on its own (templates/theme/assets/speechsite/search-engine.js), in Chromium, on small indexes:
what matches, how results rank, and what Material is given to render; and on the seed's index split into a head,
postings and shards: the same answers, from the postings of its terms and the shards of its first results only."""

from __future__ import annotations

import json
import random

import pytest

from speechsite.search_index import CHARACTER_SEED, PAIR_SEED, _hash, fold, haystack, index_files, search_index
from tests.e2e.conftest import PROJECT_DIR
from tests.test_search_index import SMALL_SHARDS, directory_urls

ENGINE = PROJECT_DIR / "templates" / "theme" / "assets" / "speechsite" / "search-engine.js"

DOCS = [
    {"title": "在于都县工商联大会上的讲话", "location": "speeches/01/", "paragraphs": [
        ["p1", "同志们：", 0],
        ["p2", "一、抓好经济", 2],
        ["p3", "全县ＧＤＰ增长，Rcep 带来机遇。森林", 0],
        ["p4", "防火要抓紧，<b>不是标签</b>。", 0],
    ]},
    {"title": "在全市教育大会上的讲话", "location": "speeches/02/", "paragraphs": [
        ["p1", "教育教育教育，于都也讲教育。", 0],
        ["p2", "常委 会议听取了汇报。", 0],
    ]},
    {"title": "在全市森林防火工作推进会议上的讲话", "location": "./#toc-03"},
    {"title": "在防汛工作会议上的讲话", "location": "speeches/04/", "paragraphs": [
        ["p1", "做好防\u202e汛\u202d抗\u2066旱\u200d工作。", 0],   # format characters: bidi overrides, isolate, ZWJ
    ]},
]


@pytest.fixture(scope="module")
def engine_page(chromium):
    page = chromium.new_page()
    page.add_script_tag(path=str(ENGINE))
    page.evaluate("docs => { window.engine = new SpeechsiteSearch.Engine(docs) }", DOCS)
    yield page
    page.close()


def search(page, query: str) -> list[list[dict]]:
    return page.evaluate("query => engine.search(query).items", query)


def locations(page, query: str) -> list[str]:
    """What each result is about, best first: a speech's page, or a TOC entry on the home page."""
    return [group[-1]["location"] for group in search(page, query)]


@pytest.mark.parametrize("query, expected", [
    ("于都", ["speeches/01/", "speeches/02/"]),
    ("于都 教育", ["speeches/02/"]),             # every term must occur
    ("于都县 教育", []),
    ("gdp", ["speeches/01/"]),                 # case and width fold: the text has ＧＤＰ
    ("ＲＣＥＰ", ["speeches/01/"]),
    ("，rcep", ["speeches/01/"]),              # full-width punctuation folds too
    ("常委会议", ["speeches/02/"]),             # white space in the text is ignored
    ('"常委 会议"', ["speeches/02/"]),          # … and inside a quoted phrase
    ("讲话同志们", []),                         # the title and a paragraph are two fields: no term spans them
    ("森林防火", ["./#toc-03"]),                # … nor two paragraphs (01 has 森林 at one's end, 防火 at the next's start)
    ("防汛抗旱", ["speeches/04/"]),             # format characters (Unicode Cf) in the text are ignored
    ("防\u200d汛\u202e抗旱", ["speeches/04/"]),  # … and in the query
    ("全\u2066县ｇ\u202dＤＰ", ["speeches/01/"]),  # … also where the text has none
    ("\u200d", []),
    ('"于都 也讲', ["speeches/02/"]),           # an unclosed quote runs to the end: one phrase, 于都也讲
    ("量子", []),
    ("", []),
    ("   ", []),
])
def test_a_page_matches_when_it_contains_every_term(engine_page, query, expected):
    assert locations(engine_page, query) == expected


def test_quoted_words_are_one_phrase(engine_page):
    assert engine_page.evaluate("() => SpeechsiteSearch.parseQuery('于都 \"常委 会议\" ＧＤＰ 于都')") == [
        "于都", "常委会议", "gdp"]


def test_title_hits_rank_first_then_frequency(engine_page):
    assert locations(engine_page, "教育")[0] == "speeches/02/"    # in the title
    assert locations(engine_page, "讲话")[-1] == "./#toc-03"    # titles without text come last
    scores = [group[0]["score"] for group in search(engine_page, "于都")]
    assert scores[0] > scores[1] > 0  # 01 has 于都 in its title


def test_a_speech_result_is_its_title_and_the_paragraph_of_the_first_hit(engine_page):
    paragraph, article = search(engine_page, "抓")[0]
    assert paragraph["location"] == "speeches/01/#p2"
    assert paragraph["title"] == "一、<mark>抓</mark>好经济"  # a hit in a heading: the heading, no snippet
    assert paragraph["text"] == ""
    assert paragraph["score"] > article["score"] == 0  # Enter opens the paragraph
    assert article == {"location": "speeches/01/", "title": "在于都县工商联大会上的讲话", "text": "",
                       "score": 0, "terms": {"抓": True}}
    assert search(engine_page, "机遇")[0][0]["title"] == "一、抓好经济"  # the heading it falls under
    assert search(engine_page, "汇报")[0][0]["title"] == "第 2 段"  # no heading before it


def test_marks_show_the_text_as_shown_and_escape_it(engine_page):
    paragraph, article = search(engine_page, "gdp 标签")[0]
    assert paragraph["text"] == "<p>全县<mark>ＧＤＰ</mark>增长，Rcep 带来机遇。森林</p>"
    assert paragraph["terms"] == {"ＧＤＰ": True, "标签": True}  # for Material's highlighting on the page
    paragraph, _ = search(engine_page, "标签")[0]
    assert paragraph["text"] == "<p>防火要抓紧，&lt;b&gt;不是<mark>标签</mark>&lt;/b&gt;。</p>"
    assert article["title"] == "在于都县工商联大会上的讲话"


def test_results_mark_what_was_typed_in_text_with_format_characters(engine_page):
    paragraph, _ = search(engine_page, "防\u200d汛抗旱")[0]
    assert paragraph["text"] == "<p>做好<mark>防\u202e汛\u202d抗\u2066旱</mark>\u200d工作。</p>"
    assert paragraph["terms"] == {"防\u202e汛\u202d抗\u2066旱": True}  # as the page shows it, for its highlighting


def test_a_long_paragraph_is_cut_around_the_first_hit(chromium):
    page = chromium.new_page()
    page.add_script_tag(path=str(ENGINE))
    text = "甲" * 200 + "于都" + "乙" * 200
    docs = [{"title": "标题", "location": "speeches/01/", "paragraphs": [["p1", text, 0]]}]
    snippet = page.evaluate("docs => new SpeechsiteSearch.Engine(docs).search('于都').items[0][0].text", docs)
    page.close()
    assert snippet.startswith("<p>…" + "甲" * 20 + "<mark>于都</mark>乙") and snippet.endswith("乙…</p>")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) == len("<p>…</p>…") + 110


def test_a_title_without_text_is_tagged(engine_page):
    (entry,), = search(engine_page, "推进")
    assert entry == {"location": "./#toc-03", "title": "在全市森林防火工作<mark>推进</mark>会议上的讲话", "text": "",
                     "tags": ["正文未收录"], "score": 0, "terms": {"推进": True}}


def test_messages_follow_materials_protocol(engine_page):
    replies = engine_page.evaluate("""docs => {
      const replies = []
      const answer = SpeechsiteSearch.handler(reply => replies.push(reply))
      answer({ type: 0, data: { config: {}, docs, options: {} } })
      answer({ type: 2, data: "于都" })
      return replies
    }""", DOCS)
    assert replies[0] == {"type": 1}
    assert replies[1]["type"] == 3 and len(replies[1]["data"]["items"]) == 2


# ------------------------------------------------------------------------------------------------- A split index

QUERIES = ["于都", "到位、物资到", "政协 数量", "gdp", "ＧＤＰ", "防火", "教育", '"常委 会议"', "同志们 脱贫", "发展", "抓",
           "温阅井"]


SNIPPETS = 20
"""A split index's results shown with their snippets (SNIPPETS in search-engine.js)."""


@pytest.fixture(scope="module")
def seed_split(seed_compilation):
    """The seed's index whole, and split: (docs, head, {path: content} of its shards and postings files, in a few
    segments)."""
    index = search_index([seed_compilation], directory_urls)
    files = index_files(index, SMALL_SHARDS, scripts=False, text_shard_bytes=SMALL_SHARDS,
                        segment_characters=SMALL_SHARDS)
    head = json.loads(files.pop("search/search_index.json"))
    return index["docs"], head, {path: json.loads(content) for path, content in files.items()}


@pytest.fixture
def split_page(chromium, seed_split):
    """A page with the engine and `fresh()`, which makes `split`: the split seed index, loading its files from
    memory, recorded in `loads`; a file named in `held` waits until `release()` is called, one in `failing` fails;
    `firstSegments` as SplitIndex takes it (by default the engine's own)."""
    docs, head, files = seed_split
    page = chromium.new_page()
    page.add_script_tag(path=str(ENGINE))
    page.evaluate("""([docs, head, files]) => {
      window.whole = new SpeechsiteSearch.Engine(docs)
      window.fresh = (held = [], failing = [], firstSegments = undefined) => {
        window.loads = []
        const waiting = []
        window.release = () => waiting.forEach(resolve => resolve())
        window.split = new SpeechsiteSearch.SplitIndex(head.docs, file => {
          loads.push(file.data)
          if (failing.includes(file.data))
            return Promise.reject(new Error("cannot load " + file.data))
          const loaded = Promise.resolve(files[file.data])
          return held.includes(file.data) ? new Promise(resolve => waiting.push(resolve)).then(() => loaded) : loaded
        }, firstSegments)
      }
      /* every answer to a query, once the last has come */
      window.answers = async query => {
        const answers = []
        await split.query(query, result => answers.push(result))
        return answers
      }
    }""", [docs, head, files])
    yield page
    page.close()


def random_queries(docs: list[dict], count: int) -> list[str]:
    """Runs of one to seven characters of the docs' titles and paragraphs as shown, some with a second term."""
    rng = random.Random(0)
    queries = []
    for _ in range(count):
        doc = rng.choice(docs)
        text = rng.choice([doc["title"], *(text for _, text, _ in doc.get("paragraphs", []))])
        length = rng.randint(1, 7)
        start = rng.randrange(max(1, len(text) - length))
        query = text[start:start + length].strip() or "的"
        queries.append(query + (" " + rng.choice(docs)["title"][:2] if rng.random() < 0.3 else ""))
    return queries


def test_a_split_index_answers_exactly_as_the_whole_index(split_page, seed_split):
    """The same pages in the same order with the same scores; the first SNIPPETS the same in every respect, the
    others with their titles only (each opens its page, where the terms are marked)."""
    docs, _, _ = seed_split
    split_page.evaluate("() => fresh()")
    for query in QUERIES + random_queries(docs, 150):
        answers, whole = split_page.evaluate("async query => [await answers(query), whole.search(query)]", query)
        split, whole = answers[-1]["items"], whole["items"]
        assert split[:SNIPPETS] == whole[:SNIPPETS], query
        assert [(g[-1]["location"], g[-1]["title"], g[0]["score"]) for g in split] == \
            [(g[-1]["location"], g[-1]["title"], g[0]["score"]) for g in whole], query
        assert all(len(group) == 1 and group[0]["text"] == "" for group in split[SNIPPETS:])
    assert len(split_page.evaluate("() => whole.search('的').items")) > SNIPPETS  # the rule above was used


def test_a_query_loads_the_postings_of_its_pairs_and_the_shards_of_its_first_results(split_page, seed_split):
    docs, head, files = seed_split
    postings, shards = head["docs"]["postings"], head["docs"]["shards"]
    assert len(postings["segments"]) > 2  # a file of each segment for each pair
    for query in QUERIES:
        terms = split_page.evaluate("query => SpeechsiteSearch.parseQuery(query)", query)
        loads = split_page.evaluate("async query => { fresh(); await answers(query); return loads }", query)
        assert len(loads) == len(set(loads)), query
        keys = []
        for term in terms:
            if len(term) == 1:
                keys.append(_hash(ord(term), CHARACTER_SEED))
            else:
                offsets = sorted({*range(0, len(term) - 1, 2), len(term) - 2})
                keys += [_hash(ord(term[at]) + 65536 * ord(term[at + 1]), PAIR_SEED) for at in offsets]
        wanted = {postings["data"].format(number, key % segment["files"])
                  for key in keys for number, segment in enumerate(postings["segments"])}
        speech_at = {doc["location"]: order for order, doc in enumerate(docs) if "paragraphs" in doc}
        results = [group[-1]["location"] for group in split_page.evaluate("q => whole.search(q).items", query)]
        shown = [speech_at[location] for location in results if location in speech_at][:SNIPPETS]
        holding = {next(s["data"] for s in reversed(shards) if s["start"] <= order) for order in shown}
        assert set(loads) == wanted | holding, query
    assert all("postings" in path for path in
               split_page.evaluate("async () => { fresh(); await answers('温阅井'); return loads }"))


@pytest.mark.parametrize("text", ["全县ＧＤＰ增长，Rcep", "常委 会议\u3000听取\u200b了\n汇报\ufeff\u00a0", "ΣΑΣ İstanbul Kelvin\u212a",
                                  "𐐀𝐀x", "Ⅻ ⓐⒶ ǅ", "防\u202e汛\u00ad抗\u2066旱\u200d\U000e0041\U0001d173𝐀"])
def test_the_engine_folds_text_as_search_index_py_does(engine_page, text):
    """The postings and the speeches' lengths in a split index's head are computed in Python on text folded alike."""
    units = engine_page.evaluate("text => SpeechsiteSearch.fold(text).split('').map(c => c.charCodeAt(0))", text)
    assert units == [ord(unit) for unit in fold(text)]


def test_the_engine_drops_the_characters_search_index_py_drops(engine_page):
    """White space and format characters, from one table in each language: every code point is asked."""
    dropped = engine_page.evaluate("""() => {
      const dropped = []
      for (let code = 0; code <= 0x10ffff; code++)
        if ((code < 0xd800 || code > 0xdfff) && SpeechsiteSearch.fold(String.fromCodePoint(code)) === "")
          dropped.push(code)
      return dropped
    }""")
    assert dropped == [code for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF and fold(chr(code)) == ""]


def shard_holding(files: dict, term: str) -> str:
    return next(path for path, docs in files.items() if "shards" in path and any(term in haystack(doc) for doc in docs))


def test_answers_to_an_earlier_query_are_dropped(split_page, seed_split):
    _, head, files = seed_split
    held = shard_holding(files, "于都")
    answers = split_page.evaluate("""async held => {
      fresh([held])
      const answers = []
      const earlier = split.query("于都", result => answers.push(["于都", result.items.length]))
      split.query("温阅井", result => answers.push(["温阅井", result.items.length]))
      await new Promise(resolve => setTimeout(resolve, 300))
      release()
      await earlier
      return answers
    }""", held)
    assert answers == [["温阅井", 0]]


def test_a_shard_that_cannot_be_loaded_leaves_its_results_with_their_titles_and_is_tried_again(split_page, seed_split):
    _, head, files = seed_split
    failing = shard_holding(files, "于都")
    answers, error, tries = split_page.evaluate("""async failing => {
      fresh([], [failing])
      const answers = []
      const error = await split.query("抓 于都", result => answers.push(result.items)).catch(error => error.message)
      await split.query("于都", () => {}).catch(() => {})
      return [answers, error, loads.filter(path => path === failing).length]
    }""", failing)
    whole = split_page.evaluate("() => whole.search('抓 于都').items")
    assert [group[-1]["location"] for group in answers[-1]] == [group[-1]["location"] for group in whole]
    assert answers[-1][0][0]["text"] == "" and whole[0][0]["text"] != ""
    assert error == "cannot load " + failing and tries == 2


def test_a_postings_file_that_cannot_be_loaded_gives_no_answer_and_is_tried_again(split_page, seed_split):
    _, head, _ = seed_split
    postings = head["docs"]["postings"]
    segment = postings["segments"][-2]
    failing = postings["data"].format(len(postings["segments"]) - 2,
                                      _hash(ord("于") + 65536 * ord("都"), PAIR_SEED) % segment["files"])
    answers, error, tries = split_page.evaluate("""async failing => {
      fresh([], [failing])
      const answers = []
      const error = await split.query("于都", result => answers.push(result.items)).catch(error => error.message)
      await split.query("于都", () => {}).catch(() => {})
      return [answers, error, loads.filter(path => path === failing).length]
    }""", failing)
    assert answers == [] and error == "cannot load " + failing and tries == 2


def test_the_complete_answer_comes_before_the_texts_of_its_first_results(split_page, seed_split):
    _, head, files = seed_split
    held = [path for path in files if "shards" in path]
    split_page.evaluate("held => { fresh(held); window.early = []; window.pending = split.query('发展', r => early.push(r)) }",
                        held)
    split_page.wait_for_timeout(300)
    first = split_page.evaluate("() => early")
    split_page.evaluate("() => release()")
    answers, whole = split_page.evaluate("async () => { await pending; return [early, whole.search('发展')] }")
    assert len(first) == 1 and len(answers) == 2 and answers[-1]["items"][:SNIPPETS] == whole["items"][:SNIPPETS]
    pages = [[group[-1]["location"] for group in answer["items"]] for answer in (first[0], whole)]
    assert pages[0] == pages[1] and all(group[0]["text"] == "" for group in first[0]["items"])


def test_with_more_segments_the_first_ones_give_first_results_while_the_others_load(split_page, seed_split):
    """An archive beyond SEGMENTS segments (search_index.py): the docs of the first segments are ranked as soon as
    their files are in, each containing what was typed; the complete answer is the whole index's."""
    docs, head, files = seed_split
    postings = head["docs"]["postings"]
    later = [path for path in files if "postings" in path and not path.rsplit("/", 1)[-1].startswith("0-")]
    in_first = {doc["location"] for doc in docs[:postings["segments"][1]["start"]]}
    split_page.evaluate("""held => { fresh(held, [], 1); window.early = []
                                     window.pending = split.query('发展', r => early.push(r)) }""", later)
    split_page.wait_for_timeout(300)
    first = split_page.evaluate("() => early")
    split_page.evaluate("() => release()")
    answers, whole = split_page.evaluate("async () => { await pending; return [early, whole.search('发展')] }")
    pages = lambda answer: [group[-1]["location"] for group in answer["items"]]  # noqa: E731
    assert len(first) == 1 and sorted(pages(first[0])) == sorted(page for page in pages(whole) if page in in_first)
    assert answers[-1]["items"][:SNIPPETS] == whole["items"][:SNIPPETS] and pages(answers[-1]) == pages(whole)


def test_first_segments_without_a_result_show_nothing_before_the_complete_answer(split_page, seed_split):
    docs, head, files = seed_split
    postings = head["docs"]["postings"]
    start = postings["segments"][1]["start"]
    first_text = "".join(haystack(doc) for doc in docs[:start])
    last = next(doc for doc in reversed(docs) if "paragraphs" in doc)
    text = haystack(last).split("\n")[1]  # its first paragraph, as the engine searches it
    term = next(text[at:at + 4] for at in range(len(text) - 3) if text[at:at + 4] not in first_text)
    answers = split_page.evaluate("async term => { fresh([], [], 1); return answers(term) }", term)
    assert answers and all(answer["items"] for answer in answers)  # never an empty list before the results
    assert last["location"] in {group[-1]["location"] for group in answers[-1]["items"]}
