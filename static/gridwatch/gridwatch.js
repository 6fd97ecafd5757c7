/* GridWatch map layers: decode the compact payloads written by layers/*.py
 * and draw them with Leaflet. Served by the app itself (no CDN).
 *
 * Payload coordinates are integers: round(degrees * s) minus an origin,
 * polygons delta-encoded ring by ring, with offset arrays (r: vertices per
 * ring, p: rings per part, f: parts per feature). Every value that comes from
 * data goes through GW.esc before it reaches HTML.
 */
(function () {
  "use strict";
  var GW = (window.GW = window.GW || {});

  GW.esc = function (value) {
    if (value === null || value === undefined) return "";
    return String(value)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  };

  /* A column value: plain arrays, or dictionary-encoded {v: values, i: codes}. */
  GW.val = function (col, i) {
    if (!col) return "";
    return col.i ? col.v[col.i[i]] : col[i];
  };

  /* Identifiers: a plain array, or runs {p: prefixes, w: digit widths,
     runs: [[k, first, step, count], ...]} (layers/encode.py compact_ids). */
  GW.ids = function (col) {
    if (!col || Array.isArray(col)) return col || [];
    var out = [];
    col.runs.forEach(function (run) {
      var pre = col.p[run[0]], w = col.w[run[0]];
      for (var j = 0; j < run[3]; j++) {
        var digits = String(run[1] + j * run[2]);
        while (digits.length < w) digits = "0" + digits;
        out.push(pre + digits);
      }
    });
    return out;
  };

  /* Popups pan clear of the zoom and tool buttons down the left edge (a
     wider right margin, for the type legend, would pan the map sideways on
     nearly every click: legends fade instead, see legendControl). */
  var POPUP = { maxWidth: 320, autoPanPaddingTopLeft: [60, 10] };

  function table(title, rows) {
    var html = '<div class="gw-pop"><b>' + GW.esc(title) + "</b><table>";
    rows.forEach(function (r) {
      if (r[1] === "" || r[1] === null || r[1] === undefined) return;
      html += "<tr><th>" + GW.esc(r[0]) + "</th><td>" + GW.esc(r[1]) + "</td></tr>";
    });
    return html + "</table></div>";
  }

  function fieldRows(spec, i, fields) {
    return (fields || []).map(function (f) {
      var col = spec.props[f[1]];
      return [f[0], GW.val(col, i)];
    });
  }

  /* One feature's rings from offset k's place in the flat arrays: ci, ri, pi
     index c, r and p where feature k starts. */
  function decodeFeature(spec, k, ci, ri, pi) {
    var s = spec.s, ox = spec.o[0], oy = spec.o[1], c = spec.c, r = spec.r, p = spec.p, parts = [];
    for (var a = 0; a < spec.f[k]; a++, pi++) {
      var rings = [];
      for (var b = 0; b < p[pi]; b++, ri++) {
        var n = r[ri], ring = new Array(n), x = 0, y = 0;
        for (var v = 0; v < n; v++, ci += 2) {
          if (v === 0) { x = c[ci]; y = c[ci + 1]; } else { x += c[ci]; y += c[ci + 1]; }
          ring[v] = [(oy + y) / s, (ox + x) / s];
        }
        rings.push(ring);
      }
      parts.push(rings);
    }
    return parts.length === 1 ? parts[0] : parts;
  }

  /* Where each feature starts in the flat arrays (ci, ri, pi), and its
     bounding box in payload integers, in one pass. */
  function featureIndex(spec) {
    var n = spec.f.length, c = spec.c, r = spec.r, p = spec.p, f = spec.f;
    var idx = { ci: new Int32Array(n), ri: new Int32Array(n), pi: new Int32Array(n),
                x0: new Float64Array(n), x1: new Float64Array(n), y0: new Float64Array(n), y1: new Float64Array(n) };
    var ci = 0, ri = 0, pi = 0;
    for (var k = 0; k < n; k++) {
      idx.ci[k] = ci; idx.ri[k] = ri; idx.pi[k] = pi;
      var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (var a = 0; a < f[k]; a++, pi++) {
        for (var b = 0; b < p[pi]; b++, ri++) {
          var x = 0, y = 0;
          for (var v = 0; v < r[ri]; v++, ci += 2) {
            if (v === 0) { x = c[ci]; y = c[ci + 1]; } else { x += c[ci]; y += c[ci + 1]; }
            if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
          }
        }
      }
      idx.x0[k] = x0; idx.x1[k] = x1; idx.y0[k] = y0; idx.y1[k] = y1;
    }
    return idx;
  }

  function decodePolygons(spec) {
    var idx = featureIndex(spec), out = [];
    for (var k = 0; k < spec.f.length; k++) out.push(decodeFeature(spec, k, idx.ci[k], idx.ri[k], idx.pi[k]));
    return out;
  }

  function legendControl(spec) {
    if (!spec) return null;
    var ctrl = L.control({ position: spec.position || "bottomright" });
    ctrl.onAdd = function (map) {
      var div = L.DomUtil.create("div", "gw-legend leaflet-bar");
      /* Controls sit above popups: a legend fades while a popup is open, so
         the popup is never read through it. */
      var fade = function () { div.classList.add("gw-faded"); };
      var unfade = function () { div.classList.remove("gw-faded"); };
      map.on("popupopen", fade);
      map.on("popupclose", unfade);
      ctrl.onRemove = function () { map.off("popupopen", fade); map.off("popupclose", unfade); };
      var html = "<b>" + GW.esc(spec.title) + "</b>";
      spec.items.forEach(function (it) {
        var sw = it[2]
          ? '<span class="gw-sw gw-sw-icon" style="background:' + GW.esc(it[0]) + '">' + GW.esc(it[2]) + "</span>"
          : '<span class="gw-sw" style="background:' + GW.esc(it[0]) + '"></span>';
        html += '<div class="gw-li">' + sw + GW.esc(it[1]) + "</div>";
      });
      (spec.rings || []).forEach(function (r) {
        html += '<div class="gw-li"><span class="gw-sw gw-sw-ring gw-sw-' + GW.esc(r[0]) + '"></span>' +
          GW.esc(r[1]) + "</div>";
      });
      if (spec.note) html += '<div class="gw-note">' + GW.esc(spec.note) + "</div>";
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    return ctrl;
  }

  function withLegend(layer, spec) {
    var ctrl = legendControl(spec);
    if (!ctrl) return layer;
    layer.on("add", function () { if (layer._map) ctrl.addTo(layer._map); });
    layer.on("remove", function () { ctrl.remove(); });
    return layer;
  }

  var svg = null;
  function svgRenderer() { if (!svg) svg = L.svg({ padding: 0.5 }); return svg; }

  /* Built layers by payload key ("factory:kind:hash"), the last one per
     factory and kind: when the app sends a payload the page already drew (a
     filter change re-sends the unchanged layers too), the layer is reused
     instead of decoded and built again. */
  var built = {};
  function slot(key) { return key.split(":").slice(0, 2).join(":"); }
  GW.reuse = function (key) {
    var hit = built[slot(key)];
    if (!hit || hit.key !== key || hit.layer._map) return null;
    var parents = hit.layer._eventParents || {};
    Object.keys(parents).forEach(function (id) {
      var p = parents[id];
      if (!p._map && p.hasLayer && p.hasLayer(hit.layer)) p.removeLayer(hit.layer);
    });
    GW.layers[hit.kind] = hit.layer;
    return hit.layer;
  };
  GW.keep = function (key, layer) {
    built[slot(key)] = { key: key, layer: layer, kind: key.split(":")[1] };
    return layer;
  };

  /* Cases of a layer by clock state, for tests: GW.states("incident").overdue. */
  GW.states = function (kind) {
    var g = GW.layers[kind];
    return g && g._map && g._gwStates ? g._gwStates : {};
  };

  /* Layers by kind, for tests and benchmarks: GW.count("grid"). */
  GW.layers = {};
  GW.count = function (kind) {
    var g = GW.layers[kind];
    if (!g || !g._map) return 0;
    if (g._gwTotal !== undefined) return g._gwReady ? g._gwTotal : 0;
    return g.getLayers().filter(function (l) { return l.feature; }).length;
  };

  function polygonOptions(spec, fill) {
    var st = spec.style || {};
    return {
      color: st.color || fill,
      weight: st.weight === undefined ? 1 : st.weight,
      opacity: st.opacity === undefined ? 1 : st.opacity,
      fill: st.fill === undefined ? true : st.fill,
      fillColor: fill,
      fillOpacity: st.fillOpacity === undefined ? 0.4 : st.fillOpacity,
      dashArray: st.dashArray || null,
      className: "gw-" + spec.kind,
      renderer: spec.svg ? svgRenderer() : undefined,
      interactive: spec.interactive !== false,
      bubblingMouseEvents: true,
    };
  }

  function fillOf(spec, i) {
    var st = spec.style || {};
    return spec.ci ? spec.pal[spec.ci[i]] : st.fillColor || st.color || "#3388ff";
  }

  function makePolygon(spec, i, latlngs) {
    var poly = L.polygon(latlngs, polygonOptions(spec, fillOf(spec, i)));
    poly.feature = { type: "Feature", properties: { kind: spec.kind, id: spec.id[i] } };
    poly._gwIdx = i;
    return poly;
  }

  /* Tooltip, popup and hover are bound once on the group (Leaflet hands
     the polygon under the pointer to them), not on each of 30,000 shapes. */
  function bindPolygonEvents(spec, group) {
    if (spec.interactive === false) return;
    var st = spec.style || {};
    var head = function (p) {
      var idx = p._gwIdx;
      return spec.title + " " + (spec.props.name ? GW.val(spec.props.name, idx) : spec.id[idx]);
    };
    if (spec.tip) {
      group.bindTooltip(function (p) { return table(head(p), fieldRows(spec, p._gwIdx, spec.tip)); },
                        { sticky: true, className: "gw-tip" });
    }
    if (spec.pop) {
      group.bindPopup(function (p) { return table(head(p), fieldRows(spec, p._gwIdx, spec.pop)); },
                      POPUP);
    }
    group.on("click", function (e) { if (e.layer && e.layer._gwIdx !== undefined) GW.highlight(e.layer); });
    if (spec.hover) {
      group.on("mouseover", function (e) {
        var p = e.layer;
        if (p && p._gwIdx !== undefined && p !== lit) p.setStyle({ weight: (st.weight || 1) + 2 });
      });
      group.on("mouseout", function (e) {
        var p = e.layer;
        if (p && p._gwIdx !== undefined && p !== lit) p.setStyle({ weight: st.weight === undefined ? 1 : st.weight });
      });
    }
  }

  /* Polygons (grids, buildings, selection outline); many polygons (a
     district's buildings) go to GW.manyPolygons instead. */
  GW.polygons = function (spec) {
    spec.id = GW.ids(spec.id);
    if (spec.f.length > (spec.manyAt || 5000)) return GW.manyPolygons(spec);
    var shapes = decodePolygons(spec);
    var group = L.featureGroup();
    for (var i = 0; i < shapes.length; i++) group.addLayer(makePolygon(spec, i, shapes[i]));
    bindPolygonEvents(spec, group);
    if (spec.labels) group.addLayer(GW.labels(spec));
    GW.layers[spec.kind] = group;
    return withLegend(group, spec.legend);
  };

  /* Many polygons (a district: 30,000 buildings, each a pixel or less at the
     zoom that shows the district): from spec.minZoom on, only the shapes in
     view are built and drawn, again after each move; below it none, and a
     note says to zoom in. Bounding boxes come from one pass over the
     payload; a shape is decoded the first time it comes into view. */
  GW.manyPolygons = function (spec) {
    var n = spec.f.length, s = spec.s, ox = spec.o[0], oy = spec.o[1], minZoom = spec.minZoom || 15;
    var idx = featureIndex(spec), w = new Float64Array(n), e = new Float64Array(n);
    var so = new Float64Array(n), no = new Float64Array(n);
    for (var k = 0; k < n; k++) {
      w[k] = (ox + idx.x0[k]) / s; e[k] = (ox + idx.x1[k]) / s;
      so[k] = (oy + idx.y0[k]) / s; no[k] = (oy + idx.y1[k]) / s;
    }
    function decodeOne(k) { return decodeFeature(spec, k, idx.ci[k], idx.ri[k], idx.pi[k]); }
    var group = L.featureGroup(), made = {}, shown = {}, map = null;
    group._gwTotal = n;
    group._gwReady = false;
    bindPolygonEvents(spec, group);
    var note = L.control({ position: "bottomleft" });
    note.onAdd = function () {
      var div = L.DomUtil.create("div", "gw-legend gw-zoom-note leaflet-bar");
      div.innerHTML = GW.esc(spec.zoomNote || "");
      return div;
    };
    function render() {
      if (!map) return;
      var inView = {};
      if (map.getZoom() >= minZoom) {
        var bb = map.getBounds().pad(0.1);
        var bs = bb.getSouth(), bn = bb.getNorth(), bw = bb.getWest(), be = bb.getEast();
        for (var k = 0; k < n; k++) {
          if (e[k] >= bw && w[k] <= be && no[k] >= bs && so[k] <= bn) inView[k] = true;
        }
        if (note._map) note.remove();
      } else if (spec.zoomNote && !note._map) {
        note.addTo(map);
      }
      Object.keys(shown).forEach(function (k) {
        if (!inView[k] && !shown[k].isPopupOpen()) { group.removeLayer(shown[k]); delete shown[k]; }
      });
      Object.keys(inView).forEach(function (k) {
        if (shown[k]) return;
        if (!made[k]) made[k] = makePolygon(spec, +k, decodeOne(+k));
        shown[k] = made[k];
        group.addLayer(made[k]);
      });
      group._gwShown = Object.keys(shown).length;
      group._gwReady = true;
    }
    group.on("add", function () {
      map = group._map;
      map.on("moveend", render);
      render();
    });
    group.on("remove", function () {
      if (map) map.off("moveend", render);
      if (note._map) note.remove();
      Object.keys(shown).forEach(function (k) { group.removeLayer(shown[k]); });
      shown = {};
      group._gwReady = false;
    });
    if (spec.labels) group.addLayer(GW.labels(spec));
    GW.layers[spec.kind] = group;
    return withLegend(group, spec.legend);
  };

  /* Outline the clicked grid or building at once (the app also keeps the
     selection, so a redraw highlights it again from the server side). */
  var lit = null;
  GW.highlight = function (layer) {
    if (lit && lit !== layer && lit._gwStyle) lit.setStyle(lit._gwStyle);
    if (!layer._gwStyle) layer._gwStyle = { color: layer.options.color, weight: layer.options.weight };
    layer.setStyle({ color: "#ffd400", weight: 4 });
    if (layer.bringToFront) layer.bringToFront();
    lit = layer;
  };
  GW.highlighted = function () { return lit && lit._map && lit.feature ? lit.feature.properties.id : null; };

  /* Permanent text labels (grid names), shown from a zoom level on. */
  GW.labels = function (spec) {
    var lab = spec.labels, s = spec.s, layer = L.layerGroup();
    for (var i = 0; i < lab.x.length; i++) {
      var text = spec.props.name ? GW.val(spec.props.name, i) : spec.id[i];
      layer.addLayer(L.marker([(spec.o[1] + lab.y[i]) / s, (spec.o[0] + lab.x[i]) / s], {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "gw-label", html: "<span>" + GW.esc(text) + "</span>", iconSize: null }),
      }));
    }
    var minZoom = lab.minZoom || 0;
    function toggle(map) {
      var el = map.getContainer();
      if (map.getZoom() < minZoom) el.classList.add("gw-hide-labels");
      else el.classList.remove("gw-hide-labels");
    }
    var map = null;
    function onZoom() { if (map) toggle(map); }
    layer.on("add", function () {
      map = layer._map;
      toggle(map);
      map.on("zoomend", onZoom);
    });
    layer.on("remove", function () { if (map) map.off("zoomend", onZoom); });
    return layer;
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function minutesToText(t0, m) {
    if (m === null || m < 0) return "";
    var d = new Date((t0 + m * 60) * 1000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }

  /* The clock state of point k ("overdue", "warning", ...; "" for assets or without states). */
  function caseState(spec, k) {
    return spec.cs ? spec.cstates[spec.cs[k]].code : "";
  }

  function incidentIcon(type, status, state) {
    var cls = "gw-pin" + (status.open ? " gw-open" : " gw-done") + (status.alarm ? " gw-alarm" : "") +
      (state === "overdue" || state === "warning" ? " gw-" + state : "");
    var style = status.open ? "background:" + type.color + ";border-color:" + type.color
                            : "color:" + type.color + ";border-color:" + type.color;
    return L.divIcon({
      className: "",
      html: '<div class="' + cls + '" style="' + GW.esc(style) + '">' + GW.esc(type.icon) + "</div>",
      iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10], tooltipAnchor: [10, 0],
    });
  }

  function incidentPopup(spec, idx) {
    var lab = spec.labels, ty = spec.types[spec.t[idx]];
    var rows = [
      [lab.type, ty.label],
      [lab.status, spec.statuses[spec.st[idx]].label],
      [lab.state, spec.cs ? spec.cstates[spec.cs[idx]].label : ""],
      [lab.severity, spec.sev[spec.sv[idx]] || ""],
      [lab.reported_at, minutesToText(spec.t0, spec.m[idx])],
      [lab.depth, spec.dep ? spec.dep[idx] : ""],
      [lab.grid, spec.grids[spec.g[idx]] || ""],
      [lab.worker, spec.wk ? spec.wk[spec.g[idx]] : ""],
      [lab.building, GW.val(spec.bld, idx)],
      [lab.head, GW.val(spec.bh, idx)],
      [lab.description, GW.val(spec.desc, idx)],
    ];
    return table(ty.label + " " + spec.id[idx], rows);
  }

  /* How many cases of the payload are at each clock state: {overdue: 2, warning: 1, ...}. */
  function stateCounts(spec) {
    var out = {};
    if (!spec.cs) return out;
    for (var k = 0; k < spec.cs.length; k++) {
      var c = spec.cstates[spec.cs[k]].code;
      if (c) out[c] = (out[c] || 0) + 1;
    }
    return out;
  }

  /* A cluster's icon: the usual count, ringed red when it holds an overdue
     case (with how many in a red badge), amber when it holds a warning one. */
  function clusterIcon(cluster) {
    var kids = cluster.getAllChildMarkers(), n = kids.length, late = 0, warn = 0;
    for (var k = 0; k < n; k++) {
      if (kids[k]._gwState === "overdue") late++;
      else if (kids[k]._gwState === "warning") warn++;
    }
    var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
    var cls = "marker-cluster marker-cluster-" + size + (late ? " gw-cl-overdue" : warn ? " gw-cl-warning" : "");
    var html = "<div><span>" + n + "</span></div>" + (late ? '<b class="gw-cl-late">' + late + "</b>" : "");
    return L.divIcon({ html: html, className: cls, iconSize: L.point(40, 40) });
  }

  /* One aggregate mark: the count in a bubble whose ring shows the type
     mix, a red badge for overdue cases; tooltip with counts by type and
     status; a click zooms to what it holds. a: {n, t: counts by type index,
     st: by status index, late, warn, lat, lng, name, box: [[s, w], [n, e]]}. */
  function aggMarker(spec, a, cap, map, maxZoom) {
    var d = Math.min(cap, Math.round(24 + 8 * Math.log(1 + a.n) / Math.LN10));
    var stops = [], acc = 0;
    a.t.forEach(function (c, ti) {
      if (!c) return;
      var from = (100 * acc / a.n).toFixed(1);
      acc += c;
      stops.push(spec.types[ti].color + " " + from + "% " + (100 * acc / a.n).toFixed(1) + "%");
    });
    var style = "width:" + d + "px;height:" + d + "px;background:conic-gradient(" + stops.join(",") + ")";
    var ring = a.late ? " gw-agg-overdue" : a.warn ? " gw-agg-warning" : "";
    var html = '<div class="gw-agg' + ring + '" style="' + GW.esc(style) + '"><span>' + GW.esc(a.n) + "</span>" +
      (a.late ? '<b class="gw-cl-late">' + GW.esc(a.late) + "</b>" : "") + "</div>";
    var mk = L.marker([a.lat, a.lng], {
      /* Hung just below the spot, so the grid's name label above it stays readable. */
      icon: L.divIcon({ className: "", html: html, iconSize: [d, d], iconAnchor: [d / 2, -8] }),
      bubblingMouseEvents: false, keyboard: false, riseOnHover: true,
    });
    mk.bindTooltip(function () {
      var rows = [];
      a.t.forEach(function (c, ti) { if (c) rows.push([spec.types[ti].label, c]); });
      a.st.forEach(function (c, si) { if (c) rows.push([spec.statuses[si].label, c]); });
      if (spec.rings && a.late) rows.push([spec.rings.overdue, a.late]);
      if (spec.rings && a.warn) rows.push([spec.rings.warning, a.warn]);
      return table(a.name + " · " + a.n, rows);
    }, { direction: "top", className: "gw-tip", offset: [0, 8] });
    mk.on("click", function (e) {
      if (e.originalEvent) L.DomEvent.stop(e.originalEvent);
      map.fitBounds(a.box, { maxZoom: maxZoom, padding: [20, 20] });
    });
    return mk;
  }

  /* Incident points, one icon per type styled by status, clustered; many
     points (a district) go to GW.manyPoints instead. */
  GW.points = function (spec) {
    spec.id = GW.ids(spec.id);
    if (spec.x.length > (spec.manyAt || 5000)) return GW.manyPoints(spec);
    var s = spec.s, ox = spec.o[0], oy = spec.o[1], lab = spec.labels;
    var icons = {};
    var group = spec.cluster
      ? L.markerClusterGroup({
          chunkedLoading: true, chunkInterval: 150, showCoverageOnHover: false,
          disableClusteringAtZoom: spec.unclusterZoom || 18, maxClusterRadius: 60,
          spiderfyOnMaxZoom: false, iconCreateFunction: clusterIcon,
        })
      : L.featureGroup();
    var markers = new Array(spec.x.length);
    group._gwStates = stateCounts(spec);
    for (var i = 0; i < spec.x.length; i++) {
      var state = caseState(spec, i);
      var key = spec.t[i] + ":" + spec.st[i] + ":" + state;
      if (!icons[key]) icons[key] = incidentIcon(spec.types[spec.t[i]], spec.statuses[spec.st[i]], state);
      var m = L.marker([(oy + spec.y[i]) / s, (ox + spec.x[i]) / s], { icon: icons[key] });
      m._gwState = state;
      m.feature = { type: "Feature", properties: { kind: "incident", id: spec.id[i], state: state } };
      (function (idx, mk) {
        mk.bindPopup(function () { return incidentPopup(spec, idx); }, POPUP);
      })(i, m);
      markers[i] = m;
    }
    group.addLayers ? group.addLayers(markers) : markers.forEach(function (m) { group.addLayer(m); });
    GW.layers[spec.kind || "incident"] = group;
    return withLegend(group, spec.legend);
  };

  /* Many incident points (a district: 100,000): the browser never holds
     them all as markers. Below spec.pointZoom, where more than spec.viewMax
     points are in view, each grid shows one bubble (count, ring coloured by
     type mix; tooltip with counts by type and status; click zooms in).
     Otherwise only the points in view are drawn, redrawn after each move:
     dots on one shared canvas, or the usual icons when few are in view. */
  GW.manyPoints = function (spec) {
    var n = spec.x.length, s = spec.s, ox = spec.o[0], oy = spec.o[1];
    var pointZoom = spec.pointZoom || 16, viewMax = spec.viewMax || 3000, iconMax = spec.iconMax || 300;
    var lat = new Float64Array(n), lng = new Float64Array(n), i;
    for (i = 0; i < n; i++) { lat[i] = (oy + spec.y[i]) / s; lng[i] = (ox + spec.x[i]) / s; }
    var group = L.featureGroup();        // points: clicks reach the app (selection)
    var bubbles = L.layerGroup();        // aggregates: no selection, click zooms in
    group.addLayer(bubbles);
    group._gwTotal = n;
    group._gwReady = false;
    group._gwStates = stateCounts(spec);
    var canvas = L.canvas({ padding: 0.2 });
    var icons = {}, shown = {}, mode = null, aggs = null, aggCap = 0, map = null;

    function aggregates() {
      var byKey = {}, list = [];
      for (var k = 0; k < n; k++) {
        var g = spec.g[k];
        var key = g === spec.gout ? "o" + Math.floor(lat[k] * 50) + ":" + Math.floor(lng[k] * 50) : "g" + g;
        var a = byKey[key];
        if (!a) {
          a = byKey[key] = { g: g, n: 0, late: 0, warn: 0, sy: 0, sx: 0, s: lat[k], w: lng[k], nn: lat[k], e: lng[k],
                             t: new Array(spec.types.length).fill(0), st: new Array(spec.statuses.length).fill(0) };
          list.push(a);
        }
        a.n++; a.sy += lat[k]; a.sx += lng[k];
        a.t[spec.t[k]]++; a.st[spec.st[k]]++;
        var cst = caseState(spec, k);
        if (cst === "overdue") a.late++; else if (cst === "warning") a.warn++;
        if (lat[k] < a.s) a.s = lat[k]; if (lat[k] > a.nn) a.nn = lat[k];
        if (lng[k] < a.w) a.w = lng[k]; if (lng[k] > a.e) a.e = lng[k];
      }
      return list;
    }

    function bubble(a, cap) {
      return aggMarker(spec, {
        n: a.n, t: a.t, st: a.st, late: a.late, warn: a.warn, lat: a.sy / a.n, lng: a.sx / a.n,
        name: spec.grids[a.g] || "", box: [[a.s, a.w], [a.nn, a.e]],
      }, cap, map, pointZoom);
    }

    function pointMarker(k, asIcon) {
      var ty = spec.types[spec.t[k]], stt = spec.statuses[spec.st[k]], cst = caseState(spec, k), m;
      if (asIcon) {
        var key = spec.t[k] + ":" + spec.st[k] + ":" + cst;
        if (!icons[key]) icons[key] = incidentIcon(ty, stt, cst);
        m = L.marker([lat[k], lng[k]], { icon: icons[key] });
      } else {
        var ringed = stt.alarm || cst === "overdue" || cst === "warning";
        m = L.circleMarker([lat[k], lng[k]], {
          renderer: canvas, radius: ringed ? 7 : 6,
          color: cst === "overdue" || stt.alarm ? "#b00020" : cst === "warning" ? "#f59e0b" : stt.open ? "#ffffff" : ty.color,
          weight: ringed ? 3 : 1.5,
          fillColor: stt.open ? ty.color : "#ffffff", fillOpacity: stt.open ? 0.95 : 0.8,
        });
      }
      m._gwState = cst;
      m.feature = { type: "Feature", properties: { kind: "incident", id: spec.id[k], state: cst } };
      m.bindPopup(function () { return incidentPopup(spec, k); }, POPUP);
      return m;
    }

    function clearPoints(keepOpen) {
      Object.keys(shown).forEach(function (k) {
        if (keepOpen && shown[k].isPopupOpen()) return;
        group.removeLayer(shown[k]);
        delete shown[k];
      });
    }

    function render() {
      if (!map) return;
      var b = map.getBounds().pad(0.05);
      var so = b.getSouth(), no = b.getNorth(), we = b.getWest(), ea = b.getEast();
      var zoom = map.getZoom(), limit = zoom >= pointZoom ? Infinity : viewMax, inView = [];
      for (var k = 0; k < n && inView.length <= limit; k++) {
        if (lat[k] >= so && lat[k] <= no && lng[k] >= we && lng[k] <= ea) inView.push(k);
      }
      var want = inView.length > limit ? "agg" : inView.length <= iconMax ? "icon" : "dot";
      var cap = zoom <= 13 ? 30 : zoom === 14 ? 40 : 56;
      if (want !== mode || (want === "agg" && cap !== aggCap)) {
        clearPoints(false);
        bubbles.clearLayers();
        if (want === "agg") {
          if (!aggs) aggs = aggregates();
          aggCap = cap;
          aggs.forEach(function (a) { bubbles.addLayer(bubble(a, cap)); });
        }
        mode = want;
      }
      if (want !== "agg") {
        var next = {};
        inView.forEach(function (k) { next[k] = shown[k] || pointMarker(k, want === "icon"); });
        Object.keys(shown).forEach(function (k) {
          if (!next[k] && !shown[k].isPopupOpen()) { group.removeLayer(shown[k]); delete shown[k]; }
        });
        Object.keys(next).forEach(function (k) {
          if (!shown[k]) { shown[k] = next[k]; group.addLayer(next[k]); }
        });
      }
      group._gwMode = mode;
      group._gwReady = true;
    }

    group.on("add", function () {
      map = group._map;
      map.on("moveend", render);
      mode = null;
      render();
    });
    group.on("remove", function () {
      if (map) map.off("moveend", render);
      clearPoints(false);
      bubbles.clearLayers();
      mode = null;
      group._gwReady = false;
    });
    GW.layers[spec.kind || "incident"] = group;
    return withLegend(group, spec.legend);
  };

  /* Aggregate marks answered by the app's map route (layers/live.py):
     spec.x/y places, n counts, t/st counts by type/status, box [s, w, n, e]
     of what each holds, name, mk kind ("community", "grid", "merged",
     "outside"). */
  GW.bubbles = function (spec, map) {
    var group = L.layerGroup();
    var cap = map && map.getZoom() <= 13 ? 34 : 46;
    for (var i = 0; i < spec.n.length; i++) {
      var b = spec.box[i];
      var mk = aggMarker(spec, {
        n: spec.n[i], t: spec.t[i], st: spec.st[i], late: spec.late[i], warn: spec.warn[i],
        lat: spec.y[i], lng: spec.x[i], name: spec.name[i], box: [[b[0], b[1]], [b[2], b[3]]],
      }, cap, map, spec.pointZoom || 17);
      mk._gwMark = { kind: spec.mk[i], id: spec.id[i], name: spec.name[i], n: spec.n[i] };
      group.addLayer(mk);
    }
    GW.layers.agg = group;
    return withLegend(group, spec.legend);
  };

  /* The live map of a large store: after each move the view is asked of
     the app's own route (spec.url, views/map_api.py) and its answer drawn
     (the usual layers cut to the view, and aggregate marks); a pan inside
     the last answer's extent at the same zoom asks nothing. The browser
     never holds more than one view's worth. */
  var live = null;
  GW.live = function (spec) {
    var group = L.featureGroup(), map = null, children = [], last = null, asked = 0, pending = null;
    var state = { ready: false, seq: 0, level: null, zoom: null, marks: [], points: 0, total: 0, bytes: 0, all: 0,
                  failed: false };
    var note = L.control({ position: "bottomleft" }), noteDiv = null;
    note.onAdd = function () {
      noteDiv = L.DomUtil.create("div", "gw-legend gw-live-note leaflet-bar");
      noteDiv.style.display = "none";
      return noteDiv;
    };
    function say(text) {
      if (!noteDiv) return;
      noteDiv.textContent = text || "";
      noteDiv.style.display = text ? "" : "none";
    }
    function covers(ext, b) {
      return b.getWest() >= ext[0] && b.getSouth() >= ext[1] && b.getEast() <= ext[2] && b.getNorth() <= ext[3];
    }
    function draw(ans) {
      children.forEach(function (l) { group.removeLayer(l); });
      children = [];
      ans.layers.forEach(function (pair) {
        var factory = pair[0], p = pair[1], layer;
        if (factory === "bubbles") layer = GW.bubbles(p, map);
        else layer = GW[factory](p);
        if (factory === "polygons" && p.zoomTo) {
          layer.on("click", function (e) { if (e.layer && e.layer.getBounds) map.fitBounds(e.layer.getBounds()); });
        }
        group.addLayer(layer);
        children.push(layer);
      });
      last = ans;
      state.seq += 1;
      state.level = ans.level; state.zoom = ans.zoom; state.marks = ans.marks;
      state.points = ans.points; state.total = ans.total; state.all = ans.all; state.extent = ans.extent;
    }
    function refresh() {
      if (!map) return;
      var b = map.getBounds(), z = map.getZoom();
      if (last && !state.failed && last.zoom === z && covers(last.extent, b)) return;
      var q = spec.url + "?t=" + encodeURIComponent(spec.token) + "&z=" + z + "&b=" +
        [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(",");
      if (pending) pending.abort();
      var ctl = window.AbortController ? new AbortController() : null, mine = ++asked;
      pending = ctl;
      state.ready = false;
      var slow = setTimeout(function () { if (mine === asked) say(spec.loading); }, 400);
      fetch(q, { signal: ctl ? ctl.signal : undefined, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.text();
        })
        .then(function (text) {
          if (mine !== asked) return;
          state.bytes += text.length;
          draw(JSON.parse(text));
          state.failed = false;
          clearTimeout(slow);
          say(spec.note || "");
          pending = null;
          state.ready = true;
        })
        .catch(function (err) {
          if (err && err.name === "AbortError") return;
          if (mine !== asked) return;
          clearTimeout(slow);
          state.failed = true;
          state.ready = true;
          say(spec.failed);
        });
    }
    group.on("add", function () {
      map = group._map;
      note.addTo(map);
      map.on("moveend", refresh);
      refresh();
    });
    /* Taken off and put back (a rerun reuses the layer): the last answer
       stays in the group, so it shows again at once and nothing is asked
       unless the view moved out of it. */
    group.on("remove", function () {
      if (map) map.off("moveend", refresh);
      note.remove();
    });
    live = { group: group, state: state, refresh: refresh };
    GW.layers.live = group;
    return group;
  };

  /* The live map's state, for tests and benchmarks: {ready, seq, level,
     zoom, marks: [{kind, id, name, n}], points, total, bytes, all, failed,
     extent: [w, s, e, n] the last answer covers}. */
  GW.liveState = function () {
    if (!live || !live.group._map) return null;
    var s = live.state;
    return { ready: s.ready, seq: s.seq, level: s.level, zoom: s.zoom, marks: s.marks, points: s.points,
             total: s.total, bytes: s.bytes, all: s.all, failed: s.failed, extent: s.extent };
  };
  /* The Leaflet map the live layer is on (benchmarks and tests move it). */
  GW.liveMap = function () { return live && live.group._map ? live.group._map : null; };

  /* Flooding history as a heat map (leaflet.heat). */
  GW.heat = function (spec) {
    var pts = [], s = spec.s;
    for (var i = 0; i < spec.x.length; i++) {
      pts.push([(spec.o[1] + spec.y[i]) / s, (spec.o[0] + spec.x[i]) / s, spec.w ? spec.w[i] : 1]);
    }
    var heat = L.heatLayer(pts, { radius: spec.radius || 25, blur: 18, maxZoom: 17, max: spec.max || 1 });
    heat.getLayers = function () { return pts.map(function () { return { feature: true }; }); };
    GW.layers.heat = heat;
    return heat;
  };

})();
