// kg's graph view: Cytoscape.js over the data kg embedded in the page.
// Positions come from kg (computed once in Python), so nothing moves on load.
// All text from the articles goes into the page through textContent, never as HTML.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------ helpers
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "onclick") node.addEventListener("click", value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const fold = (text) => String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const plural = (n, one, many) => `${n.toLocaleString("en")} ${n === 1 ? one : many || one + "s"}`;

  const typeStyle = Object.fromEntries(data.types.map((t) => [t.name, t]));
  const classStyle = Object.fromEntries(data.classes.map((c) => [c.key, c]));
  const relationInfo = Object.fromEntries(data.relations.map((r) => [r.name, r]));
  const dashedModality = new Set(data.modalities.filter((m) => m.dashed).map((m) => m.name));
  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));
  const documents = data.documents;
  const docDate = (index) => (documents[index] && documents[index].date ? documents[index].date.slice(0, 10) : null);
  const big = data.nodes.length > 1500;

  // ------------------------------------------------------------ the graph
  const elements = [];
  for (const n of data.nodes) {
    const weight = Math.sqrt(n.degree || 0);
    elements.push({
      group: "nodes",
      data: { id: n.id, label: n.label, type: n.type, size: Math.min(14 + 6 * weight, 60), font: Math.min(11 + 1.6 * weight, 22) },
      position: { x: n.x || 0, y: n.y || 0 },
      classes: ["type-" + n.type],
    });
  }
  for (const e of data.edges) {
    const info = relationInfo[e.relation] || {};
    const classes = ["class-" + e.class];
    if (dashedModality.has(e.modality)) classes.push("dashed");
    if (info.symmetric) classes.push("symmetric");
    elements.push({
      group: "edges",
      data: { id: e.id, source: e.source, target: e.target, relation: e.relation, width: Math.min(1.3 + 0.9 * (e.evidence.length - 1), 7) },
      classes,
    });
  }

  // Later rules win: base looks, then type and class colours, then states.
  const style = [
    { selector: "node", style: {
      width: "data(size)", height: "data(size)", label: "data(label)", "font-size": "data(font)",
      "text-valign": "bottom", "text-margin-y": 3, color: "#1f2328", "text-outline-color": "#fff", "text-outline-width": 2,
      "min-zoomed-font-size": 7, "border-width": 1.5, "border-color": "#fff",
    } },
    { selector: "edge", style: {
      "curve-style": "bezier", width: "data(width)", "target-arrow-shape": "triangle", "arrow-scale": 0.8,
      // Thousands of edge labels cost seconds to lay out: large graphs label the selection only.
      label: big ? "" : "data(relation)", "font-size": 9, "text-rotation": "autorotate", color: "#30363d",
      "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 1,
      "min-zoomed-font-size": 8, opacity: 0.9,
    } },
    ...data.types.map((t) => ({ selector: "node.type-" + t.name, style: { "background-color": t.colour, shape: t.shape } })),
    ...data.classes.map((c) => ({ selector: "edge.class-" + c.key, style: { "line-color": c.colour, "target-arrow-color": c.colour } })),
    { selector: "edge.symmetric", style: { "target-arrow-shape": "none" } },
    { selector: "edge.dashed", style: { "line-style": "dashed", "line-dash-pattern": [6, 4] } },
    { selector: "node.match", style: { "border-width": 4, "border-color": "#f2b600" } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#111" } },
    { selector: "edge:selected", style: { "overlay-color": "#f2b600", "overlay-opacity": 0.35, "overlay-padding": 5 } },
    { selector: "edge.focus", style: { label: "data(relation)" } },
    { selector: ".faded", style: { opacity: 0.12, "text-opacity": 0.15 } },
    { selector: ".hidden", style: { display: "none" } },
  ];

  const cy = cytoscape({
    container: $("graph"),
    elements,
    style,
    layout: { name: "preset", fit: true, padding: 30 },
    minZoom: 0.02,
    maxZoom: 4,
    boxSelectionEnabled: false,
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    pixelRatio: big ? 1 : "auto",
  });

  // ------------------------------------------------------------ filters
  const state = { query: "", types: new Set(data.types.map((t) => t.name)), relations: new Set(data.relations.map((r) => r.name)),
    modalities: new Set(data.modalities.map((m) => m.name)), document: "", from: "", to: "" };

  function checkbox(name, checked, onchange, ...label) {
    const input = el("input", { type: "checkbox", name, value: label.join(""), checked });
    input.addEventListener("change", () => onchange(input.checked));
    return [input, el("label", {}, input, ...label)];
  }

  const typeCounts = {};
  for (const n of data.nodes) typeCounts[n.type] = (typeCounts[n.type] || 0) + 1;
  for (const t of data.types) {
    const [input, label] = checkbox("type", true, (on) => { on ? state.types.add(t.name) : state.types.delete(t.name); update(); },
      el("span", { class: `swatch ${t.shape}`, style: `background:${t.colour}` }), t.name, el("span", { class: "count" }, typeCounts[t.name] || 0));
    input.id = "type-" + t.name;
    $("filter-types").append(label);
  }

  const relationBoxes = {};
  for (const c of data.classes) {
    const members = data.relations.filter((r) => r.class === c.key);
    if (!members.length) continue;
    const [groupInput, groupLabel] = checkbox("class", true, (on) => {
      for (const r of members) { relationBoxes[r.name].checked = on; on ? state.relations.add(r.name) : state.relations.delete(r.name); }
      update();
    }, el("span", { class: "swatch line", style: `border-color:${c.colour}` }), c.label);
    groupLabel.classList.add("group");
    groupInput.id = "class-" + c.key;
    $("filter-relations").append(groupLabel);
    for (const r of members) {
      const [input, label] = checkbox("relation", true, (on) => {
        on ? state.relations.add(r.name) : state.relations.delete(r.name);
        groupInput.checked = members.some((m) => state.relations.has(m.name));
        update();
      }, r.name, el("span", { class: "count" }, r.count));
      input.id = "relation-" + r.name;
      label.classList.add("member");
      label.title = r.label + (r.cameo ? ` (CAMEO ${r.cameo})` : "");
      relationBoxes[r.name] = input;
      $("filter-relations").append(label);
    }
  }
  function setAllRelations(on) {
    for (const [name, input] of Object.entries(relationBoxes)) { input.checked = on; on ? state.relations.add(name) : state.relations.delete(name); }
    for (const input of document.querySelectorAll("input[name=class]")) input.checked = on;
    update();
  }
  $("relations-all").addEventListener("click", () => setAllRelations(true));
  $("relations-none").addEventListener("click", () => setAllRelations(false));

  const modalityCounts = {};
  for (const e of data.edges) modalityCounts[e.modality] = (modalityCounts[e.modality] || 0) + e.evidence.length;
  for (const m of data.modalities) {
    const [input, label] = checkbox("modality", true, (on) => { on ? state.modalities.add(m.name) : state.modalities.delete(m.name); update(); },
      el("span", { class: "swatch line" + (m.dashed ? " dashed" : ""), style: "border-color:#6a737d" }), m.name,
      el("span", { class: "count" }, modalityCounts[m.name] || 0));
    input.id = "modality-" + m.name;
    $("filter-modalities").append(label);
  }

  const order = documents.map((d, i) => i).sort((a, b) =>
    (docDate(b) || "").localeCompare(docDate(a) || "") || documents[a].id.localeCompare(documents[b].id));
  $("filter-document").append(el("option", { value: "" }, `All documents (${documents.length})`));
  for (const i of order) {
    const d = documents[i];
    const text = (docDate(i) ? docDate(i) + " · " : "") + (d.title ? `${d.title} (${d.id})` : d.id);
    $("filter-document").append(el("option", { value: String(i) }, text));
  }
  $("filter-document").addEventListener("change", (event) => { state.document = event.target.value; update(); });

  const dates = documents.map((d, i) => docDate(i)).filter(Boolean).sort();
  if (dates.length) {
    for (const id of ["date-from", "date-to"]) { $(id).min = dates[0]; $(id).max = dates[dates.length - 1]; }
    $("date-hint").textContent = `${plural(dates.length, "document")} dated, ${dates[0]} to ${dates[dates.length - 1]}; ` +
      "with a date set, undated documents are left out.";
  } else {
    for (const id of ["date-from", "date-to"]) $(id).disabled = true;
    $("date-hint").textContent = "No document has a date.";
  }
  $("date-from").addEventListener("change", (event) => { state.from = event.target.value; update(); });
  $("date-to").addEventListener("change", (event) => { state.to = event.target.value; update(); });

  let searchTimer = null;
  $("search").addEventListener("input", (event) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { state.query = event.target.value; update(); fitVisible(); }, 150);
  });

  $("reset").addEventListener("click", () => {
    for (const input of document.querySelectorAll("#controls input[type=checkbox]")) input.checked = true;
    Object.assign(state, { query: "", document: "", from: "", to: "", types: new Set(data.types.map((t) => t.name)),
      relations: new Set(data.relations.map((r) => r.name)), modalities: new Set(data.modalities.map((m) => m.name)) });
    $("search").value = ""; $("filter-document").value = ""; $("date-from").value = ""; $("date-to").value = "";
    update();
    fitTo(cy.elements(), 30);
  });
  $("fit").addEventListener("click", fitVisible);

  // Fit, but never zoom in so far that a handful of nodes fill the screen.
  function fitTo(elements, padding) {
    if (!elements.length) return;
    cy.fit(elements, padding);
    if (cy.zoom() > 1.6) { cy.zoom(1.6); cy.center(elements); }
  }
  function fitVisible() { fitTo(cy.elements().not(".hidden"), 40); }

  // What passes the filters: a piece of evidence, an edge (some evidence passes), a node.
  function evidencePasses(evidence) {
    if (state.document !== "" && String(evidence.document) !== state.document) return false;
    if (state.from || state.to) {
      const date = docDate(evidence.document);
      if (!date || (state.from && date < state.from) || (state.to && date > state.to)) return false;
    }
    return true;
  }
  function nodeInDocuments(node) {
    const docs = node.documents || [];
    if (state.document !== "" && !docs.includes(Number(state.document))) return false;
    if (state.from || state.to) {
      return docs.some((i) => { const date = docDate(i); return date && (!state.from || date >= state.from) && (!state.to || date <= state.to); });
    }
    return true;
  }

  function computeVisibility() {
    const narrowedEdges = state.relations.size < data.relations.length || state.modalities.size < data.modalities.length;
    const baseNodes = new Set(data.nodes.filter((n) => state.types.has(n.type) && nodeInDocuments(n)).map((n) => n.id));
    let edges = data.edges.filter((e) => state.relations.has(e.relation) && state.modalities.has(e.modality) &&
      baseNodes.has(e.source) && baseNodes.has(e.target) && e.evidence.some(evidencePasses));
    let nodes = baseNodes;
    if (narrowedEdges) {
      // Only some relations asked for: show the entities they connect.
      nodes = new Set();
      for (const e of edges) { nodes.add(e.source); nodes.add(e.target); }
    }
    const matches = new Set();
    const query = fold(state.query.trim());
    if (query) {
      for (const id of nodes) {
        const n = nodeById.get(id);
        if (fold(n.label).includes(query) || (n.aliases || []).some((a) => fold(a).includes(query))) matches.add(id);
      }
      // The matches and their neighbours, through the edges that pass.
      edges = edges.filter((e) => (matches.has(e.source) && nodes.has(e.target)) || (matches.has(e.target) && nodes.has(e.source)));
      nodes = new Set(matches);
      for (const e of edges) { nodes.add(e.source); nodes.add(e.target); }
    }
    return { nodes, edges: new Set(edges.map((e) => e.id)), matches };
  }

  let visible = null;
  function update() {
    visible = computeVisibility();
    // Touch only what changes: restyling thousands of elements is what costs.
    const toggle = (element, name, on) => { if (element.hasClass(name) !== on) element.toggleClass(name, on); };
    cy.batch(() => {
      cy.nodes().forEach((node) => {
        toggle(node, "hidden", !visible.nodes.has(node.id()));
        toggle(node, "match", visible.matches.has(node.id()));
      });
      cy.edges().forEach((edge) => toggle(edge, "hidden", !visible.edges.has(edge.id())));
    });
    const selected = cy.$(":selected");
    if (selected.length && selected.hasClass("hidden")) clearSelection();
    else if (selected.length) focus(selected);
    showStatus();
  }

  function showStatus() {
    const status = $("status");
    const shownNodes = visible.nodes.size, shownEdges = visible.edges.size;
    const shownStatements = data.edges.filter((e) => visible.edges.has(e.id)).reduce((sum, e) => sum + e.evidence.filter(evidencePasses).length, 0);
    Object.assign(status.dataset, {
      nodes: cy.nodes().length, edges: cy.edges().length, statements: data.edges.reduce((sum, e) => sum + e.evidence.length, 0),
      // What Cytoscape draws: the stylesheet gives .hidden display: none.
      visibleNodes: cy.nodes().not(".hidden").length,
      visibleEdges: cy.edges().not(".hidden").length,
      visibleStatements: shownStatements,
      matches: visible.matches.size,
    });
    const all = shownNodes === cy.nodes().length && shownEdges === cy.edges().length;
    status.textContent = all
      ? `${plural(cy.nodes().length, "entity", "entities")}, ${plural(cy.edges().length, "relation")} (${plural(Number(status.dataset.statements), "piece")} of evidence)`
      : `Showing ${shownNodes.toLocaleString("en")} of ${plural(cy.nodes().length, "entity", "entities")}, ` +
        `${shownEdges.toLocaleString("en")} of ${plural(cy.edges().length, "relation")}` +
        (state.query.trim() ? ` · ${plural(visible.matches.size, "match", "matches")}` : "");
  }

  // ------------------------------------------------------------ details
  function clearSelection() {
    cy.elements().unselect();
    cy.elements().removeClass("faded focus");
    showIntro();
  }
  function focus(element) {
    const keep = element.isNode() ? element.closedNeighborhood() : element.union(element.connectedNodes());
    cy.batch(() => { cy.elements().removeClass("focus").addClass("faded"); keep.removeClass("faded").addClass("focus"); });
  }
  function select(element, { center = false } = {}) {
    cy.elements().unselect();
    element.select();
    focus(element);
    if (center) cy.animate({ center: { eles: element.isNode() ? element : element.connectedNodes() }, duration: 250 });
    if (element.isNode()) showNode(element.id()); else showEdge(element.id());
  }

  function showIntro() {
    const types = data.types.map((t) => el("div", {}, el("span", { class: `swatch ${t.shape}`, style: `background:${t.colour}` }), " ", t.name));
    const classes = data.classes.map((c) => el("div", {}, el("span", { class: "swatch line", style: `border-color:${c.colour}` }), " ", c.label));
    $("details").replaceChildren(
      el("h3", {}, "Details"),
      el("p", { class: "hint" }, "Click an entity to see its names, identifiers and relations; click a relation to read its evidence."),
      el("h4", {}, "Entities"), ...types,
      el("h4", {}, "Relations"), ...classes,
      el("div", {}, el("span", { class: "swatch line dashed", style: "border-color:#6a737d" }), " hypothetical, negated or reported"),
      el("p", { class: "hint" }, "Node size grows with the evidence on an entity's relations; line width with a relation's pieces of evidence."),
    );
  }

  function endpoint(id) {
    const node = nodeById.get(id);
    return el("button", { type: "button", class: "endpoint", onclick: () => select(cy.getElementById(id), { center: true }) }, node.label);
  }

  function documentLine(index) {
    const d = documents[index];
    if (!d) return el("span", {}, "unknown document");
    const name = d.title || d.id;
    const parts = [d.url ? el("a", { href: d.url, target: "_blank", rel: "noopener noreferrer" }, name) : el("span", {}, name)];
    if (d.title) parts.push(" · ", el("code", {}, d.id));
    if (d.date) parts.push(" · ", d.date);
    return el("span", { class: "document" }, ...parts);
  }

  function sentence(evidence, sourceLabel, targetLabel) {
    const spans = [];
    if (evidence.source) spans.push({ range: evidence.source, cls: "source", title: sourceLabel });
    if (evidence.target) spans.push({ range: evidence.target, cls: "target", title: targetLabel });
    spans.sort((a, b) => a.range[0] - b.range[0]);
    const text = evidence.sentence, parts = [];
    let at = 0;
    for (const span of spans) {
      const [start, end] = span.range;
      if (start < at) continue; // overlapping words: keep the first highlight
      if (start > at) parts.push(text.slice(at, start));
      parts.push(el("mark", { class: span.cls, title: span.title }, text.slice(start, end)));
      at = end;
    }
    if (at < text.length) parts.push(text.slice(at));
    return el("blockquote", { class: "sentence" }, ...parts);
  }

  function showEdge(id) {
    const edge = data.edges.find((e) => e.id === id);
    const info = relationInfo[edge.relation] || {};
    const source = nodeById.get(edge.source), target = nodeById.get(edge.target);
    const cls = classStyle[edge.class] || {};
    const items = edge.evidence.map((evidence) => el("li", { class: "evidence-item", dataset: { statement: evidence.statement } },
      sentence(evidence, source.label, target.label),
      el("div", { class: "meta" }, documentLine(evidence.document)),
      el("div", { class: "meta" }, `rule ${evidence.rule} · confidence ${evidence.confidence}` + (evidence.via_coreference ? " · via coreference" : "")),
    ));
    $("details").replaceChildren(
      el("h3", { class: "edge-title" }, endpoint(edge.source), el("span", { class: "arrow" }, ` —${edge.relation}→ `), endpoint(edge.target)),
      el("div", {},
        el("span", { class: "badge", style: `background:${cls.colour};color:#fff` }, cls.label || edge.class),
        el("span", { class: "badge" + (dashedModality.has(edge.modality) ? " dashed" : "") }, edge.modality),
        info.cameo ? el("span", { class: "badge" }, "CAMEO " + info.cameo) : null),
      el("p", { class: "hint" }, `“${info.label || edge.relation}”, ${plural(edge.evidence.length, "piece")} of evidence. `,
        "Highlighted: the words for ", el("mark", { class: "source" }, source.label), " and for ", el("mark", { class: "target" }, target.label), "."),
      el("ul", { class: "evidence", id: "evidence" }, ...items),
    );
  }

  function showNode(id) {
    const node = nodeById.get(id);
    const t = typeStyle[node.type] || {};
    const facts = [];
    if (node.aliases && node.aliases.length) facts.push(["also", node.aliases.join(", ")]);
    if (node.iso2 || node.iso3) facts.push(["ISO 3166", [node.iso2, node.iso3].filter(Boolean).join(" / ")]);
    if (node.wikidata) {
      facts.push(["Wikidata", el("a", { href: "https://www.wikidata.org/wiki/" + node.wikidata, target: "_blank", rel: "noopener noreferrer" }, node.wikidata)]);
    }
    facts.push(["IRI", el("code", {}, node.iri)]);
    const edges = data.edges.filter((e) => e.source === id || e.target === id)
      .sort((a, b) => b.evidence.length - a.evidence.length || a.relation.localeCompare(b.relation));
    const relations = edges.map((e) => {
      const outgoing = e.source === id;
      const other = nodeById.get(outgoing ? e.target : e.source);
      const label = outgoing ? [el("span", { class: "arrow" }, `${e.relation} → `), other.label]
        : [other.label, el("span", { class: "arrow" }, ` ${e.relation} →`)];
      const hidden = !visible.edges.has(e.id);
      return el("li", {},
        el("span", { class: "dot", style: `background:${(classStyle[e.class] || {}).colour}` }),
        el("button", { type: "button", class: "link", onclick: () => { if (!hidden) select(cy.getElementById(e.id), { center: true }); else showEdge(e.id); } }, ...label),
        e.evidence.length > 1 ? ` ×${e.evidence.length}` : "",
        e.modality !== "asserted" ? el("span", { class: "badge dashed" }, e.modality) : null,
        hidden ? el("span", { class: "badge" }, "filtered out") : null);
    });
    const docs = (node.documents || []).map((i) => el("li", {}, documentLine(i)));
    $("details").replaceChildren(
      el("h3", { class: "node-title" }, node.label),
      el("div", {}, el("span", { class: "badge", style: `background:${t.colour};color:#fff` }, node.type),
        el("span", { class: "badge" }, plural(node.degree || 0, "piece") + " of evidence")),
      el("h4", {}, "Names and identifiers"),
      el("dl", { class: "kv" }, ...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
      el("h4", {}, `Relations (${edges.length})`),
      edges.length ? el("ul", { class: "relations" }, ...relations) : el("p", { class: "hint" }, "No relations found for this entity."),
      el("h4", {}, `Mentioned in (${docs.length})`),
      el("ul", { class: "relations" }, ...docs),
    );
  }

  cy.on("tap", "node", (event) => select(event.target));
  cy.on("tap", "edge", (event) => select(event.target));
  cy.on("tap", (event) => { if (event.target === cy) clearSelection(); });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") clearSelection(); });

  // ------------------------------------------------------------ start
  $("title").textContent = data.title;
  document.title = data.title;
  if (data.counts.graphNodes > data.nodes.length) {
    $("note").hidden = false;
    $("note").textContent = `The ${plural(data.nodes.length, "most connected entity", "most connected entities")} of ${data.counts.graphNodes.toLocaleString("en")} in the graph.`;
  }
  showIntro();
  update();
  fitTo(cy.elements(), 30);
  // For tests and the curious: the Cytoscape instance and the view's controls.
  window.kgView = { cy, data, update, select: (id) => select(cy.getElementById(id)), search: (text) => { $("search").value = text; state.query = text; update(); fitVisible(); } };
  document.body.dataset.ready = "true";
})();
