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
    extensions: [],  // function (map, config), pushed by the page's other scripts
    date: null,      // "YYYY-MM-DD": only what was in force then is drawn and probed
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

  /* Whether a feature (its `_when`: [from, until], or a list of them; ISO dates,
   * either may be null) is in force on BZ.date; with no `_when` it always is, with
   * no date (the reference view) too, unless it is drawn only on a date (`_dateOnly`). */
  BZ.inForce = function (feature) {
    var p = (feature && feature.properties) || {}, w = p._when, d = BZ.date;
    if (!d) return !p._dateOnly;
    if (!w) return true;
    var ranges = Array.isArray(w[0]) ? w : [w];
    return ranges.some(function (r) { return (!r[0] || r[0] <= d) && (!r[1] || d <= r[1]); });
  };

  /* Called for every GeoJSON feature as its layer is built (again when redrawn for a date). */
  BZ.feature = function (key, feature, layer) {
    var props = feature.properties || {};
    var role = props._role || "";
    if (role && !feature.__bzRole) {
      feature.__bzRole = true;
      (BZ.byRole[role] = BZ.byRole[role] || []).push(feature);
    }
    layer.on("add", function () {  // shapes stay out of the tab order
      var node = layer.getElement && layer.getElement();
      if (node) node.setAttribute("tabindex", "-1");
    });
    if (layer.options && layer.options.interactive === false) return;
    var tip = el("span", "bz-tooltip", props._tooltip || "");
    layer.bindTooltip(tip, { sticky: !(layer instanceof L.CircleMarker) });
    layer.on("click", function (e) {
      if (BZ.measuring || !BZ.map) return;
      var box = el("div", "bz-popup");
      box.appendChild(el("div", "bz-popup-title", props._tooltip || ""));
      box.appendChild(rowsTable(BZ.popupRows(key, props), "bz-figures"));
      var info = BZ.layers[key];
      if (info && info.provenance && info.provenance.length) {
        var prov = el("details", "bz-popup-provenance");
        prov.appendChild(el("summary", "bz-popup-sub", "Provenance"));
        prov.appendChild(rowsTable(info.provenance, "bz-provenance"));
        box.appendChild(prov);
      }
      var small = narrow();
      var popup = BZ._popup || (BZ._popup = L.popup({
        maxWidth: small ? 250 : 320, maxHeight: small ? 220 : 420, autoPan: false }));
      popup.setLatLng(e.latlng).setContent(box);
      if (!BZ.map.hasLayer(popup)) popup.openOn(BZ.map);
    });
  };

  /* A feature's popup rows [[label, value]], from the layer's compact encoding:
   * `_popup` is [shape, v1, v2, ...], labels in spec.popup.shapes[shape], and a
   * number v an index into spec.popup.values. */
  BZ.popupRows = function (key, props) {
    var enc = props._popup, spec = BZ.specs && BZ.specs[key];
    if (!enc || !enc.length || !spec || !spec.popup) return [];
    var labels = spec.popup.shapes[enc[0]] || [], rows = [];
    for (var i = 0; i < labels.length; i++) {
      var v = enc[i + 1];
      rows.push([labels[i], typeof v === "number" ? spec.popup.values[v] : v]);
    }
    return rows;
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
  BZ.zonesAt = function (lat, lon) { return featuresAt("zone", lat, lon); };

  function featuresAt(role, lat, lon) {
    var out = [];
    (BZ.byRole[role] || []).forEach(function (f) {
      var g = f.geometry, polys = [];
      if (!g || !BZ.inForce(f)) return;
      if (g.type === "Polygon") polys = [g.coordinates];
      else if (g.type === "MultiPolygon") polys = g.coordinates;
      for (var p = 0; p < polys.length; p++) {
        if (inPolygon(lon, lat, polys[p])) { out.push(String(f.properties._tooltip || "")); return; }
      }
    });
    return out;
  }

  /* Country (de facto) at a point, from the countries layer, or null (sea). */
  BZ.countryAt = function (lat, lon) {
    var found = featuresAt("country", lat, lon);
    return found.length ? found[0] : null;
  };

  BZ.probe = function (lat, lon) {
    return {
      lat: lat,
      lon: lon,
      country: BZ.countryAt(lat, lon),
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
  /* "0.654 km (line ±1.1 km)": a distance with the stated accuracy of its line. */
  function fmtWithAccuracy(m, acc) {
    var text = fmtKm(m);
    if (m !== null && m !== undefined && acc) text += " (line ±" + (acc / 1000).toFixed(1) + " km)";
    return text;
  }
  function lineInfo(role) {
    var lines = (BZ.config && BZ.config.lines) || [];
    for (var i = 0; i < lines.length; i++) if (lines[i].role === role) return lines[i];
    return null;
  }
  function fmtLatLon(lat, lon) {
    return Math.abs(lat).toFixed(5) + "° " + (lat >= 0 ? "N" : "S") + ", " +
      Math.abs(lon).toFixed(5) + "° " + (lon >= 0 ? "E" : "W");
  }

  /* ---- controls ---- */
  /* ---- coordinates typed or pasted ---- */
  /* One coordinate: [N|S|E|W] degrees [minutes′ [seconds″]] [N|S|E|W]. */
  var HEMI = "([NSEW])";
  var DMS = "([-+\u2212]?\\d+(?:\\.\\d+)?)\\s*(?:[°º˚]\\s*)?" +
    "(?:(\\d+(?:\\.\\d+)?)\\s*[′'’]\\s*)?(?:(\\d+(?:\\.\\d+)?)\\s*(?:[″\"”]|''|′′)\\s*)?";
  var LEAD = new RegExp("^\\s*" + HEMI + "\\s*" + DMS, "i");
  var TRAIL = new RegExp("^\\s*" + DMS + HEMI + "?\\s*", "i");

  function oneCoordinate(text) {
    var lead = LEAD.exec(text), m = lead || TRAIL.exec(text);
    if (!m || !m[0].trim()) return null;
    var hemi = (lead ? m[1] : m[4]) || "", d = lead ? m.slice(2, 5) : m.slice(1, 4);
    var deg = parseFloat(d[0].replace("\u2212", "-")), min = d[1] ? parseFloat(d[1]) : 0,
        sec = d[2] ? parseFloat(d[2]) : 0;
    if (min >= 60 || sec >= 60 || ((d[1] || d[2]) && /\./.test(d[0]))) return null;
    var neg = deg < 0 || /^[-\u2212]/.test(d[0]);
    var value = Math.abs(deg) + min / 60 + sec / 3600;
    hemi = hemi.toUpperCase();
    if (hemi === "S" || hemi === "W") { if (neg) return null; neg = true; }
    return { value: neg ? -value : value, axis: hemi === "N" || hemi === "S" ? "lat" :
             hemi ? "lon" : "", rest: text.slice(m[0].length) };
  }

  /* Parse two coordinates in the forms people paste ("33.126, 35.825",
   * "33°07′34″N 35°49′30″E", "N 33.126 E 35.825", "35°49′30″E, 33°07′34″N") into
   * {lat, lon, lettered}: `lettered` when N/S/E/W said which is which (otherwise
   * the first is taken as the latitude). null if the text is not two coordinates. */
  BZ.parseCoordinates = function (text) {
    var a = oneCoordinate(String(text));
    if (!a) return null;
    var b = oneCoordinate(a.rest.replace(/^\s*[,;\/]?\s*/, ""));
    if (!b || b.rest.trim() !== "" || a.rest.trim() === "") return null;
    if (a.axis && a.axis === b.axis) return null;
    var aLat = a.axis ? a.axis === "lat" : b.axis ? b.axis !== "lat" : true;
    var lat = aLat ? a.value : b.value, lon = aLat ? b.value : a.value;
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return null;
    return { lat: lat, lon: lon, lettered: !!(a.axis || b.axis) };
  };

  /* [lat, lon] of typed coordinates (see BZ.parseCoordinates), or null. */
  BZ.parseLatLon = function (text) {
    var c = BZ.parseCoordinates(text);
    return c ? [c.lat, c.lon] : null;
  };

  /* The probe panel's rows [[label, text]] for a result of BZ.probe. */
  BZ.probeRows = function (r) {
    var rows = [["Country (de facto)", r.country || "none (sea)"]];
    [["line_a", "Line A", r.line_a_m], ["line_b", "Line B", r.line_b_m],
     ["blue_line", "Blue Line", r.blue_line_m]].forEach(function (x) {
      var info = lineInfo(x[0]);
      rows.push([x[1], fmtWithAccuracy(x[2], info && info.accuracy_m)]);
    });
    rows.push(["Zones", r.zones.length ? r.zones.join("; ") : "none"]);
    return rows;
  };
  BZ.fmtLatLon = fmtLatLon;
  BZ.el = el;

  var ProbeControl = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd: function (map) {
      var self = this;
      var box = el("div", "bz-box bz-probe leaflet-control");
      box.id = "bz-probe";
      box.setAttribute("aria-live", "polite");
      box.appendChild(el("div", "bz-box-title", "Distance probe"));
      this._body = el("div", "bz-probe-body", narrow() ? "tap the map." : "Click the map: geodesic distance to the lines, and the country and zones there.");
      box.appendChild(this._body);
      var more = el("details", "bz-probe-more");
      more.appendChild(el("summary", null, "Probe by keyboard"));
      var form = el("form", "bz-probe-form");
      var label = el("label", null, "Latitude, longitude");
      var input = el("input");
      input.id = "bz-probe-input";
      input.type = "text";
      input.placeholder = "33.126, 35.825";
      input.setAttribute("inputmode", "decimal");
      label.appendChild(input);
      form.appendChild(label);
      var go = el("button", "bz-button", "Probe");
      go.type = "submit";
      form.appendChild(go);
      var centre = el("button", "bz-button", "Probe the map centre");
      centre.type = "button";
      centre.id = "bz-probe-centre";
      form.appendChild(centre);
      this._error = el("div", "bz-probe-error");
      form.appendChild(this._error);
      more.appendChild(form);
      box.appendChild(more);
      L.DomEvent.on(form, "submit", function (e) {
        L.DomEvent.preventDefault(e);
        var ll = BZ.parseLatLon(input.value);
        if (!ll) { self._error.textContent = "Type a latitude and a longitude, e.g. 33.126, 35.825"; return; }
        self._error.textContent = "";
        BZ.probeAt(L.latLng(ll[0], ll[1]), true);
      });
      L.DomEvent.on(centre, "click", function () { BZ.probeAt(map.getCenter(), false); });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
    show: function (r) {
      var box = this.getContainer(), body = this._body;
      body.textContent = "";
      body.appendChild(el("div", "bz-probe-where", fmtLatLon(r.lat, r.lon)));
      body.appendChild(rowsTable(BZ.probeRows(r), "bz-figures"));
      box.setAttribute("data-result", JSON.stringify(r));
      box.classList.add("bz-has-result");
    },
  });

  /* Measure at `latlng`, mark it, and keep the mark clear of the panels. */
  BZ.probeAt = function (latlng, pan) {
    var map = BZ.map;
    var r = BZ.probe(latlng.lat, latlng.lng);
    BZ.probeControl.show(r);
    BZ.lastProbe = r;
    map.fire("bz:probe", { latlng: latlng, result: r });  // for the page's other tools
    if (BZ._probeMark) BZ._probeMark.setLatLng(latlng);
    else BZ._probeMark = L.circleMarker(latlng, { radius: 6, color: "#000", weight: 2.5, fill: false, interactive: false, pane: "bz-tools" }).addTo(map);
    var p = map.latLngToContainerPoint(latlng), size = map.getSize();
    var outside = p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y;
    if (pan && outside) { map.setView(latlng, map.getZoom(), { animate: false }); return r; }
    if (covered(p)) {
      // the result panel (or another) hides the point: bring it to the middle of the map
      map.panBy([p.x - size.x / 2, p.y - size.y * 0.4], { animate: false });
    }
    return r;
  };

  function covered(p) {
    var rect = BZ.map.getContainer().getBoundingClientRect();
    var boxes = BZ.map.getContainer().querySelectorAll(".leaflet-control");
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i].getBoundingClientRect();
      if (!b.width) continue;
      var x = rect.left + p.x, y = rect.top + p.y, m = 8;
      if (x > b.left - m && x < b.right + m && y > b.top - m && y < b.bottom + m) return true;
    }
    return false;
  }

  var CoordsControl = L.Control.extend({
    options: { position: "bottomright" },
    onAdd: function (map) {
      var box = el("div", "bz-box bz-coords leaflet-control", "–");
      box.id = "bz-coords";
      map.on("mousemove", function (e) { box.textContent = fmtLatLon(e.latlng.lat, e.latlng.lng); });
      return box;
    },
  });

  /* Measuring: ⟷ starts (click points), ⟷ again finishes (total stays), ✕ clears. */
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
      this._text = el("span", "bz-measure-text");
      this._out.appendChild(this._text);
      var clear = el("button", "bz-button bz-measure-clear", "Clear");
      clear.type = "button";
      clear.setAttribute("aria-label", "Clear the measurement");
      this._out.appendChild(clear);
      box.appendChild(this._out);
      this._pts = [];
      this._line = L.polyline([], { color: "#111", weight: 2, dashArray: "4 4", interactive: false, pane: "bz-tools" });
      this._marks = L.layerGroup();
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(btn, "click", function (e) {
        L.DomEvent.preventDefault(e);
        if (BZ.measuring) self.finish(); else self.start();
      });
      L.DomEvent.on(clear, "click", function () { self.clear(); });
      map.on("click", function (e) { if (BZ.measuring) self.add(clickedLatLng(e)); });
      map.on("keydown", function (e) {
        if (BZ.measuring && e.originalEvent.key === "Escape") self.finish();
      });
      return box;
    },
    start: function () {
      var map = this._map;
      this.clear();
      BZ.measuring = true;
      BZ.closePopup();
      this.getContainer().classList.add("bz-active");
      this._line.addTo(map);
      this._marks.addTo(map);
      map.doubleClickZoom.disable();
      map.getContainer().classList.add("bz-crosshair");
      this._report();
    },
    finish: function () {
      var map = this._map;
      BZ.measuring = false;
      this.getContainer().classList.remove("bz-active");
      this.getContainer().classList.toggle("bz-done", this._pts.length > 0);
      map.doubleClickZoom.enable();
      map.getContainer().classList.remove("bz-crosshair");
      if (!this._pts.length) this.clear();
    },
    clear: function () {
      var map = this._map;
      if (BZ.measuring) this.finish();
      this._pts = [];
      this._line.setLatLngs([]);
      this._marks.clearLayers();
      if (map.hasLayer(this._line)) map.removeLayer(this._line);
      if (map.hasLayer(this._marks)) map.removeLayer(this._marks);
      this.getContainer().classList.remove("bz-done");
      this._report();
    },
    add: function (latlng) {
      this._pts.push(latlng);
      this._line.addLatLng(latlng);
      L.circleMarker(latlng, { radius: 3, color: "#111", interactive: false, pane: "bz-tools" }).addTo(this._marks);
      this._report();
    },
    _report: function () {
      var G = geod(), total = 0, bearing = null, pts = this._pts;
      for (var i = 1; i < pts.length; i++) {
        var inv = G.Inverse(pts[i - 1].lat, pts[i - 1].lng, pts[i].lat, pts[i].lng);
        total += inv.s12;
        if (i === 1) bearing = (inv.azi1 + 360) % 360;
      }
      var text = "Geodesic: " + fmtKm(total);
      if (bearing !== null) text += ", initial bearing " + bearing.toFixed(1) + "°";
      this._text.textContent = text + " (" + pts.length + " points)";
      this._out.setAttribute("data-metres", String(total));
      this._out.setAttribute("data-bearing", bearing === null ? "" : String(bearing));
      this._out.setAttribute("data-points", JSON.stringify(pts.map(function (p) { return [p.lat, p.lng]; })));
    },
  });

  /* A panel whose title is a button that opens and closes it. */
  function collapsible(box, title, open) {
    var btn = el("button", "bz-box-title bz-toggle", title);
    btn.type = "button";
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    var body = el("div", "bz-collapsible");
    box.appendChild(btn);
    box.appendChild(body);
    box.classList.toggle("bz-collapsed", !open);
    L.DomEvent.on(btn, "click", function () {
      var now = box.classList.toggle("bz-collapsed");
      btn.setAttribute("aria-expanded", now ? "false" : "true");
      box.dispatchEvent(new Event("bz-toggle"));
    });
    return body;
  }

  function narrow() { return window.innerWidth < 700; }
  // for the page's other scripts
  BZ.el = el;
  BZ.rowsTable = rowsTable;
  BZ.collapsible = collapsible;
  BZ.narrow = narrow;

  var LegendControl = L.Control.extend({
    options: { position: "topright" },
    onAdd: function (map) {
      var box = el("div", "bz-box bz-legend leaflet-control");
      box.id = "bz-legend";
      var body = collapsible(box, "Legend", window.innerWidth >= 1100);  // open beside a wide map
      var entries = BZ.config.legend || [];
      this._rows = [];
      for (var i = 0; i < entries.length; i++) {
        var e = entries[i];
        var row = el("div", "bz-legend-row");
        row.setAttribute("data-layer", e.layer);
        row.setAttribute("data-layers", (e.layers || [e.layer]).join(" "));
        if (e.match) row.setAttribute("data-match", JSON.stringify(e.match));
        row.appendChild(swatch(e));
        row.appendChild(el("span", "bz-legend-label", e.label));
        body.appendChild(row);
        this._rows.push(row);
      }
      this._body = body;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var self = this;
      map.on("overlayadd overlayremove", function () { self.refresh(); });
      // adding a layer adds each of its shapes: refresh once, after them all
      map.on("layeradd layerremove", function () {
        if (self._pending) return;
        self._pending = setTimeout(function () { self._pending = null; self.refresh(); }, 0);
      });
      map.on("resize", function () { self.fit(); });
      box.addEventListener("bz-toggle", function () { self.fit(); });
      this._box = box;
      setTimeout(function () { self.refresh(); }, 0);
      return box;
    },
    refresh: function () {
      var map = this._map;
      this._rows.forEach(function (row) {
        var match = JSON.parse(row.getAttribute("data-match") || "null");
        var on = row.getAttribute("data-layers").split(" ").some(function (key) {
          var info = BZ.layers[key];
          if (!(info && map.hasLayer(info.layer))) return false;
          return info.shapes.getLayers().some(function (shape) {  // a row for some features only
            var p = (shape.feature && shape.feature.properties) || {};
            return !match || Object.keys(match).every(function (k) { return p[k] === match[k]; });
          });
        });
        row.style.display = on ? "" : "none";
      });
      this.fit();
    },
    /* Keep the legend clear of the panels under it: scroll inside it rather than overflow. */
    fit: function () {
      var box = this._box;
      if (!box || !this._map) return;
      var map = this._map.getContainer().getBoundingClientRect();
      var below = this._map.getContainer().querySelector(".leaflet-bottom.leaflet-right");
      var bottom = below ? below.getBoundingClientRect().top : map.bottom;
      var top = this._body.getBoundingClientRect().top;
      this._body.style.maxHeight = Math.max(60, bottom - top - 16) + "px";
    },
  });

  /* The title, the one line saying what the lines are, and the sources. */
  var TitleControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var box = el("div", "bz-box bz-title leaflet-control");
      box.id = "bz-title";
      box.appendChild(el("h1", "bz-h1", BZ.config.title || ""));
      var note = el("p", "bz-note", BZ.config.note || "");
      note.appendChild(document.createTextNode(" "));
      var link = el("a", "bz-sources-link", "Sources and accuracy");
      link.href = "#bz-sources";
      link.id = "bz-sources-link";
      L.DomEvent.on(link, "click", function (e) { L.DomEvent.preventDefault(e); BZ.openSources(); });
      note.appendChild(link);
      box.appendChild(note);
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });

  /* The provenance panel: each layer's source, licence, method and stated accuracy. */
  BZ.openSources = function () {
    var panel = document.getElementById("bz-sources");
    if (panel) { panel.hidden = false; panel.querySelector("button").focus(); return; }
    panel = el("div", "bz-box bz-sources");
    panel.id = "bz-sources";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Sources and accuracy");
    var close = el("button", "bz-button bz-close", "Close");
    close.type = "button";
    panel.appendChild(close);
    panel.appendChild(el("h2", "bz-h2", "Sources and accuracy"));
    panel.appendChild(el("p", null, BZ.config.note || ""));
    BZ.config.layers.forEach(function (spec) {
      if (!spec.provenance || !spec.provenance.length) return;
      panel.appendChild(el("h3", "bz-h3", spec.title));
      panel.appendChild(rowsTable(spec.provenance.slice(1), "bz-provenance"));
    });
    panel.appendChild(el("h3", "bz-h3", "Credits"));
    var list = el("ul", "bz-credits");
    (BZ.config.credits || []).forEach(function (text) { list.appendChild(el("li", null, text)); });
    panel.appendChild(list);
    L.DomEvent.on(close, "click", function () { panel.hidden = true; var l = document.getElementById("bz-sources-link"); if (l) l.focus(); });
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    BZ.map.getContainer().appendChild(panel);
    close.focus();
  };

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

  /* Build one data layer (in the pane of its kind) from its JSON description.
   * A thin line gets a wide invisible stroke on top that takes its clicks and taps. */
  function buildLayer(spec, paneName) {
    var position = {};  // feature id -> its index (featureStyle is by index)
    spec.geojson.features.forEach(function (f, n) { position[String(f.id)] = n; });
    function style(feature) {
      var i = spec.featureStyle[position[String(feature.id)]];
      return spec.styles[i === undefined ? 0 : i] || {};
    }
    var hit = spec.geometry === "line" && spec.hitWeight > 0;
    var options = {
      pane: paneName,
      smoothFactor: 0.5,
      style: style,
      interactive: !hit,
      filter: BZ.inForce,
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
    var shapes = L.geoJSON(spec.geojson, options);
    if (!hit) return { layer: shapes, shapes: shapes };
    var target = L.geoJSON(spec.geojson, {
      pane: paneName,
      smoothFactor: 0.5,
      style: function () {
        return { color: "#000", opacity: 0, weight: spec.hitWeight, lineCap: "round", className: "bz-hit" };
      },
      filter: BZ.inForce,
      onEachFeature: function (feature, layer) { BZ.feature(spec.key, feature, layer); },
    });
    return { layer: L.featureGroup([shapes, target]), shapes: shapes, hit: target };
  }

  /* The point clicked or tapped: from the DOM event, never a marker's position
   * (Leaflet gives a click on a small circle marker the marker's latlng). */
  function clickedLatLng(e) {
    var o = e.originalEvent;
    if (!o || typeof o.clientX !== "number" || !BZ.map) return e.latlng;
    // a touch browser may move a tap's click toward a nearby target: the finger's
    // own point is where the pointer went up
    var up = BZ._pointerUp;
    if (up && Date.now() - up.t < 1000 && Math.abs(up.x - o.clientX) < 48 && Math.abs(up.y - o.clientY) < 48) {
      return BZ.map.mouseEventToLatLng({ clientX: up.x, clientY: up.y });
    }
    return BZ.map.mouseEventToLatLng(o);
  }
  BZ.clickedLatLng = clickedLatLng;

  /* Inside each pane, layers keep the page's order whatever is toggled. */
  BZ.restack = function () {
    BZ.config.layers.forEach(function (spec) {
      var info = BZ.layers[spec.key];
      if (info && BZ.map.hasLayer(info.layer)) info.layer.bringToFront();
    });
  };

  /* Data credits in the attribution line: each source once, the basemap's included. */
  function updateCredits(map, baseAttribution) {
    var ctl = map.attributionControl;
    (BZ._credits || []).forEach(function (html) { ctl.removeAttribution(html); });
    BZ._credits = [];
    var seen = String(baseAttribution || "").replace(/&copy;/g, "©");
    (BZ.config.attributions || []).forEach(function (html) {
      var plain = html.replace(/&copy;/g, "©").replace(/&amp;/g, "&");
      var key = plain.replace(/^©\s*/, "").split(" ")[0];
      if (seen.indexOf(key) >= 0) return;
      ctl.addAttribution(html);  // escaped by border-zones
      BZ._credits.push(html);
    });
    var more = '<a href="#bz-sources" class="bz-credit-sources">Sources</a>';
    ctl.removeAttribution(more);
    ctl.addAttribution(more);
  }

  /* Read the page's data (JSON, never HTML) and build everything on `map`.
   * `bases` maps basemap labels to tile layers (null: no basemap). */
  BZ.init = function (map, bases) {
    var config = JSON.parse(document.getElementById("bz-data").textContent);
    BZ.map = map;
    BZ.config = config;
    BZ.bases = bases;
    BZ.specs = {};
    config.layers.forEach(function (spec) { BZ.specs[spec.key] = spec; });
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
    var shown = [];
    // the date the dated layers are first drawn for (timeline.js): today, or the permalink's
    if (config.timeline && BZ.startDate) BZ.date = BZ.startDate(location.hash);
    config.layers.forEach(function (spec) {
      var built = buildLayer(spec, "bz-" + spec.pane);
      BZ.layers[spec.key] = { layer: built.layer, shapes: built.shapes, hit: built.hit || null,
                              title: spec.title, provenance: spec.provenance || [], spec: spec };
      (groups[spec.group] = groups[spec.group] || {})[spec.controlName] = built.layer;
      if (spec.show) shown.push(built.layer);
    });
    map.on("overlayadd", function () { BZ.restack(); });
    map.getContainer().addEventListener("pointerup", function (e) {
      BZ._pointerUp = { x: e.clientX, y: e.clientY, t: Date.now() };
    }, true);
    // the controls: title and tools on the left, layers and legend on the right
    if (map.zoomControl) map.zoomControl.remove();
    new TitleControl().addTo(map);
    L.control.zoom({ position: "topleft" }).addTo(map);
    L.control.fullscreen({ position: "topleft", title: "Full screen",
                           titleCancel: "Leave full screen" }).addTo(map);
    new MeasureControl().addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    BZ.probeControl = new ProbeControl().addTo(map);
    new CoordsControl().addTo(map);
    BZ.legend = new LegendControl().addTo(map);
    map.getContainer().addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest(".bz-credit-sources");
      if (a) { e.preventDefault(); BZ.openSources(); }
    });
    map.on("click", function (e) {
      if (BZ.measuring) return;
      BZ.probeAt(clickedLatLng(e), false);
    });
    function onBase(name) {
      map.getContainer().classList.toggle("bz-nobasemap", name === config.noBasemap);
      var tile = bases[name];
      updateCredits(map, tile && tile.getAttribution ? tile.getAttribution() : "");
    }
    map.on("baselayerchange", function (e) { onBase(e.name); });
    Object.keys(bases).forEach(function (name) { if (map.hasLayer(bases[name])) onBase(name); });
    BZ.frame();  // the opening view first: the shapes are then drawn once, at its zoom
    shown.forEach(function (layer) { layer.addTo(map); });
    // the layer list after the layers (it redraws itself on each one added), first on the right
    BZ.layerControl = L.control.groupedLayers(bases, groups, { collapsed: true, position: "topright" }).addTo(map);
    if (!BZ.layerControl.expand) {  // this plugin names them with an underscore
      BZ.layerControl.expand = BZ.layerControl._expand;
      BZ.layerControl.collapse = BZ.layerControl._collapse;
    }
    var toggle = BZ.layerControl.getContainer().querySelector(".leaflet-control-layers-toggle");
    if (toggle) { toggle.setAttribute("aria-label", "Layers"); toggle.title = "Layers"; toggle.setAttribute("role", "button"); }
    var corner = BZ.layerControl.getContainer().parentNode;
    corner.insertBefore(BZ.layerControl.getContainer(), corner.firstChild);
    BZ.legend.refresh();
    BZ.extensions.forEach(function (extend) { extend(map, config); });
    map.getContainer().setAttribute("data-bz-ready", "1");
    if (window.performance && performance.mark) performance.mark("bz-ready");
  };

  /* Open on the lines and the 60 km zone (or on `bounds`, if given), in the part of
   * the map no panel covers: beside the title (left column) or under it, whichever
   * shows them larger. */
  BZ.frame = function (bounds) {
    var map = BZ.map, c = map.getContainer();
    function box(sel) {
      var n = c.querySelector(sel);
      return n ? n.getBoundingClientRect() : { width: 0, height: 0 };
    }
    var b = L.latLngBounds(bounds || BZ.config.bounds);
    var left = box(".leaflet-top.leaflet-left").width;
    var title = box("#bz-title").height;
    var tools = box(".leaflet-control-zoom").width;
    var right = box(".leaflet-top.leaflet-right").width;
    var options = [
      { tl: [left + 8, 8], br: [right + 8, 8] },
      { tl: [tools + 16, title + 16], br: [right + 8, 8] },
    ];
    if (narrow()) options = [{ tl: [8, title * 0.5], br: [8, 8] }];  // panels are small there
    var size = map.getSize(), best = null;
    options.forEach(function (o) {
      var pad = L.point(o.tl[0] + o.br[0], o.tl[1] + o.br[1]);
      if (pad.x > size.x * 0.8 || pad.y > size.y * 0.8) return;
      var z = map.getBoundsZoom(b, false, pad);
      if (!best || z > best.z) best = { z: z, o: o };
    });
    if (!best) best = { o: { tl: [0, 0], br: [0, 0] } };
    map.fitBounds(b, { paddingTopLeft: best.o.tl, paddingBottomRight: best.o.br, animate: false });
  };
})();
