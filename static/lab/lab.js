// The session lab's live view (templates/lab/lab.html): polls the feed
// (lab/views.py) every second and draws what it says. A static file: the
// shop's Content-Security-Policy allows no inline script. Everything from
// the feed goes into the page as text, never as HTML.
"use strict";

(function () {
  const lab = document.getElementById("lab");
  if (!lab) return;
  const feedUrl = lab.dataset.feed;
  const SVG = "http://www.w3.org/2000/svg";
  let view = null;
  let clockOffset = 0; // the server's clock minus ours, so that countdowns run on the server's time

  const byId = (id) => document.getElementById(id);
  const now = () => Date.now() / 1000 + clockOffset;

  function text(id, value) {
    const element = byId(id);
    if (element.textContent !== value) element.textContent = value;
  }

  function time(epoch) {
    return new Date(epoch * 1000).toLocaleTimeString();
  }

  function inSeconds(epoch) {
    const seconds = Math.round(epoch - now());
    if (seconds <= 0) return "now";
    const minutes = Math.floor(seconds / 60);
    return minutes ? `in ${minutes} min ${seconds % 60} s` : `in ${seconds} s`;
  }

  function row(cells) {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      if (cell instanceof Node) td.appendChild(cell);
      else td.textContent = cell;
      tr.appendChild(td);
    }
    return tr;
  }

  function fill(tbody, rows) {
    tbody.replaceChildren(...rows.map(row));
  }

  // A colour per worker, the same for the same pid, so that a change of worker shows at a glance.
  function workerClass(worker) {
    let hash = 0;
    for (const c of worker) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
    return `lab-worker lab-worker-${hash % 6}`;
  }

  function drawClocks() {
    const session = view && view.session;
    if (!session) {
      for (const id of ["ttl", "idle-ends", "absolute-ends", "next-slide"]) text(id, "–");
      return;
    }
    const left = Math.max(0, session.ttl_ms / 1000 - (now() - view.now));
    text("ttl", `${left.toFixed(0)} s left (the idle timeout is ${session.idle_timeout} s)`);
    text("idle-ends", session.idle_ends_at ? `${time(session.idle_ends_at)}, ${inSeconds(session.idle_ends_at)}, unless you use the shop` : "–");
    text(
      "absolute-ends",
      session.absolute_ends_at
        ? `${time(session.absolute_ends_at)}, ${inSeconds(session.absolute_ends_at)}, whatever you do`
        : "none: an anonymous session has only the idle timeout"
    );
    text(
      "next-slide",
      session.next_slide_from
        ? session.next_slide_from <= now()
          ? "due: your next request in the shop saves the session and renews its TTL"
          : `your first request from ${time(session.next_slide_from)} (${inSeconds(session.next_slide_from)}) renews the TTL; ` +
            "until then requests cost no write"
        : "–"
    );
  }

  function drawSession() {
    const session = view.session;
    text("state", view.state);
    text("fingerprint", session ? session.fingerprint : "none");
    let stored = "no session";
    if (session) {
      try {
        stored = JSON.stringify(JSON.parse(session.stored), null, 2);
      } catch (error) {
        stored = session.stored;
      }
    }
    text("stored", stored);
    const names = session ? Object.keys(JSON.parse(session.stored)) : [];
    fill(
      byId("legend").tBodies[0],
      names.map((name) => [name, view.fields[name] || "the shop's own"])
    );
  }

  function drawRequests() {
    const requests = view.requests;
    fill(
      byId("requests"),
      requests.map((request) => {
        const worker = document.createElement("span");
        worker.className = workerClass(request.worker);
        worker.textContent = request.worker;
        const trips = request.round_trips.map((trip) => trip.join(" + ")).join("; ");
        return [
          time(request.at),
          `${request.method} ${request.route}`,
          String(request.status),
          worker,
          String(request.app_server),
          `${request.round_trips.length}${trips ? ": " + trips : ""}`,
          request.fingerprint || "none",
        ];
      })
    );
    const workers = new Set(requests.map((request) => request.worker));
    const servers = new Set(requests.map((request) => request.app_server));
    text(
      "workers-summary",
      requests.length
        ? `${requests.length} requests, served by ${workers.size} worker(s) on ${servers.size} app server(s).`
        : ""
    );
  }

  // The timeline: a lane per worker (grouped by app server), a dot per
  // request, so that a change of worker, or of app server, shows as a jump.
  function drawTimeline() {
    const requests = [...view.requests].reverse();
    const svg = byId("timeline");
    const lanes = [...new Set(requests.map((r) => `${r.app_server} ${r.worker}`))].sort();
    const height = 24 + lanes.length * 22;
    svg.setAttribute("viewBox", `0 0 1000 ${height}`);
    const shapes = [];
    const make = (name, attributes, content) => {
      const element = document.createElementNS(SVG, name);
      for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
      if (content !== undefined) element.textContent = content;
      shapes.push(element);
      return element;
    };
    if (requests.length) {
      const first = requests[0].at;
      const span = Math.max(1, requests[requests.length - 1].at - first);
      lanes.forEach((lane, n) => {
        const y = 20 + n * 22;
        const [server, worker] = lane.split(" ");
        make("text", { x: 0, y: y + 4, class: "d-small" }, `app server ${server}, worker ${worker.split(":").pop()}`);
        make("line", { x1: 220, y1: y, x2: 990, y2: y, class: "d-arrow" });
      });
      let previous = null;
      for (const request of requests) {
        const x = 230 + ((request.at - first) / span) * 750;
        const y = 20 + lanes.indexOf(`${request.app_server} ${request.worker}`) * 22;
        if (previous) make("line", { x1: previous[0], y1: previous[1], x2: x, y2: y, class: "d-hop" });
        const renewed = request.fingerprint && request.fingerprint_before && request.fingerprint !== request.fingerprint_before;
        make("circle", { cx: x, cy: y, r: renewed ? 7 : 5, class: renewed ? "d-dot d-renewed" : "d-dot" });
        previous = [x, y];
      }
    }
    svg.replaceChildren(...shapes);
  }

  function drawEvents() {
    const items = [];
    for (const request of [...view.requests].reverse()) {
      for (const event of request.events) {
        const li = document.createElement("li");
        li.textContent = `${time(request.at)}  ${event}  (${request.method} ${request.route}, ${request.worker})`;
        items.push(li);
      }
    }
    byId("events").replaceChildren(...items);
    byId("no-events").hidden = items.length > 0;
  }

  function drawCookie() {
    const cookie = view.cookie;
    text("cookie-name", cookie.name);
    const set = cookie.last_set;
    if (set) {
      const attributes = Object.entries(set.attributes)
        .map(([name, value]) => (value === true ? name : `${name}=${value}`))
        .join("; ");
      text("cookie-set", set.deleted ? `deleted (${attributes})` : attributes);
    } else {
      const configured = Object.entries(cookie.as_configured)
        .filter(([, value]) => value !== null && value !== false)
        .map(([name, value]) => (value === true ? name : `${name}=${value}`))
        .join("; ");
      text("cookie-set", `not in the requests the lab has seen; the settings give it: ${configured}`);
    }
    fill(byId("cookie-reasons").tBodies[0], Object.entries(cookie.reasons));
    const lit = set && !set.deleted ? set.attributes : {};
    for (const group of byId("d3-attributes").children) {
      const name = group.dataset.attribute;
      const on = name === "host" ? cookie.name.startsWith("__Host-") && lit.path === "/" : Boolean(lit[name]);
      group.classList.toggle("d-lit", on);
    }
    text("d3-name", cookie.name);
  }

  function drawDiagrams() {
    for (const state of document.querySelectorAll(".d-state")) {
      state.classList.toggle("d-lit", state.dataset.state === view.state);
    }
    text("d1-key", view.session ? `your session (${view.session.fingerprint})` : "no session");
    // Diagram 1: the workers that served you, the last one lit, all reading one Redis.
    const seen = [...new Set(view.requests.map((request) => request.worker))].slice(0, 4);
    const last = view.requests.length ? view.requests[0].worker : null;
    const group = byId("d1-workers");
    const shapes = [];
    seen.forEach((worker, n) => {
      const x = 340 + n * 75;
      const rect = document.createElementNS(SVG, "rect");
      for (const [name, value] of Object.entries({ x, y: 40, width: 70, height: 50, rx: 6 })) rect.setAttribute(name, value);
      rect.setAttribute("class", worker === last ? "d-box d-lit-box" : "d-box");
      const label = document.createElementNS(SVG, "text");
      for (const [name, value] of Object.entries({ x: x + 35, y: 70, "text-anchor": "middle", class: "d-small" })) label.setAttribute(name, value);
      label.textContent = worker.split(":").pop();
      const line = document.createElementNS(SVG, "line");
      for (const [name, value] of Object.entries({ x1: x + 35, y1: 90, x2: 480, y2: 160, class: "d-arrow" })) line.setAttribute(name, value);
      shapes.push(rect, label, line);
    });
    group.replaceChildren(...shapes);
    const trips = view.requests.length ? view.requests[0].round_trips.length : 0;
    text("d2-trips", view.requests.length ? `${trips} round trip(s) for your last request` : "GET the session");
  }

  function draw() {
    drawSession();
    drawClocks();
    drawRequests();
    drawTimeline();
    drawEvents();
    drawCookie();
    drawDiagrams();
  }

  async function poll() {
    try {
      const response = await fetch(feedUrl, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        view = await response.json();
        clockOffset = view.now - Date.now() / 1000;
        draw();
        lab.classList.remove("lab-offline");
      } else {
        lab.classList.add("lab-offline");
      }
    } catch (error) {
      lab.classList.add("lab-offline");
    }
    setTimeout(poll, 1000);
  }

  setInterval(drawClocks, 250);
  poll();
})();
