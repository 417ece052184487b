"""What people look at: the interactive map and the print figure.

- :mod:`geo.render.style`: one style per layer, shared by map and figure.
- :mod:`geo.render.display`: the map's layers as display-ready data.
- :mod:`geo.render.assets`: the page's pinned scripts and stylesheets, offline copies.
- :mod:`geo.render.webmap`: the folium map page.
- :mod:`geo.render.figure`: the static map for print.

Rendering never computes geodesy: distances, lengths and areas come from the
modules below it.
"""
