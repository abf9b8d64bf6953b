/*
 * The search worker Material starts on the hosted site (its URL is set by search-setup.js): our engine, off the
 * page's main thread. From file://, where browsers refuse workers, search-setup.js runs the same engine on the page.
 */
importScripts("search-engine.js")

const SITE = new URL("../../", location.href)   /* this file is assets/speechsite/search-worker.js in the site */

/**
 * A file of a split index (speechsite/search_index.py): JSON on the hosted site (a shard gzipped, .json.gz); on the
 * offline one, when it is served over http after all, a script that files its data under its own path.
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
    return file.data.endsWith(".gz") ? unpacked(response.body).then(text => JSON.parse(text)) : response.json()
  })
}

/**
 * The text of a gzipped file, unpacked as it arrives. A host that sends a .gz file with "Content-Encoding:
 * gzip" (Apache's AddEncoding) has the browser unpack it already: then the first byte is not gzip's (0x1f) but the
 * JSON's own. (Reading the whole file first, then unpacking it, took a fifth longer for 30 files in Chromium.)
 */
function unpacked(body) {
  const reader = body.getReader()
  return reader.read().then(first => {
    const whole = new ReadableStream({
      start(controller) {
        if (!first.done)
          controller.enqueue(first.value)
      },
      pull(controller) {
        return reader.read().then(({ done, value }) => done ? controller.close() : controller.enqueue(value))
      }
    })
    const gzipped = !first.done && first.value[0] === 0x1f
    return new Response(gzipped ? whole.pipeThrough(new DecompressionStream("gzip")) : whole).text()
  })
}

const answer = self.SpeechsiteSearch.handler(message => postMessage(message), load)

addEventListener("message", event => answer(event.data))
