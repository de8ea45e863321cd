// MEGA report: theme toggle, the current section in the table of contents,
// copy buttons, and open code blocks when printing. No network, no libraries.
(function () {
  "use strict";
  var root = document.documentElement;

  // Light/dark: follows prefers-color-scheme until the reader picks one.
  var toggle = document.getElementById("theme-toggle");
  function effectiveTheme() {
    if (root.dataset.theme) return root.dataset.theme;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = effectiveTheme() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("mega-theme", next); } catch (e) { /* file:// in some browsers */ }
    });
  }

  // On a phone the contents start folded, so the text comes first.
  var tocDetails = document.querySelector("#toc details");
  if (tocDetails && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) tocDetails.open = false;

  // Highlight the section being read.
  var links = {};
  document.querySelectorAll("#toc a[href^='#']").forEach(function (a) {
    links[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
  });
  var headings = Array.prototype.filter.call(document.querySelectorAll("main h2[id], main h3[id]"), function (h) {
    return links[h.id];
  });
  var current = null;
  function update() {
    var best = headings[0];
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top <= 120) best = headings[i]; else break;
    }
    if (!best || best === current) return;
    if (current && links[current.id]) links[current.id].classList.remove("current");
    current = best;
    links[best.id].classList.add("current");
  }
  if (headings.length) {
    window.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  // Copy buttons on code.
  if (navigator.clipboard) {
    document.querySelectorAll("pre.chroma").forEach(function (pre) {
      var text = pre.textContent;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy";
      b.textContent = "copy";
      b.addEventListener("click", function () {
        navigator.clipboard.writeText(text).then(function () {
          b.textContent = "copied";
          setTimeout(function () { b.textContent = "copy"; }, 1200);
        }, function () { b.textContent = "failed"; });
      });
      pre.appendChild(b);
    });
  }

  // A link to something folded (another seed's results) unfolds it.
  function unfold() {
    var t = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    for (var d = t && t.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
  }
  window.addEventListener("hashchange", unfold);
  unfold();

  // Print every code block, not only the open ones.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.dataset.wasOpen = d.open; d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = d.dataset.wasOpen === "true"; });
  });
})();

// Nearest neighbours: a table per figure, drawn from its data (JSON in a
// script element: {label, cols, classes, sets: [{title, wrong}], rows:
// [{index, q, n}]}, a tile being [its number in the dataset's atlas, class,
// similarity × 100]; the atlas's CSS class gives it the image, cols tiles
// to a row). A row is a test image and its neighbours in
// each set; a neighbour of another class is marked. The tiles are hidden
// from screen readers, which read each cell's count instead.
(function () {
  "use strict";
  function el(name, cls, text, parent) {
    var e = document.createElement(name);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function tile(t, d, query, parent) {
    var s = el("span", "tile", "", parent);
    s.style.setProperty("--x", t[0] % d.cols);
    s.style.setProperty("--y", Math.floor(t[0] / d.cols));
    s.setAttribute("aria-hidden", "true");
    var name = d.classes[t[1]] || "?";
    if (query === undefined) {
      s.title = name;
    } else {
      s.title = name + (t[1] !== query ? " (another class)" : "") + ", similarity " + (t[2] / 100).toFixed(2);
      if (t[1] !== query) s.classList.add("wrong");
    }
    return s;
  }
  document.querySelectorAll("figure.neighbours").forEach(function (fig) {
    var d, data = fig.querySelector("script.nb-data");
    try { d = JSON.parse(data.textContent); } catch (e) { return; }
    var table = el("table", "neighbours " + fig.dataset.atlas);
    table.setAttribute("aria-label", d.label);
    var head = el("tr", "", "", el("thead", "", "", table));
    el("th", "", "test image", head).scope = "col";
    d.sets.forEach(function (s) {
      var th = el("th", "", s.title, head);
      th.scope = "col";
      el("span", "wrong-count", s.wrong, th);
    });
    var body = el("tbody", "", "", table);
    d.rows.forEach(function (r) {
      var tr = el("tr", "", "", body);
      var th = el("th", "", "", tr);
      th.scope = "row";
      tile(r.q, d, undefined, th);
      el("span", "sr-only", "test image " + r.index + ", " + d.classes[r.q[1]], th);
      r.n.forEach(function (set) {
        var td = el("td", "", "", tr);
        var same = 0;
        set.forEach(function (t) { tile(t, d, r.q[1], td); if (t[1] === r.q[1]) same++; });
        el("span", "sr-only", same + " of " + set.length + " of its class", td);
      });
    });
    fig.insertBefore(table, fig.firstChild);
  });
})();

// A table, a listing or a formula wider than its column scrolls sideways
// (style.css): a keyboard must reach it to scroll it, so each one that
// overflows takes a tab stop (and gives it back when a wider window shows it
// whole), and a table's caption says there is more to the right (a phone
// shows the first columns only). Those that fit take none.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table, main pre, main math[display='block']").forEach(function (el) {
      var wide = el.scrollWidth > el.clientWidth + 1;
      el.classList.toggle("scrolls", wide); // a table's caption then says so
      if (wide && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollStop = "1";
      } else if (!wide && el.dataset.scrollStop) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollStop;
      }
    });
  }
  mark();
  document.addEventListener("toggle", mark, true); // an opened code block may be wide
  var pending = 0;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 150);
  });
})();

// Results at a glance: click a column's head to sort by it (again: the other
// way). Numbers sort by their data-v value, highest first; dashes last.
(function () {
  "use strict";
  document.querySelectorAll("table.leaderboard").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var numeric = th.dataset.sort === "num";
        var down = th.getAttribute("aria-sort") !== "descending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.children[col];
          if (!numeric) return cell.textContent.trim().toLowerCase();
          var v = cell.dataset.v;
          return v === "" || v === undefined ? null : parseFloat(v);
        }
        rows.sort(function (a, b) {
          var ka = key(a), kb = key(b);
          if (ka === kb) return 0;
          if (ka === null) return 1;
          if (kb === null) return -1;
          var c = ka < kb ? -1 : 1;
          return down ? -c : c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });
})();

// Permalinks on the headings, and one control that opens (or folds) every
// code block.
(function () {
  "use strict";
  document.querySelectorAll("main h2[id], main h3[id], main h4[id]").forEach(function (h) {
    var a = document.createElement("a");
    a.className = "permalink";
    a.href = "#" + h.id;
    a.setAttribute("aria-label", "Link to this section");
    a.textContent = "#";
    h.appendChild(a);
  });
  var codes = document.querySelectorAll("details.code");
  var toc = document.querySelector("#toc details");
  if (!codes.length || !toc) return;
  var b = document.createElement("button");
  b.type = "button";
  b.id = "expand-code";
  b.textContent = "Expand all code";
  b.addEventListener("click", function () {
    var open = b.textContent === "Expand all code";
    codes.forEach(function (d) { d.open = open; });
    b.textContent = open ? "Fold all code" : "Expand all code";
  });
  toc.parentNode.insertBefore(b, toc.nextSibling);
})();

// Charts drawn here from data, as inline SVG in the page's own font and
// colours (dark mode included), no library:
//   - figure.curves[data-series]: a comparison's kNN curves (JSON:
//     [{name, x: epochs, y: %, sd}]), a checkbox per run to show or hide it;
//     a run of several seeds has its mean as y and a band of ± sd;
//   - figure.run-chart[data-chart]: one run's curve (JSON: {unit, label,
//     lines: [{name, x, y}], refs: [{name, v}]}), its baselines dashed;
//   - figure.curves[data-labels]: Table 1's label-efficiency chart, the
//     same spec with x a percentage of the labels on a log axis (xlog,
//     xticks, xlabel), baselines' lines dashed (dash), a checkbox per line.
// The pointer shows every shown line's value at the nearest epoch.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999", "#882255", "#44AA99", "#117733"];
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  // nice is an axis over [lo, hi] at a round step (1, 2, 2.5 or 5 × 10^k,
  // about five ticks) and the decimals that step needs.
  function nice(lo, hi) {
    var span = hi - lo || Math.abs(hi) || 1, raw = span / 5;
    var p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
    var step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
    var a = Math.floor(lo / step + 1e-9) * step, b = Math.ceil(hi / step - 1e-9) * step;
    if (b <= a) b = a + step;
    var dec = 0;
    while (dec < 6 && Math.abs(Math.round(step * Math.pow(10, dec)) - step * Math.pow(10, dec)) > 1e-6) dec++;
    return { lo: a, hi: b, step: step, dec: dec };
  }
  function draw(fig, spec, pick) {
    var unit = spec.unit || "", lines = spec.lines, refs = spec.refs || [];
    var W = 640, H = 290, L = 52, R = 12, T = 22, B = 34;
    var xmin = Infinity, xmax = 1, ymin = Infinity, ymax = -Infinity;
    lines.forEach(function (s) {
      s.x.forEach(function (x) { xmax = Math.max(xmax, x); xmin = Math.min(xmin, x); });
      s.y.forEach(function (y, j) {
        var d = s.sd ? s.sd[j] : 0;
        ymin = Math.min(ymin, y - d); ymax = Math.max(ymax, y + d);
      });
    });
    refs.forEach(function (r) { ymin = Math.min(ymin, r.v); ymax = Math.max(ymax, r.v); });
    if (!isFinite(ymin)) return;
    var ax = nice(ymin, ymax);
    if (unit === "%") { ax.lo = Math.max(0, ax.lo); ax.hi = Math.min(100, ax.hi); }
    // The label-efficiency chart's x is a percentage of the labels on a
    // log axis with its own ticks; every other chart's is the epoch.
    var xticks = spec.xticks, lg = spec.xlog && xmin > 0 && xmax > xmin;
    if (!lg) xmin = 1;
    function px(x) {
      if (lg) return L + (Math.log(x) - Math.log(xmin)) / (Math.log(xmax) - Math.log(xmin)) * (W - L - R);
      return L + (x - 1) / Math.max(1, xmax - 1) * (W - L - R);
    }
    function xname(x) { return xticks ? x + "%" : "epoch " + x; }
    function py(y) { return T + (ax.hi - y) / (ax.hi - ax.lo) * (H - T - B); }
    function fmt(v, dec) { return v.toFixed(dec) + unit; }
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": spec.label || "per epoch", class: "curves-chart" });
    for (var t = ax.lo; t <= ax.hi + ax.step / 1e6; t += ax.step) {
      el("line", { x1: L, x2: W - R, y1: py(t), y2: py(t), class: "grid" }, svg);
      el("text", { x: L - 6, y: py(t) + 4, "text-anchor": "end", class: "tick" }, svg).textContent = fmt(t, ax.dec);
    }
    // Epoch ticks: the first, then multiples of a round step (1, 2, 5, 10…).
    if (xticks) {
      xticks.forEach(function (t) {
        el("text", { x: px(t), y: H - B + 16, "text-anchor": "middle", class: "tick" }, svg).textContent = t + "%";
      });
    } else {
      var step = 1;
      while (xmax / step > 10) step = String(step)[0] === "2" ? step * 2.5 : step * 2;
      for (var e = 1; e <= xmax; e = (e === 1 && step > 1) ? step : e + step) {
        el("text", { x: px(e), y: H - B + 16, "text-anchor": "middle", class: "tick" }, svg).textContent = e;
      }
    }
    el("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", class: "tick" }, svg).textContent = spec.xlabel || "epoch";
    if (spec.label) el("text", { x: 4, y: 11, class: "tick" }, svg).textContent = spec.label;
    refs.forEach(function (r) {
      el("line", { x1: L, x2: W - R, y1: py(r.v), y2: py(r.v), class: "ref" }, svg);
    });
    var drawn = lines.map(function (s, i) {
      var g = el("g", { "data-name": s.name, stroke: colours[i % colours.length], fill: colours[i % colours.length] }, svg);
      if (s.sd) { // the spread over seeds: mean + sd along, mean − sd back
        var up = s.x.map(function (x, j) { return px(x) + "," + py(s.y[j] + s.sd[j]); });
        var down = s.x.map(function (x, j) { return px(x) + "," + py(s.y[j] - s.sd[j]); }).reverse();
        el("polygon", { points: up.concat(down).join(" "), stroke: "none", "fill-opacity": 0.18, class: "band" }, g);
      }
      var pl = { points: s.x.map(function (x, j) { return px(x) + "," + py(s.y[j]); }).join(" "), fill: "none", "stroke-width": 2 };
      if (s.dash) pl["stroke-dasharray"] = "6 4";
      el("polyline", pl, g);
      if (s.x.length <= 60) s.x.forEach(function (x, j) { el("circle", { cx: px(x), cy: py(s.y[j]), r: 2.5, stroke: "none" }, g); });
      return g;
    });
    var cursor = el("line", { y1: T, y2: H - B, class: "cursor", visibility: "hidden" }, svg);
    var tip = document.createElement("div");
    tip.className = "curves-tip";
    tip.hidden = true;
    var legend = document.createElement("div");
    legend.className = "curves-legend";
    lines.forEach(function (s, i) {
      var label = document.createElement(pick ? "label" : "span");
      if (pick) {
        var box = document.createElement("input");
        box.type = "checkbox";
        box.checked = true;
        box.addEventListener("change", function () { drawn[i].style.display = box.checked ? "" : "none"; });
        label.appendChild(box);
      }
      var sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = colours[i % colours.length];
      if (s.dash) { sw.style.background = "none"; sw.style.borderTop = "3px dashed " + colours[i % colours.length]; sw.style.height = "0"; }
      label.appendChild(sw); label.appendChild(document.createTextNode(" " + s.name));
      legend.appendChild(label);
    });
    refs.forEach(function (r) {
      var span = document.createElement("span");
      var sw = document.createElement("span");
      sw.className = "swatch ref";
      span.appendChild(sw); span.appendChild(document.createTextNode(" " + r.name + " " + fmt(r.v, 1)));
      legend.appendChild(span);
    });
    svg.addEventListener("mousemove", function (ev) {
      var r = svg.getBoundingClientRect();
      var x = (ev.clientX - r.left) / r.width * W;
      var epoch;
      if (xticks) { // the nearest tick
        epoch = xticks.reduce(function (a, t) { return Math.abs(px(t) - x) < Math.abs(px(a) - x) ? t : a; }, xticks[0]);
      } else {
        epoch = Math.round(1 + (x - L) / (W - L - R) * Math.max(1, xmax - 1));
        epoch = Math.min(xmax, Math.max(1, epoch));
      }
      cursor.setAttribute("x1", px(epoch)); cursor.setAttribute("x2", px(epoch));
      cursor.setAttribute("visibility", "visible");
      var rows = [xname(epoch)];
      lines.forEach(function (s, i) {
        var j = s.x.indexOf(epoch);
        if (j >= 0 && drawn[i].style.display !== "none") {
          rows.push(s.name + ": " + fmt(s.y[j], unit === "%" ? 1 : 4) + (s.sd ? " ± " + s.sd[j].toFixed(1) : ""));
        }
      });
      tip.textContent = rows.join("\n");
      tip.hidden = false;
    });
    svg.addEventListener("mouseleave", function () { cursor.setAttribute("visibility", "hidden"); tip.hidden = true; });
    fig.insertBefore(legend, fig.firstChild);
    fig.insertBefore(svg, legend);
    fig.insertBefore(tip, legend);
  }
  document.querySelectorAll("figure.curves").forEach(function (fig) {
    try {
      if (fig.dataset.series) draw(fig, { unit: "%", label: "kNN top-1 per epoch", lines: JSON.parse(fig.dataset.series) }, true);
      else if (fig.dataset.chart) draw(fig, JSON.parse(fig.dataset.chart), false);
      else if (fig.dataset.labels) draw(fig, JSON.parse(fig.dataset.labels), true);
    } catch (e) { /* a chart that cannot be read is left out, its caption stays */ }
  });
})();

// t-SNE grids: one canvas per method, drawn from its points (JSON
// {classes, panels: [{title, points}]}, points base64: x, y, class a byte
// each on a 0–255 grid), one legend of the classes. The palette is Okabe &
// Ito's eight (black as dark grey, to show on either theme's card), then
// Paul Tol's purple and olive: ten classes told apart by readers with the
// common colour-vision deficiencies.
(function () {
  "use strict";
  var palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#333333", "#332288", "#999933"];
  document.querySelectorAll("figure.tsne[data-tsne]").forEach(function (fig) {
    var spec;
    try { spec = JSON.parse(fig.dataset.tsne); } catch (e) { return; }
    var grid = document.createElement("div");
    grid.className = "tsne-grid";
    spec.panels.forEach(function (p) {
      var bytes = atob(p.points || "");
      var panel = document.createElement("div");
      panel.className = "tsne-panel";
      var title = document.createElement("div");
      title.className = "tsne-title";
      title.textContent = p.title;
      var canvas = document.createElement("canvas");
      var S = 480, pad = 10; // drawn at twice its CSS size, sharp on dense screens
      canvas.width = S; canvas.height = S;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", "t-SNE of " + p.title);
      var g = canvas.getContext("2d");
      g.fillStyle = "#fff";
      g.fillRect(0, 0, S, S);
      g.globalAlpha = 0.85;
      for (var i = 0; i + 2 < bytes.length; i += 3) {
        var x = pad + bytes.charCodeAt(i) / 255 * (S - 2 * pad);
        var y = S - pad - bytes.charCodeAt(i + 1) / 255 * (S - 2 * pad);
        g.fillStyle = palette[bytes.charCodeAt(i + 2) % palette.length];
        g.beginPath(); g.arc(x, y, 3.6, 0, 2 * Math.PI); g.fill();
      }
      panel.appendChild(title); panel.appendChild(canvas);
      grid.appendChild(panel);
    });
    var legend = document.createElement("div");
    legend.className = "curves-legend tsne-legend";
    (spec.classes || []).forEach(function (c, i) {
      var span = document.createElement("span");
      var sw = document.createElement("span");
      sw.className = "dot";
      sw.style.background = palette[i % palette.length];
      span.appendChild(sw); span.appendChild(document.createTextNode(" " + c));
      legend.appendChild(span);
    });
    fig.insertBefore(legend, fig.firstChild);
    fig.insertBefore(grid, legend);
  });
})();
