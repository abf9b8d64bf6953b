/*
 * The search worker Material starts on the hosted site (its URL is set by search-setup.js): our engine, off the
 * page's main thread. From file://, where browsers refuse workers, search-setup.js runs the same engine on the page.
 */
importScripts("search-engine.js")

const SITE = new URL("../../", location.href)   /* this file is assets/speechsite/search-worker.js in the site */

/** A shard of a split index (speechsite/search_index.py): its docs, as JSON. */
function load(file) {
  const url = new URL(file.data, SITE)
  return fetch(url).then(response => {
    if (!response.ok)
      throw new Error("speechsite search: cannot load " + url + " (" + response.status + ")")
    return response.json()
  })
}

const answer = self.SpeechsiteSearch.handler(message => postMessage(message), load)

addEventListener("message", event => answer(event.data))
