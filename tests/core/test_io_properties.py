"""Property tests of the readers: random layers and damaged files.

- Random points and polygons with random ids and text, written as GeoJSON,
  GeoPackage and CSV: every feature is read once, in file order, with its
  id, or the file is refused with a :class:`GridWatchError` (never another
  exception).
- Valid files with random bytes changed or cut off: read, or refused with a
  :class:`GridWatchError`.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import io
from geo.errors import GridWatchError
from tests.core.test_io_hostile import valid_file

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Text a GIS file can hold: any character but NUL (GDAL strings end there) and lone surrogates.
_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)


@st.composite
def layers(draw: st.DrawFn) -> gpd.GeoDataFrame:
    """1-15 points or squares somewhere in China, unique ids, a text and a number column."""
    n = draw(st.integers(1, 15))
    ids = draw(st.lists(_TEXT.filter(lambda s: s.strip() == s and s != ""), min_size=n, max_size=n, unique=True))
    lon = draw(st.lists(st.floats(74, 134, allow_nan=False), min_size=n, max_size=n))
    lat = draw(st.lists(st.floats(19, 52, allow_nan=False), min_size=n, max_size=n))
    polygons = draw(st.booleans())
    size = draw(st.floats(1e-5, 0.01))
    geoms = [shapely.box(x, y, x + size, y + size) if polygons else shapely.Point(x, y) for x, y in zip(lon, lat, strict=True)]
    notes = draw(st.lists(_TEXT, min_size=n, max_size=n))
    depth = draw(st.lists(st.none() | st.floats(-1e6, 1e6, allow_nan=False), min_size=n, max_size=n))
    return gpd.GeoDataFrame({"fid_text": ids, "note": notes, "depth": depth}, geometry=geoms, crs=4326)


def _read_or_refuse(path: Path, **kw: object) -> gpd.GeoDataFrame | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return io.read_file(path, **kw)  # type: ignore[arg-type]
    except GridWatchError:
        return None


@SETTINGS
@given(layer=layers(), driver=st.sampled_from(["GeoJSON", "GPKG"]))
def test_vector_files_read_every_feature_once(layer: gpd.GeoDataFrame, driver: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("l.geojson" if driver == "GeoJSON" else "l.gpkg")
        pyogrio.write_dataframe(layer, path, driver=driver)
        got = _read_or_refuse(path)
        assert got is not None
        assert isinstance(got.index, pd.RangeIndex) and got.attrs["row_base"] == 1
        assert got["fid_text"].tolist() == layer["fid_text"].tolist()
        assert got["note"].fillna("").tolist() == layer["note"].tolist()
        assert (shapely.distance(got.geometry.values, layer.geometry.values) < 1e-9).all()


@SETTINGS
@given(layer=layers(), sep=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_csv_reads_every_row_once(layer: gpd.GeoDataFrame, sep: str, encoding: str) -> None:
    pts = layer.geometry.representative_point()
    # pandas writes a lone CR unquoted, and every CSV reader (Excel's too) ends the line there
    text = {c: layer[c].str.replace("\r", " ") for c in ("fid_text", "note")}
    table = pd.DataFrame({"incident_id": text["fid_text"], "note": text["note"], "lon": pts.x, "lat": pts.y})
    if table["incident_id"].duplicated().any():
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.csv"
        try:
            table.to_csv(path, index=False, sep=sep, encoding=encoding)
        except UnicodeEncodeError:
            return
        got = _read_or_refuse(path, crs="wgs84")
        assert got is not None
        assert got.attrs["row_base"] == 2 and len(got) == len(table)
        assert got["incident_id"].tolist() == table["incident_id"].tolist()
        assert np.allclose(got.geometry.x, table["lon"]) and np.allclose(got.geometry.y, table["lat"])


@SETTINGS
@given(suffix=st.sampled_from([".geojson", ".gpkg", ".kml", ".csv", ".xlsx"]),
       cut=st.none() | st.floats(0, 1),
       edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8))
def test_damaged_files_are_read_or_refused(suffix: str, cut: float | None, edits: list[tuple[float, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = valid_file(Path(tmp), suffix)
        data = bytearray(path.read_bytes())
        for where, value in edits:
            data[int(where * len(data))] = value
        if cut is not None:
            data = data[: int(cut * len(data))]
        path.write_bytes(bytes(data))
        got = _read_or_refuse(path, crs="wgs84" if suffix in (".csv", ".xlsx", ".kml") else None)
        if got is not None:
            assert len(got) <= 3 and got.crs.to_epsg() == 4326
