// storytrace report: draws the views from the JSON blocks of the page.
// Article text, titles, ids and every other string from the data are untrusted: they reach the
// page only as text nodes (h() below), never as markup, and links are built only from "#" routes.
(function () {
  "use strict";

  var PAGE = 25;       // stories, pairs or claims per page: a page draws quickly at any corpus size
  var LABEL = 160;     // characters of a title or id shown in lists (a title may be a 1 MB line)
  var REUSE = ["duplicate", "version", "rewrite", "partial"];
  var RELATION_RANK = {duplicate: 0, version: 1, rewrite: 2, partial: 3, same_event: 4, related: 5};
  var GRADE_RANK = {altered: 0, truncated: 1, extended: 2, variant: 3, conflict: 4, dropped: 5, added: 6, same: 9};

  var data = JSON.parse(document.getElementById("st-data").textContent);
  var texts = null;  // parsed on first need: the texts are most of the page's bytes
  function textOf(index) {
    if (texts === null) texts = JSON.parse(document.getElementById("st-texts").textContent);
    return texts[index];
  }

  var articleIndex = new Map();
  data.articles.forEach(function (a, i) { articleIndex.set(a.id, i); });
  var pairIndex = new Map();
  data.pairs.forEach(function (p, i) { pairIndex.set(pairKey(p.a, p.b), i); });
  var storyIndex = new Map();
  data.stories.forEach(function (s, i) { storyIndex.set(s.id, i); });
  var storylineOf = new Map();  // story id -> its storyline (results before storylines have none)
  (data.storylines || []).forEach(function (l) { l.stories.forEach(function (id) { storylineOf.set(id, l); }); });

  function pairKey(a, b) { return a < b ? a + "\u0000" + b : b + "\u0000" + a; }
  function article(id) { var i = articleIndex.get(id); return i === undefined ? null : data.articles[i]; }

  // --- DOM helpers: strings always become text nodes -------------------------------------------
  function h(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "class") node.className = v;
        else if (k === "on") Object.keys(v).forEach(function (e) { node.addEventListener(e, v[e]); });
        else if (k === "href") node.setAttribute("href", v);  // only ever a "#" route built here
        else node.setAttribute(k, String(v));
      });
    }
    append(node, children);
    return node;
  }
  function append(node, children) {
    if (children === null || children === undefined || children === false) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      if (Array.isArray(c)) append(node, c);
      else node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
  }
  function clip(s, n) { s = String(s); return s.length > n ? s.slice(0, n) + "\u2026" : s; }
  // A title, id or name: isolated, so a right-to-left override inside cannot reorder what is around
  // it, and with its bidi controls shown as such (a label reversed by one could pass for another).
  // Article bodies keep theirs (offsets count them), isolated likewise.
  var BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
  function showBidi(c) { return "[U+" + c.charCodeAt(0).toString(16).toUpperCase() + "]"; }
  function t(s, n) { return h("span", {class: "t"}, clip(s, n || LABEL).replace(BIDI, showBidi)); }
  function label(a, id) { return a && a.title ? a.title : id; }
  function enc(s) { return encodeURIComponent(s); }
  function pairHref(a, b) { return "#pair/" + enc(a) + "/" + enc(b); }
  function pct(x) { return typeof x === "number" ? Math.round(x * 100) + "%" : "\u2013"; }
  function num(x) { return typeof x === "number" ? (Math.round(x * 1000) / 1000).toString() : x === null ? "\u2013" : String(x); }
  function badge(kind, text, title) { return h("span", {class: "badge " + kind, title: title}, text); }
  function relationBadge(rel) { return badge("rel rel-" + rel, rel.replace("_", " ")); }
  function creditBadge(credited) {
    return credited ? badge("credited", "\u2713 credited", "names its source or the source's agency")
                     : badge("uncredited", "\u26a0 uncredited", "names neither its source nor an agency the source credits");
  }
  function when(published) {
    if (!published) return h("span", {class: "when undated"}, "undated");
    return h("time", {class: "when", datetime: published}, clip(published.replace("T", " "), 40));
  }

  // --- paging and filtering of long lists ---------------------------------------------------------
  function pager(total, state, redraw) {
    var pages = Math.max(1, Math.ceil(total / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    function go(d) { return function () { state.page += d; redraw(true); }; }
    return h("nav", {class: "pager", "aria-label": "Pages"}, [
      h("button", {type: "button", disabled: state.page === 0, on: {click: go(-1)}}, "\u2190 Previous"),
      h("span", {"aria-live": "polite"}, "page " + (state.page + 1) + " of " + pages + " (" + total + ")"),
      h("button", {type: "button", disabled: state.page >= pages - 1, on: {click: go(1)}}, "Next \u2192"),
    ]);
  }
  // One page of items() with a pager above and below; the pager redraws it in place.
  function listView(items, state, drawItem) {
    var list = h("div", {class: "list"});
    function redraw(focus) {
      list.textContent = "";
      var shown = items();
      var top = pager(shown.length, state, redraw);
      append(list, top);
      var page = shown.slice(state.page * PAGE, (state.page + 1) * PAGE);
      if (!page.length) append(list, h("p", {class: "empty"}, "Nothing to show."));
      page.forEach(function (x) { append(list, drawItem(x)); });
      if (shown.length > PAGE) append(list, pager(shown.length, state, redraw));
      if (focus) { var first = top.querySelector("button:not([disabled])"); if (first) first.focus(); }
    }
    redraw(false);
    return list;
  }

  // --- stories view -------------------------------------------------------------------------------
  var storyState = {page: 0, query: ""};
  var storyOrder = null;
  function storiesSorted() {
    if (!storyOrder) {
      storyOrder = data.stories.slice().sort(function (x, y) {
        return y.articles.length - x.articles.length || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
      });
    }
    var q = storyState.query.trim().toLowerCase();
    if (!q) return storyOrder;
    return storyOrder.filter(function (s) {
      if ((s.title || "").toLowerCase().indexOf(q) >= 0 || s.id.toLowerCase().indexOf(q) >= 0) return true;
      return s.articles.some(function (id) {
        var a = article(id);
        return id.toLowerCase().indexOf(q) >= 0 || (a && ((a.title || "").toLowerCase().indexOf(q) >= 0 ||
                                                           (a.outlet || "").toLowerCase().indexOf(q) >= 0));
      });
    });
  }
  function byTime(x, y) {
    var ax = article(x), ay = article(y);
    var px = ax && ax.published ? Date.parse(ax.published) : NaN, py = ay && ay.published ? Date.parse(ay.published) : NaN;
    if (isNaN(px) !== isNaN(py)) return isNaN(px) ? 1 : -1;  // undated after dated
    if (!isNaN(px) && px !== py) return px - py;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function storyCard(s) {
    var members = new Set(s.articles);
    var rows = s.articles.slice().sort(byTime).map(function (id) {
      var a = article(id) || {id: id, sources: []};
      var src = (a.sources || []).filter(function (x) { return members.has(x.id); })[0] || (a.sources || [])[0];
      var relation;
      if (id === s.origin) relation = [badge("origin", "\u2605 origin")];
      else if (src) {
        relation = [relationBadge(src.relation), " of ",
                    h("a", {href: pairHref(src.id, id)}, t(label(article(src.id), src.id), 80)),
                    " ", h("span", {class: "figure"}, pct(src.coverage) + " covered"), " ",
                    creditBadge(src.credited)];
      } else relation = [h("span", {class: "muted"}, "no source found: reports the event on its own")];
      return h("li", {class: "event" + (a.published ? "" : " is-undated")}, [
        when(a.published), " ",
        h("span", {class: "who"}, [h("strong", null, t(label(a, id))),
                                   a.outlet ? [" \u00b7 ", h("span", {class: "outlet"}, t(a.outlet, 60))] : null,
                                   a.title ? [" ", h("span", {class: "id"}, t(id, 60))] : null]),
        h("div", {class: "relation"}, relation),
      ]);
    });
    var pairs = data.pairs.length && s.articles.length > 1 ? storyPairs(s) : [];
    var claims = claimCount(s.id);
    return h("section", {class: "story", "aria-label": "story " + s.id}, [
      h("h3", null, t(s.title || label(article(s.origin), s.origin), 200)),
      h("p", {class: "meta"}, [h("span", {class: "id"}, t(s.id, 60)), " \u00b7 ", s.articles.length + " article" +
        (s.articles.length === 1 ? "" : "s") + " \u00b7 origin ", h("strong", null, t(label(article(s.origin), s.origin), 80)),
        claims ? [" \u00b7 ", h("a", {href: "#claims/" + enc(s.id)}, claims + " claim" + (claims === 1 ? "" : "s"))] : null]),
      storylineNote(s),
      h("ol", {class: "timeline"}, rows),
      pairs.length ? h("details", null, [h("summary", null, pairs.length + " pair" + (pairs.length === 1 ? "" : "s") + " in this story"),
                                         h("ul", {class: "pairs"}, pairs.map(pairRow))]) : null,
    ]);
  }
  // the other stories of its storyline (a developing topic), linked; nothing for a storyline of one story
  function storylineNote(s) {
    var line = storylineOf.get(s.id);
    if (!line || line.stories.length < 2) return null;
    var others = line.stories.filter(function (id) { return id !== s.id; });
    var links = [];
    others.slice(0, 5).forEach(function (id, n) {
      var i = storyIndex.get(id);
      if (n) links.push(", ");
      links.push(h("a", {href: "#stories/" + enc(id)}, t(i === undefined ? id : (data.stories[i].title || id), 80)));
    });
    return h("p", {class: "meta storyline"}, [h("span", {class: "id"}, t(line.id, 60)), " \u00b7 ",
      others.length + " other stor" + (others.length === 1 ? "y" : "ies") + " of this storyline: ", links,
      others.length > 5 ? " \u2026" : null]);
  }
  var claimsByStory = null;
  function claimCount(id) {
    if (!claimsByStory) {
      claimsByStory = new Map();
      data.claims.forEach(function (c) { claimsByStory.set(c.story, (claimsByStory.get(c.story) || 0) + 1); });
    }
    return claimsByStory.get(id) || 0;
  }
  var pairsByArticle = null;
  function storyPairs(s) {
    if (!pairsByArticle) {
      pairsByArticle = new Map();
      data.pairs.forEach(function (p) {
        [p.a, p.b].forEach(function (id) {
          if (!pairsByArticle.has(id)) pairsByArticle.set(id, []);
          pairsByArticle.get(id).push(p);
        });
      });
    }
    var members = new Set(s.articles), seen = new Set(), out = [];
    s.articles.forEach(function (id) {
      (pairsByArticle.get(id) || []).forEach(function (p) {
        var k = pairKey(p.a, p.b);
        if (!seen.has(k) && members.has(p.a) && members.has(p.b)) { seen.add(k); out.push(p); }
      });
    });
    return out.sort(pairOrder);
  }
  function pairOrder(x, y) {
    return (RELATION_RANK[x.relation] - RELATION_RANK[y.relation]) || (y.similarity - x.similarity);
  }
  function pairRow(p) {
    var first = p.source || p.a, second = first === p.a ? p.b : p.a;
    return h("li", null, [relationBadge(p.relation), " ",
      h("a", {href: pairHref(first, second)}, [t(label(article(first), first), 70), p.source ? " \u2192 " : " \u2194 ",
                                              t(label(article(second), second), 70)]),
      " ", h("span", {class: "figure"}, "similarity " + num(p.similarity))]);
  }
  function viewStories(main) {
    var search = h("input", {type: "search", id: "story-search", placeholder: "title, outlet or id",
                             "aria-label": "Filter stories by title, outlet or id", value: storyState.query});
    var body = h("div");
    function draw() {
      body.textContent = "";
      append(body, listView(storiesSorted, storyState, storyCard));
    }
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { storyState.query = search.value; storyState.page = 0; draw(); }, 150);
    });
    append(main, [h("h2", null, "Stories"),
                  h("p", {class: "lede"}, data.articles.length + " articles in " + data.stories.length +
                    " stories; each story's articles on a time line (undated ones last), with the article each derives from."),
                  h("label", {class: "filter"}, ["Filter ", search]), body]);
    draw();
  }

  // --- pairs list -----------------------------------------------------------------------------------
  var pairState = {page: 0, relation: ""};
  var pairOrderCache = null;
  function viewPairs(main) {
    if (!pairOrderCache) pairOrderCache = data.pairs.slice().sort(pairOrder);
    var select = h("select", {id: "pair-relation", "aria-label": "Relation"},
      [h("option", {value: ""}, "all relations")].concat(Object.keys(RELATION_RANK).map(function (r) {
        return h("option", {value: r, selected: pairState.relation === r}, r.replace("_", " "));
      })));
    var body = h("div");
    function items() {
      return pairState.relation ? pairOrderCache.filter(function (p) { return p.relation === pairState.relation; }) : pairOrderCache;
    }
    function draw() {
      body.textContent = "";
      append(body, listView(items, pairState, function (p) { return h("ul", {class: "pairs"}, pairRow(p)); }));
    }
    select.addEventListener("change", function () { pairState.relation = select.value; pairState.page = 0; draw(); });
    append(main, [h("h2", null, "Pairs"), h("label", {class: "filter"}, ["Show ", select]), body]);
    draw();
  }

  // --- pair view ------------------------------------------------------------------------------------
  // The text cut at every passage and furniture boundary; each piece knows the passages covering it
  // (passages nest: a verbatim run inside a paraphrased sentence, two passages on one sentence).
  function segments(text, spans, furniture) {
    var cuts = [0, text.length];
    spans.forEach(function (s) { cuts.push(s[0], s[1]); });
    furniture.forEach(function (f) { cuts.push(f[0], f[1]); });
    cuts = Array.from(new Set(cuts.map(function (x) { return Math.max(0, Math.min(text.length, x)); })))
      .sort(function (x, y) { return x - y; });
    var out = [];
    for (var k = 0; k + 1 < cuts.length; k++) {
      var x = cuts[k], y = cuts[k + 1], cover = [], furn = false;
      for (var i = 0; i < spans.length; i++) if (spans[i][0] <= x && y <= spans[i][1]) cover.push(i);
      for (var j = 0; j < furniture.length; j++) if (furniture[j][0] <= x && y <= furniture[j][1]) { furn = true; break; }
      var last = out[out.length - 1], key = cover.join(" ");
      if (last && last.key === key && last.furn === furn) last.end = y;
      else out.push({start: x, end: y, cover: cover, key: key, furn: furn});
    }
    return out;
  }
  function textColumn(id, side, pair) {
    var a = article(id), index = articleIndex.get(id);
    var text = index === undefined ? null : textOf(index);
    var head = h("header", {class: "col-head"}, [
      h("h3", null, t(label(a, id), 200)),
      h("p", {class: "meta"}, [a && a.outlet ? [t(a.outlet, 60), " \u00b7 "] : null, when(a && a.published),
                               a && a.title ? [" \u00b7 ", h("span", {class: "id"}, t(id, 80))] : null,
                               pair.source === id ? [" \u00b7 ", badge("origin", "source")] :
                               pair.derived === id ? [" \u00b7 ", badge("derived", "derived")] : null]),
    ]);
    var body = h("div", {class: "body", "data-side": side, "data-article": id, tabindex: "-1"});
    if (typeof text !== "string") append(body, h("p", {class: "muted"}, "(the text of this article is not in the report)"));
    else {
      var spans = pair.passages.map(function (p) { return p[side]; });
      var size = function (i) { return spans[i][1] - spans[i][0]; };
      var seen = new Set();
      segments(text, spans, (a && a.furniture) || []).forEach(function (s) {
        var piece = text.slice(s.start, s.end);
        if (!s.cover.length && !s.furn) { body.appendChild(document.createTextNode(piece)); return; }
        var props = {"data-start": s.start, "data-end": s.end}, cls = [];
        if (s.cover.length) {
          // a click means the innermost passage here; verbatim shows through a paraphrase around it
          var inner = s.cover.slice().sort(function (i, j) { return size(i) - size(j) || i - j; })[0];
          var verbatim = s.cover.some(function (i) { return pair.passages[i].kind === "verbatim"; });
          cls.push("pas", verbatim ? "verbatim" : "paraphrase");
          props["data-p"] = inner;
          props["data-ps"] = s.key;
          if (s.cover.some(function (i) { return !seen.has(i); })) {  // a tab stop where a passage begins
            s.cover.forEach(function (i) { seen.add(i); });
            props.tabindex = "0";
            props.role = "button";
            props["aria-label"] = pair.passages[inner].kind + " passage " + (inner + 1) + ": show it in the other text";
          }
        }
        if (s.furn) cls.push("furniture");
        props.class = cls.join(" ");
        append(body, h("span", props, piece));
      });
    }
    return h("article", {class: "col"}, [head, body]);
  }
  function showCounterpart(view, seg) {
    var p = seg.getAttribute("data-p"), side = seg.parentNode.getAttribute("data-side");
    var of = '[data-ps~="' + p + '"]';
    var other = view.querySelector('.body[data-side="' + (side === "a" ? "b" : "a") + '"] ' + of);
    view.querySelectorAll(".pas.active").forEach(function (e) { e.classList.remove("active"); });
    view.querySelectorAll(of).forEach(function (e) { e.classList.add("active"); });
    if (other) {
      other.scrollIntoView({block: "center", inline: "nearest"});
      other.focus({preventScroll: true});
    }
  }
  function viewPair(main, a, b) {
    var i = pairIndex.get(pairKey(a, b));
    if (i === undefined) { append(main, [h("h2", null, "Pair not found"), h("p", null, ["No reported pair links ", t(a), " and ", t(b), "."])]); return; }
    var pair = data.pairs[i];
    var left = pair.source || pair.a, leftSide = left === pair.a ? "a" : "b", rightSide = leftSide === "a" ? "b" : "a";
    var right = pair[rightSide];
    var cov = pair.coverage || {};
    function covRow(side) {
      var c = cov[side] || {}, id = pair[side];
      return h("tr", null, [h("th", {scope: "row"}, t(label(article(id), id), 60)), h("td", null, pct(c.verbatim)),
                            h("td", null, pct(c.paraphrase)), h("td", null, pct((c.verbatim || 0) + (c.paraphrase || 0)))]);
    }
    var evidence = pair.evidence || {};
    var counts = {verbatim: 0, paraphrase: 0};
    pair.passages.forEach(function (p) { counts[p.kind === "verbatim" ? "verbatim" : "paraphrase"]++; });
    var view = h("div", {class: "pair-view"});
    append(main, [
      h("h2", null, ["Pair: ", relationBadge(pair.relation)]),
      h("p", {class: "lede"}, [pair.source ? [t(label(article(pair.source), pair.source), 80), " \u2192 ", t(label(article(pair.derived), pair.derived), 80)]
                                           : [t(left, 80), " \u2194 ", t(right, 80), " (direction not known)"],
                               " \u00b7 similarity ", h("strong", null, num(pair.similarity)),
                               " \u00b7 " + counts.verbatim + " verbatim and " + counts.paraphrase + " paraphrase passages"]),
      h("div", {class: "figures"}, [
        h("table", {class: "coverage"}, [h("caption", null, "Share of each text covered by the other"),
          h("thead", null, h("tr", null, [h("th", {scope: "col"}, "article"), h("th", {scope: "col"}, "verbatim"),
                                          h("th", {scope: "col"}, "paraphrase"), h("th", {scope: "col"}, "total")])),
          h("tbody", null, [covRow(leftSide), covRow(rightSide)])]),
        h("dl", {class: "evidence", "aria-label": "Evidence"}, Object.keys(evidence).map(function (k) {
          return [h("dt", null, k.replace(/_/g, " ")), h("dd", null, num(evidence[k]))];
        })),
      ]),
      h("p", {class: "legend", "aria-label": "Legend"}, [h("span", {class: "pas verbatim"}, "verbatim passage"), " ",
        h("span", {class: "pas paraphrase"}, "paraphrase passage"), " ", h("span", {class: "furniture"}, "page furniture (not compared)"),
        " ", h("span", {class: "pas verbatim active"}, "selected"), " \u00b7 click a passage, or Tab to it and press Enter, to bring its counterpart into view"]),
      view,
    ]);
    append(view, h("div", {class: "cols"}, [textColumn(left, leftSide, pair), textColumn(right, rightSide, pair)]));
    view.addEventListener("click", function (e) {
      var seg = e.target.closest && e.target.closest(".pas[data-p]");
      if (seg && view.contains(seg)) showCounterpart(view, seg);
    });
    view.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") return;
      var seg = e.target.closest && e.target.closest(".pas[data-p]");
      if (seg) { e.preventDefault(); showCounterpart(view, seg); }
    });
  }

  // --- claims view ----------------------------------------------------------------------------------
  var claimState = {page: 0, kind: "", grade: "changes", story: ""};
  var claimOrder = null;
  function diffLine(ops, side) {
    // side 0: the reference's words (deleted and changed ones marked); 1: the counterpart's
    return ops.map(function (op) {
      var tag = op[0], s = op[1 + side];
      if (!s) return null;
      if (tag === "equal") return s;
      var gap = /\s*$/.exec(s)[0], words = s.slice(0, s.length - gap.length);  // the space after stays unmarked
      if (tag === "replace") return [h("mark", {class: "w-chg", "data-op": "changed", title: "changed"}, words), gap];
      if (tag === "delete") return [h("del", {class: "w-del", "data-op": "deleted", title: "deleted"}, words), gap];
      return [h("ins", {class: "w-ins", "data-op": "inserted", title: "inserted"}, words), gap];
    });
  }
  function claimCard(c) {
    var items = c.items || [];
    var ref = items[0] || {}, other = items[1] || {};
    function wording(item, side, role) {
      var a = article(item.article);
      return h("div", {class: "wording"}, [
        h("p", {class: "who"}, [h("span", {class: "role"}, role + " "), t(label(a, item.article), 80),
                                item.span ? h("span", {class: "id"}, " [" + item.span[0] + ", " + item.span[1] + ")") : null]),
        h("blockquote", {class: "t said"}, c.diff ? diffLine(c.diff, side) : clip(item.text || "", 4000)),
      ]);
    }
    return h("section", {class: "claim", "data-grade": c.grade, "data-kind": c.kind}, [
      h("p", {class: "claim-head"}, [badge("kind", c.kind), " ", badge("grade grade-" + c.grade, c.grade), " ",
        c.speaker ? ["speaker ", h("strong", null, t(c.speaker, 80))] : h("span", {class: "muted"}, c.kind === "quote" ? "speaker unknown" : ""),
        " \u00b7 ", h("a", {href: "#stories/" + enc(c.story || "")}, t(c.story || "", 40)),
        items.length === 2 && pairIndex.has(pairKey(ref.article, other.article)) ?
          [" \u00b7 ", h("a", {href: pairHref(ref.article, other.article)}, "pair view")] : null]),
      items.length === 2 ? [wording(ref, 0, "reference"), wording(other, 1, "counterpart")]
                         : items.map(function (it) { return wording(it, 0, "mention"); }),
    ]);
  }
  function viewClaims(main, story) {
    claimState.story = story || "";
    if (!claimOrder) {
      claimOrder = data.claims.slice().sort(function (x, y) {
        return ((GRADE_RANK[x.grade] === undefined ? 8 : GRADE_RANK[x.grade]) -
                (GRADE_RANK[y.grade] === undefined ? 8 : GRADE_RANK[y.grade]));
      });
    }
    function items() {
      return claimOrder.filter(function (c) {
        return (!claimState.story || c.story === claimState.story) && (!claimState.kind || c.kind === claimState.kind) &&
          (claimState.grade === "" || (claimState.grade === "changes" ? c.grade !== "same" : c.grade === claimState.grade));
      });
    }
    function select(id, labelText, options, key) {
      var s = h("select", {id: id, "aria-label": labelText}, options.map(function (o) {
        return h("option", {value: o[0], selected: claimState[key] === o[0]}, o[1]);
      }));
      s.addEventListener("change", function () { claimState[key] = s.value; claimState.page = 0; draw(); });
      return h("label", {class: "filter"}, [labelText + " ", s]);
    }
    var grades = Object.keys(GRADE_RANK).map(function (g) { return [g, g]; });
    var body = h("div");
    function draw() {
      body.textContent = "";
      append(body, listView(items, claimState, claimCard));
    }
    append(main, [h("h2", null, story ? ["Claims of ", t(story, 60)] : "Claims"),
      h("p", {class: "lede"}, "Quotes, figures and hedges of a reference article compared with their counterpart in another article of the story."),
      h("p", {class: "legend", "aria-label": "Legend"}, [h("del", {class: "w-del"}, "deleted"), " ", h("ins", {class: "w-ins"}, "inserted"), " ",
        h("mark", {class: "w-chg"}, "changed"), " words, between the reference and its counterpart"]),
      h("div", {class: "filters"}, [select("claim-kind", "Kind", [["", "all kinds"], ["quote", "quotes"], ["number", "numbers"], ["hedge", "hedges"]], "kind"),
                                    select("claim-grade", "Grade", [["changes", "changes only"], ["", "all grades"]].concat(grades), "grade")]),
      body]);
    draw();
  }

  // --- routing --------------------------------------------------------------------------------------
  function route() {
    var parts = (location.hash || "#stories").slice(1).split("/").map(function (p) {
      try { return decodeURIComponent(p); } catch (e) { return p; }
    });
    var main = document.getElementById("main");
    main.textContent = "";
    var view = parts[0] || "stories";
    if (view === "pair" && parts.length >= 3) viewPair(main, parts[1], parts[2]);
    else if (view === "pairs") viewPairs(main);
    else if (view === "claims") viewClaims(main, parts[1]);
    else if (view === "stories" && parts[1]) {
      var i = storyIndex.get(parts[1]);
      append(main, i === undefined ? h("p", null, ["No story ", t(parts[1])]) : [h("h2", null, "Story"), storyCard(data.stories[i])]);
    } else { view = "stories"; viewStories(main); }
    document.querySelectorAll("#nav a").forEach(function (a) {
      if (a.getAttribute("data-view") === (view === "pair" ? "pairs" : view)) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    window.scrollTo(0, 0);
    document.body.setAttribute("data-view", view);  // the tests and the CSS know which view is up
  }
  var nav = document.getElementById("nav");
  append(nav, [["stories", "Stories", data.stories.length], ["pairs", "Pairs", data.pairs.length], ["claims", "Claims", data.claims.length]]
    .map(function (v) { return h("a", {href: "#" + v[0], "data-view": v[0]}, [v[1], " ", h("span", {class: "count"}, v[2])]); }));
  if (data.errors.length) {
    append(nav, h("details", {class: "errors"}, [h("summary", null, data.errors.length + " input problem" + (data.errors.length === 1 ? "" : "s")),
      h("ul", null, data.errors.slice(0, 200).map(function (e) { return h("li", null, t(e, 300)); }))]));
  }
  window.addEventListener("hashchange", route);
  route();
})();
