"""Patrol routes to files.

GPX and KML for phones, GeoJSON and CSV for spreadsheets and GIS, and a
printable A4 PDF sheet (Chinese or English); :data:`WRITERS` is the one
table of them (writer, file suffix, MIME type) that the command line and
the app both use.

Every function takes a :class:`geo.routing.plan.RoutePlan` and returns the file's
bytes (the app offers them as downloads; the command line writes them).
``patroller`` is 1-based; the formats that hold several routes (KML,
GeoJSON, CSV) take ``None`` for all of them. :func:`to_zip` bundles one
file per patroller.

Ids, names and types come from users' files and may hold anything: XML
text goes through :func:`geo.safe.xml_chars` (``xml.etree`` escapes
``&<>"``; characters XML cannot hold are dropped, so the file always
parses), CSV cells through :func:`geo.safe.spreadsheet_frame` (formulas
stay text), PDF text through :func:`geo.safe.markup`.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Final, Protocol
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import shapely

from .. import schema
from ..errors import OptionError
from ..i18n import t
from ..safe import spreadsheet_frame, xml_chars
from .plan import RoutePlan
from .style import SheetContext, color

__all__ = [
    "FORMATS",
    "WRITERS",
    "ZIP_MIME",
    "SheetContext",
    "Writer",
    "to_csv",
    "to_geojson",
    "to_gpx",
    "to_kml",
    "to_pdf",
    "to_zip",
    "write",
    "writer",
]

CREATOR: Final = "GridWatch"
GPX_NS: Final = "http://www.topografix.com/GPX/1/1"
KML_NS: Final = "http://www.opengis.net/kml/2.2"
CSV_COLUMNS: Final = ("seq", "id", "type", "grid_id", "lon", "lat", "leg_m", "cumulative_m")

_Labels = Mapping[str, schema.IncidentType]


def label(code: str, types: _Labels | None, lang: str = "zh") -> str:
    """What users read for an incident type code: its label in ``lang`` (the code for an unknown type)."""
    registry = types if types is not None else schema.BUILTIN_TYPES
    kind = registry.get(code)
    if kind is None:
        return code
    return (kind.label_en if lang == "en" else kind.label_zh) or code




def _check_patroller(plan: RoutePlan, patroller: int | None) -> list[int]:
    if patroller is None:
        return list(range(1, plan.patrollers + 1))
    plan.route_stops(patroller)  # raises with the valid range
    return [patroller]


def _line_lonlat(plan: RoutePlan, patroller: int) -> np.ndarray:
    geom = plan.routes.geometry.iloc[patroller - 1]
    if geom is None or geom.is_empty:
        return np.empty((0, 2))
    return shapely.get_coordinates(geom)


def _distance_note(plan: RoutePlan, lang: str = "zh") -> str:
    return t("routes.x_on_streets" if plan.on_streets else "routes.x_straight", lang)


# --------------------------------------------------------------------------
# GPX 1.1
# --------------------------------------------------------------------------


def to_gpx(plan: RoutePlan, patroller: int = 1, *, types: _Labels | None = None, lang: str = "zh") -> bytes:
    """One patroller's route as GPX 1.1.

    Waypoints in visiting order, named ``seq id type`` (``type`` is the
    type code; the Chinese label and the grid are in ``desc``), the start
    as waypoint ``0``, and the walked line as a track.

    Parameters
    ----------
    plan
        The plan.
    patroller
        Which route (1-based).
    types
        Incident types for labels (default: the built-in ones).
    lang
        Language of names and descriptions (``zh`` or ``en``).

    Returns
    -------
    bytes
        UTF-8 XML, valid against the GPX 1.1 schema.
    """
    _check_patroller(plan, patroller)
    ET.register_namespace("", GPX_NS)
    root = ET.Element(f"{{{GPX_NS}}}gpx", {"version": "1.1", "creator": CREATOR})
    meta = ET.SubElement(root, f"{{{GPX_NS}}}metadata")
    _sub(meta, "name", t("routes.x_route", lang, p=patroller))
    _sub(meta, "desc", _summary_text(plan, patroller, lang))
    _sub(meta, "time", datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    if plan.start is not None:
        _gpx_point(root, "wpt", plan.start, name="0 start", desc=t("routes.start_marker", lang), sym="Flag, Blue")
    for row in plan.route_stops(patroller).itertuples():
        desc = t("routes.x_stop_desc", lang, type=label(row.type, types, lang), grid=row.grid_id, cum=row.cumulative_m)
        _gpx_point(root, "wpt", (row.lon, row.lat), name=f"{row.seq} {row.id} {row.type}", desc=desc, type_=row.type)
    trk = ET.SubElement(root, f"{{{GPX_NS}}}trk")
    _sub(trk, "name", t("routes.x_route", lang, p=patroller))
    segment = ET.SubElement(trk, f"{{{GPX_NS}}}trkseg")
    for lon, lat in _line_lonlat(plan, patroller):
        _gpx_point(segment, "trkpt", (lon, lat))
    return _xml_bytes(root)


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{GPX_NS}}}{tag}")
    element.text = xml_chars(text)
    return element


def _gpx_point(
    parent: ET.Element, tag: str, lonlat: tuple[float, float], *, name: str = "", desc: str = "", sym: str = "", type_: str = ""
) -> None:
    point = ET.SubElement(parent, f"{{{GPX_NS}}}{tag}", {"lat": f"{lonlat[1]:.7f}", "lon": f"{lonlat[0]:.7f}"})
    for tag_name, text in (("name", name), ("desc", desc), ("sym", sym), ("type", type_)):
        if text:
            _sub(point, tag_name, text)


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _summary_text(plan: RoutePlan, patroller: int, lang: str = "zh") -> str:
    route = plan.routes.iloc[patroller - 1]
    back = t("routes.x_back", lang) if plan.closed else ""
    return t("routes.x_summary", lang, n=int(route["n_stops"]), m=float(route["length_m"]), back=back,
             distance=_distance_note(plan, lang))  # fmt: skip


# --------------------------------------------------------------------------
# KML
# --------------------------------------------------------------------------


def to_kml(plan: RoutePlan, patroller: int | None = None, *, types: _Labels | None = None, lang: str = "zh") -> bytes:
    """Routes as KML: a folder per patroller with numbered placemarks and the route line.

    Parameters
    ----------
    plan
        The plan.
    patroller
        One route (1-based), or None for all.
    types
        Incident types for labels (default: the built-in ones).
    lang
        Language of names and descriptions (``zh`` or ``en``).

    Returns
    -------
    bytes
        UTF-8 KML 2.2; Chinese names are kept as they are.
    """
    which = _check_patroller(plan, patroller)
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = ET.SubElement(root, f"{{{KML_NS}}}Document")
    _kml_text(doc, "name", t("routes.layer", lang))
    for p in which:
        _kml_style(doc, p)
    if plan.start is not None:
        _kml_placemark(doc, t("routes.start_marker", lang), None, point=plan.start)
    for p in which:
        folder = ET.SubElement(doc, f"{{{KML_NS}}}Folder")
        _kml_text(folder, "name", t("routes.patroller", lang, p=p))
        _kml_text(folder, "description", _summary_text(plan, p, lang))
        line = _line_lonlat(plan, p)
        if len(line):
            _kml_placemark(folder, t("routes.x_route", lang, p=p), p, line=line)
        for row in plan.route_stops(p).itertuples():
            name = f"{row.seq} {row.id} {label(row.type, types, lang)}"
            desc = t("routes.x_kml_desc", lang, grid=row.grid_id, leg=row.leg_m, cum=row.cumulative_m)
            _kml_placemark(folder, name, p, point=(row.lon, row.lat), description=desc)
    return _xml_bytes(root)


def _kml_text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{KML_NS}}}{tag}")
    element.text = xml_chars(text)
    return element


def _kml_color(hex_rgb: str) -> str:
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"ff{b}{g}{r}".lower()  # KML is aabbggrr


def _kml_style(doc: ET.Element, p: int) -> None:
    style = ET.SubElement(doc, f"{{{KML_NS}}}Style", {"id": f"route{p}"})
    line = ET.SubElement(style, f"{{{KML_NS}}}LineStyle")
    _kml_text(line, "color", _kml_color(color(p)))
    _kml_text(line, "width", "4")
    icon = ET.SubElement(style, f"{{{KML_NS}}}IconStyle")
    _kml_text(icon, "color", _kml_color(color(p)))


def _kml_placemark(
    parent: ET.Element,
    name: str,
    p: int | None,
    *,
    point: tuple[float, float] | None = None,
    line: np.ndarray | None = None,
    description: str = "",
) -> None:
    mark = ET.SubElement(parent, f"{{{KML_NS}}}Placemark")
    _kml_text(mark, "name", name)
    if description:
        _kml_text(mark, "description", description)
    if p is not None:
        _kml_text(mark, "styleUrl", f"#route{p}")
    if point is not None:
        geom = ET.SubElement(mark, f"{{{KML_NS}}}Point")
        _kml_text(geom, "coordinates", f"{point[0]:.7f},{point[1]:.7f}")
    if line is not None:
        geom = ET.SubElement(mark, f"{{{KML_NS}}}LineString")
        _kml_text(geom, "tessellate", "1")
        _kml_text(geom, "coordinates", " ".join(f"{x:.7f},{y:.7f}" for x, y in line))


# --------------------------------------------------------------------------
# GeoJSON and CSV
# --------------------------------------------------------------------------


def to_geojson(plan: RoutePlan, patroller: int | None = None) -> bytes:
    """Stops (Points) and routes (LineStrings) as one GeoJSON FeatureCollection.

    Stop properties: ``patroller`` and the CSV columns; route properties:
    ``patroller``, ``n_stops``, ``length_m``, ``return_m``,
    ``straight_legs``. A foreign member ``gridwatch`` holds the totals.

    Parameters
    ----------
    plan
        The plan.
    patroller
        One route (1-based), or None for all.

    Returns
    -------
    bytes
        UTF-8 GeoJSON (RFC 7946, WGS-84).
    """
    which = _check_patroller(plan, patroller)
    features = []
    for p in which:
        route = plan.routes.iloc[p - 1]
        line = _line_lonlat(plan, p)
        features.append({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": np.round(line, 7).tolist()} if len(line) else None,
            "properties": {"kind": "route", "patroller": p, "n_stops": int(route["n_stops"]),
                           "length_m": round(float(route["length_m"]), 1), "return_m": round(float(route["return_m"]), 1),
                           "straight_legs": int(route["straight_legs"])},
        })  # fmt: skip
        for row in plan.route_stops(p).itertuples():
            props = {"kind": "stop", "patroller": p, **_stop_fields(row), "straight": bool(row.straight)}
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(row.lon, 7), round(row.lat, 7)]},
                    "properties": props,
                }
            )
    totals = _totals(plan, which)
    text = json.dumps({"type": "FeatureCollection", "gridwatch": totals, "features": features}, ensure_ascii=False)
    return text.encode("utf-8", "replace")  # a lone surrogate (broken text in a source file) becomes "?"


def _stop_fields(row: object) -> dict[str, object]:
    return {
        "seq": int(row.seq),  # type: ignore[attr-defined]
        "id": str(row.id),  # type: ignore[attr-defined]
        "type": str(row.type),  # type: ignore[attr-defined]
        "grid_id": str(row.grid_id),  # type: ignore[attr-defined]
        "lon": round(float(row.lon), 7),  # type: ignore[attr-defined]
        "lat": round(float(row.lat), 7),  # type: ignore[attr-defined]
        "leg_m": round(float(row.leg_m), 1),  # type: ignore[attr-defined]
        "cumulative_m": round(float(row.cumulative_m), 1),  # type: ignore[attr-defined]
    }


def _totals(plan: RoutePlan, which: list[int]) -> dict[str, object]:
    routes = plan.routes.iloc[[p - 1 for p in which]]
    return {
        "patrollers": len(which),
        "stops": int(routes["n_stops"].sum()),
        "total_m": round(float(routes["length_m"].sum()), 1),
        "longest_m": round(float(routes["length_m"].max()), 1) if len(routes) else 0.0,
        "closed": plan.closed,
        "start": list(plan.start) if plan.start is not None else None,
        "distances": "streets" if plan.on_streets else "straight_line",
        "method": plan.method,
        "unreachable": plan.unreachable,
        "warnings": plan.warnings,
    }


def to_csv(plan: RoutePlan, patroller: int | None = None) -> bytes:
    """Stops as CSV: ``seq, id, type, grid_id, lon, lat, leg_m, cumulative_m``.

    With several routes a ``patroller`` column comes first. After each
    closed route a ``return`` row gives the walk back to the start (or to
    the first stop without one), then a ``TOTAL`` row its length, with
    ``streets`` or ``straight_line`` in its ``type`` cell (how distances
    were measured); a last ``TOTAL`` row sums every route.

    Parameters
    ----------
    plan
        The plan.
    patroller
        One route (1-based), or None for all.

    Returns
    -------
    bytes
        UTF-8 with a byte-order mark, so that Excel shows Chinese text.
    """
    which = _check_patroller(plan, patroller)
    many = len(which) > 1
    kind = "streets" if plan.on_streets else "straight_line"
    rows: list[list[object]] = []
    for p in which:
        lead: list[object] = [p] if many else []
        route = plan.routes.iloc[p - 1]
        stops = plan.route_stops(p)
        for row in stops.itertuples():
            f = _stop_fields(row)
            rows.append(lead + [f[c] for c in CSV_COLUMNS])
        if plan.closed and route["n_stops"]:
            back = plan.start if plan.start is not None else (float(stops["lon"].iloc[0]), float(stops["lat"].iloc[0]))
            rows.append(lead + ["", "return", "", "", round(back[0], 7), round(back[1], 7),
                                round(float(route["return_m"]), 1), round(float(route["length_m"]), 1)])  # fmt: skip
        rows.append(lead + ["", "TOTAL", kind, "", "", "", "", round(float(route["length_m"]), 1)])
    if many:
        rows.append(["", "", "TOTAL", kind, "", "", "", "", round(float(plan.routes["length_m"].sum()), 1)])
    table = spreadsheet_frame(pd.DataFrame(rows, columns=(["patroller"] if many else []) + list(CSV_COLUMNS), dtype=object))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.itertuples(index=False, name=None))
    return out.getvalue().encode("utf-8-sig", "replace")


# --------------------------------------------------------------------------
# PDF sheet
# --------------------------------------------------------------------------


def to_pdf(
    plan: RoutePlan,
    patroller: int | None = None,
    *,
    types: _Labels | None = None,
    title: str | None = None,
    lang: str = "zh",
    sheet: SheetContext | None = None,
) -> bytes:
    """A printable A4 sheet per route: map with numbered stops, then the stop table.

    Parameters
    ----------
    plan
        The plan.
    patroller
        One route (1-based), or None for one sheet per patroller.
    types
        Incident types for labels (default: the built-in ones).
    title
        Sheet title (default: "巡查路线" / "Patrol routes").
    lang
        Language of the sheet (``zh`` or ``en``).
    sheet
        Grids, buildings and streets: grid outlines and streets on the map,
        the place of each stop (building, grid) in the table.

    Returns
    -------
    bytes
        PDF (fonts: :func:`geo.printkit.register_reportlab_font`).
    """
    from .sheet import route_sheets

    which = _check_patroller(plan, patroller)
    return route_sheets(plan, which, lambda code: label(code, types, lang), title or t("routes.tab", lang),
                        lang=lang, sheet=sheet or SheetContext())  # fmt: skip


# --------------------------------------------------------------------------
# One table of formats
# --------------------------------------------------------------------------


class _Write(Protocol):
    def __call__(
        self,
        plan: RoutePlan,
        patroller: int | None,
        *,
        types: _Labels | None,
        title: str | None,
        lang: str,
        sheet: SheetContext | None,
    ) -> bytes: ...


@dataclass(frozen=True)
class Writer:
    """How one file format is written and offered.

    Attributes
    ----------
    write
        ``write(plan, patroller, *, types, title, lang, sheet) -> bytes``
        (each format takes what it uses; ``patroller`` None for all).
    suffix
        File name suffix, with the dot.
    mime
        MIME type of a download.
    every_route
        One file holds every patroller's route (KML, GeoJSON, CSV, PDF);
        GPX holds one.
    """

    write: _Write
    suffix: str
    mime: str
    every_route: bool = True


#: Every route file format: code to writer, suffix and MIME type, in the order the app offers them.
WRITERS: Final[Mapping[str, Writer]] = {
    "gpx": Writer(lambda plan, p, *, types, title, lang, sheet: to_gpx(plan, p or 1, types=types, lang=lang),
                  ".gpx", "application/gpx+xml", every_route=False),
    "kml": Writer(lambda plan, p, *, types, title, lang, sheet: to_kml(plan, p, types=types, lang=lang),
                  ".kml", "application/vnd.google-earth.kml+xml"),
    "geojson": Writer(lambda plan, p, *, types, title, lang, sheet: to_geojson(plan, p), ".geojson", "application/geo+json"),
    "csv": Writer(lambda plan, p, *, types, title, lang, sheet: to_csv(plan, p), ".csv", "text/csv"),
    "pdf": Writer(lambda plan, p, *, types, title, lang, sheet: to_pdf(plan, p, types=types, title=title, lang=lang, sheet=sheet),
                  ".pdf", "application/pdf"),
}  # fmt: skip
#: File formats, by suffix.
FORMATS: Final = tuple(WRITERS)
#: MIME type of :func:`to_zip`'s archive.
ZIP_MIME: Final = "application/zip"


def writer(fmt: str) -> Writer:
    """The :class:`Writer` of a format code, or an :class:`~geo.errors.OptionError` naming the formats."""
    if fmt not in WRITERS:
        raise OptionError.of("route.unknown_format", fmt=repr(fmt), formats=", ".join(FORMATS))
    return WRITERS[fmt]


def write(  # noqa: PLR0913 - the files' named options, all keyword-only
    plan: RoutePlan,
    fmt: str,
    patroller: int | None = None,
    *,
    types: _Labels | None = None,
    title: str | None = None,
    lang: str = "zh",
    sheet: SheetContext | None = None,
) -> bytes:
    """The file of one format (``gpx`` needs one patroller: the first when None).

    Parameters
    ----------
    plan
        The plan.
    fmt
        One of :data:`FORMATS`.
    patroller
        One route (1-based), or None for all (KML, GeoJSON, CSV, PDF).
    types, title, lang, sheet
        As for :func:`to_pdf` (each format takes what it uses).

    Returns
    -------
    bytes
    """
    return writer(fmt).write(plan, patroller, types=types, title=title, lang=lang, sheet=sheet)


# --------------------------------------------------------------------------
# Zip of one file per patroller
# --------------------------------------------------------------------------


def to_zip(
    plan: RoutePlan,
    fmt: str,
    *,
    types: _Labels | None = None,
    title: str | None = None,
    lang: str = "zh",
    sheet: SheetContext | None = None,
) -> bytes:
    """One file per patroller (``route_1.gpx``, ``route_2.gpx``...) in a zip.

    Parameters
    ----------
    plan
        The plan.
    fmt
        One of :data:`FORMATS`.
    types, title, lang, sheet
        As for :func:`write`: labels, title and language of every file.

    Returns
    -------
    bytes
        The zip archive.
    """
    suffix = writer(fmt).suffix
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for p in range(1, plan.patrollers + 1):
            archive.writestr(f"route_{p}{suffix}", write(plan, fmt, p, types=types, title=title, lang=lang, sheet=sheet))
    return buffer.getvalue()
