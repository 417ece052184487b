/* border-zones map: permalinks. The URL's hash holds what is on the map
 *   #map=ZOOM/LAT/LON&layers=KEY,KEY&base=KEY&probe=LAT,LON&rings=KM,KM&date=YYYY-MM-DD
 * (date: the time slider's, timeline.js; `reference` for the view of zones.csv)
 * (layer keys as in the page's data, basemap keys as border-zones names them),
 * written as the map changes (history.replaceState, debounced) and restored
 * on load and when the hash changes; "Copy link" copies it. */
(function () {
  "use strict";
  var BZ = window.BorderZones;

  function baseKey() {
    var labels = BZ.config.basemaps || {}, keys = Object.keys(labels);
    for (var i = 0; i < keys.length; i++) {
      var layer = BZ.bases[labels[keys[i]]];
      if (layer && BZ.map.hasLayer(layer)) return keys[i];
    }
    return "";
  }

  /* The state of the map as a hash (without "#"). */
  function state() {
    var map = BZ.map, c = map.getCenter(), z = map.getZoom();
    var digits = Math.max(4, Math.ceil(Math.log(Math.pow(2, z)) / Math.LN10) + 1);
    var shown = BZ.config.layers.filter(function (spec) {
      var info = BZ.layers[spec.key];
      return info && map.hasLayer(info.layer);
    }).map(function (spec) { return encodeURIComponent(spec.key).replace(/%3A/g, ":"); });
    var parts = ["map=" + (+z.toFixed(2)) + "/" + c.lat.toFixed(digits) + "/" + c.lng.toFixed(digits),
                 "layers=" + shown.join(","), "base=" + encodeURIComponent(baseKey())];
    if (BZ.config.timeline) parts.push("date=" + (BZ.date || "reference"));
    var p = BZ.lastProbe;
    if (p) parts.push("probe=" + p.lat.toFixed(7) + "," + p.lon.toFixed(7));
    var rings = BZ.rings && BZ.rings.radii();
    if (rings && rings.length) parts.push("rings=" + rings.map(function (m) { return +(m / 1000).toFixed(3); }).join(","));
    return parts.join("&");
  }

  function parse(hash) {
    var out = {};
    String(hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
    });
    return out;
  }

  function decode(s) {
    try { return decodeURIComponent(s); } catch (e) { return null; }
  }

  function num(s) { var x = parseFloat(s); return isFinite(x) ? x : null; }

  /* Put the map in the state of `hash`; parts missing or malformed are left as they are. */
  function restore(hash) {
    var map = BZ.map, s = parse(hash);
    if (!s.map && !s.layers && !s.base && !s.probe && s.date === undefined) return false;
    if (s.base !== undefined) {
      var label = (BZ.config.basemaps || {})[decode(s.base)];
      var target = label !== undefined ? BZ.bases[label] : null;
      if (target && !map.hasLayer(target)) {
        Object.keys(BZ.bases).forEach(function (name) {
          if (BZ.bases[name] !== target && map.hasLayer(BZ.bases[name])) map.removeLayer(BZ.bases[name]);
        });
        map.addLayer(target);
      }
    }
    if (s.layers !== undefined) {
      var want = {}, known = 0, listed = s.layers.split(",").filter(Boolean);
      listed.forEach(function (k) { var key = decode(k); if (key) want[key] = true; });
      BZ.config.layers.forEach(function (spec) { if (want[spec.key]) known++; });
      // a list naming no layer of this map (another build's link, a typo) changes nothing
      if (listed.length && !known) want = null;
      if (want) BZ.config.layers.forEach(function (spec) {
        var info = BZ.layers[spec.key];
        if (!info) return;
        if (want[spec.key] && !map.hasLayer(info.layer)) map.addLayer(info.layer);
        if (!want[spec.key] && map.hasLayer(info.layer)) map.removeLayer(info.layer);
      });
      if (BZ.restack) BZ.restack();
    }
    if (s.map) {
      var v = s.map.split("/").map(num);
      if (v.length === 3 && v[0] !== null && v[1] !== null && v[2] !== null &&
          Math.abs(v[1]) <= 90 && Math.abs(v[2]) <= 180) {
        map.setView([v[1], v[2]], v[0], { animate: false });
      }
    }
    if (s.rings !== undefined && BZ.rings) {
      BZ.rings.set(s.rings.split(",").map(num).filter(function (x) { return x !== null && x > 0; })
        .map(function (km) { return km * 1000; }));
    }
    if (s.date !== undefined && BZ.setDate) {
      var date = s.date === "" || s.date === "reference" ? null : decode(s.date);
      if (date !== BZ.date) BZ.setDate(date);  // BZ.init drew the opening date already
    }
    if (s.probe) {
      var ll = BZ.parseLatLon(s.probe.replace(",", ", "));
      if (ll) BZ.probeAt(L.latLng(ll[0], ll[1]), false);
    }
    if (BZ.legend && BZ.legend.refresh) BZ.legend.refresh();
    return true;
  }

  var timer = null, restoring = false;
  function write() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (restoring) return;
      var hash = "#" + state();
      if (location.hash !== hash) history.replaceState(history.state, "", hash);
      BZ.map.getContainer().setAttribute("data-bz-hash", hash);
    }, 200);
  }

  function link() { return location.href.split("#")[0] + "#" + state(); }

  /* Copy `text`: the clipboard if the browser allows, otherwise a selected field to copy from. */
  function copy(text, field, status) {
    field.value = text;
    field.hidden = false;
    field.focus();
    field.select();
    function fallback() {
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      status.textContent = ok ? "Link copied" : "Press Ctrl+C (or ⌘C) to copy the selected link";
    }
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { status.textContent = "Link copied"; }, fallback);
    } else {
      fallback();
    }
  }

  var ShareControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var box = BZ.el("div", "bz-share leaflet-bar leaflet-control");
      box.id = "bz-share";
      var btn = BZ.el("a", "bz-share-button", "⎘");
      btn.href = "#";
      btn.id = "bz-copy-link";
      btn.title = "Copy a link to this view (layers, basemap, probe point)";
      btn.setAttribute("role", "button");
      btn.setAttribute("aria-label", "Copy link");
      var panel = BZ.el("div", "bz-share-panel");
      var field = BZ.el("input", "bz-share-field");
      field.id = "bz-share-field";
      field.type = "text";
      field.readOnly = true;
      field.setAttribute("aria-label", "Link to this view");
      field.hidden = true;
      var status = BZ.el("div", "bz-share-status");
      status.id = "bz-share-status";
      status.setAttribute("aria-live", "polite");
      panel.appendChild(field);
      panel.appendChild(status);
      box.appendChild(btn);
      box.appendChild(panel);
      L.DomEvent.on(btn, "click", function (e) {
        L.DomEvent.preventDefault(e);
        box.parentNode.classList.add("bz-raised");
        copy(link(), field, status);
      });
      function hide() {
        field.hidden = true;
        status.textContent = "";
        box.parentNode.classList.remove("bz-raised");
      }
      document.addEventListener("pointerdown", function (e) {
        if (!field.hidden && !box.contains(e.target)) hide();
      }, true);
      L.DomEvent.on(box, "keydown", function (e) {
        if (e.key === "Escape" && !field.hidden) { hide(); btn.focus(); }
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });

  BZ.share = { state: state, restore: restore, link: link, parse: parse };

  BZ.extensions.push(function (map) {
    new ShareControl().addTo(map);
    restoring = true;
    try { restore(location.hash); } finally { restoring = false; }
    map.on("moveend zoomend overlayadd overlayremove baselayerchange layeradd layerremove bz:probe bz:rings bz-date", write);
    window.addEventListener("hashchange", function () {
      if (location.hash === "#" + state()) return;
      restoring = true;
      try { restore(location.hash); } finally { restoring = false; }
      write();
    });
    write();
  });
})();
