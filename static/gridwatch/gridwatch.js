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

  function decodePolygons(spec) {
    var s = spec.s, ox = spec.o[0], oy = spec.o[1];
    var c = spec.c, r = spec.r, p = spec.p, f = spec.f;
    var out = [], ci = 0, ri = 0, pi = 0;
    for (var k = 0; k < f.length; k++) {
      var parts = [];
      for (var a = 0; a < f[k]; a++, pi++) {
        var rings = [];
        for (var b = 0; b < p[pi]; b++, ri++) {
          var n = r[ri], ring = new Array(n), x = ox, y = oy;
          for (var v = 0; v < n; v++, ci += 2) {
            if (v === 0) { x = ox + c[ci]; y = oy + c[ci + 1]; }
            else { x += c[ci]; y += c[ci + 1]; }
            ring[v] = [y / s, x / s];
          }
          rings.push(ring);
        }
        parts.push(rings);
      }
      out.push(parts.length === 1 ? parts[0] : parts);
    }
    return out;
  }

  function legendControl(spec) {
    if (!spec) return null;
    var ctrl = L.control({ position: spec.position || "bottomright" });
    ctrl.onAdd = function () {
      var div = L.DomUtil.create("div", "gw-legend leaflet-bar");
      var html = "<b>" + GW.esc(spec.title) + "</b>";
      spec.items.forEach(function (it) {
        var sw = it[2]
          ? '<span class="gw-sw gw-sw-icon" style="background:' + GW.esc(it[0]) + '">' + GW.esc(it[2]) + "</span>"
          : '<span class="gw-sw" style="background:' + GW.esc(it[0]) + '"></span>';
        html += '<div class="gw-li">' + sw + GW.esc(it[1]) + "</div>";
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

  /* Layers by kind, for tests and benchmarks: GW.count("grid"). */
  GW.layers = {};
  GW.count = function (kind) {
    var g = GW.layers[kind];
    if (!g || !g._map) return 0;
    return g.getLayers().filter(function (l) { return l.feature; }).length;
  };

  /* Polygons (grids, buildings, selection outline). */
  GW.polygons = function (spec) {
    var shapes = decodePolygons(spec);
    var group = L.featureGroup();
    var st = spec.style || {};
    var fills = spec.ci ? spec.ci.map(function (i) { return spec.pal[i]; }) : null;
    for (var i = 0; i < shapes.length; i++) {
      var fill = fills ? fills[i] : st.fillColor || st.color || "#3388ff";
      var poly = L.polygon(shapes[i], {
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
      });
      poly.feature = { type: "Feature", properties: { kind: spec.kind, id: spec.id[i] } };
      if (spec.interactive !== false) {
        (function (idx, p) {
          if (spec.tip) {
            p.bindTooltip(function () {
              return table(spec.title + " " + (spec.props.name ? GW.val(spec.props.name, idx) : spec.id[idx]),
                           fieldRows(spec, idx, spec.tip));
            }, { sticky: true, className: "gw-tip" });
          }
          if (spec.pop) {
            p.bindPopup(function () {
              return table(spec.title + " " + (spec.props.name ? GW.val(spec.props.name, idx) : spec.id[idx]),
                           fieldRows(spec, idx, spec.pop));
            }, { maxWidth: 320 });
          }
          p.on("click", function () { GW.highlight(p); });
          if (spec.hover) {
            p.on("mouseover", function () { if (p !== lit) p.setStyle({ weight: (st.weight || 1) + 2 }); });
            p.on("mouseout", function () { if (p !== lit) p.setStyle({ weight: st.weight === undefined ? 1 : st.weight }); });
          }
        })(i, poly);
      }
      group.addLayer(poly);
    }
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
    layer.on("add", function () {
      var map = layer._map;
      toggle(map);
      map.on("zoomend", function () { toggle(map); });
    });
    return layer;
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function minutesToText(t0, m) {
    if (m === null || m < 0) return "";
    var d = new Date((t0 + m * 60) * 1000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }

  function incidentIcon(type, status) {
    var cls = "gw-pin" + (status.open ? " gw-open" : " gw-done") + (status.alarm ? " gw-alarm" : "");
    var style = status.open ? "background:" + type.color + ";border-color:" + type.color
                            : "color:" + type.color + ";border-color:" + type.color;
    return L.divIcon({
      className: "",
      html: '<div class="' + cls + '" style="' + GW.esc(style) + '">' + GW.esc(type.icon) + "</div>",
      iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10], tooltipAnchor: [10, 0],
    });
  }

  /* Incident points, one icon per type styled by status, clustered. */
  GW.points = function (spec) {
    var s = spec.s, ox = spec.o[0], oy = spec.o[1], lab = spec.labels;
    var icons = {};
    var group = spec.cluster
      ? L.markerClusterGroup({
          chunkedLoading: true, chunkInterval: 150, showCoverageOnHover: false,
          disableClusteringAtZoom: spec.unclusterZoom || 18, maxClusterRadius: 60,
          spiderfyOnMaxZoom: false,
        })
      : L.featureGroup();
    var markers = new Array(spec.x.length);
    for (var i = 0; i < spec.x.length; i++) {
      var key = spec.t[i] + ":" + spec.st[i];
      if (!icons[key]) icons[key] = incidentIcon(spec.types[spec.t[i]], spec.statuses[spec.st[i]]);
      var m = L.marker([(oy + spec.y[i]) / s, (ox + spec.x[i]) / s], { icon: icons[key] });
      m.feature = { type: "Feature", properties: { kind: "incident", id: spec.id[i] } };
      (function (idx, mk) {
        mk.bindPopup(function () {
          var ty = spec.types[spec.t[idx]];
          var rows = [
            [lab.type, ty.label],
            [lab.status, spec.statuses[spec.st[idx]].label],
            [lab.severity, spec.sev[spec.sv[idx]] || ""],
            [lab.reported_at, minutesToText(spec.t0, spec.m[idx])],
            [lab.depth, spec.dep ? spec.dep[idx] : ""],
            [lab.grid, spec.grids[spec.g[idx]] || ""],
            [lab.building, GW.val(spec.bld, idx)],
            [lab.description, GW.val(spec.desc, idx)],
          ];
          return table(ty.label + " " + spec.id[idx], rows);
        }, { maxWidth: 320 });
      })(i, m);
      markers[i] = m;
    }
    group.addLayers ? group.addLayers(markers) : markers.forEach(function (m) { group.addLayer(m); });
    GW.layers[spec.kind || "incident"] = group;
    return withLegend(group, spec.legend);
  };

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
