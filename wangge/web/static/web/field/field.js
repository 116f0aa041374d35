/* Wangge grid-worker app: the offline outbox, the report form, the patrol recorder, and
   the record forms (visits, inspections, diary, points: every `form.outbox-form`).

   Everything recorded goes first into an outbox in IndexedDB (it survives closing the
   browser), each item with a key generated here. Items are sent in the order they were
   made when the phone is online (the `online` event, a periodic retry, and right after
   saving), and removed only once the server has answered 2xx; the server's idempotency
   keys make a resend after a lost answer harmless. Texts shown come from data-*
   attributes in the (translated) templates; data from users is set with textContent. */
"use strict";

(function () {
  const DB_NAME = "wangge-field";
  const OUTBOX = "outbox";
  const STATE = "state";
  const RETRY_MS = 20000;
  const TRACK_BATCH = 10;
  const TRACK_FLUSH_MS = 30000;
  const TITLE_LENGTH = 40;

  /* ------------------------------------------------------------ IndexedDB */

  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore(OUTBOX, { keyPath: "key" });
          request.result.createObjectStore(STATE);
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  /* Run `work(stores)` in one transaction; resolves with its result once committed. */
  async function transact(names, mode, work) {
    const database = await db();
    return new Promise((resolve, reject) => {
      const tx = database.transaction(names, mode);
      const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
      const result = work(stores);
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const outbox = {
    all: () => transact([OUTBOX], "readonly", (s) => s[OUTBOX].getAll())
      .then((items) => items.sort((a, b) => a.seq - b.seq)),
    put: (item) => transact([OUTBOX], "readwrite", (s) => { s[OUTBOX].put(item); }),
    remove: (key) => transact([OUTBOX], "readwrite", (s) => { s[OUTBOX].delete(key); }),
  };
  const state = {
    get: (name) => transact([STATE], "readonly", (s) => s[STATE].get(name)),
    set: (name, value) => transact([STATE], "readwrite", (s) => { s[STATE].put(value, name); }),
  };

  /* ------------------------------------------------------------ helpers */

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  let lastSeq = 0;
  function nextSeq() {
    lastSeq = Math.max(Date.now() * 1000, lastSeq + 1);
    return lastSeq;
  }

  function newItem(kind, data) {
    return { key: uuid(), seq: nextSeq(), kind, created: new Date().toISOString(), status: "pending", ...data };
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function titleFrom(text) {
    const first = text.split("\n").map((l) => l.trim()).find((l) => l) || "";
    return first.length <= TITLE_LENGTH ? first : first.slice(0, TITLE_LENGTH - 1) + "…";
  }

  function metres(a, b) {
    const rad = Math.PI / 180;
    const h = Math.sin((b[0] - a[0]) * rad / 2) ** 2 +
      Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin((b[1] - a[1]) * rad / 2) ** 2;
    return 2 * 6371000 * Math.asin(Math.sqrt(h));
  }

  /* ------------------------------------------------------------ sending */

  function postJson(url, body, key) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Idempotency-Key": key },
      body: JSON.stringify(body),
    });
  }

  /* A record form's item: JSON, or multipart when it carries a photo. Its outbox key is
     also its client_key, so a resend names the record the first send made. */
  function sendRecord(item) {
    if (!item.photo) return postJson(item.url, item.fields, item.key);
    const form = new FormData();
    Object.entries(item.fields).forEach(([k, v]) => form.append(k, String(v)));
    form.append("photo", new Blob([item.photo.data], { type: item.photo.type }), item.photo.name);
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Idempotency-Key": item.key },
      body: form,
    });
  }

  function send(item) {
    if (item.kind === "record") return sendRecord(item);
    const patrolUrl = (suffix) => `/api/field/patrols/${encodeURIComponent(item.patrol)}${suffix}`;
    if (item.kind === "report") {
      const form = new FormData();
      Object.entries(item.fields).forEach(([k, v]) => form.append(k, String(v)));
      item.photos.forEach((p) => form.append("photos", new Blob([p.data], { type: p.type }), p.name));
      return fetch("/api/events", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Idempotency-Key": item.key },
        body: form,
      });
    }
    if (item.kind === "patrol_start") {
      return postJson("/api/field/patrols", { client_key: item.patrol, grid: item.grid, started_at: item.started_at }, item.key);
    }
    if (item.kind === "track") return postJson(patrolUrl("/points"), { points: item.points }, item.key);
    return postJson(patrolUrl("/end"), { ended_at: item.ended_at }, item.key);
  }

  let syncing = false;
  let again = false;
  let note = "";

  /* Send pending items oldest first; stop at the first one the network or server could
     not take now (order matters: a patrol's start before its track and its end). A call
     while a round is running asks for one more round, so nothing saved meanwhile waits
     for the periodic retry. */
  async function sync() {
    if (syncing) { again = true; return; }
    syncing = true;
    again = false;
    try {
      for (const item of await outbox.all()) {
        if (item.status === "failed") continue;
        let response;
        try {
          response = await send(item);
        } catch (e) {
          break; // no network: the next retry sends it
        }
        if (response.ok) {
          await outbox.remove(item.key);
          note = "";
          continue;
        }
        const body = await response.json().catch(() => ({}));
        if (response.status === 401 || body.code === "csrf_failed" || body.code === "not_authenticated") {
          note = panel() ? panel().dataset.login : "";
          break;
        }
        if (response.status >= 500 || response.status === 429 || response.status === 408) break;
        item.status = "failed";
        item.error = body.message || String(response.status);
        await outbox.put(item);
      }
    } finally {
      syncing = false;
      render();
    }
    if (again) sync();
  }

  /* ------------------------------------------------------------ outbox panel */

  function panel() { return document.getElementById("outbox"); }

  function describe(item, texts) {
    if (item.kind === "record") {
      const photo = item.photo ? ` · 1 ${texts.photos}` : "";
      return `${item.label}：${item.summary}${photo}`;
    }
    if (item.kind === "report") {
      const photos = item.photos.length ? ` · ${item.photos.length} ${texts.photos}` : "";
      return `${texts.kindReport}：${item.fields.title}${photos}`;
    }
    if (item.kind === "track") return `${texts.kindTrack} · ${item.points.length} ${texts.points}`;
    return item.kind === "patrol_start" ? texts.kindPatrolStart : texts.kindPatrolEnd;
  }

  async function render() {
    const box = panel();
    if (!box) return;
    const items = await outbox.all();
    document.querySelectorAll(".outbox-count").forEach((el) => { el.textContent = String(items.length); });
    document.getElementById("outbox-badge").classList.toggle("has-items", items.length > 0);
    document.getElementById("outbox-note").textContent = note;
    const list = document.getElementById("outbox-list");
    list.replaceChildren();
    if (!items.length) {
      const empty = document.createElement("li");
      empty.className = "hint";
      empty.textContent = box.dataset.empty;
      list.append(empty);
    }
    for (const item of items) {
      const li = document.createElement("li");
      li.className = `outbox-item ${item.status}`;
      li.dataset.key = item.key;
      const what = document.createElement("span");
      what.textContent = describe(item, box.dataset);
      const when = document.createElement("time");
      when.textContent = new Date(item.created).toLocaleString();
      const status = document.createElement("span");
      status.className = "outbox-status";
      status.textContent = item.status === "failed" ? `${box.dataset.failed}：${item.error}` : box.dataset.waiting;
      li.append(what, " ", when, " ", status);
      if (item.status === "failed") {
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "link";
        discard.textContent = box.dataset.discard;
        discard.addEventListener("click", () => outbox.remove(item.key).then(render));
        li.append(" ", discard);
      }
      list.append(li);
    }
  }

  function showNetwork() {
    const el = document.getElementById("net-status");
    if (!el) return;
    el.textContent = navigator.onLine ? el.dataset.online : el.dataset.offline;
    el.classList.toggle("offline", !navigator.onLine);
  }

  /* ------------------------------------------------------------ maps */

  function gridMap(elementId) {
    const el = document.getElementById(elementId);
    if (!el || !window.L) return null;
    const map = Wangge.map(el, { tileUrl: el.dataset.tileUrl, attribution: el.dataset.attribution });
    const grids = JSON.parse(document.getElementById("my-grids").textContent);
    if (grids.features.length) {
      const layer = L.geoJSON(grids, { style: { color: "#b42318", weight: 2, fillOpacity: 0.08 } }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [12, 12] });
    }
    return map;
  }

  function taskMarkers(map) {
    document.querySelectorAll("#tasks .task").forEach((task) => {
      const label = document.createElement("span");
      label.textContent = task.querySelector(".task-title").textContent;
      L.circleMarker([Number(task.dataset.lat), Number(task.dataset.lon)], { radius: 7, color: "#1d4ed8" })
        .bindTooltip(label).addTo(map);
    });
  }

  /* ------------------------------------------------------------ report form */

  function reportForm() {
    const form = document.getElementById("field-report");
    if (!form) return;
    const map = gridMap("report-map");
    const status = document.getElementById("f-location-status");
    const lon = document.getElementById("f-lon");
    const lat = document.getElementById("f-lat");
    const error = document.getElementById("f-error");
    const self = document.getElementById("f-self");
    const resultBox = document.getElementById("f-result-box");
    let marker = null;

    function place(latLng, text) {
      lat.value = latLng.lat.toFixed(6);
      lon.value = latLng.lng.toFixed(6);
      status.textContent = text;
      if (!map) return;
      if (marker) marker.setLatLng(latLng); else marker = L.marker(latLng).addTo(map);
    }
    function locate() {
      if (!navigator.geolocation) { status.textContent = status.dataset.failed; return; }
      status.textContent = status.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          const here = L.latLng(pos.coords.latitude, pos.coords.longitude);
          place(here, status.dataset.located);
          if (map) map.setView(here, Math.max(map.getZoom(), 16));
        },
        () => { if (!lon.value) status.textContent = status.dataset.failed; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }
    if (map) map.on("click", (e) => place(e.latlng, status.dataset.pinned));
    document.getElementById("f-locate").addEventListener("click", locate);
    self.addEventListener("change", () => { resultBox.hidden = !self.checked; });
    locate();

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = form.elements.text.value.trim();
      const result = form.elements.result.value.trim();
      const problem = !form.elements.category.value ? form.dataset.needCategory
        : !text ? form.dataset.needText
          : !lon.value ? form.dataset.needPlace
            : self.checked && !result ? form.dataset.needResult : "";
      error.textContent = problem;
      if (problem) return;
      const photos = [];
      for (const file of form.elements.photos.files) {
        photos.push({ name: file.name || "photo.jpg", type: file.type, data: await file.arrayBuffer() });
      }
      const fields = {
        channel: "grid_worker",
        category: form.elements.category.value,
        title: titleFrom(text),
        description: text,
        lon: lon.value,
        lat: lat.value,
        self_handled: self.checked,
        result: self.checked ? result : "",
      };
      await outbox.put(newItem("report", { fields, photos }));
      form.elements.text.value = "";
      form.elements.result.value = "";
      form.elements.photos.value = "";
      self.checked = false;
      resultBox.hidden = true;
      const saved = document.getElementById("saved-note");
      saved.textContent = saved.dataset.saved;
      await render();
      sync();
    });
  }

  /* ------------------------------------------------------------ patrol */

  function patrolPage() {
    const panelEl = document.getElementById("patrol-panel");
    const map = gridMap("patrol-map");
    if (!panelEl) return;
    const startBtn = document.getElementById("p-start");
    const stopBtn = document.getElementById("p-stop");
    const gridSelect = document.getElementById("p-grid");
    const errorEl = document.getElementById("p-error");
    const line = map ? L.polyline([], { color: "#1d4ed8", weight: 4 }).addTo(map) : null;
    let current = null; // {patrol, grid, started_at, path: [[lat, lon]...], pending: [points]}
    let watch = null;
    let lastFlush = Date.now();

    function show() {
      const running = Boolean(current);
      startBtn.hidden = running;
      stopBtn.hidden = !running;
      gridSelect.disabled = running;
      document.getElementById("p-state").textContent = running ? panelEl.dataset.running : panelEl.dataset.idle;
      const path = current ? current.path : [];
      document.getElementById("p-points").textContent = String(path.length);
      let total = 0;
      for (let i = 1; i < path.length; i += 1) total += metres(path[i - 1], path[i]);
      document.getElementById("p-distance").textContent = String(Math.round(total));
      if (line) line.setLatLngs(path);
    }

    /* Move the buffered fixes into one outbox item, in the same transaction that saves
       the patrol state, so a fix is always in exactly one of the two. */
    async function flush() {
      if (!current || !current.pending.length) return;
      const item = newItem("track", { patrol: current.patrol, points: current.pending });
      current.pending = [];
      lastFlush = Date.now();
      const snapshot = current;
      await transact([OUTBOX, STATE], "readwrite", (s) => {
        s[OUTBOX].put(item);
        s[STATE].put(snapshot, "patrol");
      });
      render();
      sync();
    }

    async function onFix(pos) {
      if (!current) return;
      const c = pos.coords;
      errorEl.textContent = "";
      current.path.push([c.latitude, c.longitude]);
      if (map) {
        if (current.path.length === 1) map.setView([c.latitude, c.longitude], 16);
        else map.panTo([c.latitude, c.longitude]);
      }
      current.pending.push({
        client_key: uuid(),
        recorded_at: new Date(pos.timestamp || Date.now()).toISOString(),
        lon: c.longitude,
        lat: c.latitude,
        accuracy: Number.isFinite(c.accuracy) ? c.accuracy : null,
      });
      show();
      if (current.pending.length >= TRACK_BATCH || Date.now() - lastFlush > TRACK_FLUSH_MS) await flush();
      else await state.set("patrol", current);
    }

    function follow() {
      if (!navigator.geolocation) { errorEl.textContent = panelEl.dataset.noGps; return; }
      /* A lost fix now and then is normal; say so only when there is none at all. */
      const failed = (error) => {
        if (error.code === error.PERMISSION_DENIED || !current || !current.path.length) errorEl.textContent = panelEl.dataset.noGps;
      };
      watch = navigator.geolocation.watchPosition(onFix, failed,
        { enableHighAccuracy: true, maximumAge: 5000 });
    }

    startBtn.addEventListener("click", async () => {
      errorEl.textContent = "";
      current = { patrol: uuid(), grid: gridSelect.value, started_at: new Date().toISOString(), path: [], pending: [] };
      const item = newItem("patrol_start", { patrol: current.patrol, grid: current.grid, started_at: current.started_at });
      const snapshot = current;
      await transact([OUTBOX, STATE], "readwrite", (s) => {
        s[OUTBOX].put(item);
        s[STATE].put(snapshot, "patrol");
      });
      show();
      render();
      sync();
      follow();
    });

    /* The last fixes and the end go into the outbox together with clearing the state. */
    stopBtn.addEventListener("click", async () => {
      if (watch !== null) navigator.geolocation.clearWatch(watch);
      watch = null;
      const items = [];
      if (current.pending.length) items.push(newItem("track", { patrol: current.patrol, points: current.pending }));
      items.push(newItem("patrol_end", { patrol: current.patrol, ended_at: new Date().toISOString() }));
      current = null;
      await transact([OUTBOX, STATE], "readwrite", (s) => {
        items.forEach((item) => s[OUTBOX].put(item));
        s[STATE].delete("patrol");
      });
      show();
      render();
      sync();
    });

    setInterval(() => { if (current && Date.now() - lastFlush > TRACK_FLUSH_MS) flush(); }, 5000);
    state.get("patrol").then((saved) => {
      current = saved || null;
      if (current) { gridSelect.value = current.grid; follow(); }
      show();
    });
  }

  /* ------------------------------------------------------------ record forms */

  function localDate() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  function currentPosition() {
    if (!navigator.geolocation) return Promise.resolve(null);
    return new Promise((resolve) => navigator.geolocation.getCurrentPosition(
      (pos) => resolve(pos.coords), () => resolve(null),
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }));
  }

  function summaryOf(form) {
    const el = form.querySelector("[data-summary]");
    if (!el) return "";
    return el.tagName === "SELECT" ? el.options[el.selectedIndex].text : titleFrom(el.value);
  }

  function problemOf(form) {
    const missing = Array.from(form.elements).find((el) => el.required && !String(el.value).trim());
    if (missing) return form.dataset.need;
    const nonzero = form.querySelector("[data-nonzero]");
    if (nonzero && (!nonzero.checkValidity() || Number(nonzero.value) === 0)) return form.dataset.needPoints;
    return "";
  }

  /* The form's named fields (empty ones left out, checkboxes as booleans) and its photo. */
  async function readForm(form) {
    const fields = {};
    let photo = null;
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === "file") {
        const file = el.files[0];
        if (file) photo = { name: file.name || "photo.jpg", type: file.type, data: await file.arrayBuffer() };
      } else if (el.type === "checkbox") {
        fields[el.name] = el.checked;
      } else if (el.value.trim() !== "") {
        fields[el.name] = el.value.trim();
      }
    }
    const where = form.querySelector("[data-locate]");
    if (where && where.checked) {
      const coords = await currentPosition();
      if (coords) { fields.lon = coords.longitude; fields.lat = coords.latitude; }
    }
    if (form.dataset.when) fields[form.dataset.when] = new Date().toISOString();
    return { fields, photo };
  }

  function resetForm(form) {
    const keep = Array.from(form.querySelectorAll("[data-param], [data-today]"), (el) => [el, el.value]);
    form.reset();
    keep.forEach(([el, value]) => { el.value = value; });
  }

  function recordForms() {
    const params = new URLSearchParams(location.search);
    /* A page served from the cache may hold another household's ledger: show it only
       when it is the one the address names. */
    const ledger = document.getElementById("ledger");
    if (ledger && params.get("house") && params.get("house") !== ledger.dataset.house) ledger.hidden = true;
    document.querySelectorAll("form.outbox-form").forEach((form) => {
      form.querySelectorAll("[data-param]").forEach((el) => {
        const value = params.get(el.dataset.param);
        if (value) el.value = value;
      });
      form.querySelectorAll("[data-today]").forEach((el) => { if (!el.value) el.value = localDate(); });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const error = form.querySelector(".form-error");
        error.textContent = problemOf(form);
        if (error.textContent) return;
        const { fields, photo } = await readForm(form);
        const item = newItem("record", { url: form.dataset.url, label: form.dataset.label, summary: summaryOf(form), photo });
        item.fields = { ...fields, client_key: item.key };
        await outbox.put(item);
        resetForm(form);
        const saved = document.getElementById("saved-note");
        saved.textContent = saved.dataset.saved;
        await render();
        sync();
      });
    });
  }

  /* ------------------------------------------------------------ start */

  function registerServiceWorker() {
    const script = document.getElementById("field-script");
    if (!("serviceWorker" in navigator) || !script) return;
    navigator.serviceWorker.register(script.dataset.sw, { scope: script.dataset.scope }).catch(() => {});
  }

  document.addEventListener("DOMContentLoaded", () => {
    registerServiceWorker();
    showNetwork();
    const tasksMap = document.getElementById("field-map") ? gridMap("field-map") : null;
    if (tasksMap) taskMarkers(tasksMap);
    reportForm();
    patrolPage();
    recordForms();
    document.getElementById("outbox-send").addEventListener("click", sync);
    window.addEventListener("online", () => { showNetwork(); sync(); });
    window.addEventListener("offline", showNetwork);
    setInterval(sync, RETRY_MS);
    render().then(sync);
  });

  window.WanggeField = { outbox, sync, render };
}());
