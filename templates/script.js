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

  // Print every code block, not only the open ones.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.dataset.wasOpen = d.open; d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = d.dataset.wasOpen === "true"; });
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
