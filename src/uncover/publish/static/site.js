/* uncover reading room: client-side filters and search. Works offline and from file://: the index is
   a set of .js files that call UNCOVER_SHARD(...), added as <script> elements when a query needs them. */
(function () {
  "use strict";
  var DOCS = [], PAGES = [], SHARDS = {}, KNOWN = {}, waiting = {};
  window.UNCOVER_SHARDS = function (list) { list.forEach(function (s) { KNOWN[s] = true; }); };
  window.UNCOVER_DOCS = function (docs, pages) { DOCS = docs; PAGES = pages; };
  window.UNCOVER_SHARD = function (name, terms) {
    SHARDS[name] = terms;
    (waiting[name] || []).forEach(function (fn) { fn(); });
    delete waiting[name];
  };
  function tokens(text) { return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) || []).filter(function (t) { return t.length <= 40; }); }
  function shardOf(t) { var c = t[0]; return (c >= "a" && c <= "z") || (c >= "0" && c <= "9") ? c : "_"; }
  function loadShard(name, done) {
    if (SHARDS[name] || !KNOWN[name]) { done(); return; }
    if (waiting[name]) { waiting[name].push(done); return; }
    waiting[name] = [done];
    var s = document.createElement("script");
    s.src = "search/t-" + name + ".js";
    s.onerror = function () { SHARDS[name] = {}; (waiting[name] || []).forEach(function (fn) { fn(); }); delete waiting[name]; };
    document.head.appendChild(s);
  }
  function postings(term) {
    var deltas = (SHARDS[shardOf(term)] || {})[term];
    if (!deltas) return [];
    var out = [], last = 0;
    for (var i = 0; i < deltas.length; i++) { last += deltas[i]; out.push(last); }
    return out;
  }
  function search(query, show) {
    var terms = tokens(query);
    if (!terms.length) { show(null); return; }
    var need = {}; terms.forEach(function (t) { need[shardOf(t)] = true; });
    var names = Object.keys(need), left = names.length;
    names.forEach(function (n) { loadShard(n, function () { if (--left === 0) finish(); }); });
    function finish() {
      var hits = null;
      terms.forEach(function (t) {
        var set = {}; postings(t).forEach(function (p) { set[p] = true; });
        hits = hits === null ? set : Object.keys(hits).reduce(function (acc, p) { if (set[p]) acc[p] = true; return acc; }, {});
      });
      show(Object.keys(hits || {}).map(Number).sort(function (a, b) { return a - b; }));
    }
  }
  function render(hits) {
    var list = document.getElementById("search-results"), status = document.getElementById("search-status");
    list.textContent = "";
    if (hits === null) { status.textContent = ""; return; }
    status.textContent = hits.length ? hits.length + " page(s) contain every word." : "No published page contains every word.";
    hits.slice(0, 200).forEach(function (p) {
      var ref = PAGES[p], d = DOCS[ref[0]], li = document.createElement("li"), a = document.createElement("a");
      a.href = "doc/" + d.s + ".html#p" + ref[1];
      a.textContent = d.l + ", page " + ref[1] + (d.b[ref[1] - 1] ? " (" + d.b[ref[1] - 1] + ")" : "");
      li.appendChild(a);
      li.appendChild(document.createTextNode(" — " + d.t));
      list.appendChild(li);
    });
  }
  function filter() {
    var kind = document.getElementById("f-kind").value, prod = document.getElementById("f-production").value;
    var from = document.getElementById("f-from").value, to = document.getElementById("f-to").value, shown = 0;
    var rows = document.querySelectorAll("table.docs tbody tr");
    rows.forEach(function (tr) {
      var d = tr.getAttribute("data-date");
      var ok = (!kind || tr.getAttribute("data-kind") === kind) && (!prod || tr.getAttribute("data-production") === prod) &&
        (!from || (d && d >= from)) && (!to || (d && d <= to));
      tr.hidden = !ok; if (ok) shown++;
    });
    document.getElementById("filter-status").textContent = shown + " of " + rows.length + " documents shown.";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search-form");
    if (form) {
      form.addEventListener("submit", function (e) { e.preventDefault(); search(document.getElementById("q").value, render); });
    }
    var filters = document.getElementById("filters");
    if (filters) {
      filters.addEventListener("change", filter);
      filters.addEventListener("submit", function (e) { e.preventDefault(); filter(); });
    }
  });
  window.uncoverSearch = search;
}());
