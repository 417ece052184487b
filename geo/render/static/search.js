/* border-zones map: the search box. Finds a place by any spelling GeoNames has
 * (and the project's own list of common English ones), or typed coordinates;
 * choosing a result centres the map there and runs the distance probe.
 *
 * The index comes with the page (config.search, built by border-zones from
 * geo.places.search_index): per place its spellings. Names are compared as
 * geo.places.normalise compares them, and looked up as
 * geo.places.SearchIndex.lookup does (the whole spelling, then without an
 * Arabic article), so the box and `border-zones distance NAME` pick the same
 * place. An ARIA combobox: arrow keys, Enter and Escape work. */
(function () {
  "use strict";
  var BZ = window.BorderZones;

  /* geo.places.normalise, in JavaScript (tested on every spelling of the index). */
  var MARKS = /['’‘ʻʼʿʾ`´"ʹ]/g;
  var SEPARATORS = /[\s\-_.,\/\u0085\u001c-\u001f]+/g;
  function normalise(name) {
    var t = String(name).normalize("NFKD").replace(/\p{M}/gu, "");
    t = t.replace(/ı/g, "i").replace(/ł/g, "l").replace(/ø/g, "o").replace(/ß/g, "ss");
    t = t.replace(MARKS, "").toLowerCase();
    return t.replace(SEPARATORS, " ").trim();
  }
  var ARTICLE = /^(al|el|ad|ar|as|ash|at|az|an|ed|er|es|et|ez|en)\s+/;
  function bare(key) { return key.replace(ARTICLE, ""); }

  var index = null;  // built on first use
  function build() {
    if (index) return index;
    var cfg = BZ.config.search || { refs: [], names: [], separator: "|" };
    var full = {}, bareIdx = {}, keys = [], spelled = [];
    function add(map, key, i) {
      var ids = map[key] || (map[key] = []);
      if (ids[ids.length - 1] !== i) ids.push(i);
    }
    cfg.names.forEach(function (joined, i) {
      var mine = {};
      (joined ? joined.split(cfg.separator) : []).forEach(function (s) {
        var key = normalise(s);
        if (!key || mine[key]) return;
        mine[key] = s;
        add(full, key, i);
        add(bareIdx, bare(key), i);
        keys.push([key, i]);
      });
      spelled.push(mine);
    });
    var places = BZ.specs && BZ.specs.places;
    index = { full: full, bare: bareIdx, keys: keys, spelled: spelled, refs: cfg.refs,
              features: places ? places.geojson.features : [] };
    return index;
  }

  /* Indices of the places `name` means, as geo.places.SearchIndex.lookup gives them. */
  function lookup(name) {
    var idx = build(), key = normalise(name);
    if (!key) return [];
    return (idx.full[key] || idx.bare[bare(key)] || []).slice();
  }

  /* Place i: {name, lat, lon}. */
  function place(i) {
    var idx = build(), ref = idx.refs[i];
    if (typeof ref === "number") {
      var f = idx.features[ref], c = f.geometry.coordinates;
      return { name: String(f.properties._tooltip || ""), lat: c[1], lon: c[0] };
    }
    return { name: String(ref[0]), lat: ref[1], lon: ref[2] };
  }

  /* Shown places first (they are in order of population), then the others. */
  function rank(i) {
    var ref = build().refs[i];
    return typeof ref === "number" ? ref : 1e6 + i;
  }

  function near(lat, lon) {
    var b = BZ.config.bounds, pad = 1.5;
    return lat > b[0][0] - pad && lat < b[1][0] + pad && lon > b[0][1] - pad && lon < b[1][1] + pad;
  }

  /* Results for what is typed: [{label, detail, lat, lon}], best first. */
  function results(text, limit) {
    limit = limit || 8;
    var c = BZ.parseCoordinates(text), out = [];
    if (c) {
      var typed = { label: BZ.fmtLatLon(c.lat, c.lon), detail: "coordinates", lat: c.lat, lon: c.lon };
      var swapped = !c.lettered && Math.abs(c.lon) <= 90 && c.lat !== c.lon &&
        !near(c.lat, c.lon) && near(c.lon, c.lat);
      if (swapped) {
        typed.detail = "as typed: latitude, longitude";
        out.push({ label: BZ.fmtLatLon(c.lon, c.lat), lat: c.lon, lon: c.lat, lonFirst: true,
                   detail: "possibly longitude first: read as longitude, latitude" });
      }
      out.push(typed);
      return out;
    }
    var idx = build(), key = normalise(text);
    if (!key) return out;
    var seen = {};
    function push(i, key) {
      if (seen[i] || out.length >= limit) return;
      seen[i] = true;
      var p = place(i), spelling = key ? idx.spelled[i][key] : null;
      var main = p.name.split(" · ")[0];
      var detail = spelling && normalise(spelling) !== normalise(main) ? spelling : "";
      out.push({ label: p.name, detail: detail, lat: p.lat, lon: p.lon, place: i });
    }
    lookup(text).forEach(function (i) {
      push(i, idx.spelled[i][key] ? key : (Object.keys(idx.spelled[i]).filter(function (k) {
        return bare(k) === bare(key); })[0] || null));
    });
    var bk = bare(key), starts = [], within = [];
    idx.keys.forEach(function (pair) {
      var k = pair[0];
      if (k.indexOf(key) === 0 || bare(k).indexOf(bk) === 0) starts.push(pair);
      else if (key.length >= 3 && k.indexOf(key) > 0) within.push(pair);
    });
    function byRank(a, b) { return rank(a[1]) - rank(b[1]) || (a[0] < b[0] ? -1 : 1); }
    starts.sort(byRank).forEach(function (pair) { push(pair[1], pair[0]); });
    within.sort(byRank).forEach(function (pair) { push(pair[1], pair[0]); });
    return out;
  }

  BZ.search = { normalise: normalise, bare: bare, lookup: lookup, results: results, place: place };

  function magnifier() {
    var NS = "http://www.w3.org/2000/svg", svg = document.createElementNS(NS, "svg");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("viewBox", "0 0 18 18");
    svg.setAttribute("aria-hidden", "true");
    var c = document.createElementNS(NS, "circle");
    c.setAttribute("cx", "7.5"); c.setAttribute("cy", "7.5"); c.setAttribute("r", "5");
    var l = document.createElementNS(NS, "line");
    l.setAttribute("x1", "11.2"); l.setAttribute("y1", "11.2"); l.setAttribute("x2", "16"); l.setAttribute("y2", "16");
    [c, l].forEach(function (n) {
      n.setAttribute("stroke", "#222"); n.setAttribute("stroke-width", "2"); n.setAttribute("fill", "none");
      svg.appendChild(n);
    });
    return svg;
  }

  var SearchControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var self = this;
      var box = BZ.el("div", "bz-box bz-search leaflet-control");
      box.id = "bz-search";
      box.setAttribute("role", "search");
      var label = BZ.el("label", "bz-search-label", "Find a place or coordinates");
      label.htmlFor = "bz-search-input";
      var input = BZ.el("input", "bz-search-input");
      input.id = "bz-search-input";
      input.type = "search";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.placeholder = "Quneitra, القنيطرة, 33.126, 35.825";
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", "bz-search-list");
      var list = BZ.el("ul", "bz-search-list");
      list.id = "bz-search-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "Places and coordinates found");
      list.hidden = true;
      var status = BZ.el("div", "bz-search-status");
      status.id = "bz-search-status";
      status.setAttribute("aria-live", "polite");
      // on a phone the box is a button until tapped (the map keeps the screen)
      var toggle = BZ.el("button", "bz-search-toggle");
      toggle.type = "button";
      toggle.id = "bz-search-toggle";
      toggle.title = "Find a place or coordinates";
      toggle.setAttribute("aria-label", "Find a place or coordinates");
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-controls", "bz-search-input");
      toggle.appendChild(magnifier());
      box.classList.add("bz-collapsed");
      L.DomEvent.on(toggle, "click", function () { self.expand(box.classList.contains("bz-collapsed")); });
      this._box = box; this._toggle = toggle;
      box.appendChild(toggle);
      box.appendChild(label);
      box.appendChild(input);
      box.appendChild(list);
      box.appendChild(status);
      this._input = input; this._list = list; this._status = status;
      this._items = []; this._active = -1;
      var timer = null;
      L.DomEvent.on(input, "input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { self.update(); }, 80);
      });
      L.DomEvent.on(input, "keydown", function (e) { self.key(e); });
      L.DomEvent.on(input, "blur", function () { setTimeout(function () { self.close(); }, 150); });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
    update: function () {
      var text = this._input.value, list = this._list, self = this;
      this._items = text.trim() ? results(text) : [];
      list.textContent = "";
      this._items.forEach(function (r, n) {
        var li = BZ.el("li", "bz-search-option");
        li.id = "bz-search-option-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.appendChild(BZ.el("span", "bz-search-name", r.label));
        if (r.detail) li.appendChild(BZ.el("span", "bz-search-detail", r.detail));
        L.DomEvent.on(li, "mousedown", function (e) { L.DomEvent.preventDefault(e); });
        L.DomEvent.on(li, "click", function () { self.choose(n); });
        list.appendChild(li);
      });
      this._status.textContent = !text.trim() ? "" : this._items.length ?
        this._items.length + (this._items.length === 1 ? " result" : " results") :
        "Nothing found: try another spelling, or latitude, longitude";
      this.select(this._items.length ? 0 : -1);
      this.open(this._items.length > 0);
    },
    expand: function (on) {
      this._box.classList.toggle("bz-collapsed", !on);
      this._toggle.setAttribute("aria-expanded", on ? "true" : "false");
      if (on) this._input.focus();
    },
    open: function (on) {
      this._list.hidden = !on;
      this._input.setAttribute("aria-expanded", on ? "true" : "false");
    },
    close: function () { this.open(false); this.select(-1); },
    select: function (n) {
      var items = this._list.children;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === n ? "true" : "false");
        items[i].classList.toggle("bz-active", i === n);
      }
      this._active = n;
      if (n >= 0 && items[n]) {
        this._input.setAttribute("aria-activedescendant", items[n].id);
        if (items[n].scrollIntoView) items[n].scrollIntoView({ block: "nearest" });
      } else {
        this._input.removeAttribute("aria-activedescendant");
      }
    },
    key: function (e) {
      var n = this._items.length, open = !this._list.hidden;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        L.DomEvent.preventDefault(e);
        if (!open) { this.update(); return; }
        if (!n) return;
        var step = e.key === "ArrowDown" ? 1 : -1;
        this.select((this._active + step + n) % n);
      } else if (e.key === "Enter") {
        L.DomEvent.preventDefault(e);
        if (!open) this.update();
        if (this._items.length) this.choose(this._active >= 0 ? this._active : 0);
      } else if (e.key === "Escape") {
        L.DomEvent.preventDefault(e);
        if (open) this.close();
        else if (this._input.value) { this._input.value = ""; this.update(); }
        else { this.expand(false); this._toggle.focus(); }
      }
    },
    choose: function (n) {
      var r = this._items[n];
      if (!r) return;
      this.close();
      this.expand(false);
      this._status.textContent = "Showing " + r.label;
      var map = this._map, latlng = L.latLng(r.lat, r.lon);
      map.setView(latlng, Math.max(map.getZoom(), 11), { animate: false });
      BZ.probeAt(latlng, true);
      this._map.getContainer().dispatchEvent(new CustomEvent("bz-search-chosen", { detail: r }));
    },
  });

  BZ.extensions.push(function (map) {
    BZ.searchControl = new SearchControl().addTo(map);
    // under the title, above the zoom buttons
    var box = BZ.searchControl.getContainer(), title = document.getElementById("bz-title");
    if (title && title.parentNode === box.parentNode) title.parentNode.insertBefore(box, title.nextSibling);
  });
})();
