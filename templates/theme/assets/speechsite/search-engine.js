/*
 * Our search engine behind Material's search box: a page matches when its text contains every term the reader typed.
 *
 * It answers Material's search messages (SETUP → READY, QUERY → RESULT) with the index that
 * speechsite/search_index.py writes to search/search_index.json: Material's bundle loads that file and hands it over
 * in the SETUP message. A large index is split, and that file is only its head: titles, addresses and lengths. A
 * query then loads the few postings files that say where its characters and pairs of characters occur, finds from
 * them exactly which speeches hold every term and how often, and loads the texts of its first results only, for
 * their snippets (SplitIndex). Files are loaded through the function the engine is given (search-worker.js fetches
 * JSON; search-setup.js, from file://, adds <script> tags). The same file runs inside the worker (search-worker.js,
 * hosted site) and on the page itself (search-setup.js, file://).
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
  const SNIPPETS = 20                 /* a split index's results shown with a snippet: their texts are loaded */
  /* a split index's segments whose docs give the first results when there are more (SplitIndex): as many as a query
     of the archive of 19,000 speeches loaded for its complete answer before segments were capped (SEGMENTS in
     search_index.py) */
  const FIRST_SEGMENTS = 6
  const PAIR_SEED = 3, CHARACTER_SEED = 4   /* as in search_index.py: which postings file holds a pair, a character */

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

    /** The length of its text as matched, and its title folded: what the ranking reads of a doc. */
    get length() {
      return this.haystack.length
    }

    get foldedTitle() {
      return this.unit(0).folded
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
      const holding = terms.map((_, i) => counted.filter(({ doc, counts }) => doc.hasText && counts[i] > 0).length)
      const matches = this.ranked(terms, holding, counted.filter(({ counts }) => counts.every(n => n > 0)))
      return { items: matches.map(match => this.group(match, terms)) }
    }

    /** `matches` ({ doc, counts }) scored and best first, ties in TOC order; `holding` as for scorer. */
    ranked(terms, holding, matches) {
      const score = this.scorer(terms, holding)
      for (const match of matches)
        match.score = score(match)
      return matches.sort((a, b) => b.score - a.score || a.doc.order - b.doc.order)
    }

    /**
     * Ranking of speeches: terms found in the title first, then BM25 over the text, which grows with how often each
     * term occurs and how densely (relative to the speech's length), rare terms weighing more than common ones.
     * TOC entries without text score 0: they follow every speech one can read, in TOC order. `holding[i]` is the
     * number of speeches with text that hold term i; a doc is anything with `hasText`, `foldedTitle` and `length`.
     */
    scorer(terms, holding) {
      const k = 1.2, b = 0.75
      const idf = holding.map(n => Math.log(1 + (this.textCount - n + 0.5) / (n + 0.5)))
      return ({ doc, counts }) => {
        if (!doc.hasText)
          return 0
        const title = doc.foldedTitle
        const inTitle = terms.filter(term => title.includes(term)).length
        const norm = k * (1 - b + b * doc.length / this.averageLength)
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
      const loaded = doc instanceof Document   /* else an Entry of a split index whose text is not loaded */
      const title = highlight(loaded ? doc.unit(0) : aligned(doc.title, doc.foldedTitle), terms)
      const shown = {}
      for (const term of terms)   /* as the page shows them, for Material's highlighting there (when known) */
        shown[loaded ? doc.shownAt(doc.haystack.indexOf(term), term.length) : term] = true
      const collection = doc.collection ? [doc.collection] : []   /* Material shows tags with the title */
      const tags = collection.length ? { tags: collection } : {}
      if (!doc.hasText)
        return [{ location: doc.location, title, text: "", tags: [...collection, NO_TEXT], score, terms: shown }]
      if (!loaded)   /* further down a split index's results: the title, and the page opens with the terms marked */
        return [{ location: doc.location, title, text: "", ...tags, score, terms: shown }]
      const body = doc.starts.length > 1 ? doc.starts[1] : doc.haystack.length
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

  /** The numbers of a postings value: unpadded base64 of unsigned LEB128 numbers (see Postings in search_index.py). */
  function numbers(base64) {
    const bytes = atob(base64), found = []
    let value = 0, scale = 1
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes.charCodeAt(i)
      value += (byte & 0x7f) * scale   /* not bit operations: positions may pass 2^31 */
      if (byte & 0x80) {
        scale *= 128
      } else {
        found.push(value)
        value = 0
        scale = 1
      }
    }
    return found
  }

  /** What the script `path` of a split index filed under its own path (SHARDS_GLOBAL in search_index.py), taken. */
  function takeFiled(path) {
    const content = global.__speechsiteShards[path]
    delete global.__speechsiteShards[path]
    return content
  }

  /** A doc of a split index as its head describes it, before (or without) its text: what ranking needs. */
  class Entry {
    constructor([title, location, collection, length, hasText], order, collections, start) {
      this.title = title
      this.location = location
      this.collection = collection === null ? undefined : collections[collection]
      this.length = length
      this.hasText = hasText === 1
      this.order = order
      this.start = start              /* where its haystack begins in the postings' run of all haystacks */
    }

    get foldedTitle() {
      if (this.folded === undefined)
        this.folded = fold(this.title)
      return this.folded
    }
  }

  /**
   * A split index (split_index in search_index.py): a query loads the postings files of its characters or pairs of
   * characters, which say exactly where each term occurs, and ranks every doc that holds all terms as Engine does:
   * that is the complete answer, given at once. Its first SNIPPETS results then get their snippets, in a second
   * answer once their shards are loaded; the others show their titles. With more than FIRST_SEGMENTS segments (a large
   * archive), the docs of the first FIRST_SEGMENTS are ranked as soon as their files are in, and shown with their
   * titles if any holds every term: first results while the other segments' files load (each result still contains
   * what was typed; the complete answer may add and reorder). A file that cannot be loaded rejects the query's promise,
   * after the answers if only a shard failed (its results keep their titles), and is tried again by the next query.
   */
  class SplitIndex {
    constructor({ entries, collections, text, shards, postings }, load, firstSegments = FIRST_SEGMENTS) {
      let start = 0
      this.entries = entries.map((row, order) => {
        const entry = new Entry(row, order, collections, start)
        start += entry.length + 1     /* its haystack and the line feed after it */
        return entry
      })
      this.engine = new Engine([], text)
      this.shards = shards
      this.postings = postings
      this.segments = postings.segments /* where each segment's docs start in TOC order, and its number of files */
      this.firstSegments = firstSegments
      this.load = load
      this.loaded = new Map()           /* file → promise of its content: postings files and shards */
      this.documents = new Map()        /* order → Document, for the docs of loaded shards */
      this.postingsFiles = new Map()    /* "S-N" → { data, script }: the same object each time, for `loaded` */
      this.latest = 0                   /* the number of the query to answer: answers to earlier ones are dropped */
    }

    query(query, answer) {
      const number = ++this.latest
      const terms = parseQuery(query)
      if (!terms.length)
        return answer({ items: [] })
      let complete = false
      const titled = matches => ({ items: matches.map(({ doc, score }, i) => this.engine.group(
        { doc: i < SNIPPETS && this.documents.get(doc.order) || doc, score }, terms)) })
      /* segment by segment, so that the first segments' files are asked for first; each is loaded and read once */
      const lookups = this.segments.map((_, segment) => terms.map(term => this.foundIn(segment, term)))
      if (this.segments.length > this.firstSegments)
        this.matches(terms, lookups.slice(0, this.firstSegments)).then(matches => {
          if (matches.length && !complete && number === this.latest)
            answer(titled(matches))
        }, () => {})   /* the complete answer reports the failure */
      return this.matches(terms, lookups).then(matches => {
        complete = true
        const respond = () => {
          if (number === this.latest)
            answer(titled(matches))
        }
        const shards = new Set(matches.slice(0, SNIPPETS).filter(match => !this.documents.has(match.doc.order))
          .filter(match => match.doc.hasText).map(match => this.shardOf(match.doc.order)))
        if (shards.size)   /* the complete answer at once, titles only where the text is not loaded yet */
          respond()
        return Promise.allSettled([...shards].map(shard => this.file(shard).then(docs => docs.forEach((doc, i) => {
          if (!this.documents.has(shard.start + i))
            this.documents.set(shard.start + i, new Document(doc, shard.start + i))
        })))).then(settled => {
          respond()   /* with every snippet; a shard that failed leaves its results with their titles */
          const failed = settled.find(outcome => outcome.status === "rejected")
          if (failed)
            throw failed.reason
        })
      })
    }

    /**
     * The docs that hold every term, ranked (a promise of Engine.ranked's list), from what some segments' postings
     * say of them: `lookups` holds, for each of these segments in order, a promise of foundIn for each term.
     */
    matches(terms, lookups) {
      return Promise.all(lookups.map(segment => Promise.all(segment))).then(segments => {
        const found = terms.map((term, i) => this.occurrences(term, segments.map(ofTerms => ofTerms[i])))
        const fewest = found.reduce((a, b) => a.size <= b.size ? a : b)
        const counted = []
        for (const order of fewest.keys())
          if (found.every(counts => counts.has(order)))
            counted.push({ doc: this.entries[order], counts: found.map(counts => counts.get(order)) })
        const holding = found.map(counts => [...counts.keys()].filter(order => this.entries[order].hasText).length)
        return this.engine.ranked(terms, holding, counted)
      })
    }

    /**
     * What segment `segment`'s postings say of a folded term, as a promise: for a character, [doc's place in TOC
     * order, count] for each doc that holds it; for a longer term, for each of its pairs at pairOffsets, the positions
     * in the whole text where the pair occurs.
     */
    foundIn(segment, term) {
      const { start, files } = this.segments[segment]
      const listed = (hashed, kind, key) => this.postingsFile(segment, hashed % files)
        .then(file => file[kind][key] ? numbers(file[kind][key]) : [])
      const code = i => term.charCodeAt(i)
      if (term.length === 1) {
        return listed(hash(code(0), CHARACTER_SEED), "c", term).then(list => {
          const counts = []
          for (let i = 0, order = 0; i < list.length; i += 2) {
            order = i ? order + list[i] : list[i]
            counts.push([start + order, list[i + 1]])
          }
          return counts
        })
      }
      const base = this.entries[start].start
      return Promise.all(pairOffsets(term).map(at => {
        const key = (code(at) + code(at + 1) * 0x10000) >>> 0
        return listed(hash(key, PAIR_SEED), "p", term.substr(at, 2)).then(list => positions(list).map(at => base + at))
      }))
    }

    /**
     * Where a folded term occurs, from foundIn of some segments in order: Map(doc's place in TOC order →
     * non-overlapping occurrences).
     */
    occurrences(term, found) {
      if (term.length === 1)
        return new Map(found.flat())
      const offsets = pairOffsets(term)
      return this.counted(starts(offsets.map((_, i) => found.flatMap(pairs => pairs[i])), offsets), term.length)
    }

    /** Non-overlapping occurrences per doc of a term of `length` found at each of `found` (ascending positions). */
    counted(found, length) {
      const counts = new Map()
      let order = 0, end = -1
      for (const at of found) {
        while (order + 1 < this.entries.length && this.entries[order + 1].start <= at)
          order++
        if (at >= end) {
          counts.set(order, (counts.get(order) || 0) + 1)
          end = at + length
        }
      }
      return counts
    }

    /** The shard that holds the doc in place `order`. */
    shardOf(order) {
      let low = 0, high = this.shards.length - 1
      while (low < high) {
        const middle = (low + high + 1) >> 1
        if (this.shards[middle].start <= order)
          low = middle
        else
          high = middle - 1
      }
      return this.shards[low]
    }

    /** Postings file `number` of segment `segment` (see Postings in search_index.py), loaded once. */
    postingsFile(segment, number) {
      const name = segment + "-" + number
      if (!this.postingsFiles.has(name)) {
        const { data, script } = this.postings
        const path = pattern => pattern && pattern.replace("{}", segment).replace("{}", number)
        this.postingsFiles.set(name, { data: path(data), script: path(script) })   /* one of them is there */
      }
      return this.file(this.postingsFiles.get(name))
    }

    /** A file's content, loaded once (a failure is forgotten, so that the next query tries again). */
    file(file) {
      if (!this.loaded.has(file))
        this.loaded.set(file, this.load(file).catch(error => {
          this.loaded.delete(file)
          throw error
        }))
      return this.loaded.get(file)
    }
  }

  /** Where a term's pairs are looked up: offsets 0, 2, 4, … and the last, which together cover every pair. */
  function pairOffsets(term) {
    const offsets = []
    for (let at = 0; at + 2 <= term.length; at += 2)
      offsets.push(at)
    if (offsets[offsets.length - 1] !== term.length - 2)
      offsets.push(term.length - 2)
    return offsets
  }

  /** Positions from their distances (the first as it is). */
  function positions(distances) {
    for (let i = 1; i < distances.length; i++)
      distances[i] += distances[i - 1]
    return distances
  }

  /**
   * Where a term starts: the positions `at` such that each list i holds at + offsets[i] (lists ascending). Led by
   * the shortest list, the others walked once each.
   */
  function starts(lists, offsets) {
    const lead = lists.reduce((best, list, i) => list.length < lists[best].length ? i : best, 0)
    const next = lists.map(() => 0), found = []
    for (const position of lists[lead]) {
      const at = position - offsets[lead]
      let everywhere = at >= 0
      for (let i = 0; i < lists.length && everywhere; i++) {
        if (i === lead)
          continue
        const list = lists[i], want = at + offsets[i]
        while (next[i] < list.length && list[next[i]] < want)
          next[i]++
        everywhere = next[i] < list.length && list[next[i]] === want
      }
      if (everywhere)
        found.push(at)
    }
    return found
  }

  /** A whole index: every doc in the engine from the start. */
  class WholeIndex {
    constructor({ docs }) {
      this.engine = new Engine(docs)
    }

    query(query, answer) {
      answer(this.engine.search(query))
    }
  }

  /* ------------------------------------------------------------------------ Messages */

  /**
   * A function answering Material's search messages: it passes each answer to `reply` (a query on a split index may
   * get none if a later one came first) and loads the files of a split index with `load` (see SplitIndex).
   */
  function handler(reply, load) {
    let index
    return message => {
      switch (message.type) {
        case SETUP:
          index = Array.isArray(message.data.docs) ? new WholeIndex(message.data)
            : new SplitIndex(message.data.docs, load)
          return reply({ type: READY })
        case QUERY:
          return index.query(message.data, result => reply({ type: RESULT, data: result }))
        default:
          throw new TypeError("speechsite search: unknown message type " + message.type)
      }
    }
  }

  global.SpeechsiteSearch = { Engine, SplitIndex, WholeIndex, fold, parseQuery, handler, takeFiled }
})(self)
