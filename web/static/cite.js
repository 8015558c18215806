// One-click copy for citations. Without JavaScript the text stays selectable.
function enableCopy(root) {
  root.querySelectorAll(".citation").forEach((box) => {
    const button = box.querySelector("button.copy");
    const pre = box.querySelector("pre");
    if (!button || !pre || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(pre.textContent).then(
        () => { button.textContent = "Copied"; },
        () => { button.textContent = "Select and copy"; });
    });
  });
}
enableCopy(document);

// A document page holds no citations, only a box per paragraph linking to the paragraph's citation page
// (so that the page stays the size of the article). Opening a box brings that page's citations into it;
// if that fails, the link is still there.
function loadCitations(box) {
  const link = box.querySelector("a.cite-page");
  if (!box.open || !link || box.dataset.loaded) return;
  box.dataset.loaded = "loading";
  fetch(link.href)
    .then((response) => {
      if (!response.ok) throw new Error(response.statusText);
      return response.text();
    })
    .then((html) => {
      // The server escaped the text; parsing a page of our own runs none of its scripts.
      const page = new DOMParser().parseFromString(html, "text/html");
      page.querySelectorAll(".citation").forEach((citation) => box.insertBefore(document.adoptNode(citation), link));
      enableCopy(box);
      link.hidden = true;
      box.dataset.loaded = "yes";
    })
    .catch(() => { delete box.dataset.loaded; });
}
// "toggle" does not bubble: one listener in the capture phase serves every box.
document.addEventListener("toggle", (event) => {
  if (event.target instanceof HTMLDetailsElement && event.target.matches(".cite-box")) loadCitations(event.target);
}, true);

// Arriving at #cite-pN opens that citation.
if (location.hash.startsWith("#cite-p")) {
  const target = document.querySelector(location.hash);
  if (target) target.open = true;
}
