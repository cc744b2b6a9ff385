// The "Print card" button: shown only where it works (with scripts), prints the page, whose print
// stylesheet (card.css) leaves only the card.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
