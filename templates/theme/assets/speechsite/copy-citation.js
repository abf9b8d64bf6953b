/*
 * Copying text out of a speech page.
 *
 * 1. Each body paragraph (a <p id="pN"> with its ¶ link) gets a button that puts the paragraph on the clipboard,
 *    followed by its source: ——《标题》（汇编名，第N篇，第M段） and, on a line of its own, the paragraph's address
 *    on the hosted site (the canonical link; in the offline copy, the hosted address the build was given, if any).
 * 2. Text selected by hand is copied without what is not the speech's text: these buttons, the ¶ links and the
 *    "相同文字另见" lines between paragraphs.
 *
 * The page says what to cite in <meta name="speechsite:…"> tags (templates/theme/main.html); without them (a page
 * that is not a speech) nothing here runs.
 */
(function () {
  "use strict"

  const NOT_TEXT = ".copy-citation, .headerlink, .parallel-passages"
  const LABEL = "复制本段及出处"

  function meta(name) {
    const tag = document.querySelector(`meta[name="speechsite:${name}"]`)
    return tag ? tag.content : ""
  }

  /** The hosted address of this page's paragraph: canonical link, or the offline page's hosted address. */
  function paragraphAddress(id) {
    const canonical = document.querySelector('link[rel="canonical"]')
    const page = canonical ? canonical.href : meta("hosted-page")
    return page ? `${page.split("#")[0]}#${id}` : ""
  }

  /** A node's text as it reads, leaving out our controls and marks. */
  function textOf(node) {
    const copy = node.cloneNode(true)
    copy.querySelectorAll(NOT_TEXT).forEach(element => element.remove())
    return copy.textContent.trim()
  }

  function citation(paragraph) {
    const number = paragraph.id.slice(1)
    const source = `——《${meta("title")}》（${meta("compilation")}，第${meta("number")}篇，第${number}段）`
    const address = paragraphAddress(paragraph.id)
    return [textOf(paragraph), source, address].filter(Boolean).join("\n")
  }

  /** Clipboard API where the page may use it; else the old copy command on a hidden text area. */
  async function putOnClipboard(text) {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch (refused) {
      const area = document.createElement("textarea")
      area.value = text
      area.setAttribute("readonly", "")
      area.style.position = "fixed"
      area.style.opacity = "0"
      document.body.appendChild(area)
      area.select()
      const copied = document.execCommand("copy")
      area.remove()
      return copied
    }
  }

  function addButton(paragraph) {
    const button = document.createElement("button")
    button.type = "button"
    button.className = "copy-citation"
    button.title = LABEL
    button.setAttribute("aria-label", `${LABEL}（第${paragraph.id.slice(1)}段）`)
    button.addEventListener("click", async () => {
      const copied = await putOnClipboard(citation(paragraph))
      button.dataset.state = copied ? "copied" : "failed"
      button.title = copied ? "已复制" : "未能复制"
      setTimeout(() => { delete button.dataset.state; button.title = LABEL }, 2000)
    })
    paragraph.querySelector(".headerlink").before(button)
  }

  /** A hand selection, copied as its text and markup without our controls; untouched when it holds none. */
  function cleanCopy(event) {
    const selection = document.getSelection()
    if (!selection || selection.isCollapsed || !event.clipboardData)
      return
    const holder = document.createElement("div")
    for (let i = 0; i < selection.rangeCount; i++)
      holder.appendChild(selection.getRangeAt(i).cloneContents())
    if (!holder.querySelector(NOT_TEXT))
      return
    holder.querySelectorAll(NOT_TEXT).forEach(element => element.remove())
    /* innerText (paragraph breaks as line breaks) needs the markup laid out: briefly, out of sight */
    holder.style.position = "fixed"
    holder.style.left = "-10000px"
    document.body.appendChild(holder)
    const text = holder.innerText.trim()
    holder.remove()
    event.clipboardData.setData("text/plain", text)
    event.clipboardData.setData("text/html", holder.innerHTML)
    event.preventDefault()
  }

  function start() {
    if (!meta("number"))
      return
    document.querySelectorAll("article p[id^='p']").forEach(paragraph => {
      if (paragraph.querySelector(".headerlink"))
        addButton(paragraph)
    })
    document.addEventListener("copy", cleanCopy)
  }

  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", start)
  else
    start()
})()
