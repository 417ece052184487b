/* border-zones map: the time slider. Needs borderzones.js (window.BorderZones).
 *
 * `config.timeline` (from #bz-data) gives the first date, the dated items (id,
 * title, kind, from, until, confidence, source) and the dates worth a stop; a
 * feature with `_when: [from, until]` is drawn, listed in the legend and probed
 * only on the dates it was in force (borderzones.js: BZ.inForce). The slider
 * moves by month; its last stop is today (the reader's clock), the default. The
 * chosen date is `BZ.date` ("YYYY-MM-DD"); BZ.setDate(date) changes it. All
 * text from data goes in with textContent. */
(function () {
  "use strict";
  var BZ = window.BorderZones;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function todayISO() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function monthIndex(iso) {  // months since year 0
    return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
  }
  function lastDay(year, month0) { return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate(); }
  /* The date a slider stop stands for: the month's last day, or today in this month. */
  function stopDate(index, today) {
    var year = Math.floor(index / 12), month0 = index % 12;
    if (index >= monthIndex(today)) return today;
    return year + "-" + pad(month0 + 1) + "-" + pad(lastDay(year, month0));
  }
  function label(iso, today) {
    if (iso === today) return "today (" + Number(iso.slice(8, 10)) + " " + MONTHS[Number(iso.slice(5, 7)) - 1] + " " + iso.slice(0, 4) + ")";
    return MONTHS[Number(iso.slice(5, 7)) - 1] + " " + iso.slice(0, 4);
  }
  BZ.dateLabel = function (iso) { return label(iso, todayISO()); };

  function whenOf(item) { return { properties: { _when: [item.from || null, item.until || null] } }; }

  /* Items in force on BZ.date, in the table's order. */
  BZ.itemsInForce = function () {
    var tl = BZ.config && BZ.config.timeline;
    return ((tl && tl.items) || []).filter(function (item) { return BZ.inForce(whenOf(item)); });
  };

  /* Redraw every dated layer for `date` (ISO), then the legend and the probe. */
  BZ.setDate = function (date) {
    var map = BZ.map;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(date))) return false;
    BZ.date = String(date);
    Object.keys(BZ.layers).forEach(function (key) {
      var info = BZ.layers[key], spec = info.spec;
      if (!spec || !spec.dated) return;
      [info.shapes, info.hit].forEach(function (group) {
        if (!group) return;
        group.clearLayers();
        group.addData(spec.geojson);  // the layer's filter keeps what was in force
      });
    });
    if (map && BZ.restack) BZ.restack();
    if (BZ.legend) BZ.legend.refresh();
    if (BZ._probeMark && BZ.probeControl) BZ.probeControl.show(BZ.probe(BZ._probeMark.getLatLng().lat, BZ._probeMark.getLatLng().lng));
    if (BZ._timeline) BZ._timeline.show();
    if (map) map.fire("bz-date", { date: BZ.date });
    return true;
  };

  var TimelineControl = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd: function (map) {
      var tl = BZ.config.timeline, self = this;
      var today = this._today = todayISO();
      var box = el("div", "bz-box bz-timeline leaflet-control");
      box.id = "bz-timeline";
      var body = BZ.collapsible(box, "Date", !BZ.narrow());
      this._first = monthIndex(tl.start);
      this._last = monthIndex(today);
      var input = this._input = el("input");
      input.type = "range";
      input.id = "bz-date";
      input.min = "0";
      input.max = String(this._last - this._first);
      input.step = "1";
      input.value = input.max;
      input.setAttribute("aria-label", "Date shown on the map");
      var out = this._out = el("output", "bz-date-label");
      out.setAttribute("for", "bz-date");
      out.setAttribute("aria-live", "polite");
      var row = el("div", "bz-date-row");
      row.appendChild(input);
      body.appendChild(row);
      body.appendChild(out);
      var stops = el("div", "bz-date-stops");
      (tl.stops || []).forEach(function (stop) {
        var b = el("button", "bz-button bz-date-stop", stop.label);
        b.type = "button";
        b.title = stop.title || stop.label;
        b.setAttribute("data-date", stop.date);
        L.DomEvent.on(b, "click", function () { self.go(stop.date); });
        stops.appendChild(b);
      });
      var now = el("button", "bz-button bz-date-stop", "Today");
      now.type = "button";
      now.setAttribute("data-date", today);
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
      return box;
    },
    go: function (date) {
      var index = Math.max(this._first, Math.min(this._last, monthIndex(date)));
      this._input.value = String(index - this._first);
      BZ.setDate(date > this._today ? this._today : date);
    },
    show: function () {
      var date = BZ.date, items = BZ.itemsInForce();
      this._out.textContent = label(date, this._today) + ": " + items.length + " dated item" + (items.length === 1 ? "" : "s");
      this._input.setAttribute("aria-valuetext", label(date, this._today));
      this.getContainer().setAttribute("data-date", date);
      var list = this._list;
      list.textContent = "";
      items.forEach(function (item) {
        var li = el("li", "bz-date-item");
        li.setAttribute("data-item", item.id);
        li.appendChild(el("span", "bz-date-kind", item.kind));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "bz-date-title", item.title));
        if (item.source) li.appendChild(el("div", "bz-date-source", item.source));
        list.appendChild(li);
      });
    },
  });

  function el(tag, cls, text) { return BZ.el(tag, cls, text); }

  BZ.date = todayISO();  // set before the layers are built: they are drawn once, for today
  BZ.extensions.push(function (map, config) {
    if (!config.timeline) return;
    BZ._timeline = new TimelineControl().addTo(map);
    BZ._timeline.show();
  });
})();
