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
  const WORKER_COLOURS = 6; // .lab-worker-0 ... -5 and .d-worker-0 ... -5 in lab.css
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

  // A duration as people say it: "45 s", "12 min 5 s", "11 h 59 min" (lab/selectors.py's duration()).
  function duration(seconds) {
    seconds = Math.round(seconds);
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = seconds % 60;
    if (hours) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
    if (minutes) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
    return `${rest} s`;
  }

  function inSeconds(epoch) {
    const seconds = Math.round(epoch - now());
    return seconds <= 0 ? "now" : `in ${duration(seconds)}`;
  }

  function svgElement(name, attributes, content) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    if (content !== undefined) element.textContent = content;
    return element;
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

  // A colour per worker, one each in the order they first served (the
  // table's, the timeline's and diagram 1's), kept for the page's life:
  // a change of worker shows at a glance, and no two workers share one
  // until more than six have served.
  const workerColours = new Map();
  function workerColour(worker) {
    if (!workerColours.has(worker)) workerColours.set(worker, workerColours.size % WORKER_COLOURS);
    return workerColours.get(worker);
  }

  function pid(worker) {
    return worker.split(":").pop();
  }

  function drawClocks() {
    const session = view && view.session;
    if (!session) {
      for (const id of ["ttl", "idle-ends", "absolute-ends", "next-slide"]) text(id, "–");
      return;
    }
    const left = Math.max(0, session.ttl_ms / 1000 - (now() - view.now));
    text("ttl", `${duration(left)} left (the idle timeout is ${duration(session.idle_timeout)})`);
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
    text("end-says", view.end ? `${view.end.at ? time(view.end.at) + ": " : ""}${view.end.says}` : "");
    byId("end-says").hidden = !view.end;
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

  // The requests and the ends of sessions, newest first, each end where it came.
  function drawRequests() {
    const requests = view.requests;
    const rows = requests.map((request) => {
      const worker = document.createElement("span");
      worker.className = `lab-worker lab-worker-${workerColour(request.worker)}`;
      worker.textContent = request.worker;
      const trips = request.round_trips.map((trip) => trip.join(" + ")).join("; ");
      return {
        order: request.at,
        tr: row([
          time(request.at),
          `${request.method} ${request.route}`,
          String(request.status),
          worker,
          String(request.app_server),
          `${request.round_trips.length}${trips ? ": " + trips : ""}`,
          request.fingerprint || "none",
        ]),
      };
    });
    for (const end of view.ends) {
      const tr = document.createElement("tr");
      tr.className = "lab-end-row";
      const when = document.createElement("td");
      when.textContent = end.at ? time(end.at) : "–";
      const says = document.createElement("td");
      says.colSpan = 6;
      says.textContent = `Session ${end.fingerprint} ended (${end.words}). ${end.says}`;
      tr.append(when, says);
      rows.push({ order: end.order, tr });
    }
    rows.sort((a, b) => b.order - a.order);
    byId("requests").replaceChildren(...rows.map((r) => r.tr));
    const workers = new Set(requests.map((request) => request.worker));
    const servers = new Set(requests.map((request) => request.app_server));
    text(
      "workers-summary",
      requests.length
        ? `${requests.length} requests, served by ${workers.size} worker(s) on ${servers.size} app server(s).`
        : ""
    );
  }

  // The timeline: a lane per worker (grouped by app server), in the
  // worker's colour of the table, a dot per request, so that a change of
  // worker, or of app server, shows as a jump; and a mark where a session
  // ended. Drawn at the width it is shown, so that its words keep their size.
  function drawTimeline() {
    const requests = [...view.requests].reverse();
    const svg = byId("timeline");
    const width = Math.max(300, Math.round(svg.getBoundingClientRect().width) || 1000);
    const lanes = [...new Set(requests.map((r) => `${r.app_server} ${r.worker}`))].sort();
    const servers = [...new Set(requests.map((r) => r.app_server))].sort();
    const height = 34 + lanes.length * 24;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const shapes = [];
    const make = (name, attributes, content) => shapes.push(svgElement(name, attributes, content));
    const ends = view.ends.filter((end) => end.order);
    if (requests.length) {
      const first = requests[0].at;
      const last = Math.max(requests[requests.length - 1].at, ...ends.map((end) => end.order));
      const span = Math.max(1, last - first);
      const left = 150;
      const x = (at) => left + 10 + ((at - first) / span) * (width - left - 30);
      lanes.forEach((lane, n) => {
        const y = 20 + n * 24;
        const [server, worker] = lane.split(" ");
        const colour = workerColour(worker);
        make("rect", { x: 0, y: y - 9, width: 12, height: 18, rx: 3, class: `d-worker-${colour} d-chip` });
        const where = servers.length > 1 ? ` · server ${servers.indexOf(server) + 1}` : "";
        make("text", { x: 18, y: y + 4, class: "d-small d-lane-name" }, `worker ${pid(worker)}${where}`);
        make("line", { x1: left, y1: y, x2: width - 10, y2: y, class: `d-lane d-worker-${colour}` });
      });
      let previous = null;
      for (const request of requests) {
        const cx = x(request.at);
        const cy = 20 + lanes.indexOf(`${request.app_server} ${request.worker}`) * 24;
        if (previous) make("line", { x1: previous[0], y1: previous[1], x2: cx, y2: cy, class: "d-hop" });
        const renewed = request.fingerprint && request.fingerprint_before && request.fingerprint !== request.fingerprint_before;
        const colour = workerColour(request.worker);
        make("circle", {
          cx,
          cy,
          r: renewed ? 7 : 5,
          class: `d-dot d-worker-${colour}${renewed ? " d-renewed" : ""}`,
          "data-worker": request.worker,
        });
        previous = [cx, cy];
      }
      for (const end of ends) {
        const ex = x(end.order);
        make("line", { x1: ex, y1: 6, x2: ex, y2: height - 14, class: "d-end" });
        const anchor = ex > width - 120 ? "end" : "start";
        make("text", { x: anchor === "end" ? ex - 4 : ex + 4, y: height - 4, "text-anchor": anchor, class: "d-small d-end-name" }, `ended: ${end.words}`);
      }
    }
    svg.replaceChildren(...shapes);
  }

  function drawStory() {
    const items = view.story.map((item) => {
      const li = document.createElement("li");
      const where = [item.request, item.worker].filter(Boolean).join(", ");
      li.textContent = `${item.at ? time(item.at) : "–"}  ${item.says}${where ? `  (${where})` : ""}`;
      if (item.end) li.className = "lab-end";
      return li;
    });
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
    text("d4-why", view.end ? `by: ${view.end.words}` : "");
    text("d1-key", view.session ? `holds your session ${view.session.fingerprint}` : "holds no session of yours");
    // Diagram 1: the workers that served you, in their colours, the last one lit, all reading one Redis.
    const seen = [...new Set(view.requests.map((request) => request.worker))].slice(0, 4);
    const last = view.requests.length ? view.requests[0].worker : null;
    const shapes = [];
    seen.forEach((worker, n) => {
      const x = 340 + n * 75;
      const lit = worker === last ? " d-lit-box" : "";
      shapes.push(
        svgElement("rect", { x, y: 40, width: 70, height: 50, rx: 6, class: `d-box${lit}` }),
        svgElement("rect", { x: x + 8, y: 58, width: 10, height: 14, rx: 2, class: `d-chip d-worker-${workerColour(worker)}` }),
        svgElement("text", { x: x + 42, y: 70, "text-anchor": "middle", class: "d-small" }, pid(worker)),
        svgElement("line", { x1: x + 35, y1: 90, x2: 480, y2: 158, class: "d-arrow" })
      );
    });
    byId("d1-workers").replaceChildren(...shapes);
    const trips = view.requests.length ? view.requests[0].round_trips.length : null;
    text(
      "d2-trips",
      trips === null ? "" : `Your last request: ${trips} round trip${trips === 1 ? "" : "s"} to Redis.`
    );
  }

  // The header, as the shop's shows the visitor now (the feed's visitor:
  // who the last page of this session showed, and its cart's count), when
  // it changed since this page was drawn (a login in the other tab).
  function drawHeader() {
    const visitor = view.visitor;
    const nav = document.querySelector(".site-header .nav");
    if (!visitor || !nav) return;
    const count = nav.querySelector(".cart-count");
    if (count && count.textContent !== String(visitor.cart_units)) count.textContent = String(visitor.cart_units);
    const who = nav.querySelector(".who");
    if ((who ? who.textContent : null) === visitor.username) return;
    const items = byId(visitor.username ? "lab-nav-user" : "lab-nav-visitor").content.cloneNode(true);
    if (visitor.username) items.querySelector(".who").textContent = visitor.username;
    const cart = nav.querySelector(".cart-link");
    for (const child of [...nav.children]) if (child !== cart) child.remove();
    nav.insertBefore(items, cart);
  }

  // A logout form drawn here after a login elsewhere carries the CSRF
  // token the login gave the browser (its cookie, as Django takes it).
  document.addEventListener("submit", (event) => {
    const input = event.target.querySelector("input[data-csrf-from-cookie]");
    if (!input) return;
    const name = lab.dataset.csrfCookie;
    const cookie = document.cookie.split("; ").find((pair) => pair.startsWith(`${name}=`));
    input.value = cookie ? cookie.slice(name.length + 1) : "";
  });

  function draw() {
    drawSession();
    drawClocks();
    drawRequests();
    drawTimeline();
    drawStory();
    drawCookie();
    drawDiagrams();
    drawHeader();
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
