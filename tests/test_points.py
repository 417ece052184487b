import warnings

import geopandas as gpd
import numpy as np
import pytest
from shapely import LineString, Point

from geo.errors import InputError, LikelySwappedWarning, MissingCRSError
from geo.points import REGION_BBOX, as_lonlat


def test_region_bbox_is_the_levant():
    x0, y0, x1, y1 = REGION_BBOX
    assert x0 < 35.5 < x1 and y0 < 33.0 < y1


@pytest.mark.parametrize(
    "points",
    [
        (35.5, 33.0),
        [35.5, 33.0],
        np.array([[35.5, 33.0]]),
        Point(35.5, 33.0),
        [Point(35.5, 33.0)],
        np.array([Point(35.5, 33.0)], dtype=object),
        (np.array([35.5]), np.array([33.0])),
    ],
)
def test_accepted_forms(points):
    lon, lat = as_lonlat(points)
    assert lon.dtype == np.float64 and lat.dtype == np.float64
    np.testing.assert_array_equal(lon, [35.5])
    np.testing.assert_array_equal(lat, [33.0])


def test_geoseries_any_crs_is_transformed():
    s = gpd.GeoSeries([Point(35.5, 33.0), Point(36.0, 33.5)], crs=4326).to_crs(32636)
    lon, lat = as_lonlat(s)
    np.testing.assert_allclose(lon, [35.5, 36.0], atol=1e-9)
    np.testing.assert_allclose(lat, [33.0, 33.5], atol=1e-9)
    lon2, _ = as_lonlat(gpd.GeoDataFrame(geometry=s))
    np.testing.assert_allclose(lon2, lon)


def test_missing_crs_says_how_to_fix():
    s = gpd.GeoSeries([Point(35.5, 33.0)])
    with pytest.raises(MissingCRSError, match="assume_lonlat=True"):
        as_lonlat(s)
    lon, lat = as_lonlat(s, assume_lonlat=True)
    assert lon[0] == 35.5 and lat[0] == 33.0


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (None, "is None"),
        ([Point(35, 33), None], r"1 value\(s\) are None \(first at index 1\)"),
        ([Point(35, 33), Point()], r"1 empty Point\(s\) \(first at index 1\)"),
        ([Point(35, 33), LineString([(0, 0), (1, 1)])], "not Points"),
        (
            np.array([[35, 33], [np.nan, 33], [np.inf, 1]]),
            r"NaN or infinite .* 2 value\(s\), first at index 1",
        ),
        (np.array([[35, 33], [35, 91]]), r"latitude outside .* first at index 1"),
        (np.array([[181, 33]]), r"longitude outside .* first at index 0"),
        (np.zeros((3, 3)), r"shape \(N, 2\)"),
        ("abc", "cannot read points"),
        ((np.zeros(2), np.zeros(3)), "equal"),
    ],
)
def test_bad_inputs_have_clear_messages(points, message):
    with pytest.raises(InputError, match=message):
        as_lonlat(points, name="points")


def test_name_in_message():
    with pytest.raises(InputError, match=r"^wells:"):
        as_lonlat(np.array([[0.0, 95.0]]), name="wells")


def test_likely_swapped_warns_without_swapping():
    with pytest.warns(LikelySwappedWarning, match=r"2 value\(s\)"):
        lon, _ = as_lonlat(np.array([[32.5, 35.5], [31.0, 36.0], [35.5, 33.0]]))
    np.testing.assert_array_equal(lon, [32.5, 31.0, 35.5])


def test_in_region_points_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        as_lonlat(np.array([[35.5, 33.0], [2.35, 48.85]]))


def test_empty_input():
    lon, lat = as_lonlat(np.empty((0, 2)))
    assert lon.size == 0 and lat.size == 0


def test_quneitra_given_as_lat_lon_is_flagged():
    """Quneitra typed as (lat, lon) lands at sea off Cyprus: warn, don't swap."""
    import warnings as _w

    from geo.errors import LikelySwappedWarning

    with _w.catch_warnings(record=True) as caught:
        _w.simplefilter("always")
        lon, _ = as_lonlat(([33.126, 35.825], [35.825, 33.126]))
    msgs = [str(c.message) for c in caught if issubclass(c.category, LikelySwappedWarning)]
    assert len(msgs) == 1 and "1 " in msgs[0]
    assert lon[0] == 33.126  # used as given


def test_added_column_names_never_replace():
    import warnings

    from geo.points import added_column_names

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        names = added_column_names(["ZONE", "zone_right", "id"], ["zone", "country"])
    assert names == {"zone": "zone_right_right", "country": "country"}
    assert len(caught) == 1 and "'zone' → 'zone_right_right'" in str(caught[0].message)


def test_classify_frame_keeps_user_columns():
    import geopandas as gpd
    import pytest

    from geo.classification import classify

    gdf = gpd.GeoDataFrame(
        {"country": ["mine"], "zone": ["z"]},
        geometry=gpd.points_from_xy([35.8], [33.1]),
        crs="EPSG:4326",
    )
    with pytest.warns(UserWarning, match="country_right"):
        out = classify(gdf)
    assert out["country"].tolist() == ["mine"] and out["zone"].tolist() == ["z"]
    assert out["country_right"].tolist() == ["Israel"]


@pytest.mark.parametrize(
    ("bad", "expect"),
    [
        ((np.nan, 33.0), "NaN or infinite"),
        ((np.inf, 33.0), "NaN or infinite"),
        ((35.5, -np.inf), "NaN or infinite"),
        ((35.5, 91.0), "latitude outside"),
        ((181.0, 33.0), "longitude outside"),
        ((33.1, 35.8), LikelySwappedWarning),  # outside the region, inside it swapped
        ((10.0, 50.0), None),  # outside the region, valid: accepted as it is
    ],
)
@pytest.mark.parametrize("where", [0, 4_999, 9_999])
def test_one_odd_point_among_many_in_the_region_is_still_seen(bad, expect, where):
    # many points inside REGION_BBOX take a short way through the checks; one odd
    # point anywhere among them must still raise, warn or pass as on its own
    rng = np.random.default_rng(where)
    x0, y0, x1, y1 = REGION_BBOX
    lon, lat = rng.uniform(x0, x1, 10_000), rng.uniform(y0, y1, 10_000)
    lon[where], lat[where] = bad
    if isinstance(expect, str):
        with pytest.raises(InputError, match=f"{expect}.*first at index {where}"):
            as_lonlat((lon, lat))
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out_lon, out_lat = as_lonlat((lon, lat))
    kinds = [w.category for w in caught]
    assert kinds == ([expect] if expect else [])
    assert np.array_equal(out_lon, lon) and np.array_equal(out_lat, lat)
