/* border-zones map: the user's points (`points` in #bz-data, columnar JSON).
 * Drawn on one Leaflet canvas renderer (L.Canvas, its _draw extended to paint the
 * points from flat arrays), each point coloured by its innermost zone; a panel
 * filters them by zone and, where the file has a date column, by period, and
 * offers the classified points as CSV (Blob + a[download], offline). Popups and
 * tooltips are assembled on click and hover from the columns; every string from
 * data is inserted with textContent, never as HTML. Registers through
 * BorderZones.extensions; exposes BorderZones.points for tests. */
(function () {
  "use strict";
  var BZ = window.BorderZones;
  if (!BZ) return;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function decode(spec) {
    if (spec.values) return function (i) { return spec.values[i]; };
    if (!spec.codes) return function () { return spec.dict[0]; };  // one value on every row
    return function (i) { return spec.dict[spec.codes[i]]; };
  }

  /* Days since 1970 of each row's date (null: none), per row or per distinct date. */
  function rowDays(date, columns, n) {
    if (!date) return null;
    if (date.days) return date.days;
    if (!date.dictDays) return null;
    var spec = columns[date.index], out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = date.dictDays[spec.codes ? spec.codes[i] : 0];
    return out;
  }

  function fmtKm(text) {
    if (text === "" || text === undefined || text === null) return "–";
    var m = parseFloat(text);
    if (!isFinite(m)) return String(text);
    var digits = m >= 10000 ? 1 : 2;
    return (m / 1000).toLocaleString("en-US", { minimumFractionDigits: digits,
                                                maximumFractionDigits: digits }) + " km";
  }

  function dayText(d) { return new Date(d * 86400000).toISOString().slice(0, 10); }
  function parseDay(text) {
    if (!text) return null;
    var t = Date.parse(text + "T00:00:00Z");
    return isFinite(t) ? Math.round(t / 86400000) : null;
  }

  /* CSV as the CLI writes it: a field quoted when it holds a separator, quote or line break. */
  function csvField(text) {
    var s = String(text);
    return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /* The canvas renderer of the points: Leaflet sizes, moves and zooms the canvas
   * (L.Canvas); _draw paints the points shown straight into the canvas's pixels
   * (one ImageData, each marker a precomputed disc and outline), which stays fast
   * at 10^5 points where 10^5 arcs or images are not. Points are projected once, at
   * zoom 0. */
  var PointsCanvas = L.Canvas.extend({
    initialize: function (state, options) {
      L.Canvas.prototype.initialize.call(this, options);
      this._bz = state;
    },
    _draw: function () {
      L.Canvas.prototype._draw.call(this);
      var s = this._bz, map = this._map, canvas = this._container;
      if (!map || !this._ctx || !this._bounds) return;
      var b = this._bounds, W = canvas.width, H = canvas.height;
      if (!W || !H) return;
      var dpr = W / Math.max(1, b.max.x - b.min.x);
      var scale = Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      var ox = origin.x + b.min.x, oy = origin.y + b.min.y;  // layer point (0,0) in pixels at zoom
      var img = this._ctx.createImageData(W, H), buf = new Uint32Array(img.data.buffer);
      s.screenX = s.screenX || new Float32Array(s.n);
      s.screenY = s.screenY || new Float32Array(s.n);
      var drawn = 0;
      for (var c = 0; c < s.byColour.length; c++) {
        var idx = s.byColour[c];
        for (var k = 0; k < idx.length; k++) {
          var i = idx[k];
          var gx = s.px[i] * scale, gy = s.py[i] * scale;
          s.screenX[i] = gx - origin.x; s.screenY[i] = gy - origin.y;  // layer points
          if (!s.visible[i]) continue;
          var X = Math.round((gx - ox) * dpr), Y = Math.round((gy - oy) * dpr);
          var sp = s.sprite(c, s.radiusOf(i), dpr);
          if (X < -sp.size || Y < -sp.size || X > W + sp.size || Y > H + sp.size) continue;
          var dx = sp.dx, dy = sp.dy, col = sp.col, inside = X >= sp.size && Y >= sp.size &&
            X < W - sp.size && Y < H - sp.size;
          for (var j = 0; j < dx.length; j++) {
            var u = X + dx[j], v = Y + dy[j];
            if (inside || (u >= 0 && u < W && v >= 0 && v < H)) buf[v * W + u] = col[j];
          }
          drawn++;
        }
      }
      this._ctx.putImageData(img, 0, 0);
      s.drawn = drawn;
    },
  });

  function rgba(hex, alpha) {  // a Uint32 pixel (little-endian RGBA, as ImageData holds it)
    var h = hex.replace("#", "");
    if (h.length === 3) h = h[0] + h[0] + h[1] + h[1] + h[2] + h[2];
    var r = parseInt(h.slice(0, 2), 16), g = parseInt(h.slice(2, 4), 16), b = parseInt(h.slice(4, 6), 16);
    return ((Math.round(alpha * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
  }

  /* A point's marker in device pixels: offsets and colours of its disc and outline. */
  function spriteMaker(state) {
    var cache = {}, st = state.style;
    return function (c, r, dpr) {
      r = Math.round(r * 2) / 2;  // a cell's size to half a pixel: a few sprites, not one a cell
      var key = c + ":" + r + ":" + dpr;
      if (cache[key]) return cache[key];
      var R = r * dpr, w = Math.max(1, st.weight * dpr), size = Math.ceil(R + w);
      var fill = rgba(state.colours[c], st.fillOpacity), line = rgba(st.color, 1);
      var dx = [], dy = [], col = [];
      for (var y = -size; y <= size; y++) {
        for (var x = -size; x <= size; x++) {
          var d = Math.sqrt(x * x + y * y);
          if (d > R + w / 2) continue;
          dx.push(x); dy.push(y);
          col.push(d > R - w / 2 && st.weight > 0 ? line : fill);
        }
      }
      cache[key] = { dx: Int16Array.from(dx), dy: Int16Array.from(dy), col: Uint32Array.from(col), size: size };
      return cache[key];
    };
  }

  function setup(map, config) {
    var data = config.points;
    var info = BZ.layers.points;
    if (!data || !info) return;
    var cols = data.columns.map(decode);
    var names = data.columns.map(function (c) { return c.name; });
    var roles = data.roles || {};
    var aggregated = data.aggregated;
    var n = data.lon.length;
    var zoneList = data.zoneList;
    var st = data.style || {};
    var state = {
      n: n, style: { weight: st.weight || 1, color: st.color || "#1a1a1a",
                     fillOpacity: st.fillOpacity === undefined ? 0.9 : st.fillOpacity },
      radius: st.radius || 5,
      px: new Float64Array(n), py: new Float64Array(n),
      visible: new Uint8Array(n), readable: new Uint8Array(n),
      colours: zoneList.map(function (z) { return z.colour; }),
      byColour: zoneList.map(function () { return []; }),
    };
    var counts = aggregated ? aggregated.counts : null;
    var totals = counts ? counts.map(function (row) {
      return row.reduce(function (a, b) { return a + b; }, 0);
    }) : null;
    var maxTotal = totals ? Math.max.apply(null, totals.concat([1])) : 1;
    state.radiusOf = aggregated
      ? function (i) { return 3 + 9 * Math.sqrt(totals[i] / maxTotal); }
      : function () { return state.radius; };
    var south = 90, north = -90, west = 180, east = -180;
    for (var i = 0; i < n; i++) {
      var lat = data.lat[i], lon = data.lon[i];
      if (lat === null || lon === null || data.zone[i] < 0) continue;
      var p = map.project([lat, lon], 0);
      state.px[i] = p.x; state.py[i] = p.y;
      state.readable[i] = 1; state.visible[i] = 1;
      state.byColour[data.zone[i]].push(i);
      if (lat < south) south = lat; if (lat > north) north = lat;
      if (lon < west) west = lon; if (lon > east) east = lon;
    }
    state.byColour = state.byColour.map(function (a) { return Int32Array.from(a); });
    state.sprite = spriteMaker(state);
    var renderer = new PointsCanvas(state, { pane: "bz-markers", padding: 0.1 });

    /* ---- text of a point ---- */
    function cell(role, i) {
      var k = roles[role];
      return k === undefined ? "" : cols[k](i);
    }
    function title(i) {
      if (aggregated) return totals[i].toLocaleString("en-US") + " points in this " +
        (data.cellM / 1000) + " km cell";
      var t = data.title === null || data.title === undefined ? "" : cols[data.title](i);
      return t !== "" ? t : "Point (row " + (i + 1) + " of " + (data.source || "the file") + ")";
    }
    function zoneTitle(id) { return id ? (data.zoneTitles[id] || id) : "none"; }
    function rows(i) {
      if (aggregated) {
        return zoneList.map(function (z, k) {
          return [z.id ? z.title : "No zone", counts[i][k].toLocaleString("en-US")];
        }).filter(function (r, k) { return counts[i][k] > 0; });
      }
      var zones = cell("zones", i).split(";").filter(Boolean).map(zoneTitle);
      var aos = cell("in_area_of_separation", i);
      var out = [
        ["Zone (innermost)", zoneTitle(cell("zone", i))],
        ["All zones here", zones.length ? zones.join("; ") : "none"],
        ["Distance to Line A", fmtKm(cell("distance_line_a_m", i))],
        ["Distance to Blue Line", fmtKm(cell("distance_blue_line_m", i))],
        ["Side (de facto)", cell("country", i) || "none (sea)"],
        ["In the Area of Separation", aos === "True" ? "yes" : aos === "False" ? "no" : "–"],
      ];
      (data.own || []).forEach(function (k) { out.push([names[k], cols[k](i)]); });  // as given
      return out;
    }
    function table(list) {
      var t = el("table", "bz-figures");
      list.forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(el("th", null, r[0]));
        tr.appendChild(el("td", null, r[1]));
        t.appendChild(tr);
      });
      return t;
    }
    function popupBox(i) {
      var box = el("div", "bz-popup");
      box.appendChild(el("div", "bz-popup-title", title(i)));
      box.appendChild(table(rows(i)));
      if (aggregated) box.appendChild(el("p", "bz-points-note", message()));
      return box;
    }

    /* ---- hit testing: the nearest point shown within its radius (+3 px) ---- */
    function hit(containerPoint) {
      if (!map.hasLayer(renderer) || !state.screenX) return -1;
      var lp = map.containerPointToLayerPoint(containerPoint);
      var best = -1, bestD = Infinity;
      for (var i = 0; i < n; i++) {
        if (!state.visible[i]) continue;
        var dx = state.screenX[i] - lp.x, dy = state.screenY[i] - lp.y;
        var r = state.radiusOf(i) + 3, d = dx * dx + dy * dy;
        if (d <= r * r && d < bestD) { best = i; bestD = d; }
      }
      return best;
    }
    function latLngOf(i) { return L.latLng(data.lat[i], data.lon[i]); }
    function openPopup(i) {
      var small = window.innerWidth < 700;
      var popup = BZ._popup || (BZ._popup = L.popup({
        maxWidth: small ? 250 : 320, maxHeight: small ? 220 : 420, autoPan: false }));
      popup.setLatLng(latLngOf(i)).setContent(popupBox(i));
      if (!map.hasLayer(popup)) popup.openOn(map);
      popup.getElement().setAttribute("data-bz-point", String(i));
    }
    var tip = L.tooltip({ direction: "top", offset: [0, -6], className: "bz-points-tooltip" });
    function showTip(i) {
      if (i < 0) { if (map.hasLayer(tip)) map.removeLayer(tip); return; }
      tip.setLatLng(latLngOf(i)).setContent(el("span", "bz-tooltip", title(i)));
      if (!map.hasLayer(tip)) tip.addTo(map);
    }
    map.on("click", function (e) {
      if (BZ.measuring) return;
      var ll = BZ.clickedLatLng ? BZ.clickedLatLng(e) : e.latlng;
      var i = hit(map.latLngToContainerPoint(ll));
      if (i >= 0) openPopup(i);
    });
    var pending = false;
    map.on("mousemove", function (e) {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        var i = hit(e.containerPoint);
        map.getContainer().classList.toggle("bz-on-point", i >= 0);
        showTip(i);
      });
    });
    map.on("mouseout", function () { showTip(-1); });

    /* ---- filters ---- */
    var on = zoneList.map(function () { return true; });
    var days = rowDays(data.date, data.columns, n);
    if (days) data.date.days = days;  // one day per row, for the filter (and tests)
    var period = { from: null, to: null };
    function apply(redraw) {
      var shown = 0;
      for (var i = 0; i < n; i++) {
        var v = 0;
        if (state.readable[i]) {
          if (aggregated) {
            for (var k = 0; k < zoneList.length; k++) if (on[k] && counts[i][k] > 0) { v = 1; break; }
          } else {
            v = on[data.zone[i]] ? 1 : 0;
            if (v && days && (period.from !== null || period.to !== null)) {
              var d = days[i];
              v = d !== null && (period.from === null || d >= period.from) &&
                (period.to === null || d <= period.to) ? 1 : 0;
            }
          }
        }
        state.visible[i] = v;
        if (v) shown += aggregated ? totals[i] : 1;
      }
      state.shown = shown;
      if (redraw !== false && map.hasLayer(renderer)) renderer._redraw();
      status.textContent = shown.toLocaleString("en-US") + " of " +
        data.readable.toLocaleString("en-US") + " points shown";
      status.setAttribute("data-shown", String(shown));
      if (BZ.closePopup) BZ.closePopup();
      showTip(-1);
    }

    function message() {
      return data.readable.toLocaleString("en-US") + " points are more than the map draws one by one (" +
        data.limit.toLocaleString("en-US") + "): they are shown as " + (data.cellM / 1000) +
        " km cells, sized by count and coloured by the zone most of their points are in; click a " +
        "cell for its counts by zone. The period filter and the CSV download are left out: " +
        "border-zones classify writes the classified rows.";
    }

    /* ---- the panel ---- */
    var Panel = L.Control.extend({
      options: { position: "bottomright" },  // the legend above shrinks to fit (BZ.legend.fit)
      onAdd: function () {
        var box = el("div", "bz-box bz-points leaflet-control");
        box.id = "bz-points";
        var head = el("button", "bz-box-title bz-toggle", "Your points");
        head.type = "button";
        var body = el("div", "bz-collapsible");
        var open = window.innerWidth >= 700;
        box.classList.toggle("bz-collapsed", !open);
        head.setAttribute("aria-expanded", open ? "true" : "false");
        L.DomEvent.on(head, "click", function () {
          var now = box.classList.toggle("bz-collapsed");
          head.setAttribute("aria-expanded", now ? "false" : "true");
          if (BZ.legend && BZ.legend.fit) BZ.legend.fit();
        });
        box.appendChild(head);
        box.appendChild(status);
        if (data.rows > data.readable) {
          body.appendChild(el("p", "bz-points-note", (data.rows - data.readable).toLocaleString("en-US") +
            " row(s) of the file could not be read: left off the map, kept in the CSV."));
        }
        if (aggregated) {
          var note = el("p", "bz-points-note bz-points-aggregated", message());
          note.id = "bz-points-aggregated";
          body.appendChild(note);
        }
        var zones = el("fieldset", "bz-points-zones");
        zones.appendChild(el("legend", null, "By zone (innermost)"));
        zoneList.forEach(function (z, k) {
          var label = el("label", "bz-points-zone");
          var box2 = el("input");
          box2.type = "checkbox";
          box2.checked = true;
          box2.setAttribute("data-zone", z.id);
          var sw = el("span", "bz-points-swatch");
          sw.style.backgroundColor = z.colour;
          label.appendChild(box2);
          label.appendChild(sw);
          label.appendChild(el("span", null, (z.id ? z.title : "No zone") + " (" +
            z.count.toLocaleString("en-US") + ")"));
          L.DomEvent.on(box2, "change", function () { on[k] = box2.checked; apply(); });
          zones.appendChild(label);
        });
        body.appendChild(zones);
        if (days) {
          var per = el("fieldset", "bz-points-period");
          per.appendChild(el("legend", null, "Period"));
          per.appendChild(el("p", "bz-points-note", "Dates from the column “" + data.date.column +
            "” (ISO dates, " + data.date.min + " to " + data.date.max + ")" +
            (data.date.unreadable ? "; " + data.date.unreadable.toLocaleString("en-US") +
              " point(s) without a readable date are hidden while a period is set" : "") + "."));
          [["from", "From"], ["to", "To"]].forEach(function (x) {
            var label = el("label", "bz-points-date", x[1] + " ");
            var input = el("input");
            input.type = "date";
            input.id = "bz-points-" + x[0];
            input.min = data.date.min;
            input.max = data.date.max;
            L.DomEvent.on(input, "change input", function () { period[x[0]] = parseDay(input.value); apply(); });
            label.appendChild(input);
            per.appendChild(label);
          });
          body.appendChild(per);
        } else if (data.date && !aggregated) {
          body.appendChild(el("p", "bz-points-note", "The column “" + data.date.column +
            "” holds no ISO date (YYYY-MM-DD): no period filter."));
        }
        if (!aggregated) {
          var dl = el("button", "bz-button bz-points-download", "Download classified points (CSV)");
          dl.type = "button";
          dl.id = "bz-points-download";
          L.DomEvent.on(dl, "click", function () { download(); });
          body.appendChild(dl);
        }
        box.appendChild(body);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      },
    });
    var status = el("div", "bz-points-status");
    status.id = "bz-points-status";

    function csvText() {
      var lines = [names.map(csvField).join(",")];
      var rowsN = data.rows;
      for (var i = 0; i < rowsN; i++) {
        var fields = new Array(cols.length);
        for (var k = 0; k < cols.length; k++) fields[k] = csvField(cols[k](i));
        lines.push(fields.join(","));
      }
      return lines.join("\n") + "\n";
    }
    function download() {
      var blob = new Blob([csvText()], { type: "text/csv;charset=utf-8" });
      var a = el("a");
      a.href = URL.createObjectURL(blob);
      var base = String(data.source || "points").replace(/\.[^.]*$/, "");
      a.download = base + "_classified.csv";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    }

    BZ.pointsPanel = new Panel().addTo(map);
    apply(false);
    if (BZ.legend && BZ.legend.fit) BZ.legend.fit();
    if (south <= north) {  // a single point: a view 2 km across, not the deepest zoom
      var padLat = Math.max(0, (0.02 - (north - south)) / 2), padLon = Math.max(0, (0.02 - (east - west)) / 2);
      BZ.frame([[south - padLat, west - padLon], [north + padLat, east + padLon]]);
    }
    // drawn once, on the final view; toggled with the layer's one entry in the layer control
    info.layer.addLayer(renderer);
    BZ.points = {
      state: state, data: data, csv: csvText, popup: popupBox, title: title, rows: rows,
      open: openPopup, hit: hit, apply: apply, renderer: renderer,
      tooltip: function (i) { showTip(i); return i >= 0 ? tip.getElement() : null; },
      bounds: [[south, west], [north, east]],
    };
  }

  BZ.extensions.push(setup);
})();
