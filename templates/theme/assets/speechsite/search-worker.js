/*
 * The search worker Material starts on the hosted site (its URL is set by search-setup.js): our engine, off the
 * page's main thread. From file://, where browsers refuse workers, search-setup.js runs the same engine on the page.
 */
importScripts("search-engine.js")

const SITE = new URL("../../", location.href)   /* this file is assets/speechsite/search-worker.js in the site */

/**
 * A file of a split index (speechsite/search_index.py): gzipped JSON on the hosted site; on the offline one, when it
 * is served over http after all, a script that files its data under its own path.
 */
function load(file) {
  if (!file.data) {
    try {
      importScripts(new URL(file.script, SITE).href)
    } catch (error) {
      return Promise.reject(new Error("speechsite search: cannot load " + file.script + " (" + error.message + ")"))
    }
    return Promise.resolve(self.SpeechsiteSearch.takeFiled(file.script))
  }
  const url = new URL(file.data, SITE)
  return fetch(url).then(response => {
    if (!response.ok)
      throw new Error("speechsite search: cannot load " + url + " (" + response.status + ")")
    return response.arrayBuffer()
  }).then(unpacked).then(JSON.parse)
}

/**
 * The text of a gzipped file. A host that sends a .gz file with "Content-Encoding: gzip" (Apache's AddEncoding) has
 * the browser unpack it already: then the bytes lack gzip's magic number and are the text itself.
 */
function unpacked(bytes) {
  const start = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength))
  if (start[0] !== 0x1f || start[1] !== 0x8b)
    return new TextDecoder().decode(bytes)
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
}

const answer = self.SpeechsiteSearch.handler(message => postMessage(message), load)

addEventListener("message", event => answer(event.data))
