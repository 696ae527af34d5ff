/* uncover review workspace: keyboard navigation, finding overlays, drawing annotation rectangles.
   A static file, as the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function placeBoxes() {
    document.querySelectorAll(".page-figure .box[data-x]").forEach(function (el) {
      el.style.left = (parseFloat(el.dataset.x) * 100) + "%";
      el.style.top = (parseFloat(el.dataset.y) * 100) + "%";
      el.style.width = (parseFloat(el.dataset.w) * 100) + "%";
      el.style.height = (parseFloat(el.dataset.h) * 100) + "%";
    });
  }

  // -- hits: j / k, in the text and on the page image ---------------------------------------------
  var current = -1;
  function hits() { return Array.prototype.slice.call(document.querySelectorAll("#pagetext mark.hit")); }
  function imageHits() { return Array.prototype.slice.call(document.querySelectorAll(".page-figure .box-hit")); }
  function showHit(i) {
    var all = hits(), boxes = imageHits();
    var n = Math.max(all.length, boxes.length);
    if (!n) return false;
    all.forEach(function (m) { m.classList.remove("current"); });
    boxes.forEach(function (b) { b.classList.remove("current"); });
    current = i;
    if (all[i]) { all[i].classList.add("current"); all[i].scrollIntoView({ block: "nearest" }); }
    if (boxes[i]) { boxes[i].classList.add("current"); boxes[i].scrollIntoView({ block: "center", inline: "center" }); }
    var status = document.getElementById("hit-status");
    if (status) status.textContent = "Hit " + (i + 1) + " of " + n + " on this page";
    return true;
  }
  function hitCount() { return Math.max(hits().length, imageHits().length); }
  function follow(name) {
    var a = document.querySelector('a[data-nav="' + name + '"]');
    if (a) { window.location.href = a.href; return true; }
    return false;
  }
  function nextHit() {
    if (current + 1 < hitCount()) showHit(current + 1); else follow("next-hit-page");
  }
  function prevHit() {
    if (current > 0) showHit(current - 1); else follow("prev-hit-page");
  }

  // Word boxes of the hits, drawn over the picture once it has loaded (routes/viewer.py).
  function loadImageHits() {
    var fig = document.querySelector(".page-figure[data-hits]");
    if (!fig || !window.fetch) return;
    fetch(fig.dataset.hits, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : { boxes: [] }; })
      .then(function (data) {
        (data.boxes || []).forEach(function (b) {
          var el = document.createElement("div");
          el.className = "box box-hit";
          el.setAttribute("aria-hidden", "true");
          el.title = b[4];
          el.style.left = (b[0] * 100) + "%"; el.style.top = (b[1] * 100) + "%";
          el.style.width = (b[2] * 100) + "%"; el.style.height = (b[3] * 100) + "%";
          fig.appendChild(el);
        });
        fig.dataset.hitBoxes = String((data.boxes || []).length);
        var legend = document.getElementById("hit-legend");
        if (legend && data.boxes && data.boxes.length) legend.hidden = false;
        var want = current >= 0 ? current : (/[?&]hit=last\b/.test(window.location.search) ? hitCount() - 1 : 0);
        showHit(want);
      }).catch(function () { /* no boxes: the text pane still shows the hits */ });
  }

  // -- zoom -----------------------------------------------------------------------------------
  var zoom = 1;
  function setZoom(z) {
    var fig = document.getElementById("page-figure");
    var img = document.getElementById("page-image");
    if (!fig || !img) return;
    zoom = Math.min(Math.max(z, 0.5), 4);
    fig.style.width = (zoom * 100) + "%";
    if (zoom !== 1) fig.dataset.zoom = String(zoom); else delete fig.dataset.zoom;
    if (zoom > 1.2 && img.dataset.zoomSrc && img.src.indexOf("dpi=200") < 0) img.src = img.dataset.zoomSrc;
    var label = document.getElementById("zoom-level");
    if (label) label.textContent = Math.round(zoom * 100) + "%";
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName))) return;
    var actions = {
      "j": nextHit, "k": prevHit,
      "+": function () { setZoom(zoom * 1.25); }, "=": function () { setZoom(zoom * 1.25); },
      "-": function () { setZoom(zoom / 1.25); }, "0": function () { setZoom(1); },
      "n": function () { follow("next-page"); }, "p": function () { follow("prev-page"); },
      "]": function () { follow("next-doc"); }, "[": function () { follow("prev-doc"); }
    };
    var fn = actions[ev.key];
    if (fn) { ev.preventDefault(); fn(); }
  });

  // -- drawing an annotation rectangle on the page image ------------------------------------------
  function setupDrawing() {
    var fig = document.querySelector(".page-figure[data-annotate]");
    var form = document.getElementById("annotation-form");
    if (!fig || !form) return;
    var start = null, box = null;
    function frac(ev) {
      var r = fig.getBoundingClientRect();
      return { x: Math.min(Math.max((ev.clientX - r.left) / r.width, 0), 1), y: Math.min(Math.max((ev.clientY - r.top) / r.height, 0), 1) };
    }
    function setFields(x, y, w, h) {
      document.getElementById("ann-x").value = x.toFixed(5);
      document.getElementById("ann-y").value = y.toFixed(5);
      document.getElementById("ann-w").value = w.toFixed(5);
      document.getElementById("ann-h").value = h.toFixed(5);
    }
    function draw(x, y, w, h) {
      if (!box) { box = document.createElement("div"); box.className = "box box-drawing"; box.setAttribute("aria-hidden", "true"); fig.appendChild(box); }
      box.dataset.x = x; box.dataset.y = y; box.dataset.w = w; box.dataset.h = h;
      box.style.left = (x * 100) + "%"; box.style.top = (y * 100) + "%";
      box.style.width = (w * 100) + "%"; box.style.height = (h * 100) + "%";
    }
    fig.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      ev.preventDefault();
      start = frac(ev);
      fig.setPointerCapture(ev.pointerId);
      draw(start.x, start.y, 0, 0);
    });
    fig.addEventListener("pointermove", function (ev) {
      if (!start) return;
      var p = frac(ev);
      draw(Math.min(start.x, p.x), Math.min(start.y, p.y), Math.abs(p.x - start.x), Math.abs(p.y - start.y));
    });
    fig.addEventListener("pointerup", function (ev) {
      if (!start) return;
      var p = frac(ev);
      var x = Math.min(start.x, p.x), y = Math.min(start.y, p.y), w = Math.abs(p.x - start.x), h = Math.abs(p.y - start.y);
      start = null;
      if (w < 0.005 || h < 0.005) { if (box) { box.remove(); box = null; } return; }
      setFields(x, y, w, h);
      document.getElementById("ann-text").focus();
    });
    var whole = document.getElementById("ann-whole");
    if (whole) whole.addEventListener("click", function () { setFields(0, 0, 1, 1); draw(0, 0, 1, 1); document.getElementById("ann-text").focus(); });
  }

  // On a phone the facets come first, folded, so the results are one tap away below them.
  function foldFacetsOnPhone() {
    if (!window.matchMedia("(max-width: 760px)").matches) return;
    document.querySelectorAll(".facets > details[open]").forEach(function (d) { d.open = false; });
  }

  // -- choosing documents on the result page for bulk coding -----------------------------------------
  function setupSelection() {
    var all = document.querySelector("[data-select-all]");
    var picks = Array.prototype.slice.call(document.querySelectorAll("input.pick"));
    var option = document.getElementById("selected-option");
    var scope = document.getElementById("bulk-scope");
    if (!picks.length) return;
    function update() {
      var n = picks.filter(function (p) { return p.checked; }).length;
      if (option) option.textContent = "Selected documents (" + n + ")";
      if (all) { all.checked = n === picks.length; all.indeterminate = n > 0 && n < picks.length; }
      if (scope && n > 0) scope.value = "selected";
    }
    picks.forEach(function (p) { p.addEventListener("change", update); });
    if (all) all.addEventListener("change", function () { picks.forEach(function (p) { p.checked = all.checked; }); update(); });
    var value = document.getElementById("bulk-value");
    var action = document.getElementById("bulk-action");
    if (action && value) action.addEventListener("change", function () {
      value.setAttribute("placeholder", action.value === "note" ? "note text" : "tag");
      if (action.value === "note") value.removeAttribute("list"); else value.setAttribute("list", "tag-names");
    });
    update();
  }

  function init() {
    foldFacetsOnPhone();
    setupSelection();
    placeBoxes();
    setupDrawing();
    document.querySelectorAll("[data-zoom]").forEach(function (b) {
      if (b.tagName !== "BUTTON") return;
      b.addEventListener("click", function () {
        setZoom(b.dataset.zoom === "in" ? zoom * 1.25 : b.dataset.zoom === "out" ? zoom / 1.25 : 1);
      });
    });
    document.querySelectorAll("button[data-hit]").forEach(function (b) {
      b.addEventListener("click", function () { if (b.dataset.hit === "next") nextHit(); else prevHit(); });
    });
    loadImageHits();
    var page = document.getElementById("pageno");
    if (page) page.addEventListener("change", function () { page.form.submit(); });
    if (hits().length) {
      if (/[?&]hit=last\b/.test(window.location.search)) showHit(hits().length - 1); else showHit(0);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
