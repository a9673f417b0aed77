// The courier's page offline: results are queued on the phone (IndexedDB) and sent when the
// network is there. Each result carries a key made here; the server applies a key once, so
// sending a result again after a lost reply is harmless.
"use strict";
(() => {
  const DB_NAME = "vozvrat-courier";
  const STORE = "results";
  const MAX_PHOTO_SIDE = 1280;
  const KEEP_SENT_MS = 2 * 24 * 3600 * 1000;
  const RETRY_MS = 30000;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const login = document.querySelector('meta[name="courier-login"]').content;
  const syncLine = document.getElementById("sync-state");
  let syncing = null;

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function inStore(mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => { db.close(); resolve(request ? request.result : undefined); };
      transaction.onerror = transaction.onabort = () => { db.close(); reject(transaction.error); };
    });
  }

  const save = (result) => inStore("readwrite", (store) => store.put(result));
  const forget = (key) => inStore("readwrite", (store) => store.delete(key));

  async function mine() {
    const all = await inStore("readonly", (store) => store.getAll());
    return all.filter((result) => result.login === login)
      .sort((a, b) => a.device_time.localeCompare(b.device_time));
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function locate() {
    if (!navigator.geolocation) return Promise.resolve(null);
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition(
        (position) => resolve({ latitude: position.coords.latitude,
                                longitude: position.coords.longitude,
                                accuracy: position.coords.accuracy }),
        () => resolve(null),
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }

  // A phone photo is several megabytes; the result only needs to show the door or the mailbox.
  async function shrink(file) {
    if (!file) return null;
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
  }

  function timeText(iso) {
    return new Date(iso).toLocaleTimeString("ru-RU", { hour: "2-digit", minute: "2-digit" });
  }

  function describe(result) {
    const photo = result.with_photo ? ", с фото" : "";
    const what = `«${result.title}», ${timeText(result.device_time)}${photo}`;
    if (result.state === "sent") return `${what} — отправлено`;
    if (result.state === "rejected") return `${what} — не принято: ${result.message}`;
    return `${what} — записано на телефоне, ждёт отправки`;
  }

  async function paint(problem) {
    const results = await mine();
    for (const result of results) {
      const task = document.querySelector(`li.task[data-attempt="${result.attempt}"]`);
      if (!task) continue;
      task.classList.remove("queued", "sent", "rejected");
      task.classList.add(result.state);
      task.querySelector(".state").textContent = describe(result);
    }
    const waiting = results.filter((result) => result.state === "queued").length;
    syncLine.classList.toggle("offline", !navigator.onLine);
    if (problem) syncLine.textContent = problem;
    else if (!navigator.onLine) {
      syncLine.textContent = `Нет сети. Ждут отправки: ${waiting}. Отправятся сами, когда появится сеть.`;
    } else syncLine.textContent = waiting ? `Ждут отправки: ${waiting}.` : "";
  }

  async function send(result) {
    const body = new FormData();
    for (const name of ["key", "attempt", "kind", "device_time"]) body.append(name, result[name]);
    if (result.location) {
      for (const [name, value] of Object.entries(result.location)) body.append(name, value);
    }
    if (result.photo) body.append("photo", result.photo, `${result.key}.jpg`);
    return fetch("/courier/results", { method: "POST", body, credentials: "same-origin",
                                       headers: { "X-CSRF-Token": csrf } });
  }

  async function drain() {
    let problem = "";
    for (const result of await mine()) {
      if (result.state !== "queued") continue;
      let response;
      try {
        response = await send(result);
      } catch (error) {
        break;  // Offline: everything stays queued for the next try.
      }
      if (response.status === 401 || response.status === 403) {
        problem = "Войдите снова: записанные результаты сохранены и отправятся после входа.";
        break;
      }
      if (response.status >= 500) break;
      if (response.ok) {
        Object.assign(result, { state: "sent", photo: null, sent_at: Date.now() });
      } else {
        const text = await response.text();
        let message = text;
        try { message = JSON.parse(text).error || text; } catch (error) { /* plain text */ }
        Object.assign(result, { state: "rejected", message, photo: null, sent_at: Date.now() });
      }
      await save(result);
    }
    await paint(problem);
  }

  function sync() {
    syncing = syncing || drain().finally(() => { syncing = null; });
    return syncing;
  }

  async function record(button) {
    const task = button.closest("li.task");
    const form = button.closest("form");
    const photo = form.querySelector('input[name="photo"]').files[0];
    task.classList.add("queued");
    task.querySelector(".state").textContent = "Записываю…";
    const result = { key: newKey(), login, attempt: task.dataset.attempt, kind: button.value,
                     title: button.textContent.trim(), device_time: new Date().toISOString(),
                     state: "queued", message: "" };
    try {
      result.photo = await shrink(photo);
    } catch (error) {
      task.classList.remove("queued");
      task.querySelector(".state").textContent =
        "Этот файл не открывается как фото: выберите снимок или запишите результат без фото.";
      return;
    }
    result.with_photo = Boolean(result.photo);
    result.location = await locate();
    await save(result);
    await paint();
    await sync();
  }

  async function pruneSent() {
    const old = (await mine()).filter(
      (result) => result.state !== "queued" && Date.now() - result.sent_at > KEEP_SENT_MS);
    for (const result of old) await forget(result.key);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest('.outcomes button[name="kind"]');
    if (!button) return;
    event.preventDefault();
    record(button);
  });
  // Another courier may use this phone next: the page of this one's tasks leaves with them.
  const logout = document.querySelector("form.logout");
  logout.addEventListener("submit", async (event) => {
    if (!window.caches) return;
    event.preventDefault();
    await caches.delete("vozvrat-courier");
    logout.submit();
  });
  window.addEventListener("online", sync);
  window.addEventListener("offline", () => paint());
  setInterval(sync, RETRY_MS);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/courier-sw.js", { scope: "/courier" });
  }
  pruneSent().then(paint).then(sync);
})();
