/* uncover reading room: client-side filters and search. Works offline, from file:// and from any
   web server: the index is a set of .js files that call UNCOVER_SHARD(...) and UNCOVER_TEXT(...),
   added as <script> elements when a query needs them (file:// forbids fetch()).
   A query is words and "quoted phrases"; a page matches when it holds every word and every
   phrase. The inverted index narrows the pages; the published text of those pages confirms
   phrases and gives each result a snippet with the words marked. */
(function () {
  "use strict";
  var DOCS = [], PAGES = [], SHARDS = {}, KNOWN = {}, TEXTS = {}, waiting = {};
  var BATCH = 20, SNIPPET = 90;
  window.UNCOVER_SHARDS = function (list) { list.forEach(function (s) { KNOWN[s] = true; }); };
  window.UNCOVER_DOCS = function (docs, pages) { DOCS = docs; PAGES = pages; };
  window.UNCOVER_SHARD = function (name, terms) { SHARDS[name] = terms; release("t-" + name); };
  window.UNCOVER_TEXT = function (n, pages) { TEXTS[n] = pages; release("x-" + n); };
  var WORD = /[\p{L}\p{N}]+/gu;

  function release(key) { (waiting[key] || []).forEach(function (fn) { fn(); }); delete waiting[key]; }
  function tokens(text) { return (text.toLowerCase().match(WORD) || []).filter(function (t) { return t.length <= 40; }); }
  function spans(text) {  // every word of a text with where it starts and ends
    var out = [], m; WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) out.push([m[0].toLowerCase(), m.index, m.index + m[0].length]);
    return out;
  }
  function shardOf(t) { var c = t[0]; return (c >= "a" && c <= "z") || (c >= "0" && c <= "9") ? c : "_"; }
  function load(key, src, ready, done) {
    if (ready()) { done(); return; }
    if (waiting[key]) { waiting[key].push(done); return; }
    waiting[key] = [done];
    var s = document.createElement("script");
    s.src = src;
    s.onerror = function () { release(key); };
    document.head.appendChild(s);
  }
  function loadAll(items, done) {  // items: [key, src, ready]; done once every one is in
    var left = items.length;
    if (!left) { done(); return; }
    items.forEach(function (it) { load(it[0], it[1], it[2], function () { if (--left === 0) done(); }); });
  }
  function postings(term) {
    var deltas = (SHARDS[shardOf(term)] || {})[term];
    if (!deltas) return [];
    var out = [], last = 0;
    for (var i = 0; i < deltas.length; i++) { last += deltas[i]; out.push(last); }
    return out;
  }
  function parse(query) {  // {phrases: [[w, w], ...], words: [w, ...]}: a phrase of one word is a word
    var phrases = [], words = [], re = /"([^"]*)"?|([^\s"]+)/g, m;
    while ((m = re.exec(query)) !== null) {
      var t = tokens(m[1] !== undefined ? m[1] : m[2]);
      if (m[1] !== undefined && t.length > 1) phrases.push(t); else words.push.apply(words, t);
    }
    return { phrases: phrases, words: words };
  }
  function find(seq, words) {  // index in seq (of spans) where the words start in a row, or -1
    outer: for (var i = 0; i + words.length <= seq.length; i++) {
      for (var j = 0; j < words.length; j++) if (seq[i + j][0] !== words[j]) continue outer;
      return i;
    }
    return -1;
  }
  function candidates(q, done) {
    var terms = q.words.concat([].concat.apply([], q.phrases));
    if (!terms.length) { done(null); return; }
    var need = {}; terms.forEach(function (t) { need[shardOf(t)] = true; });
    loadAll(Object.keys(need).map(function (n) {
      return ["t-" + n, "search/t-" + n + ".js", function () { return SHARDS[n] || !KNOWN[n]; }];
    }), function () {
      var hits = null;
      terms.forEach(function (t) {
        var set = {}; postings(t).forEach(function (p) { set[p] = true; });
        hits = hits === null ? set : Object.keys(hits).reduce(function (acc, p) { if (set[p]) acc[p] = true; return acc; }, {});
      });
      done(Object.keys(hits || {}).map(Number).sort(function (a, b) { return a - b; }));
    });
  }
  function snippet(text, q) {  // [pieces], each [string, marked?], around the first match; null when a phrase is missing
    var seq = spans(text), at = -1, len = 0, marks = {};
    for (var i = 0; i < q.phrases.length; i++) {
      var k = find(seq, q.phrases[i]);
      if (k < 0) return null;
      for (var j = 0; j < q.phrases[i].length; j++) marks[k + j] = true;
      if (at < 0) { at = k; len = q.phrases[i].length; }
    }
    var want = {}; q.words.forEach(function (w) { want[w] = true; });
    seq.forEach(function (s, n) { if (want[s[0]]) { marks[n] = true; if (at < 0) { at = n; len = 1; } } });
    if (at < 0) at = 0;
    var from = seq.length ? Math.max(0, seq[at][1] - SNIPPET) : 0;
    var to = seq.length ? Math.min(text.length, seq[Math.min(at + Math.max(len, 1), seq.length) - 1][2] + SNIPPET) : 0;
    while (from > 0 && /\S/.test(text[from - 1])) from--;
    while (to < text.length && /\S/.test(text[to])) to++;
    var pieces = [], pos = from;
    seq.forEach(function (s, n) {
      if (!marks[n] || s[1] < from || s[2] > to) return;
      pieces.push([text.slice(pos, s[1]), false], [text.slice(s[1], s[2]), true]);
      pos = s[2];
    });
    pieces.push([text.slice(pos, to), false]);
    pieces[0][0] = (from > 0 ? "… " : "") + pieces[0][0].replace(/^\s+/, "");
    pieces[pieces.length - 1][0] = pieces[pieces.length - 1][0].replace(/\s+$/, "") + (to < text.length ? " …" : "");
    return pieces.map(function (p) { return [p[0].replace(/\s+/g, " "), p[1]]; });
  }
  function Search(query, show) {
    this.q = parse(query); this.show = show; this.pages = null; this.next = 0; this.found = [];
  }
  Search.prototype.start = function () {
    var self = this;
    candidates(this.q, function (pages) { self.pages = pages; if (pages === null) { self.show(null); return; } self.more(); });
  };
  Search.prototype.more = function () {  // confirm the next pages until BATCH more results are found
    var self = this, goal = this.found.length + BATCH;
    function step() {
      if (self.found.length >= goal || self.next >= self.pages.length) { self.show(self); return; }
      var slice = self.pages.slice(self.next, self.next + BATCH * 2), docs = {};
      slice.forEach(function (p) { docs[PAGES[p][0]] = true; });
      loadAll(Object.keys(docs).map(function (n) {
        return ["x-" + n, "search/text/" + n + ".js", function () { return TEXTS[n]; }];
      }), function () {
        slice.forEach(function (p) {
          if (self.found.length >= goal) return;
          self.next = Math.max(self.next, self.pages.indexOf(p) + 1);
          var ref = PAGES[p], text = (TEXTS[ref[0]] || [])[ref[1] - 1];
          var pieces = text === undefined ? [] : snippet(text, self.q);
          if (pieces !== null) self.found.push({ page: p, pieces: pieces });
        });
        if (self.found.length < goal && self.next < self.pages.length) step(); else self.show(self);
      });
    }
    step();
  };
  Search.prototype.done = function () { return this.pages === null || this.next >= this.pages.length; };

  var current = null;
  function render(search) {
    var list = document.getElementById("search-results"), status = document.getElementById("search-status");
    var more = document.getElementById("search-more");
    list.textContent = "";
    if (search === null) { status.textContent = ""; more.hidden = true; return; }
    var n = search.found.length, phrases = search.q.phrases.length;
    if (!n) status.textContent = "No published page contains " + (phrases ? "that." : "every word.");
    else if (search.done()) status.textContent = n + " page" + (n === 1 ? "" : "s") + " found.";
    else status.textContent = (phrases ? "The first " + n + " pages found." : n + " of " + search.pages.length + " pages shown.");
    search.found.forEach(function (hit) {
      var ref = PAGES[hit.page], d = DOCS[ref[0]], li = document.createElement("li"), a = document.createElement("a");
      a.href = "doc/" + d.s + ".html#p" + ref[1];
      a.textContent = d.t;
      li.appendChild(a);
      var where = document.createElement("div");
      where.className = "where";
      where.textContent = d.l + ", page " + ref[1] + (d.b[ref[1] - 1] ? " (" + d.b[ref[1] - 1] + ")" : "") + (d.d ? " · " + d.d : "");
      li.appendChild(where);
      if (hit.pieces.length) {
        var p = document.createElement("p");
        p.className = "snippet";
        hit.pieces.forEach(function (piece) {
          if (piece[1]) { var m = document.createElement("mark"); m.textContent = piece[0]; p.appendChild(m); }
          else p.appendChild(document.createTextNode(piece[0]));
        });
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    more.hidden = search.done();
  }
  function filter() {
    var kind = document.getElementById("f-kind").value, prod = document.getElementById("f-production").value;
    var from = document.getElementById("f-from").value, to = document.getElementById("f-to").value, shown = 0;
    var rows = document.querySelectorAll("ol.docs li.doc");
    rows.forEach(function (li) {
      var d = li.getAttribute("data-date");
      var ok = (!kind || li.getAttribute("data-kind") === kind) && (!prod || li.getAttribute("data-production") === prod) &&
        (!from || (d && d >= from)) && (!to || (d && d <= to));
      li.hidden = !ok; if (ok) shown++;
    });
    document.getElementById("filter-status").textContent = shown + " of " + rows.length + " documents shown.";
  }
  function search(query, show) { current = new Search(query, show || render); current.start(); return current; }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search-form");
    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var q = document.getElementById("q").value;
        if (history.replaceState) history.replaceState(null, "", "#q=" + encodeURIComponent(q));
        search(q);
      });
      document.getElementById("search-more").addEventListener("click", function () { if (current) current.more(); });
      var m = /^#q=(.*)$/.exec(location.hash);
      if (m) { document.getElementById("q").value = decodeURIComponent(m[1]); search(document.getElementById("q").value); }
    }
    var filters = document.getElementById("filters");
    if (filters) {
      filters.addEventListener("change", filter);
      filters.addEventListener("submit", function (e) { e.preventDefault(); filter(); });
    }
  });
  window.uncoverSearch = search;
}());
