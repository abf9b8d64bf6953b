/*
 * Runs after Material's #__config block and before its bundle (see templates/theme/main.html).
 *
 * 1. Points Material's search at our worker: the bundle starts `new Worker(config.search)`.
 * 2. From file://, Chromium refuses `new Worker()` for file URLs, and Material's own remedy (iframe-worker) would be
 *    fetched from unpkg.com. So there a small stand-in takes the worker's place: it loads the same engine with a
 *    <script> tag and answers Material's messages on the page, asynchronously, as a worker would. Material's bundle
 *    loads the index itself from search/search_index.js (it sets the global __index) and sends it in SETUP; the
 *    files of a split index come from <script> tags too (see speechsite/search_index.py).
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
  const siteUrl = new URL("../../", workerUrl)   /* the worker is assets/speechsite/search-worker.js in the site */
  const NativeWorker = window.Worker

  /** Runs a script with a <script> tag; resolves once it has run. */
  function runScript(url) {
    return new Promise((resolve, reject) => {
      const tag = document.createElement("script")
      tag.src = url
      tag.onload = () => resolve(tag)
      tag.onerror = () => reject(new Error("speechsite search: cannot load " + url))
      document.head.appendChild(tag)
    })
  }

  /** Loads the engine once; resolves when SpeechsiteSearch is defined. */
  let engine
  function loadEngine() {
    engine = engine || runScript(engineUrl).then(() => window.SpeechsiteSearch)
    return engine
  }

  /** A file of a split index (speechsite/search_index.py): its script files its data under its own path. */
  function loadIndexFile(file) {
    return runScript(new URL(file.script, siteUrl).href).then(tag => {
      tag.remove()
      return window.SpeechsiteSearch.takeFiled(file.script)
    })
  }

  /** What Material needs of a Worker: postMessage, and "message" events (it listens with addEventListener). */
  class PageWorker extends EventTarget {
    constructor() {
      super()
      const reply = message => this.dispatchEvent(new MessageEvent("message", { data: message }))
      this.answer = loadEngine().then(search => search.handler(reply, loadIndexFile))
    }

    postMessage(message) {
      this.answer.then(answer => setTimeout(() => answer(message)))
    }

    terminate() {}
  }

  window.Worker = function Worker(url, options) {
    return new URL(url, location.href).href === workerUrl ? new PageWorker() : new NativeWorker(url, options)
  }
})()
