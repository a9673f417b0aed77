// Live counts on the waves page: re-reads /api/waves every few seconds and updates the rows.
"use strict";
(function () {
  const STATES = {scheduled: "запланирована", running: "идёт", paused: "на паузе",
                  cancelled: "отменена", done: "завершена"};
  const FINISHED = ["done", "cancelled", "needs_review"];
  const list = (counts) => Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join(", ") || "—";
  // As WaveRow computes it: attempts that reached an end, of the members outside the holdout.
  function wave_progress(counts) {
    const planned = counts.members - counts.holdout;
    const finished = FINISHED.reduce((sum, status) => sum + (counts.attempts[status] || 0), 0);
    return {planned, finished, percent: planned ? Math.min(100, Math.round(100 * finished / planned)) : 0};
  }
  async function refresh() {
    try {
      const response = await fetch("/api/waves", {credentials: "same-origin"});
      if (!response.ok) return;
      for (const wave of (await response.json()).items) {
        const row = document.querySelector(`tr[data-wave="${wave.id}"]`);
        if (!row) continue;
        const cells = row.querySelectorAll("td");
        cells[4].textContent = STATES[wave.status] || wave.status;
        cells[5].textContent = wave.counts.members;
        cells[6].textContent = wave.counts.holdout;
        cells[7].textContent = list(wave.counts.attempts);
        cells[8].textContent = list(wave.counts.outcomes);
        const progress = wave_progress(wave.counts);
        cells[9].querySelector("progress").max = progress.planned || 1;
        cells[9].querySelector("progress").value = progress.finished;
        cells[9].querySelector("span").textContent = `${progress.percent}%`;
      }
    } catch (error) {
      // Offline for a moment: the next tick tries again.
    }
  }
  setInterval(refresh, 5000);
})();
