// storytrace web app, start page: the stories list (search, relation filter, pages) and "trace
// this text". Every string from the server is untrusted: it reaches the page only as text nodes
// (h() below), never as markup; links are built here from ids, percent-encoded into a path.
(function () {
  "use strict";

  var PAGE = 25;
  var LABEL = 160;  // characters of a title shown (a title may be a 1 MB line)
  var BIDI = /[\u202a-\u202e\u2066-\u2069]/g;  // shown as such in labels, as the report does

  function h(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      var v = props[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "class") node.className = v;
      else node.setAttribute(k, String(v));
    });
    append(node, children);
    return node;
  }
  function append(node, children) {
    if (children === null || children === undefined || children === false) return;
    (Array.isArray(children) ? children : [children]).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      if (Array.isArray(c)) append(node, c);
      else node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
  }
  function t(s, n) {
    s = String(s);
    if (s.length > (n || LABEL)) s = s.slice(0, n || LABEL) + "\u2026";
    return h("span", {class: "t"}, s.replace(BIDI, function (c) { return "[U+" + c.charCodeAt(0).toString(16).toUpperCase() + "]"; }));
  }
  function storyHref(id) { return "/stories/" + encodeURIComponent(id) + "#stories/" + encodeURIComponent(id); }
  function pct(x) { return typeof x === "number" ? Math.round(x * 100) + "%" : "\u2013"; }
  function badge(kind, text, title) { return h("span", {class: "badge " + kind, title: title}, text); }
  function creditBadge(credited) {
    return credited ? badge("credited", "\u2713 credited", "names its source or the source's agency")
                    : badge("uncredited", "\u26a0 uncredited", "names neither its source nor an agency the source credits");
  }
  function getJSON(url, options) {
    return fetch(url, options).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error : "HTTP " + r.status);
        return body;
      });
    });
  }

  // --- stories -----------------------------------------------------------------------------------
  var state = {offset: 0, q: "", relation: ""};
  var list = document.getElementById("story-list"), status = document.getElementById("stories-status");
  var pager = document.getElementById("story-pager");
  function loadStories() {
    var query = "?limit=" + PAGE + "&offset=" + state.offset + (state.q ? "&q=" + encodeURIComponent(state.q) : "") +
                (state.relation ? "&relation=" + encodeURIComponent(state.relation) : "");
    status.textContent = "Loading\u2026";
    getJSON("/api/stories" + query).then(function (page) {
      list.textContent = "";
      pager.textContent = "";
      status.textContent = page.total + " stor" + (page.total === 1 ? "y" : "ies") + (state.q || state.relation ? " found" : " in the store") +
                           (page.total ? ", newest first" : "");
      page.stories.forEach(function (s) {
        var when = s.newest ? h("time", {class: "when", datetime: s.newest}, t(s.newest.replace("T", " "), 40)) : h("span", {class: "when undated"}, "undated");
        list.appendChild(h("li", {class: "story-item", "data-story": s.id}, [
          h("a", {href: storyHref(s.id), class: "story-link"}, t(s.title || s.origin_title || s.origin)),
          h("p", {class: "meta"}, [when, " \u00b7 ", s.articles + " article" + (s.articles === 1 ? "" : "s"),
            s.outlets.length ? [" \u00b7 ", t(s.outlets.join(", "), 120)] : null,
            " \u00b7 origin ", h("span", {class: "id"}, t(s.origin, 60))])]));
      });
      if (page.total > PAGE) {
        var last = Math.ceil(page.total / PAGE), at = Math.floor(state.offset / PAGE) + 1;
        append(pager, [
          h("button", {type: "button", id: "stories-prev", disabled: at === 1}, "\u2190 newer"),
          " page " + at + " of " + last + " ",
          h("button", {type: "button", id: "stories-next", disabled: at === last}, "older \u2192")]);
        pager.querySelector("#stories-prev").addEventListener("click", function () { state.offset -= PAGE; loadStories(); });
        pager.querySelector("#stories-next").addEventListener("click", function () { state.offset += PAGE; loadStories(); });
      }
    }).catch(function (e) { status.textContent = "Could not load the stories: " + e.message; });
  }
  var search = document.getElementById("story-search"), timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = search.value.trim(); state.offset = 0; loadStories(); }, 200);
  });
  var relation = document.getElementById("story-relation");
  relation.addEventListener("change", function () { state.relation = relation.value; state.offset = 0; loadStories(); });

  // --- trace this text -----------------------------------------------------------------------------
  var result = document.getElementById("trace-result"), traceStatus = document.getElementById("trace-status");
  var button = document.getElementById("trace-run");
  function showTrace(doc) {
    result.textContent = "";
    var me = doc.articles[0], byId = new Map();
    doc.articles.forEach(function (a) { byId.set(a.id, a); });
    var sources = me.sources || [];
    var rows = sources.map(function (s) {
      var a = byId.get(s.id) || {id: s.id};
      return h("li", {class: "source", "data-source": s.id}, [
        badge("rel rel-" + s.relation, s.relation.replace("_", " ")), " of ",
        h("strong", null, t(a.title || s.id, 120)), a.outlet ? [" \u00b7 ", h("span", {class: "outlet"}, t(a.outlet, 60))] : null,
        a.title ? [" ", h("span", {class: "id"}, t(s.id, 60))] : null, " ",
        h("span", {class: "figure"}, pct(s.coverage) + " of the text covered"), " ", creditBadge(s.credited)]);
    });
    var story = doc.stories[0];
    var changes = doc.claims.filter(function (c) { return c.grade && c.grade !== "same"; }).length;
    append(result, [
      h("h3", null, sources.length ? "Sources, best first" : "No source found in the store"),
      sources.length ? h("ol", {class: "sources"}, rows) : h("p", {class: "muted"}, "It reports the event on its own, as far as the store knows."),
      h("p", {class: "meta"}, [doc.pairs.length + " relation" + (doc.pairs.length === 1 ? "" : "s") + " to stored articles \u00b7 ",
        story.joins.length ? ["joins ", story.joins.map(function (id, i) {
          return [i ? ", " : "", h("a", {href: storyHref(id)}, t(id, 40))];
        })] : "a story of its own",
        " \u00b7 " + doc.claims.length + " claim" + (doc.claims.length === 1 ? "" : "s") + " compared, " + changes + " changed"])]);
  }
  button.addEventListener("click", function () {
    var text = document.getElementById("trace-text").value;
    if (!text.trim()) { traceStatus.textContent = "Paste an article's text first."; return; }
    var body = {id: "pasted", text: text}, title = document.getElementById("trace-title").value.trim();
    if (title) body.title = title;
    button.disabled = true;
    traceStatus.textContent = "Tracing\u2026";
    result.textContent = "";
    getJSON("/api/trace", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})
      .then(function (doc) { traceStatus.textContent = "Traced."; showTrace(doc); })
      .catch(function (e) { traceStatus.textContent = "Could not trace it: " + e.message; })
      .then(function () { button.disabled = false; document.body.setAttribute("data-traced", "1"); });
  });

  loadStories();
  document.body.setAttribute("data-view", "start");
})();
