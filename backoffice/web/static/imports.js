// Progress of an upload: the form names its import with a random job id, and while the browser
// waits for the answer (the old page stays live until the new one arrives) this polls the job.
"use strict";
(function () {
  const form = document.getElementById("upload");
  const box = document.getElementById("import-progress");
  if (!form || !box) return;
  const bar = box.querySelector("progress");
  const stage = box.querySelector(".stage");
  const rows = box.querySelector(".rows");
  const number = (n) => n.toLocaleString("ru-RU");
  form.addEventListener("submit", () => {
    const job = Array.from(crypto.getRandomValues(new Uint8Array(12)),
                           (b) => b.toString(16).padStart(2, "0")).join("");
    form.elements.job.value = job;
    box.hidden = false;
    bar.removeAttribute("value");
    async function poll() {
      try {
        const response = await fetch(`/imports/progress/${job}`, {credentials: "same-origin"});
        if (response.ok) {
          const state = await response.json();
          stage.textContent = state.stage;
          if (state.percent !== null && state.percent !== undefined) bar.value = state.percent;
          rows.textContent = state.rows ? `строк прочитано: ${number(state.rows)}` +
            (state.rows_total ? ` из ${number(state.rows_total)}` : "") : "";
          if (state.state === "done") return;
        }
      } catch (error) {
        // The network hiccuped: the next tick tries again.
      }
      setTimeout(poll, 700);
    }
    setTimeout(poll, 300);
  });
})();
