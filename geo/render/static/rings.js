/* border-zones map: geodesic distance rings around the probe point (5 km,
 * 60 km and any typed distance). Each ring is a true geodesic circle: its
 * vertices are GeographicLib Direct solutions (WGS84) from the probe point at
 * evenly spaced azimuths, enough of them that the straight chords between
 * vertices stray less than half a metre inside the circle. Rings follow the
 * probe point and can be removed one by one or all at once. */
(function () {
  "use strict";
  var BZ = window.BorderZones;
  var MAX_KM = 2000;
  var PRESETS = [5, 60];

  /* Vertices for a ring of radius r (m): the sagitta r(1 - cos(pi/n)) ~ r pi^2 / (2 n^2)
   * stays under `tol` metres. */
  function vertexCount(r, tol) {
    return Math.max(72, 8 * Math.ceil(Math.PI * Math.sqrt(r / (2 * (tol || 0.5))) / 8));
  }

  /* [[lat, lon], ...] of the geodesic circle of radius r (m) around (lat, lon), closed. */
  function circle(lat, lon, r) {
    var G = window.geodesic.Geodesic.WGS84, n = vertexCount(r), out = [];
    for (var k = 0; k <= n; k++) {
      var d = G.Direct(lat, lon, (360 * (k % n)) / n, r);
      out.push([d.lat2, d.lon2]);
    }
    return out;
  }

  var radii = [];   // metres, in the order added
  var drawn = {};   // radius -> layer
  var group = L.layerGroup();
  var ui = null;

  function label(r) { return (+(r / 1000).toFixed(3)) + " km"; }

  function centre() {
    var p = BZ.lastProbe;
    return p ? [p.lat, p.lon] : null;
  }

  function draw() {
    group.clearLayers();
    drawn = {};
    var c = centre();
    if (c) {
      radii.forEach(function (r) {
        var pts = circle(c[0], c[1], r);
        var ring = L.polygon(pts, { pane: "bz-tools", fill: false, color: "#111", weight: 1.5,
                                    dashArray: "6 4", interactive: false, className: "bz-ring" });
        var tip = L.tooltip({ permanent: true, direction: "top", className: "bz-ring-label",
                              pane: "tooltipPane" });
        tip.setContent(BZ.el("span", null, label(r)));
        tip.setLatLng(pts[0]);
        group.addLayer(ring);
        group.addLayer(tip);
        drawn[r] = ring;
      });
    }
    if (ui) ui.refresh();
    if (BZ.map) BZ.map.fire("bz:rings", { radii: radii.slice() });
  }

  function add(r) {
    if (!(r > 0) || r > MAX_KM * 1000) return false;
    r = Math.round(r * 1000) / 1000;  // mm
    if (radii.indexOf(r) < 0) radii.push(r);
    draw();
    return true;
  }
  function remove(r) {
    radii = radii.filter(function (x) { return x !== r; });
    draw();
  }

  BZ.rings = {
    circle: circle,
    vertexCount: vertexCount,
    radii: function () { return radii.slice(); },
    set: function (list) { radii = []; list.forEach(function (r) { if (r > 0 && r <= MAX_KM * 1000 && radii.indexOf(r) < 0) radii.push(r); }); draw(); },
    add: add,
    remove: remove,
    clear: function () { radii = []; draw(); },
    /* The drawn vertices of the ring of radius r (m): [[lat, lon], ...]. */
    vertices: function (r) {
      var ring = drawn[r];
      if (!ring) return null;
      return ring.getLatLngs()[0].map(function (ll) { return [ll.lat, ll.lng]; });
    },
  };

  /* The rings' section of the probe panel. */
  function panel(probeBox) {
    var more = BZ.el("details", "bz-rings");
    more.id = "bz-rings";
    more.appendChild(BZ.el("summary", null, "Distance rings"));
    var presets = BZ.el("div", "bz-rings-presets");
    var buttons = PRESETS.map(function (km) {
      var b = BZ.el("button", "bz-button bz-ring-preset", km + " km");
      b.type = "button";
      b.setAttribute("data-km", String(km));
      b.setAttribute("aria-pressed", "false");
      L.DomEvent.on(b, "click", function () {
        var r = km * 1000;
        if (radii.indexOf(r) >= 0) remove(r); else add(r);
      });
      presets.appendChild(b);
      return b;
    });
    more.appendChild(presets);
    var form = BZ.el("form", "bz-rings-form");
    var lab = BZ.el("label", null, "Ring at (km)");
    var input = BZ.el("input", "bz-rings-input");
    input.id = "bz-rings-input";
    input.type = "text";
    input.setAttribute("inputmode", "decimal");
    input.placeholder = "25";
    lab.appendChild(input);
    form.appendChild(lab);
    var go = BZ.el("button", "bz-button", "Add ring");
    go.type = "submit";
    form.appendChild(go);
    var clear = BZ.el("button", "bz-button", "Remove rings");
    clear.type = "button";
    clear.id = "bz-rings-clear";
    form.appendChild(clear);
    more.appendChild(form);
    var msg = BZ.el("div", "bz-rings-message");
    msg.setAttribute("aria-live", "polite");
    more.appendChild(msg);
    var list = BZ.el("ul", "bz-rings-list");
    list.id = "bz-rings-list";
    more.appendChild(list);
    L.DomEvent.on(form, "submit", function (e) {
      L.DomEvent.preventDefault(e);
      var km = parseFloat(String(input.value).replace(",", "."));
      if (!(km > 0 && km <= MAX_KM) || !/^\s*\d*[.,]?\d+\s*(km)?\s*$/i.test(input.value)) {
        msg.textContent = "Type a distance in km, more than 0 and at most " + MAX_KM;
        return;
      }
      msg.textContent = "";
      add(km * 1000);
      input.value = "";
    });
    L.DomEvent.on(clear, "click", function () { BZ.rings.clear(); });
    probeBox.appendChild(more);
    return {
      refresh: function () {
        buttons.forEach(function (b) {
          var on = radii.indexOf(+b.getAttribute("data-km") * 1000) >= 0;
          b.setAttribute("aria-pressed", on ? "true" : "false");
        });
        list.textContent = "";
        radii.forEach(function (r) {
          var li = BZ.el("li", "bz-ring-item");
          li.appendChild(BZ.el("span", null, label(r)));
          var x = BZ.el("button", "bz-button bz-ring-remove", "Remove");
          x.type = "button";
          x.setAttribute("aria-label", "Remove the " + label(r) + " ring");
          L.DomEvent.on(x, "click", function () { remove(r); });
          li.appendChild(x);
          list.appendChild(li);
        });
        msg.textContent = radii.length && !centre() ? "The rings appear around the probe point: click the map." : "";
      },
    };
  }

  BZ.extensions.push(function (map) {
    group.addTo(map);
    var box = BZ.probeControl && BZ.probeControl.getContainer();
    if (box) ui = panel(box);
    map.on("bz:probe", draw);
  });
})();
