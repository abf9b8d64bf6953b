/*
 * Our search engine behind Material's search box: a page matches when its text contains every term the reader typed.
 *
 * It answers Material's search messages (SETUP → READY, QUERY → RESULT) with the index that
 * speechsite/search_index.py writes to search/search_index.json: Material's bundle loads that file and hands it over
 * in the SETUP message. The same file runs inside the worker (search-worker.js, hosted site) and on the page itself
 * (search-setup.js, file://).
 *
 * Matching ignores white space and folds full-width forms to ASCII (ＡＢＣ = ABC, ，= ,) and Latin letters to lower
 * case, in the text and in the query alike. Every fold maps one character to one character, so a position in folded
 * text maps back to the text as shown.
 */
(function (global) {
  "use strict"

  /* Material's message types (integrations/search/worker/message in its sources) */
  const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3

  const SPACE = /[\s\u200b]/          /* white space, including U+3000 and zero-width space: not part of any word */
  const SPACES = /[\s\u200b]+/
  const TITLE_WEIGHT = 1000           /* a term in the title outranks any amount of body text */
  const CONTEXT_BEFORE = 20           /* characters of context shown before the first hit */
  const SNIPPET_LENGTH = 110          /* characters shown in a result's snippet */
  const NO_TEXT = "正文未收录"         /* the mark of a TOC entry without text, as on the home page */

  /* ------------------------------------------------------------------------ Folding */

  /** One character folded: full-width forms U+FF01–FF5E to ASCII, then lower case when that stays one character. */
  function foldChar(char) {
    const code = char.charCodeAt(0)
    if (code >= 0xff01 && code <= 0xff5e)
      char = String.fromCharCode(code - 0xfee0)
    const lower = char.toLowerCase()
    return lower.length === 1 ? lower : char
  }

  /** Text folded for matching, white space dropped; origin[i] is the position in `text` of folded character i. */
  function normalize(text) {
    const folded = [], origin = []
    for (let i = 0; i < text.length; i++) {
      const char = text.charAt(i)
      if (!SPACE.test(char)) {
        folded.push(foldChar(char))
        origin.push(i)
      }
    }
    return { text: folded.join(""), origin }
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
   * `units` are the title and the paragraphs as shown; `haystack` is all of them normalized and joined, so a term
   * may run on from one paragraph into the next, as it does in the page's text.
   */
  class Document {
    constructor({ title, location, paragraphs }, order) {
      this.title = title
      this.location = location
      this.order = order
      this.hasText = Array.isArray(paragraphs)
      this.paragraphs = (paragraphs || []).map(([anchor, text, level]) => ({ anchor, text, level }))
      this.units = [title, ...this.paragraphs.map(paragraph => paragraph.text)]
      this.starts = []                /* where each unit begins in the haystack */
      const parts = []
      let length = 0
      for (const unit of this.units) {
        const part = normalize(unit).text
        this.starts.push(length)
        parts.push(part)
        length += part.length
      }
      this.haystack = parts.join("")
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

    /** The text as shown of the occurrence of `length` folded characters at haystack position `at`. */
    shownAt(at, length) {
      const unit = this.unitAt(at)
      const text = this.units[unit]
      const { origin } = normalize(text)
      const first = at - this.starts[unit]
      const last = Math.min(first + length, origin.length) - 1
      return text.slice(origin[first], origin[last] + 1)
    }
  }

  /* ------------------------------------------------------------------------ Rendering */

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, char => ESCAPES[char])
  }

  /** Where the terms occur in `text`, as merged [start, end) ranges of `text`. */
  function termRanges(text, terms) {
    const { text: folded, origin } = normalize(text)
    const ranges = []
    for (const term of terms)
      for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + term.length))
        ranges.push([origin[at], origin[at + term.length - 1] + 1])
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

  /** HTML of text[start, end) with the terms marked (Material styles <mark> in results). */
  function highlight(text, terms, start = 0, end = text.length) {
    let html = "", at = start
    for (const [from, to] of termRanges(text, terms)) {
      if (to <= start || from >= end)
        continue
      html += escapeHTML(text.slice(at, Math.max(from, at))) + "<mark>" +
        escapeHTML(text.slice(Math.max(from, at), Math.min(to, end))) + "</mark>"
      at = Math.min(to, end)
    }
    return html + escapeHTML(text.slice(at, end))
  }

  /** A snippet of `text` around position `hit` (in `text`), terms marked, with an ellipsis where text is cut. */
  function snippet(text, terms, hit) {
    const start = Math.max(0, Math.min(hit - CONTEXT_BEFORE, text.length - SNIPPET_LENGTH))
    const end = Math.min(text.length, start + SNIPPET_LENGTH)
    return "<p>" + (start > 0 ? "…" : "") + highlight(text, terms, start, end) + (end < text.length ? "…" : "") +
      "</p>"
  }

  /* ------------------------------------------------------------------------ Engine */

  class Engine {
    /** @param docs - the `docs` of our index: speeches with `paragraphs`, TOC entries without */
    constructor(docs) {
      this.docs = docs.map((doc, order) => new Document(doc, order))
      const withText = this.docs.filter(doc => doc.hasText)
      this.textCount = withText.length
      this.averageLength = withText.reduce((sum, doc) => sum + doc.haystack.length, 0) / (withText.length || 1)
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
        const title = normalize(doc.title).text
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
      const title = highlight(doc.title, terms)
      const body = doc.starts.length > 1 ? doc.starts[1] : doc.haystack.length
      const shown = {}
      for (const term of terms)
        shown[doc.shownAt(doc.haystack.indexOf(term), term.length)] = true
      if (!doc.hasText)
        return [{ location: doc.location, title, text: "", tags: [NO_TEXT], score, terms: shown }]
      const hits = terms.map(term => doc.haystack.indexOf(term, body)).filter(at => at >= 0)
      if (!hits.length) {
        const opening = doc.paragraphs[0].text
        return [{ location: doc.location, title, text: snippet(opening, terms, 0), score, terms: shown }]
      }
      const first = Math.min(...hits)
      const unit = doc.unitAt(first)
      const paragraph = doc.paragraphs[unit - 1]
      const hit = normalize(paragraph.text).origin[first - doc.starts[unit]]
      const heading = paragraph.level > 0   /* a hit in a heading is shown as the heading, without a snippet */
      return [
        {
          location: doc.location + "#" + paragraph.anchor,
          title: heading ? highlight(paragraph.text, terms) : escapeHTML(this.sectionOf(doc, unit - 1)),
          text: heading ? "" : snippet(paragraph.text, terms, hit),
          score,
          terms: shown
        },
        { location: doc.location, title, text: "", score: 0, terms: shown }
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

  /* ------------------------------------------------------------------------ Messages */

  /** A function answering Material's search messages, holding the engine built on SETUP. */
  function handler() {
    let engine
    return message => {
      switch (message.type) {
        case SETUP:
          engine = new Engine(message.data.docs)
          return { type: READY }
        case QUERY:
          return { type: RESULT, data: engine.search(message.data) }
        default:
          throw new TypeError("speechsite search: unknown message type " + message.type)
      }
    }
  }

  global.SpeechsiteSearch = { Engine, parseQuery, handler }
})(self)
