// Progress of a batch of court packs started from the lawyers' queue: polls the job until it is
// done, then shows the ZIP link and the accounts whose packs could not be made.
"use strict";
(function () {
  const box = document.getElementById("pack-batch");
  if (!box || box.dataset.done) return;
  const bar = box.querySelector("progress");
  const stage = box.querySelector(".stage");
  const refused = box.querySelector(".refused");
  async function poll() {
    try {
      const response = await fetch(`/lawyer/packs/${box.dataset.job}`, {credentials: "same-origin"});
      if (response.status === 404) return;
      if (response.ok) {
        const state = await response.json();
        bar.max = state.total;
        bar.value = state.done;
        stage.textContent = state.stage;
        const list = refused.querySelector("ul");
        list.replaceChildren(...state.refused.map((item) => {
          const li = document.createElement("li");
          li.textContent = `${item.account}: ${item.reason}`;
          return li;
        }));
        refused.hidden = state.refused.length === 0;
        if (state.state === "done") {
          box.querySelector(".download").hidden = !state.ready;
          return;
        }
      }
    } catch (error) {
      // The network hiccuped: the next tick tries again.
    }
    setTimeout(poll, 700);
  }
  poll();
})();
