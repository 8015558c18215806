// One-click copy for citations. Without JavaScript the text stays selectable.
function enableCopy(root) {
  root.querySelectorAll(".citation").forEach((box) => {
    const button = box.querySelector("button.copy");
    const pre = box.querySelector("pre");
    if (!button || !pre || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      // The page wrote both answers in its own language.
      navigator.clipboard.writeText(pre.textContent).then(
        () => { button.textContent = button.dataset.done || "Copied"; },
        () => { button.textContent = button.dataset.failed || "Select and copy"; });
    });
  });
}
enableCopy(document);

// A document page holds no citations: each paragraph ends in a link (a.cite, id cite-pN) to the paragraph's
// citation page, so that the page stays the size of the article. With JavaScript the link opens a panel
// under its paragraph instead, filled from that page; if the page cannot be fetched, the link is followed.
function citePanel(link) {
  const panel = link.closest(".para").nextElementSibling;
  return panel && panel.matches(".cite-panel") ? panel : null;
}

function loadCitations(link, panel) {
  fetch(link.href)
    .then((response) => {
      if (!response.ok) throw new Error(response.statusText);
      return response.text();
    })
    .then((html) => {
      // The server escaped the text; parsing a page of our own runs none of its scripts.
      const citations = new DOMParser().parseFromString(html, "text/html").querySelectorAll(".citation");
      if (!citations.length) throw new Error("no citations");
      citations.forEach((citation) => panel.append(document.adoptNode(citation)));
      enableCopy(panel);
      panel.removeAttribute("aria-busy");
    })
    .catch(() => {
      panel.remove();
      location.assign(link.href);
    });
}

// open: true or false to open or close, undefined to toggle.
function toggleCitations(link, open) {
  let panel = citePanel(link);
  if (!panel) {
    if (open === false) return;
    panel = document.createElement("div");
    panel.className = "cite-panel";
    panel.lang = document.documentElement.lang;  // the panel's labels are the interface's, not the article's
    panel.id = link.id.replace("cite-", "cite-panel-");
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-busy", "true");
    panel.setAttribute("aria-label", link.textContent + " ¶" + link.id.slice("cite-p".length));
    link.closest(".para").after(panel);
    link.setAttribute("aria-controls", panel.id);
    loadCitations(link, panel);
  } else {
    panel.hidden = open === undefined ? !panel.hidden : !open;
  }
  link.setAttribute("aria-expanded", String(!panel.hidden));
}

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest(".para > a.cite");
  // A click with a modifier opens the citation page in a new tab or window, as for any link.
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  toggleCitations(link);
});

// Where the address points: #cite-pN (from search results and the concordance) opens that paragraph's
// citations with the paragraph in view; a repair row or rule folded under <details> is unfolded.
function followHash() {
  if (!location.hash) return;
  const target = document.getElementById(location.hash.slice(1));  // our ids are ASCII: nothing to decode
  if (!target) return;
  if (target.matches(".para > a.cite")) {
    toggleCitations(target, true);
    target.closest(".para").scrollIntoView();
    return;
  }
  const folded = target.closest("details");
  if (folded && !folded.open) {
    folded.open = true;
    target.scrollIntoView();
  }
}
followHash();
window.addEventListener("hashchange", followHash);

// Arriving at a document from a search (?q=) without a paragraph to go to (#pN), go to the first paragraph
// the query matched, as the address #pN would: the paragraph is highlighted, and Back returns to the search.
// One already on the first screen is left where it is, under the title and the notice of matches.
if (!location.hash && new URLSearchParams(location.search).get("q")) {
  const first = document.querySelector(".doc .para mark");
  const para = first && first.closest(".para");
  if (para && para.getBoundingClientRect().bottom > window.innerHeight) location.replace("#" + para.id);
}

// The language switch is a link to this page's address with another lang: keep the place in the page
// (#p8, #cite-p8, #repair-3) that the server cannot see.
function keepFragment() {
  document.querySelectorAll("a.lang[href]").forEach((link) => {
    link.href = link.href.split("#")[0] + location.hash;
  });
}
keepFragment();
window.addEventListener("hashchange", keepFragment);
