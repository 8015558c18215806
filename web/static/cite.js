// One-click copy for citations. Without JavaScript the text stays selectable.
document.querySelectorAll(".citation").forEach((box) => {
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
// Arriving at #cite-pN opens that citation.
if (location.hash.startsWith("#cite-p")) {
  const target = document.querySelector(location.hash);
  if (target) target.open = true;
}
