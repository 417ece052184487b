/* border-zones map: the time slider. Needs borderzones.js (window.BorderZones).
 *
 * `config.timeline` (from #bz-data) gives the first date, the dated items (id,
 * title, kind, confidence, from, until, and the `layer`, `features` or `zone` they
 * are drawn as) and the dates worth a stop. A feature with `_when` is drawn,
 * listed in the legend and probed only on the dates it was in force
 * (borderzones.js: BZ.inForce).
 *
 * The map opens on today (the reader's clock), or on the permalink's date: it
 * shows what was in force on BZ.date, as `classify(as_of=date)` for the items the
 * page draws; the others are listed as not drawn here. The slider moves by month;
 * stops jump to the dates that matter. "Reference" (BZ.date null; `date=reference`
 * in a permalink) is the view of zones.csv, as `geo.classify()` without a date
 * gives it. BZ.setDate(iso or null) changes it. All text from data goes in with
 * textContent. */
(function () {
  "use strict";
  var BZ = window.BorderZones;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December"];
  var ISO = /^\d{4}-\d{2}-\d{2}$/;

  /* Whether `iso` is a real day, YYYY-MM-DD (not 2018-13-99). */
  function validDay(iso) {
    if (!ISO.test(iso)) return false;
    var d = new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))));
    return d.toISOString().slice(0, 10) === iso;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function todayISO() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function monthIndex(iso) {  // months since year 0
    return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
  }
  function lastDay(year, month0) { return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate(); }
  /* The date a slider position stands for: the month's last day, or today in this month. */
  function stopDate(index, today) {
    var year = Math.floor(index / 12), month0 = index % 12;
    if (index >= monthIndex(today)) return today;
    return year + "-" + pad(month0 + 1) + "-" + pad(lastDay(year, month0));
  }
  function dayLabel(iso) {
    return Number(iso.slice(8, 10)) + " " + MONTHS[Number(iso.slice(5, 7)) - 1] + " " + iso.slice(0, 4);
  }
  function label(iso, today) {
    if (!iso) return "Reference view (zones.csv)";
    return (iso === today ? "Today, " : "") + dayLabel(iso);
  }
  BZ.dateLabel = function (iso) { return label(iso, todayISO()); };

  /* The date the page opens on (BZ.init, before it draws): the permalink's, else today. */
  BZ.startDate = function (hash) {
    var m = /(?:^#|&)date=([^&]*)/.exec(String(hash || ""));
    if (m && (m[1] === "" || m[1] === "reference")) return null;
    var today = todayISO();
    if (m && validDay(m[1])) return m[1] > today ? today : m[1];
    return today;
  };

  function whenOf(item) { return { properties: { _when: [item.from || null, item.until || null] } }; }

  /* Items in force on BZ.date, in the table's order (none in the reference view). */
  BZ.itemsInForce = function () {
    var tl = BZ.config && BZ.config.timeline;
    if (!BZ.date) return [];
    return ((tl && tl.items) || []).filter(function (item) { return BZ.inForce(whenOf(item)); });
  };

  /* Whether the page draws an item: as one of its zones, or (features of) one of its layers. */
  BZ.itemDrawn = function (item) {
    return !!item.zone || !!(item.layer && BZ.layers[item.layer]);
  };

  /* Redraw every dated layer for `date` (ISO; null: the reference view), then the legend and the probe. */
  BZ.setDate = function (date) {
    if (date !== null && !validDay(String(date))) return false;
    BZ.date = date === null ? null : String(date);
    Object.keys(BZ.layers).forEach(function (key) {
      var info = BZ.layers[key], spec = info.spec;
      if (!spec || !spec.dated) return;
      [info.shapes, info.hit].forEach(function (group) {
        if (!group) return;
        group.clearLayers();
        group.addData(spec.geojson);  // the layer's filter keeps what was in force
      });
    });
    if (BZ.map && BZ.restack) BZ.restack();
    if (BZ.legend) BZ.legend.refresh();
    if (BZ._probeMark && BZ.probeControl) {
      var ll = BZ._probeMark.getLatLng();
      BZ.probeControl.show(BZ.probe(ll.lat, ll.lng));
    }
    if (BZ._timeline) BZ._timeline.show();
    if (BZ.map) BZ.map.fire("bz-date", { date: BZ.date });
    return true;
  };

  function el(tag, cls, text) { return BZ.el(tag, cls, text); }
  function button(text, date, title) {
    var b = el("button", "bz-button bz-date-stop", text);
    b.type = "button";
    b.title = title || text;
    b.setAttribute("data-date", date || "");
    return b;
  }

  var TimelineControl = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd: function () {
      var tl = BZ.config.timeline, self = this;
      var today = this._today = todayISO();
      var box = el("div", "bz-box bz-timeline leaflet-control");
      box.id = "bz-timeline";
      // collapsed to its button (which says the date) until opened: the left column's tools stay clear
      var body = BZ.collapsible(box, "Date", false);
      this._first = monthIndex(tl.start);
      this._last = monthIndex(today);
      var input = this._input = el("input");
      input.type = "range";
      input.id = "bz-date";
      input.min = "0";
      input.max = String(this._last - this._first);
      input.step = "1";
      input.value = input.max;
      input.setAttribute("aria-label", "Date shown on the map (by month)");
      var out = this._out = el("output", "bz-date-label");
      out.setAttribute("for", "bz-date");
      out.setAttribute("aria-live", "polite");
      var row = el("div", "bz-date-row");
      row.appendChild(input);
      body.appendChild(out);
      body.appendChild(row);
      var stops = el("div", "bz-date-stops");
      var ref = button("Reference", "", "The reference view: the zones of zones.csv");
      L.DomEvent.on(ref, "click", function () { self.go(null); });
      stops.appendChild(ref);
      (tl.stops || []).forEach(function (stop) {
        var b = button(stop.label, stop.date, dayLabel(stop.date));
        L.DomEvent.on(b, "click", function () { self.go(stop.date); });
        stops.appendChild(b);
      });
      var now = button("Today", today, "Today (" + dayLabel(today) + ")");
      L.DomEvent.on(now, "click", function () { self.go(today); });
      stops.appendChild(now);
      body.appendChild(stops);
      this._list = el("ul", "bz-date-items");
      body.appendChild(this._list);
      L.DomEvent.on(input, "input change", function () {
        BZ.setDate(stopDate(self._first + Number(input.value), today));
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.addEventListener("bz-toggle", function () { self.fit(); });
      BZ.map.on("resize", function () { self.fit(); });
      return box;
    },
    /* Open, the panel keeps clear of the tools above it: its list of items scrolls, or goes. */
    fit: function () {
      var list = this._list, box = this.getContainer();
      list.style.maxHeight = "";
      list.style.display = "";
      var above = BZ.map.getContainer().querySelector(".leaflet-top.leaflet-left");
      if (!above || box.classList.contains("bz-collapsed")) return;
      var over = above.getBoundingClientRect().bottom + 8 - box.getBoundingClientRect().top;
      if (over <= 0) return;
      var room = list.getBoundingClientRect().height - over;
      if (room >= 36) list.style.maxHeight = room + "px";
      else list.style.display = "none";
    },
    go: function (date) {
      if (date === null) { this._input.value = this._input.max; BZ.setDate(null); return; }
      var index = Math.max(this._first, Math.min(this._last, monthIndex(date)));
      this._input.value = String(index - this._first);
      BZ.setDate(date > this._today ? this._today : date);
    },
    show: function () {
      var date = BZ.date, items = BZ.itemsInForce(), today = this._today;
      var text = label(date, today);
      text += date ? ": " + items.length + " dated item" + (items.length === 1 ? "" : "s") + " in force"
                   : ": the 2017 request and grant and the 1974 lines and bands; choose a date to see what was in force then";
      this._out.textContent = text;
      this._input.setAttribute("aria-valuetext", label(date, today));
      this.getContainer().setAttribute("data-date", date || "");
      // the slider follows a date set otherwise (a stop, a permalink)
      var at = date ? Math.max(this._first, Math.min(this._last, monthIndex(date))) : this._last;
      this._input.value = String(at - this._first);
      // the panel's button says the date, so a collapsed panel still shows it
      this.getContainer().querySelector(".bz-toggle").textContent =
        "Date: " + (!date ? "Reference" : date === today ? "Today" : dayLabel(date));
      var list = this._list;
      list.textContent = "";
      items.forEach(function (item) {
        var li = el("li", "bz-date-item");
        li.setAttribute("data-item", item.id);
        li.appendChild(el("span", "bz-date-kind", item.kind));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "bz-date-title", item.title || item.id));
        if (item.source) li.appendChild(el("div", "bz-date-source", item.source));
        if (!BZ.itemDrawn(item)) {
          li.setAttribute("data-drawn", "no");
          var note = el("div", "bz-date-undrawn", "not drawn here: ");
          note.appendChild(el("code", null, "border-zones figure --as-of " + date));
          li.appendChild(note);
        }
        list.appendChild(li);
      });
      this.fit();
    },
  });

  BZ.date = null;  // until BZ.init sets the start date (pages without a timeline keep null)
  BZ.extensions.push(function (map, config) {
    if (!config.timeline) return;
    BZ._timeline = new TimelineControl().addTo(map);
    BZ._timeline.show();
  });
})();
