/* border-zones map behaviour: the data layers (read from the JSON element
 * #bz-data), safe tooltips and popups, legend, distance probe, measuring tool,
 * mouse coordinates. Needs Leaflet (L) and GeographicLib (window.geodesic, npm
 * geographiclib-geodesic). All text from data is put in the page with
 * textContent, never as HTML; the only strings inserted as HTML (layer-control
 * names, attributions) are escaped by border-zones before they are written. */
(function () {
  "use strict";

  var BZ = {
    layers: {},      // key -> {layer, title, provenance}
    byRole: {},      // role -> [feature]
    measuring: false,
    config: null,
    map: null,
  };
  window.BorderZones = BZ;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function rowsTable(rows, cls) {
    var table = el("table", cls);
    for (var i = 0; i < rows.length; i++) {
      var tr = el("tr");
      tr.appendChild(el("th", null, rows[i][0]));
      tr.appendChild(el("td", null, rows[i][1]));
      table.appendChild(tr);
    }
    return table;
  }

  /* Called for every GeoJSON feature as its layer is built. */
  BZ.feature = function (key, feature, layer) {
    var props = feature.properties || {};
    var role = props._role || "";
    if (role) {
      (BZ.byRole[role] = BZ.byRole[role] || []).push(feature);
    }
    var tip = el("span", "bz-tooltip", props._tooltip || "");
    layer.bindTooltip(tip, { sticky: !(layer instanceof L.CircleMarker) });
    layer.on("click", function (e) {
      if (BZ.measuring || !BZ.map) return;
      var box = el("div", "bz-popup");
      box.appendChild(el("div", "bz-popup-title", props._tooltip || ""));
      box.appendChild(rowsTable(props._popup || [], "bz-figures"));
      var info = BZ.layers[key];
      if (info && info.provenance && info.provenance.length) {
        box.appendChild(el("div", "bz-popup-sub", "Provenance"));
        box.appendChild(rowsTable(info.provenance, "bz-provenance"));
      }
      var popup = BZ._popup || (BZ._popup = L.popup({ maxWidth: 360, autoPan: false }));
      popup.setLatLng(e.latlng).setContent(box);
      if (!BZ.map.hasLayer(popup)) popup.openOn(BZ.map);
    });
  };

  /* Close the feature popup, if one is open. */
  BZ.closePopup = function () {
    if (BZ.map && BZ._popup && BZ.map.hasLayer(BZ._popup)) BZ.map.removeLayer(BZ._popup);
  };

  /* ---- geodesics ---- */
  var R = 6371008.8;
  function geod() { return window.geodesic.Geodesic.WGS84; }

  function lineParts(feature) {
    var g = feature.geometry, parts = [];
    if (!g) return parts;
    if (g.type === "LineString") parts.push(g.coordinates);
    else if (g.type === "MultiLineString") parts = g.coordinates.slice();
    return parts;
  }

  function prepareLines(role) {
    var cache = BZ._lines || (BZ._lines = {});
    if (cache[role]) return cache[role];
    var G = geod(), segs = [], pts = [];
    (BZ.byRole[role] || []).forEach(function (f) {
      lineParts(f).forEach(function (coords) {
        var start = pts.length;
        coords.forEach(function (c) { pts.push([c[1], c[0]]); });
        for (var i = start; i + 1 < pts.length; i++) {
          var a = pts[i], b = pts[i + 1];
          var line = G.InverseLine(a[0], a[1], b[0], b[1]);
          segs.push({ i: i, j: i + 1, line: line, len: line.s13 });
        }
      });
    });
    cache[role] = { pts: pts, segs: segs };
    return cache[role];
  }

  /* Exact distance (m) from (lat, lon) to the geodesic segment `seg`. */
  function segmentDistance(lat, lon, seg, dA, dB) {
    var G = geod(), L = seg.len;
    if (L === 0) return dA;
    var s = 0, d = dA;
    if (dB < dA) { s = L; d = dB; }
    for (var k = 0; k < 60; k++) {
      var x = seg.line.Position(s, window.geodesic.Geodesic.STANDARD);
      var inv = G.Inverse(x.lat2, x.lon2, lat, lon);
      d = inv.s12;
      if (d === 0) return 0;
      var alpha = (inv.azi1 - x.azi2) * Math.PI / 180;
      var step = R * Math.atan(Math.tan(d / R) * Math.cos(alpha));
      var next = Math.min(L, Math.max(0, s + step));
      if (Math.abs(next - s) < 1e-4) { s = next; break; }
      s = next;
    }
    var xf = seg.line.Position(s, window.geodesic.Geodesic.STANDARD);
    return Math.min(G.Inverse(xf.lat2, xf.lon2, lat, lon).s12, dA, dB);
  }

  /* Geodesic distance (m) from (lat, lon) to the lines of a role, or null. */
  BZ.distanceTo = function (role, lat, lon) {
    var G = geod(), data = prepareLines(role);
    if (!data.pts.length) return null;
    var d = data.pts.map(function (p) { return G.Inverse(p[0], p[1], lat, lon).s12; });
    var best = Math.min.apply(null, d);
    var cands = data.segs
      .map(function (sg) { return { sg: sg, lb: (d[sg.i] + d[sg.j] - sg.len) / 2 }; })
      .filter(function (c) { return c.lb < best; })
      .sort(function (a, b) { return a.lb - b.lb; });
    for (var k = 0; k < cands.length; k++) {
      if (cands[k].lb >= best) break;
      var sg = cands[k].sg;
      best = Math.min(best, segmentDistance(lat, lon, sg, d[sg.i], d[sg.j]));
    }
    return best;
  };

  function inRing(lon, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }
  function inPolygon(lon, lat, rings) {
    if (!rings.length || !inRing(lon, lat, rings[0])) return false;
    for (var h = 1; h < rings.length; h++) if (inRing(lon, lat, rings[h])) return false;
    return true;
  }
  BZ.zonesAt = function (lat, lon) {
    var out = [];
    (BZ.byRole.zone || []).forEach(function (f) {
      var g = f.geometry, polys = [];
      if (!g) return;
      if (g.type === "Polygon") polys = [g.coordinates];
      else if (g.type === "MultiPolygon") polys = g.coordinates;
      for (var p = 0; p < polys.length; p++) {
        if (inPolygon(lon, lat, polys[p])) {
          out.push(String(f.properties._tooltip || ""));
          return;
        }
      }
    });
    return out;
  };

  BZ.probe = function (lat, lon) {
    return {
      lat: lat,
      lon: lon,
      line_a_m: BZ.distanceTo("line_a", lat, lon),
      line_b_m: BZ.distanceTo("line_b", lat, lon),
      blue_line_m: BZ.distanceTo("blue_line", lat, lon),
      zones: BZ.zonesAt(lat, lon),
    };
  };

  function fmtKm(m) {
    if (m === null || m === undefined) return "–";
    return (m / 1000).toFixed(3) + " km";
  }
  function fmtLatLon(lat, lon) {
    return Math.abs(lat).toFixed(5) + "° " + (lat >= 0 ? "N" : "S") + ", " +
      Math.abs(lon).toFixed(5) + "° " + (lon >= 0 ? "E" : "W");
  }

  /* ---- controls ---- */
  var ProbeControl = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd: function () {
      var box = el("div", "bz-box bz-probe leaflet-control");
      box.id = "bz-probe";
      box.appendChild(el("div", "bz-box-title", "Distance probe"));
      this._body = el("div", "bz-probe-body", "Click the map: geodesic distance to Line A, Line B and the Blue Line, and the zones there.");
      box.appendChild(this._body);
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
    show: function (r) {
      var box = this.getContainer(), body = this._body;
      body.textContent = "";
      body.appendChild(el("div", "bz-probe-where", fmtLatLon(r.lat, r.lon)));
      body.appendChild(rowsTable([
        ["Line A", fmtKm(r.line_a_m)],
        ["Line B", fmtKm(r.line_b_m)],
        ["Blue Line", fmtKm(r.blue_line_m)],
        ["Zones", r.zones.length ? r.zones.join("; ") : "none"],
      ], "bz-figures"));
      box.setAttribute("data-result", JSON.stringify(r));
    },
  });

  var CoordsControl = L.Control.extend({
    options: { position: "bottomright" },
    onAdd: function (map) {
      var box = el("div", "bz-box bz-coords leaflet-control", "–");
      box.id = "bz-coords";
      map.on("mousemove", function (e) { box.textContent = fmtLatLon(e.latlng.lat, e.latlng.lng); });
      return box;
    },
  });

  var MeasureControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var self = this;
      var box = el("div", "bz-measure leaflet-bar leaflet-control");
      var btn = el("a", "bz-measure-button", "⟷");
      btn.href = "#";
      btn.title = "Measure a geodesic distance: click points, click here again to finish";
      btn.setAttribute("role", "button");
      btn.setAttribute("aria-label", "Measure distance");
      box.appendChild(btn);
      this._out = el("div", "bz-measure-result");
      this._out.id = "bz-measure-result";
      box.appendChild(this._out);
      this._pts = [];
      this._line = L.polyline([], { color: "#111", weight: 2, dashArray: "4 4", interactive: false, pane: "bz-tools" });
      this._marks = L.layerGroup();
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(btn, "click", function (e) {
        L.DomEvent.preventDefault(e);
        self.toggle();
      });
      map.on("click", function (e) { if (BZ.measuring) self.add(e.latlng); });
      map.on("keydown", function (e) {
        if (BZ.measuring && e.originalEvent.key === "Escape") self.toggle();
      });
      return box;
    },
    toggle: function () {
      var map = this._map;
      BZ.measuring = !BZ.measuring;
      this.getContainer().classList.toggle("bz-active", BZ.measuring);
      if (BZ.measuring) {
        this._pts = [];
        this._line.setLatLngs([]).addTo(map);
        this._marks.clearLayers().addTo(map);
        map.doubleClickZoom.disable();
        map.getContainer().classList.add("bz-crosshair");
        this._report(0);
      } else {
        map.doubleClickZoom.enable();
        map.getContainer().classList.remove("bz-crosshair");
      }
    },
    add: function (latlng) {
      this._pts.push(latlng);
      this._line.addLatLng(latlng);
      L.circleMarker(latlng, { radius: 3, color: "#111", interactive: false, pane: "bz-tools" }).addTo(this._marks);
      var total = 0, G = geod();
      for (var i = 1; i < this._pts.length; i++) {
        var a = this._pts[i - 1], b = this._pts[i];
        total += G.Inverse(a.lat, a.lng, b.lat, b.lng).s12;
      }
      this._report(total);
    },
    _report: function (total) {
      this._out.textContent = "Geodesic: " + fmtKm(total) + " (" + Math.max(0, this._pts.length) + " points)";
      this._out.setAttribute("data-metres", String(total));
      this._out.setAttribute("data-points", JSON.stringify(this._pts.map(function (p) { return [p.lat, p.lng]; })));
    },
  });

  var LegendControl = L.Control.extend({
    options: { position: "topright" },
    onAdd: function (map) {
      var box = el("div", "bz-box bz-legend leaflet-control");
      box.id = "bz-legend";
      box.appendChild(el("div", "bz-box-title", "Legend"));
      var entries = BZ.config.legend || [];
      this._rows = [];
      for (var i = 0; i < entries.length; i++) {
        var e = entries[i];
        var row = el("div", "bz-legend-row");
        row.setAttribute("data-layer", e.layer);
        row.appendChild(swatch(e));
        row.appendChild(el("span", "bz-legend-label", e.label));
        box.appendChild(row);
        this._rows.push(row);
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var self = this;
      map.on("overlayadd overlayremove layeradd layerremove", function () { self.refresh(); });
      map.on("resize", function () { self.fit(); });
      this._box = box;
      setTimeout(function () { self.refresh(); }, 0);
      return box;
    },
    refresh: function () {
      var map = this._map;
      this._rows.forEach(function (row) {
        var info = BZ.layers[row.getAttribute("data-layer")];
        var on = !!(info && map.hasLayer(info.layer));
        row.style.display = on ? "" : "none";
      });
      this.fit();
    },
    /* Keep the legend above the attribution line: scroll inside it rather than overflow. */
    fit: function () {
      var box = this._box;
      if (!box || !this._map) return;
      var bottom = this._map.getContainer().getBoundingClientRect().bottom;
      var top = box.getBoundingClientRect().top;
      box.style.maxHeight = Math.max(120, bottom - top - 48) + "px";
    },
  });

  var SVGNS = "http://www.w3.org/2000/svg";
  function swatch(e) {
    var s = e.style || {};
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "34");
    svg.setAttribute("height", "14");
    svg.setAttribute("class", "bz-swatch");
    var shape;
    if (e.shape === "line") {
      shape = document.createElementNS(SVGNS, "line");
      shape.setAttribute("x1", "1"); shape.setAttribute("y1", "7");
      shape.setAttribute("x2", "33"); shape.setAttribute("y2", "7");
    } else if (e.shape === "point") {
      shape = document.createElementNS(SVGNS, "circle");
      shape.setAttribute("cx", "17"); shape.setAttribute("cy", "7"); shape.setAttribute("r", "5");
    } else {
      shape = document.createElementNS(SVGNS, "rect");
      shape.setAttribute("x", "2"); shape.setAttribute("y", "2");
      shape.setAttribute("width", "30"); shape.setAttribute("height", "10");
    }
    shape.setAttribute("stroke", s.stroke === false ? "none" : (s.color || "#333"));
    shape.setAttribute("stroke-width", String(Math.min(s.weight || 1, 4)));
    if (s.dashArray) shape.setAttribute("stroke-dasharray", s.dashArray);
    var fill = s.fill === false || e.shape === "line" ? "none" : (s.fillColor || s.color || "#333");
    shape.setAttribute("fill", fill);
    shape.setAttribute("fill-opacity", String(s.fillOpacity === undefined ? 0.2 : s.fillOpacity));
    svg.appendChild(shape);
    return svg;
  }

  /* Build one data layer (in the pane of its kind) from its JSON description. */
  function buildLayer(spec, paneName) {
    function style(feature) {
      var i = spec.featureStyle[String(feature.id)];
      return spec.styles[i === undefined ? 0 : i] || {};
    }
    var options = {
      pane: paneName,
      smoothFactor: 0.5,
      style: style,
      onEachFeature: function (feature, layer) { BZ.feature(spec.key, feature, layer); },
    };
    if (spec.geometry === "point") {
      options.pointToLayer = function (feature, latlng) {
        var o = { radius: 4, fill: true, pane: paneName };
        var s = style(feature);
        Object.keys(s).forEach(function (k) { o[k] = s[k]; });
        return L.circleMarker(latlng, o);
      };
    }
    return L.geoJSON(spec.geojson, options);
  }

  /* Read the page's data (JSON, never HTML) and build everything on `map`.
   * `bases` maps basemap labels to tile layers (null: no basemap). */
  BZ.init = function (map, bases) {
    var config = JSON.parse(document.getElementById("bz-data").textContent);
    BZ.map = map;
    BZ.config = config;
    (config.panes || []).forEach(function (name, i) {
      var pane = map.createPane("bz-" + name);
      pane.style.zIndex = String(410 + 10 * i);
      pane.classList.add("bz-pane");
    });
    var tools = map.createPane("bz-tools");  // the probe mark and the measured line, on top
    tools.style.zIndex = String(410 + 10 * (config.panes || []).length);
    tools.classList.add("bz-pane");
    var none = L.layerGroup();
    Object.keys(bases).forEach(function (name) { if (!bases[name]) bases[name] = none; });
    if (config.basemap === "none") none.addTo(map);
    var groups = {};
    (config.groups || []).forEach(function (g) { groups[g] = {}; });
    config.layers.forEach(function (spec) {
      var layer = buildLayer(spec, "bz-" + spec.pane);
      BZ.layers[spec.key] = { layer: layer, title: spec.title, provenance: spec.provenance || [] };
      (groups[spec.group] = groups[spec.group] || {})[spec.controlName] = layer;
      if (spec.show) layer.addTo(map);
    });
    L.control.groupedLayers(bases, groups, { collapsed: false, position: "topright" }).addTo(map);
    L.control.fullscreen({ position: "topleft", title: "Full screen",
                           titleCancel: "Leave full screen" }).addTo(map);
    (config.attributions || []).forEach(function (html) {
      map.attributionControl.addAttribution(html);  // escaped by border-zones
    });
    BZ.probeControl = new ProbeControl().addTo(map);
    new MeasureControl().addTo(map);
    new CoordsControl().addTo(map);
    BZ.legend = new LegendControl().addTo(map);
    map.on("click", function (e) {
      if (BZ.measuring) return;
      var r = BZ.probe(e.latlng.lat, e.latlng.lng);
      BZ.probeControl.show(r);
      if (BZ._probeMark) BZ._probeMark.setLatLng(e.latlng);
      else BZ._probeMark = L.circleMarker(e.latlng, { radius: 5, color: "#000", weight: 2, fill: false, interactive: false, pane: "bz-tools" }).addTo(map);
    });
    function onBase(name) {
      map.getContainer().classList.toggle("bz-nobasemap", name === config.noBasemap);
    }
    map.on("baselayerchange", function (e) { onBase(e.name); });
    Object.keys(bases).forEach(function (name) { if (map.hasLayer(bases[name])) onBase(name); });
    var b = config.bounds;
    map.fitBounds(b, { paddingTopLeft: [10, 10], paddingBottomRight: [330, 10] });
    map.getContainer().setAttribute("data-bz-ready", "1");
  };
})();
