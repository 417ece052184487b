/* border-zones map: take the data with you. Each visible layer as GeoJSON
 * (RFC 7946) with its provenance (title, source and attribution, licence,
 * method, stated accuracy) in a top-level "metadata" member; the probe result
 * as text and as JSON. Files are made in the page (Blob + a[download]): no
 * network, so they work offline too. */
(function () {
  "use strict";
  var BZ = window.BorderZones;

  function save(name, text, type) {
    var blob = new Blob([text], { type: type });
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 2000);
  }

  function slug(text) { return String(text).replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, ""); }

  /* The provenance of a layer as {field: value} (fields named as in the manifest). */
  function provenance(spec) {
    var fields = BZ.config.provenanceFields || {}, out = {};
    (spec.provenance || []).forEach(function (row) {
      out[fields[row[0]] || row[0]] = row[1];
    });
    return out;
  }

  /* A layer as a GeoJSON FeatureCollection with its provenance in "metadata". */
  function layerGeoJSON(key) {
    var spec = BZ.specs[key];
    var meta = provenance(spec);
    meta.layer = spec.key;
    meta.title = spec.title;
    meta.provenance = (spec.provenance || []).map(function (row) { return [row[0], row[1]]; });
    (BZ.config.lines || []).forEach(function (line) {
      if (line.title === spec.title && line.accuracy_m !== null) meta.accuracy_m = line.accuracy_m;
    });
    meta.geometry = "as the map draws it: WGS84 longitude, latitude (EPSG:4326), rounded to 1e-6°" +
      (spec.displayToleranceM ? ", simplified for display by " + spec.displayToleranceM + " m" : ", not simplified");
    meta.note = BZ.config.note || "";
    meta.full_data = "every layer unsimplified, with its manifest: border-zones export -o frontier.gpkg";
    var features = spec.geojson.features.map(function (f) {
      var props = { name: String(f.properties._tooltip || "") };
      BZ.popupRows(key, f.properties).forEach(function (row) { props[row[0]] = row[1]; });
      return { type: "Feature", id: f.id, properties: props, geometry: f.geometry };
    });
    return { type: "FeatureCollection", name: spec.key, metadata: meta, features: features };
  }

  function visibleKeys() {
    return BZ.config.layers.filter(function (spec) {
      var info = BZ.layers[spec.key];
      return info && BZ.map.hasLayer(info.layer);
    }).map(function (spec) { return spec.key; });
  }

  function downloadLayer(key) {
    save("border-zones-" + slug(key) + ".geojson", JSON.stringify(layerGeoJSON(key), null, 1),
         "application/geo+json");
  }

  function lineNotes() {
    return (BZ.config.lines || []).map(function (l) {
      return l.title + (l.accuracy_m ? ": stated accuracy ± " + l.accuracy_m + " m" : "");
    });
  }

  function probeText(r) {
    var lines = ["Border zones: distance probe", "",
                 "Point: " + BZ.fmtLatLon(r.lat, r.lon) + " (WGS84; " + r.lat + ", " + r.lon + ")"];
    BZ.probeRows(r).forEach(function (row) { lines.push(row[0] + ": " + row[1]); });
    lines.push("", "Distances are geodesic on the WGS84 ellipsoid (GeographicLib), to the lines as the map draws them.");
    lineNotes().forEach(function (t) { lines.push(t); });
    if (BZ.config.note) lines.push("", BZ.config.note);
    return lines.join("\n") + "\n";
  }

  function probeJSON(r) {
    return {
      point: { lat: r.lat, lon: r.lon, crs: "EPSG:4326" },
      result: r,
      rows: BZ.probeRows(r),
      lines: BZ.config.lines || [],
      method: "geodesic distances on WGS84 (GeographicLib) to the lines as the map draws them",
      note: BZ.config.note || "",
    };
  }

  function probeName(r, ext) {
    return "border-zones-probe-" + Math.abs(r.lat).toFixed(5) + (r.lat >= 0 ? "N" : "S") + "-" +
      Math.abs(r.lon).toFixed(5) + (r.lon >= 0 ? "E" : "W") + "." + ext;
  }

  function downloadProbe(kind) {
    var r = BZ.lastProbe;
    if (!r) return false;
    if (kind === "json") save(probeName(r, "json"), JSON.stringify(probeJSON(r), null, 1), "application/json");
    else save(probeName(r, "txt"), probeText(r), "text/plain;charset=utf-8");
    return true;
  }

  BZ.download = { layerGeoJSON: layerGeoJSON, probeText: probeText, probeJSON: probeJSON,
                  layer: downloadLayer, probe: downloadProbe, visible: visibleKeys };

  var DownloadControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var self = this;
      var box = BZ.el("div", "bz-download leaflet-bar leaflet-control");
      box.id = "bz-download";
      var btn = BZ.el("a", "bz-download-button", "⤓");
      btn.href = "#";
      btn.id = "bz-download-button";
      btn.title = "Download the visible layers as GeoJSON, with their sources";
      btn.setAttribute("role", "button");
      btn.setAttribute("aria-label", "Download layers");
      btn.setAttribute("aria-expanded", "false");
      btn.setAttribute("aria-controls", "bz-download-panel");
      var panel = BZ.el("div", "bz-download-panel");
      panel.id = "bz-download-panel";
      panel.hidden = true;
      box.appendChild(btn);
      box.appendChild(panel);
      this._panel = panel;
      function show(open) {
        panel.hidden = !open;
        btn.setAttribute("aria-expanded", open ? "true" : "false");
        box.parentNode.classList.toggle("bz-raised", open);  // over the panels below it
        if (open) self.refresh();
      }
      L.DomEvent.on(btn, "click", function (e) {
        L.DomEvent.preventDefault(e);
        show(panel.hidden);
      });
      // closes on Escape and on a click or tap anywhere else
      document.addEventListener("pointerdown", function (e) {
        if (!panel.hidden && !box.contains(e.target)) show(false);
      }, true);
      L.DomEvent.on(box, "keydown", function (e) {
        if (e.key === "Escape" && !panel.hidden) { show(false); btn.focus(); }
      });
      map.on("overlayadd overlayremove", function () { if (!panel.hidden) self.refresh(); });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
    refresh: function () {
      var panel = this._panel;
      panel.textContent = "";
      panel.appendChild(BZ.el("div", "bz-box-title", "Download visible layers (GeoJSON)"));
      var list = BZ.el("ul", "bz-download-list");
      visibleKeys().forEach(function (key) {
        var li = BZ.el("li");
        var b = BZ.el("button", "bz-button bz-download-layer", BZ.specs[key].title);
        b.type = "button";
        b.setAttribute("data-layer", key);
        L.DomEvent.on(b, "click", function () { downloadLayer(key); });
        li.appendChild(b);
        list.appendChild(li);
      });
      if (!list.children.length) list.appendChild(BZ.el("li", null, "No layer is shown."));
      panel.appendChild(list);
      // end above the panels at the bottom left (the probe), scrolling inside if need be
      var below = BZ.map.getContainer().querySelector(".leaflet-bottom.leaflet-left .leaflet-control");
      var bottom = below ? below.getBoundingClientRect().top : window.innerHeight;
      panel.style.maxHeight = Math.max(120, bottom - panel.getBoundingClientRect().top - 8) + "px";
    },
  });

  /* Downloads of the probe result, in the probe panel once there is one. */
  function probeButtons(box) {
    var row = BZ.el("div", "bz-probe-downloads");
    row.id = "bz-probe-downloads";
    row.appendChild(BZ.el("span", null, "Download result: "));
    [["txt", "Text"], ["json", "JSON"]].forEach(function (k) {
      var b = BZ.el("button", "bz-button", k[1]);
      b.type = "button";
      b.id = "bz-probe-download-" + k[0];
      b.setAttribute("aria-label", "Download the probe result as " + k[1]);
      L.DomEvent.on(b, "click", function () { downloadProbe(k[0]); });
      row.appendChild(b);
    });
    var body = box.querySelector(".bz-probe-more");
    box.insertBefore(row, body || null);
  }

  BZ.extensions.push(function (map) {
    new DownloadControl().addTo(map);
    var box = BZ.probeControl && BZ.probeControl.getContainer();
    if (box) probeButtons(box);
  });
})();
