/*
 * The search worker Material starts on the hosted site (its URL is set by search-setup.js): our engine, off the
 * page's main thread. From file://, where browsers refuse workers, search-setup.js runs the same engine on the page.
 */
importScripts("search-engine.js")

const answer = self.SpeechsiteSearch.handler()

addEventListener("message", event => postMessage(answer(event.data)))
