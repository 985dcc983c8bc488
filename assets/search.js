/* Find a person by any name, in any script, as you type. Works from file:// and offline:
   the index is two classic scripts (search/people.js, once for the site, and search/index.js,
   the words of the page's language) that set globals; they are added to the page only when
   someone starts to search. It never fetches a file and is not a module.
   Matching folds script and spelling (Cyrillic and Kazakh letters to Latin, Zh/J, Kh/H,
   Y/I, Ye/E, doubled letters), matches prefixes, and forgives one typo (two in long words). */
(function () {
  "use strict";
  var CYR = {"а":"a","ә":"a","б":"b","в":"v","г":"g","ғ":"g","д":"d","е":"e","ё":"e","ж":"zh","з":"z","и":"i","й":"i","к":"k","қ":"k","л":"l","м":"m","н":"n","ң":"n","о":"o","ө":"o","п":"p","р":"r","с":"s","т":"t","у":"u","ұ":"u","ү":"u","ф":"f","х":"kh","һ":"h","ц":"ts","ч":"ch","ш":"sh","щ":"sh","ъ":"","ы":"y","і":"i","ь":"","э":"e","ю":"yu","я":"ya"};
  var RULES = [["dzh","j"],["zh","j"],["kh","h"],["gh","g"],["ts","c"],["sh","s"],["ch","c"],["yi","i"],["iy","i"],["ye","e"],["yo","o"],["yu","u"],["ya","a"],["q","k"],["w","v"],["y","i"]];

  function fold(text) {
    var s = String(text).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    var out = "";
    for (var i = 0; i < s.length; i++) { var c = s[i]; out += CYR.hasOwnProperty(c) ? CYR[c] : c; }
    out = out.replace(/[^a-z]+/g, " ");
    for (var r = 0; r < RULES.length; r++) out = out.split(RULES[r][0]).join(RULES[r][1]);
    return out.replace(/(.)\1+/g, "$1").trim();
  }

  // Whether the edit distance between a and b is at most max (Damerau: a swap counts once), given up as
  // soon as it must exceed max. Three rows kept between calls: a query is compared with some 60,000 words
  // at 10,000 people, and new rows for each made the garbage collector pause a query for 20-40 ms.
  var rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];
  function within(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return false;
    if (b.length + 1 > rows[0].length) rows = [0, 1, 2].map(function () { return new Int32Array(b.length * 2 + 2); });
    var prev2 = rows[0], prev = rows[1], cur = rows[2], i, j, t;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur[0] = i;
      var best = i, ai = a.charCodeAt(i - 1), ai2 = i > 1 ? a.charCodeAt(i - 2) : -1;
      for (j = 1; j <= b.length; j++) {
        var bj = b.charCodeAt(j - 1);
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ai === bj ? 0 : 1));
        if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && ai2 === bj) v = Math.min(v, prev2[j - 2] + 1);
        cur[j] = v;
        if (v < best) best = v;
      }
      if (best > max) return false;
      t = prev2; prev2 = prev; prev = cur; cur = t;
    }
    return prev[b.length] <= max;
  }

  var prepared = null;
  function prepare(data) {
    if (prepared) return prepared;
    prepared = data.people.map(function (p) {
      var words = fold([p[1], p[2], data.cities[p[3]] || "", p[4], data.occupations[p[0]] || ""].join(" ")).split(" ").filter(Boolean);
      return {p: p, words: words, names: fold(p[1] + " " + p[2]).split(" ")};
    });
    return prepared;
  }

  // How well one query word matches one entry: 3 exact, 2 prefix, 1 within a typo or two, 0 none.
  function wordScore(q, words) {
    var best = 0, max = q.length >= 8 ? 2 : 1;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      if (w === q) return 3;
      if (w.indexOf(q) === 0) { best = 2; continue; }
      // a typo in a whole word, or in the beginning of a longer word still being typed
      if (best < 1 && q.length >= 4 && (within(q, w, max) || (w.length > q.length && within(q, w.slice(0, q.length), max)))) best = 1;
    }
    return best;
  }

  function search(data, query, filters) {
    var terms = fold(query).split(" ").filter(Boolean);
    var out = [];
    var entries = prepare(data);
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i], p = e.p;
      if (filters.city && p[3] !== filters.city) continue;
      if (filters.fate && p[5].indexOf(filters.fate) < 0) continue;
      if (filters.date && p[6].indexOf(filters.date) < 0) continue;
      var score = 0, ok = true;
      for (var t = 0; t < terms.length; t++) {
        var s = wordScore(terms[t], e.words);
        if (!s) { ok = false; break; }
        score += s;
      }
      if (ok) out.push([score, p]);
    }
    out.sort(function (a, b) { return b[0] - a[0] || (a[1][1] < b[1][1] ? -1 : 1); });
    return out.map(function (r) { return r[1]; });
  }

  // Words come from the page (data-* attributes), so they are in the page's language.
  function message(form, name, num) {
    return (form.getAttribute("data-" + name) || "").replace("%(num)s", String(num));
  }

  function root() { return document.documentElement.getAttribute("data-root") || ""; }

  // The index is two classic scripts: everyone's entries, once for the whole site (search/people.js at
  // its root), and the names of cities and fates in this page's language (search/index.js in its tree).
  var loaded = null;
  function withIndex(callback) {
    if (loaded) return callback(loaded);
    var missing = 0;
    [["MEMORIAL_SEARCH_PEOPLE", "../search/people.js"], ["MEMORIAL_SEARCH_WORDS", "search/index.js"]].forEach(function (s) {
      if (window[s[0]]) return;
      missing++;
      var id = "search-" + s[0].toLowerCase(), script = document.getElementById(id);
      if (!script) {
        script = document.createElement("script");
        script.id = id;
        script.src = root() + s[1];
        document.head.appendChild(script);
      }
      script.addEventListener("load", function () { if (--missing === 0) withIndex(callback); });
    });
    if (missing) return;
    var words = window.MEMORIAL_SEARCH_WORDS;
    loaded = {people: window.MEMORIAL_SEARCH_PEOPLE, cities: words.cities, fates: words.fates, occupations: words.occupations || {}, contentLang: words.content_lang};
    callback(loaded);
  }

  function show(list, results, limit, data) {
    list.textContent = "";
    results.slice(0, limit).forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root() + p[0];
      a.textContent = p[1];
      li.appendChild(a);
      // the occupation in the page's language where translated, else as written, marked with its language
      var occupation = data.occupations[p[0]] || p[4], foreign = !data.occupations[p[0]] && data.contentLang !== document.documentElement.lang;
      var bits = [p[2], data.cities[p[3]], occupation, p[5].map(function (f) { return data.fates[f]; }).join(", ")];
      var meta = document.createElement("span");
      meta.className = "meta";
      bits.forEach(function (bit, i) {
        if (!bit) return;
        meta.appendChild(document.createTextNode(meta.childNodes.length ? " · " : " "));
        if (i === 2 && foreign) { var mark = document.createElement("span"); mark.lang = data.contentLang; mark.textContent = bit; meta.appendChild(mark); }
        else meta.appendChild(document.createTextNode(bit));
      });
      if (meta.childNodes.length) li.appendChild(meta);
      list.appendChild(li);
    });
  }

  function readState() {
    var state = {q: "", city: "", fate: "", date: ""};
    [location.search, location.hash].forEach(function (part) {
      part.replace(/^[?#]/, "").split("&").forEach(function (kv) {
        var i = kv.indexOf("=");
        if (i > 0 && state.hasOwnProperty(kv.slice(0, i))) state[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " "));
      });
    });
    return state;
  }

  function writeState(state) {
    var parts = [];
    ["q", "city", "fate", "date"].forEach(function (k) { if (state[k]) parts.push(k + "=" + encodeURIComponent(state[k])); });
    var hash = parts.length ? "#" + parts.join("&") : " ";
    history.replaceState(null, "", hash === " " ? location.pathname : hash);
  }

  function boxes() {
    // The small box in every page's header: results drop below it as you type.
    var forms = document.querySelectorAll("form.search-box");
    Array.prototype.forEach.call(forms, function (form) {
      var input = form.querySelector("input[type=search]");
      var list = form.querySelector(".search-results");
      var status = form.querySelector(".search-status");
      if (!input || !list) return;
      input.addEventListener("focus", function () { withIndex(prepare); });  // load and fold the index before the first key
      input.addEventListener("input", function () {
        var q = input.value;
        withIndex(function (data) {
          if (input.value !== q) return;
          if (!fold(q)) { list.textContent = ""; status.textContent = ""; return; }
          var results = search(data, q, {});
          show(list, results, 8, data);
          status.textContent = results.length ? message(form, "found", results.length) : message(form, "none");
        });
      });
    });
  }

  function page() {
    // search.html: the full list with filters, kept in the address so it can be shared.
    var form = document.getElementById("search-page");
    if (!form) return;
    var input = form.querySelector("input[name=q]");
    var selects = {city: form.querySelector("select[name=city]"), fate: form.querySelector("select[name=fate]"), date: form.querySelector("select[name=date]")};
    var list = document.getElementById("search-page-results");
    var status = document.getElementById("search-page-status");
    function restore() {
      var state = readState();
      input.value = state.q;
      Object.keys(selects).forEach(function (k) { if (selects[k]) selects[k].value = state[k]; });
    }
    restore();
    function run() {
      withIndex(function (data) {
        var st = {q: input.value, city: selects.city.value, fate: selects.fate.value, date: selects.date.value};
        writeState(st);
        var results = fold(st.q) || st.city || st.fate || st.date ? search(data, st.q, st) : [];
        show(list, results, 500, data);
        var asked = fold(st.q) || st.city || st.fate || st.date;
        status.textContent = results.length ? message(form, "found", results.length) + (results.length > 500 ? "; " + message(form, "first", 500) : "") : (asked ? message(form, "none") : "");
      });
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    input.addEventListener("input", run);
    Object.keys(selects).forEach(function (k) { selects[k].addEventListener("change", run); });
    // An address edited by hand, or Back to an earlier search: show what it asks for.
    window.addEventListener("hashchange", function () { restore(); run(); });
    document.documentElement.classList.add("js");
    run();
  }

  window.MEMORIAL_FOLD = fold;  // for tests and the curious
  boxes();
  page();
})();
