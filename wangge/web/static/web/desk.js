/* The console's batch bar: count the ticked rows, tick a whole page, show the chosen
   action's fields. The rows come and go with htmx, so everything listens on the document. */
"use strict";

(function () {
  const form = document.getElementById("batch");
  if (!form) return;
  const count = document.getElementById("batch-selected");
  const submit = document.getElementById("batch-submit");
  const choice = document.getElementById("batch-action");

  function boxes() { return Array.from(document.querySelectorAll("input[name=ids][form=batch]")); }

  function refresh() {
    const ticked = boxes().filter((b) => b.checked).length;
    count.textContent = String(ticked);
    submit.disabled = ticked === 0;
    form.classList.toggle("active", ticked > 0);
  }

  function showFields() {
    form.querySelectorAll(".batch-fields").forEach((set) => {
      const mine = set.dataset.action === choice.value;
      set.hidden = !mine;
      set.disabled = !mine;
    });
  }

  document.addEventListener("change", (e) => {
    if (e.target.id === "select-all") boxes().forEach((b) => { b.checked = e.target.checked; });
    if (e.target.id === "select-all" || e.target.name === "ids") refresh();
  });
  document.body.addEventListener("htmx:afterSwap", refresh);
  choice.addEventListener("change", showFields);
  showFields();
  refresh();
})();
