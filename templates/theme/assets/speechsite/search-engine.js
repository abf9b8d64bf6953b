/*
 * Our search engine behind Material's search box: a page matches when its text contains every term the reader typed.
 *
 * It answers Material's search messages (SETUP → READY, QUERY → RESULT) with the index that
 * speechsite/search_index.py writes to search/search_index.json: Material's bundle loads that file and hands it over
 * in the SETUP message. A large index is split, and that file is only its head: the engine then loads with each
 * query the shards that may hold its terms, through the function it is given (search-worker.js fetches JSON;
 * search-setup.js, from file://, adds <script> tags). The same file runs inside the worker (search-worker.js, hosted
 * site) and on the page itself (search-setup.js, file://).
 *
 * Matching ignores white space and format characters (bidi controls, joiners: invisible) and folds full-width forms
 * to ASCII (ＡＢＣ = ABC, ，= ,) and Latin letters to lower case, in the text and in the query alike. Every fold maps one
 * character to one character, so a position in folded text maps back to the text as shown. A term is found within
 * one field, the title or a paragraph, never across two.
 */
(function (global) {
  "use strict"

  /* Material's message types (integrations/search/worker/message in its sources) */
  const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3

  /* Unicode's format characters (category Cf), as FORMAT_CHARACTERS in search_index.py: a table, not \p{Cf}, so that a
     browser with another version of Unicode drops the same ones as the build */
  const FORMAT = "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e" +
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\u{110bd}\u{110cd}\u{13430}-\u{1343f}" +
    "\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0001}\u{e0020}-\u{e007f}"
  const FORMAT_CHARACTER = new RegExp("[" + FORMAT + "]", "u")
  const IGNORED = new RegExp("[\\s" + FORMAT + "]", "u")   /* what fold drops: white space and format characters */
  const SPACES = /\s+/                /* white space: it separates the terms of a query */
  const EVERY_SPACE = /\s+/g
  const FIELD_SEPARATOR = "\n"        /* between fields in a haystack: white space, in no folded term */
  /* all but what folds to itself (ASCII but A–Z, and CJK), whole characters: every format character is among them */
  const MAY_FOLD = /[^\0-@[-\u007f\u3000-\u9fff]/gu
  const TITLE_WEIGHT = 1000           /* a term in the title outranks any amount of body text */
  const CONTEXT_BEFORE = 20           /* characters of context shown before the first hit */
  const SNIPPET_LENGTH = 110          /* characters shown in a result's snippet */
  const NO_TEXT = "正文未收录"         /* the mark of a TOC entry without text, as on the home page */
  const FIRST_ANSWER_MS = 50          /* while shards load, what is loaded answers after this long, then all of them */
  const LOADS_AT_ONCE = 2             /* shards loading at a time: the first of many arrive sooner than all at once */

  /* ------------------------------------------------------------------------ Folding */

  /**
   * One character folded: a format character dropped; beyond U+FFFF left as it is (as search_index.py does); full-width
   * forms U+FF01–FF5E to ASCII, then lower case when that stays one character.
   */
  function foldChar(char) {
    if (FORMAT_CHARACTER.test(char))
      return ""
    if (char.length > 1)
      return char
    const code = char.charCodeAt(0)
    if (code >= 0xff01 && code <= 0xff5e)
      char = String.fromCharCode(code - 0xfee0)
    const lower = char.toLowerCase()
    return lower.length === 1 ? lower : char
  }

  /** Text folded for matching: white space dropped, then foldChar on each character that may fold (regular expressions
   * are quicker than a loop). */
  function fold(text) {
    return text.replace(EVERY_SPACE, "").replace(MAY_FOLD, foldChar)
  }

  /** Text as shown with its folded form (fold(text)); origin(i) is the position in `text` of folded character i. */
  function aligned(text, folded) {
    if (folded.length === text.length)
      return { text, folded, origin: i => i }
    const kept = []
    for (let i = 0; i < text.length; i++) {
      const char = String.fromCodePoint(text.codePointAt(i))
      if (IGNORED.test(char))
        i += char.length - 1          /* a format character beyond U+FFFF is two code units */
      else
        kept.push(i)
    }
    return { text, folded, origin: i => kept[i] }
  }

  /**
   * The terms of a query: space-separated words, and "quoted phrases" (white space inside a phrase is ignored, as it
   * is in the text). An unclosed quote runs to the end. Terms come folded, without duplicates.
   */
  function parseQuery(query) {
    const folded = Array.from(query, foldChar).join("")   /* ＂ becomes " here, so it quotes too */
    const terms = []
    folded.split('"').forEach((part, i) => {
      const words = i % 2 ? [part.split(SPACES).join("")] : part.split(SPACES)
      for (const word of words)
        if (word && !terms.includes(word))
          terms.push(word)
    })
    return terms
  }

  /* ------------------------------------------------------------------------ Documents */

  /**
   * A searchable document: a speech with text (title, then paragraphs) or a TOC entry without text (title only).
   * `units` are the title and the paragraphs as shown; `haystack` is all of them folded, FIELD_SEPARATOR between
   * them, so that no term runs on from one into the next.
   */
  class Document {
    constructor({ title, location, paragraphs, collection }, order) {
      this.title = title
      this.collection = collection    /* on a site with several compilations: the one this document belongs to */
      this.location = location
      this.order = order
      this.hasText = Array.isArray(paragraphs)
      this.paragraphs = (paragraphs || []).map(([anchor, text, level]) => ({ anchor, text, level }))
      this.units = [title, ...this.paragraphs.map(paragraph => paragraph.text)]
      this.starts = []                /* where each unit begins in the haystack */
      const parts = []
      let length = 0
      for (const unit of this.units) {
        const part = fold(unit)
        this.starts.push(length)
        parts.push(part)
        length += part.length + FIELD_SEPARATOR.length
      }
      this.haystack = parts.join(FIELD_SEPARATOR)
    }

    /** Non-overlapping occurrences of a folded term in the haystack. */
    count(term) {
      let n = 0
      for (let at = this.haystack.indexOf(term); at >= 0; at = this.haystack.indexOf(term, at + term.length))
        n++
      return n
    }

    /** The unit (0 = title, i = paragraph i) that holds haystack position `at`. */
    unitAt(at) {
      let unit = 0
      while (unit + 1 < this.starts.length && this.starts[unit + 1] <= at)
        unit++
      return unit
    }

    /** Unit `unit` as shown and folded (its part of the haystack), see aligned(). */
    unit(unit) {
      const end = unit + 1 < this.starts.length ? this.starts[unit + 1] - FIELD_SEPARATOR.length : this.haystack.length
      return aligned(this.units[unit], this.haystack.slice(this.starts[unit], end))
    }

    /** The text as shown of the occurrence of `length` folded characters at haystack position `at`. */
    shownAt(at, length) {
      const unit = this.unitAt(at)
      const { text, folded, origin } = this.unit(unit)
      const first = at - this.starts[unit]
      const last = Math.min(first + length, folded.length) - 1
      return text.slice(origin(first), origin(last) + 1)
    }
  }

  /* ------------------------------------------------------------------------ Rendering */

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }
  const TO_ESCAPE = /[&<>"']/

  function escapeHTML(text) {
    return TO_ESCAPE.test(text) ? text.replace(/[&<>"']/g, char => ESCAPES[char]) : text
  }

  /** Where the terms occur in a unit of a document (Document.unit), as merged [start, end) ranges of its text. */
  function termRanges({ folded, origin }, terms) {
    const ranges = []
    for (const term of terms)
      for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + term.length))
        ranges.push([origin(at), origin(at + term.length - 1) + 1])
    ranges.sort((a, b) => a[0] - b[0])
    const merged = []
    for (const range of ranges) {
      const last = merged[merged.length - 1]
      if (last && range[0] <= last[1])
        last[1] = Math.max(last[1], range[1])
      else
        merged.push(range)
    }
    return merged
  }

  /** HTML of a unit's text[start, end) with the terms marked (Material styles <mark> in results). */
  function highlight(unit, terms, start = 0, end = unit.text.length) {
    const text = unit.text
    let html = "", at = start
    for (const [from, to] of termRanges(unit, terms)) {
      if (to <= start || from >= end)
        continue
      html += escapeHTML(text.slice(at, Math.max(from, at))) + "<mark>" +
        escapeHTML(text.slice(Math.max(from, at), Math.min(to, end))) + "</mark>"
      at = Math.min(to, end)
    }
    return html + escapeHTML(text.slice(at, end))
  }

  /** A snippet of a unit's text around position `hit` (in the text), terms marked, with an ellipsis where cut. */
  function snippet(unit, terms, hit) {
    const length = unit.text.length
    const start = Math.max(0, Math.min(hit - CONTEXT_BEFORE, length - SNIPPET_LENGTH))
    const end = Math.min(length, start + SNIPPET_LENGTH)
    return "<p>" + (start > 0 ? "…" : "") + highlight(unit, terms, start, end) + (end < length ? "…" : "") + "</p>"
  }

  /* ------------------------------------------------------------------------ Engine */

  class Engine {
    /**
     * @param docs - the `docs` of our index: speeches with `paragraphs`, TOC entries without
     * @param text - the number of all docs with text and their length folded, when `docs` are only some of them
     *   (a split index: the head's `text`); the ranking weighs a speech's length against theirs
     */
    constructor(docs = [], text = undefined) {
      this.docs = []
      this.add(docs, 0)
      const withText = this.docs.filter(doc => doc.hasText)
      const { count, length } = text ||
        { count: withText.length, length: withText.reduce((sum, doc) => sum + doc.haystack.length, 0) }
      this.textCount = count
      this.averageLength = length / (count || 1)
    }

    /** Makes docs searchable and returns them as Documents; `start` is the place of the first in TOC order. */
    add(docs, start) {
      const added = docs.map((doc, i) => new Document(doc, start + i))
      this.docs.push(...added)
      return added
    }

    /** Material's SearchResult: one group of items per matching page, best first. */
    search(query) {
      const terms = parseQuery(query)
      if (!terms.length)
        return { items: [] }
      const counted = this.docs.map(doc => ({ doc, counts: terms.map(term => doc.count(term)) }))
      const score = this.scorer(terms, counted)
      const matches = counted.filter(({ counts }) => counts.every(n => n > 0))
      for (const match of matches)
        match.score = score(match)
      matches.sort((a, b) => b.score - a.score || a.doc.order - b.doc.order)
      return { items: matches.map(match => this.group(match, terms)) }
    }

    /**
     * Ranking of speeches: terms found in the title first, then BM25 over the text, which grows with how often each
     * term occurs and how densely (relative to the speech's length), rare terms weighing more than common ones.
     * TOC entries without text score 0: they follow every speech one can read, in TOC order.
     */
    scorer(terms, counted) {
      const k = 1.2, b = 0.75
      const idf = terms.map((term, i) => {
        const n = counted.filter(({ doc, counts }) => doc.hasText && counts[i] > 0).length
        return Math.log(1 + (this.textCount - n + 0.5) / (n + 0.5))
      })
      return ({ doc, counts }) => {
        if (!doc.hasText)
          return 0
        const title = doc.unit(0).folded
        const inTitle = terms.filter(term => title.includes(term)).length
        const norm = k * (1 - b + b * doc.haystack.length / this.averageLength)
        const body = counts.reduce((sum, tf, i) => sum + idf[i] * tf * (k + 1) / (tf + norm), 0)
        return TITLE_WEIGHT * inTitle + body
      }
    }

    /**
     * The items Material renders for one page. A speech: its title (linking to the page) and the paragraph of the
     * first hit in the text, labelled with the heading it falls under (linking to that paragraph, scored highest so
     * Enter opens it). A TOC entry without text: its title, linking to the entry on the home page, tagged as having
     * no text. `terms` holds each term as the page shows it, for Material's highlighting on the page that opens
     * (search.highlight).
     */
    group({ doc, score }, terms) {
      const title = highlight(doc.unit(0), terms)
      const body = doc.starts.length > 1 ? doc.starts[1] : doc.haystack.length
      const shown = {}
      for (const term of terms)
        shown[doc.shownAt(doc.haystack.indexOf(term), term.length)] = true
      const collection = doc.collection ? [doc.collection] : []   /* Material shows tags with the title */
      const tags = collection.length ? { tags: collection } : {}
      if (!doc.hasText)
        return [{ location: doc.location, title, text: "", tags: [...collection, NO_TEXT], score, terms: shown }]
      const hits = terms.map(term => doc.haystack.indexOf(term, body)).filter(at => at >= 0)
      if (!hits.length) {
        return [{ location: doc.location, title, text: snippet(doc.unit(1), terms, 0), ...tags, score, terms: shown }]
      }
      const first = Math.min(...hits)
      const unit = doc.unitAt(first)
      const paragraph = doc.paragraphs[unit - 1], shownParagraph = doc.unit(unit)
      const hit = shownParagraph.origin(first - doc.starts[unit])
      const heading = paragraph.level > 0   /* a hit in a heading is shown as the heading, without a snippet */
      return [
        {
          location: doc.location + "#" + paragraph.anchor,
          title: heading ? highlight(shownParagraph, terms) : escapeHTML(this.sectionOf(doc, unit - 1)),
          text: heading ? "" : snippet(shownParagraph, terms, hit),
          score,
          terms: shown
        },
        { location: doc.location, title, text: "", ...tags, score: 0, terms: shown }
      ]
    }

    /** A label for paragraph `index` of a speech: the heading it falls under, else its place (第 N 段). */
    sectionOf(doc, index) {
      for (let i = index - 1; i >= 0; i--)
        if (doc.paragraphs[i].level)
          return doc.paragraphs[i].text
      return "第 " + (index + 1) + " 段"
    }
  }

  /* ------------------------------------------------------------------------ Split index */

  /** A 32-bit mix of a number, as search_index.py computes it (_hash). */
  function hash(key, seed) {
    let x = Math.imul(key ^ seed, 0x9e3779b1)
    x ^= x >>> 15
    x = Math.imul(x, 0x85ebca6b)
    return (x ^ (x >>> 13)) >>> 0
  }

  /** Characters folded alike by Python and by every browser (no case, or ASCII): only their pairs are looked up. */
  function foldsAlike(code) {
    return code < 0x80 || (code >= 0x2e80 && code <= 0x9fff) || (code >= 0xff00 && code <= 0xffef)
  }

  /**
   * A shard's filter of the characters and character pairs in its texts, folded (ShardFilter in search_index.py): a
   * Bloom filter, which may wrongly say that a shard holds a term, never that it does not.
   */
  class ShardFilter {
    constructor(base64, hashes) {
      const bytes = atob(base64)
      this.bits = new Uint8Array(bytes.length)
      for (let i = 0; i < bytes.length; i++)
        this.bits[i] = bytes.charCodeAt(i)
      this.size = this.bits.length * 8
      this.hashes = hashes
    }

    /** Whether a folded term may occur in the shard: all its character pairs, or its one character, are in. */
    mayContain(term) {
      const code = i => term.charCodeAt(i)   /* UTF-16 code units, as search_index.py counts */
      if (term.length === 1)
        return !foldsAlike(code(0)) || this.has(code(0))
      for (let i = 0; i + 1 < term.length; i++)   /* a pair is its first code unit plus the second times 0x10000 */
        if (foldsAlike(code(i)) && foldsAlike(code(i + 1)) && !this.has(code(i) + code(i + 1) * 0x10000))
          return false
      return true
    }

    has(key) {
      const first = hash(key, 1), step = (hash(key, 2) | 1) >>> 0
      for (let i = 0; i < this.hashes; i++) {
        const bit = (first + i * step) % this.size
        if (!(this.bits[bit >> 3] & (1 << (bit & 7))))
          return false
      }
      return true
    }
  }

  /**
   * Our index as Material hands it over (it passes on only `config` and `docs`): `docs` is the list of docs, or for a
   * split index its head, whose shards are loaded when a query needs them with `load(shard)`, a promise of the
   * content of `shard.data` (or `shard.script`).
   */
  class Index {
    constructor({ docs }, load) {
      const split = Array.isArray(docs) ? { shards: [] } : docs
      this.engine = new Engine(split.shards.length ? [] : docs, split.text)
      this.shards = split.shards
      this.filters = this.shards.map(shard => new ShardFilter(shard.filter, split.filter_hashes))
      this.load = load
      this.loading = new Map()          /* shard → loadShard's promise */
      this.loaded = new Set()
      this.queue = []                   /* shards to load, each with the functions settling its promise */
      this.loads = 0                    /* shards loading now */
      this.latest = 0                   /* the number of the query to answer: answers to earlier ones are dropped */
    }

    /**
     * Answers a query: at once when every shard that may hold one of its terms is loaded (always, for an index that
     * is not split); otherwise, after FIRST_ANSWER_MS, with the docs loaded so far if any of them match, and again
     * when all those shards are loaded: only that last answer is sure to be complete (the ranking weighs each term
     * by how many speeches hold it). Shards that may hold every term load first. If a shard cannot be loaded, the
     * last answer is what the others hold, and the promise returned is rejected (the next query tries again).
     */
    query(query, answer) {
      const number = ++this.latest
      const terms = parseQuery(query)
      const missing = this.missing(terms)
      if (!missing.length)
        return answer(this.engine.search(query))
      const mayMatch = shard => terms.every(term => this.filters[this.shards.indexOf(shard)].mayContain(term))
      missing.sort((a, b) => mayMatch(b) - mayMatch(a))
      let patient = true, answered = false
      const answerSoFar = added => {   /* once patience is over: when docs are loaded (`added`, if given) that match */
        if (patient || answered || number !== this.latest ||
            (added && !added.some(doc => terms.every(term => doc.haystack.includes(term)))))
          return
        const result = this.engine.search(query)
        if (result.items.length) {
          answered = true
          answer(result)
        }
      }
      const timer = setTimeout(() => { patient = false; answerSoFar() }, FIRST_ANSWER_MS)
      const loading = missing.map(shard => this.loadShard(shard).then(answerSoFar))
      const place = shard => missing.indexOf(shard) >= 0 ? missing.indexOf(shard) : missing.length
      this.queue.sort((a, b) => place(a.shard) - place(b.shard))   /* this query's shards first, in its order */
      return Promise.allSettled(loading).then(settled => {
        clearTimeout(timer)
        if (number === this.latest)
          answer(this.engine.search(query))
        const failed = settled.find(outcome => outcome.status === "rejected")
        if (failed)
          throw failed.reason
      })
    }

    /** The shards not loaded yet that may hold one of the terms. */
    missing(terms) {
      return this.shards.filter((shard, i) => !this.loaded.has(shard) &&
        terms.some(term => this.filters[i].mayContain(term)))
    }

    /** Loads a shard once, in turn; resolves with its Documents when they are in the engine. */
    loadShard(shard) {
      if (!this.loading.has(shard)) {
        this.loading.set(shard, new Promise((resolve, reject) => this.queue.push({ shard, resolve, reject })))
        Promise.resolve().then(() => this.loadNext())   /* after the caller has put the queue in order */
      }
      return this.loading.get(shard)
    }

    loadNext() {
      while (this.loads < LOADS_AT_ONCE && this.queue.length) {
        const { shard, resolve, reject } = this.queue.shift()
        this.loads++
        this.load(shard)
          .then(docs => {
            this.loaded.add(shard)
            resolve(this.engine.add(docs, shard.start))
          }, error => {
            this.loading.delete(shard)
            reject(error)
          })
          .finally(() => {
            this.loads--
            this.loadNext()
          })
      }
    }
  }

  /* ------------------------------------------------------------------------ Messages */

  /**
   * A function answering Material's search messages: it passes each answer to `reply` (a query on a split index may
   * get two, see Index.query) and loads the files of a split index with `load` (see Index).
   */
  function handler(reply, load) {
    let index
    return message => {
      switch (message.type) {
        case SETUP:
          index = new Index(message.data, load)
          return reply({ type: READY })
        case QUERY:
          return index.query(message.data, result => reply({ type: RESULT, data: result }))
        default:
          throw new TypeError("speechsite search: unknown message type " + message.type)
      }
    }
  }

  global.SpeechsiteSearch = { Engine, Index, ShardFilter, fold, parseQuery, handler }
})(self)
