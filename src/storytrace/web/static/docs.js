// storytrace API documentation, offline: the endpoints drawn from /openapi.json as text nodes.
(function () {
  "use strict";
  function h(tag, cls, text) { var n = document.createElement(tag); if (cls) n.className = cls; if (text !== undefined) n.textContent = text; return n; }
  var out = document.getElementById("endpoints");
  fetch("/openapi.json").then(function (r) { return r.json(); }).then(function (spec) {
    var intro = h("p", "lede", spec.info.title + " " + spec.info.version + ". " + (spec.info.description || ""));
    out.appendChild(intro);
    Object.keys(spec.paths).forEach(function (path) {
      var ops = spec.paths[path];
      Object.keys(ops).forEach(function (method) {
        var op = ops[method], section = h("section", "story endpoint");
        section.appendChild(h("h3", "id", method.toUpperCase() + " " + path));
        if (op.summary) section.appendChild(h("p", null, op.summary));
        var params = op.parameters || [];
        if (params.length) {
          var ul = h("ul", "pairs");
          params.forEach(function (p) {
            var s = p.schema || {}, kind = s.enum ? "one of " + s.enum.join(", ") : (s.type || (s.anyOf || []).map(function (x) { return x.type; }).filter(Boolean).join(" or "));
            ul.appendChild(h("li", null, p.name + " (" + p.in + (p.required ? ", required" : "") + "): " + kind +
                                          (s.default !== undefined ? ", default " + s.default : "") + (p.description ? " \u2014 " + p.description : "")));
          });
          section.appendChild(ul);
        }
        if (op.requestBody) section.appendChild(h("p", "meta", "body: " + Object.keys(op.requestBody.content).join(", ")));
        section.appendChild(h("p", "meta", "answers: " + Object.keys(op.responses || {}).join(", ")));
        out.appendChild(section);
      });
    });
    document.body.setAttribute("data-view", "docs");
  }).catch(function (e) { out.textContent = "Could not read /openapi.json: " + e.message; });
})();
