/*
 * Runs after Material's #__config block and before its bundle (see templates/theme/main.html).
 *
 * 1. Points Material's search at our worker: the bundle starts `new Worker(config.search)`.
 * 2. From file://, Chromium refuses `new Worker()` for file URLs, and Material's own remedy (iframe-worker) would be
 *    fetched from unpkg.com. So there a small stand-in takes the worker's place: it loads the same engine with a
 *    <script> tag and answers Material's messages on the page, asynchronously, as a worker would. Material's bundle
 *    loads the index itself from search/search_index.js (it sets the global __index) and sends it in SETUP.
 */
(function () {
  "use strict"

  const script = document.currentScript
  const element = document.getElementById("__config")
  const config = JSON.parse(element.textContent)
  config.search = script.dataset.worker
  element.textContent = JSON.stringify(config)

  if (location.protocol !== "file:")
    return

  const workerUrl = new URL(config.search, location.href).href
  const engineUrl = new URL("search-engine.js", workerUrl).href   /* where the worker's importScripts finds it */
  const NativeWorker = window.Worker

  /** Loads the engine once, with a <script> tag; resolves when SpeechsiteSearch is defined. */
  let engine
  function loadEngine() {
    engine = engine || new Promise((resolve, reject) => {
      const tag = document.createElement("script")
      tag.src = engineUrl
      tag.onload = () => resolve(window.SpeechsiteSearch)
      tag.onerror = () => reject(new Error("speechsite search: cannot load " + engineUrl))
      document.head.appendChild(tag)
    })
    return engine
  }

  /** What Material needs of a Worker: postMessage, and "message" events (it listens with addEventListener). */
  class PageWorker extends EventTarget {
    constructor() {
      super()
      this.answer = loadEngine().then(search => search.handler())
    }

    postMessage(message) {
      this.answer.then(answer => setTimeout(() => {
        this.dispatchEvent(new MessageEvent("message", { data: answer(message) }))
      }))
    }

    terminate() {}
  }

  window.Worker = function Worker(url, options) {
    return new URL(url, location.href).href === workerUrl ? new PageWorker() : new NativeWorker(url, options)
  }
})()
