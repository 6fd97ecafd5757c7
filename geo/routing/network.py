"""The walking street network: graph, snapping, distances, paths.

The store's ``streets`` layer (read by :mod:`geo.streets`) (lines in WGS-84) becomes an undirected graph
in the local metric CRS: every vertex of a street line is a node and every
line segment an edge weighted by its length in metres (walkers ignore
one-way rules). Vertices closer than ``snap_tolerance_m`` are merged, so
lines that meet at shared or almost shared vertices connect, and a dangling
line end that stops short of another line within that tolerance is joined
to it (T-junctions in hand-drawn or tile-cut data). Lines that cross
without a shared vertex stay unconnected: bridges and tunnels in
OpenStreetMap look exactly like that.

Points are snapped to the nearest segment and become nodes of the graph
there; the distance between two points is the walk to the street, along it,
and back off it. All distances come from :func:`scipy.sparse.csgraph.dijkstra`
from every point at once. A point that no street reaches (further than
``max_snap_m`` from every street, or on a piece of the network cut off
from the rest) is joined by straight lines instead, and flagged.

Without a street network, :func:`straight_matrix` gives straight-line
distances in the local metric CRS, with the same interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from ..crs import local_metric_crs
from ..errors import CRSError, GeometryError

if TYPE_CHECKING:
    pass

__all__ = [
    "DistanceMatrix",
    "StreetNetwork",
    "build_network",
    "network_coverage",
    "straight_matrix",
    "street_matrix",
]

#: Most cells of one Dijkstra result block (20 million float64: 160 MB).
_MAX_DIJKSTRA_CELLS: Final = 20_000_000
#: Sources per Dijkstra call when drawing paths (sorted by leg length, so
#: that each call searches only as far as its longest leg).
PATH_SOURCES: Final = 64

#: A point further than this from every street is reached in a straight line.
DEFAULT_MAX_SNAP_M: Final = 150.0

#: Points closer than this are at one place (duplicates): the walk between
#: them is direct, not out to the street and back.
SAME_PLACE_M: Final = 1.0


def network_coverage(network: StreetNetwork, grids: gpd.GeoDataFrame) -> tuple[float, float] | None:
    """:func:`geo.streets.street_coverage` for a built network: ``(share, distance_m)``, None without grids.

    The distance is from the grids' centre to the nearest vertex of the
    network (a street within a few metres of that, for the short segments of
    real street data).
    """
    areas = grids.geometry[grids.geometry.notna() & ~grids.geometry.is_empty] if len(grids) else grids.geometry
    if len(areas) == 0 or areas.crs is None or network.n_nodes == 0:
        return None
    zone = shapely.union_all(areas.to_crs(network.crs).values)
    if zone.area <= 0:
        return None
    lo, hi = network.node_xy.min(axis=0), network.node_xy.max(axis=0)
    share = float(zone.intersection(shapely.box(lo[0], lo[1], hi[0], hi[1])).area / zone.area)
    centre = zone.centroid
    gap = float(cKDTree(network.node_xy).query([centre.x, centre.y])[0])
    return share, gap


# --------------------------------------------------------------------------
# The graph
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class StreetNetwork:
    """An undirected walking graph in a local metric CRS.

    Attributes
    ----------
    crs
        The metric CRS of every coordinate below.
    node_xy
        ``(n, 2)`` node coordinates in metres.
    u, v, length
        Edge end nodes and lengths (metres); one row per straight segment.
    tree
        Spatial index over the edges (as 2-point LineStrings), for snapping.
    """

    crs: pyproj.CRS
    node_xy: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    tree: shapely.STRtree = field(repr=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(len(self.node_xy))

    @property
    def n_edges(self) -> int:
        """Number of edges (segments)."""
        return int(len(self.u))

    @property
    def total_length_m(self) -> float:
        """Length of all streets (metres)."""
        return float(self.length.sum()) / 2  # each segment is stored both ways

    def components(self) -> int:
        """Number of disconnected pieces."""
        return int(csgraph.connected_components(self._graph(), directed=False)[0])

    def _graph(self) -> sparse.csr_matrix:
        n = self.n_nodes
        return sparse.coo_matrix((self.length, (self.u, self.v)), shape=(n, n)).tocsr()


def build_network(
    streets: gpd.GeoDataFrame, *, snap_tolerance_m: float = 1.0, node_crossings: bool | None = None
) -> StreetNetwork:
    """Build the walking graph of a ``streets`` layer.

    Parameters
    ----------
    streets
        Lines (LineString or MultiLineString) with a CRS, normally the
        store's ``streets`` layer in EPSG:4326.
    snap_tolerance_m
        Vertices closer than this are one node, and a line end this close
        to another line is joined to it.
    node_crossings
        Join lines where they cross between vertices. None (default): yes,
        unless the layer came from OpenStreetMap (every ``street_id`` is
        ``w<way id>``), where ways that meet share a node and a crossing
        without one is a bridge or a tunnel.

    Returns
    -------
    StreetNetwork
    """
    if streets.crs is None:
        raise CRSError.of("streets.layer_no_crs")
    keep = streets.geometry.geom_type.isin(["LineString", "MultiLineString"]) & ~streets.geometry.is_empty
    if not keep.any():
        raise GeometryError.of("streets.layer_no_lines", n=len(streets))
    lines = streets.geometry[keep]
    if node_crossings is None:
        node_crossings = not _from_osm(streets[keep])
    crs = local_metric_crs(lines)
    parts = shapely.get_parts(lines.to_crs(crs).values)
    coords, line_of = shapely.get_coordinates(parts, return_index=True)
    node_of, node_xy = _merge_vertices(coords, snap_tolerance_m)
    same_line = line_of[1:] == line_of[:-1]
    u, v = node_of[:-1][same_line], node_of[1:][same_line]
    degree = np.bincount(np.concatenate([u, v]), minlength=len(node_xy))
    u, v = _split_segments(node_xy, u, v, np.flatnonzero(degree == 1), snap_tolerance_m)
    if node_crossings:
        node_xy, crossing = _add_crossings(node_xy, u, v, snap_tolerance_m)
        u, v = _split_segments(node_xy, u, v, crossing, snap_tolerance_m)
    return _network(crs, node_xy, u, v)


def _from_osm(streets: gpd.GeoDataFrame) -> bool:
    ids = streets["street_id"].astype(str) if "street_id" in streets.columns else pd.Series([], dtype=str)
    return bool(len(ids)) and bool(ids.str.fullmatch(r"w\d+(-\d+)?").all())


def _network(crs: pyproj.CRS, node_xy: np.ndarray, u: np.ndarray, v: np.ndarray) -> StreetNetwork:
    """Drop self-loops and repeated edges, orient both ways, index."""
    keep = u != v
    a, b = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
    pairs = np.unique(np.column_stack([a, b]), axis=0)
    a, b = pairs[:, 0], pairs[:, 1]
    length = np.hypot(*(node_xy[a] - node_xy[b]).T)
    segments = shapely.linestrings(np.stack([node_xy[a], node_xy[b]], axis=1))
    return StreetNetwork(
        crs=crs,
        node_xy=node_xy,
        u=np.concatenate([a, b]),
        v=np.concatenate([b, a]),
        length=np.concatenate([length, length]),
        tree=shapely.STRtree(segments),
    )


def _merge_vertices(coords: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Cluster vertices within ``tolerance``; node index per vertex and node coordinates."""
    pairs = cKDTree(coords).query_pairs(tolerance, output_type="ndarray")
    n = len(coords)
    linked = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = csgraph.connected_components(linked, directed=False)
    first = np.unique(label, return_index=True)[1]
    return label.astype(np.int64), coords[first]


def _segments(node_xy: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return shapely.linestrings(np.stack([node_xy[u], node_xy[v]], axis=1))


def _add_crossings(node_xy: np.ndarray, u: np.ndarray, v: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes where two segments cross away from their vertices (appended to ``node_xy``)."""
    segments = _segments(node_xy, u, v)
    left, right = shapely.STRtree(segments).query(segments, predicate="crosses")
    once = left < right
    points = shapely.get_coordinates(shapely.intersection(segments[left[once]], segments[right[once]]))
    if len(points) == 0:
        return node_xy, np.empty(0, dtype=np.int64)
    near = cKDTree(node_xy).query(points, distance_upper_bound=tolerance)[1] < len(node_xy)
    points = points[~near]
    if len(points) == 0:
        return node_xy, np.empty(0, dtype=np.int64)
    label, points = _merge_vertices(points, tolerance)
    return np.vstack([node_xy, points]), len(node_xy) + np.arange(len(points))


def _split_segments(
    node_xy: np.ndarray, u: np.ndarray, v: np.ndarray, nodes: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray]:
    """Split every segment that passes within ``tolerance`` of one of ``nodes`` there."""
    if len(nodes) == 0 or len(u) == 0:
        return u, v
    segments = _segments(node_xy, u, v)
    hit, seg = shapely.STRtree(segments).query(shapely.points(node_xy[nodes]), predicate="dwithin", distance=tolerance)
    node = nodes[hit]
    touching = (u[seg] != node) & (v[seg] != node)
    node, seg = node[touching], seg[touching]
    if len(node) == 0:
        return u, v
    at = shapely.line_locate_point(segments[seg], shapely.points(node_xy[node]))
    split = pd.DataFrame({"seg": seg, "at": at, "node": node}).sort_values(["seg", "at"])
    new_u: list[int] = []
    new_v: list[int] = []
    for s, group in split.groupby("seg", sort=False):
        chain = [u[s], *group["node"].tolist(), v[s]]
        new_u.extend(chain[:-1])
        new_v.extend(chain[1:])
    untouched = np.ones(len(u), dtype=bool)
    untouched[split["seg"].unique()] = False
    return (
        np.concatenate([u[untouched], new_u]).astype(np.int64),
        np.concatenate([v[untouched], new_v]).astype(np.int64),
    )


# --------------------------------------------------------------------------
# Distances and paths
# --------------------------------------------------------------------------


@dataclass(eq=False)
class DistanceMatrix:
    """Distances between points and the paths that realise them.

    Attributes
    ----------
    crs
        Metric CRS of ``xy`` and of every path.
    xy
        ``(n, 2)`` point coordinates.
    dist
        ``(n, n)`` symmetric distances in metres.
    straight
        ``(n,)`` True for points reached by straight lines: without a
        street network every point; with one, points further than
        ``max_snap_m`` from every street (straight to every other point)
        and points on a piece of network cut off from the main one (reached
        over a straight connector between the pieces).
    snap_m
        ``(n,)`` distance from each point to its street (0 without a network).
    on_streets
        True when distances follow a street network.
    """

    crs: pyproj.CRS
    xy: np.ndarray
    dist: np.ndarray
    straight: np.ndarray
    snap_m: np.ndarray
    on_streets: bool
    _graph: sparse.csr_matrix | None = field(default=None, repr=False)
    _node_xy: np.ndarray | None = field(default=None, repr=False)
    _point_node: np.ndarray | None = field(default=None, repr=False)
    _piece: np.ndarray | None = field(default=None, repr=False)

    def leg_is_straight(self, i: int, j: int) -> bool:
        """True when the walk from point ``i`` to ``j`` is, at least in part, a straight line.

        That is every leg without a street network, every leg to or from a
        point far from every street, and every leg between two pieces of
        network (it crosses the gap on a straight connector).
        """
        if not self.on_streets or self._piece is None:
            return True
        a, b = int(self._piece[i]), int(self._piece[j])
        return a < 0 or b < 0 or (a != b and not self._direct(i, j))

    def _on_graph(self, i: int, j: int) -> bool:
        """The leg is drawn along the graph (streets, and connectors between pieces)."""
        if not self.on_streets or self._piece is None or self._direct(i, j):
            return False
        return bool(self._piece[i] >= 0 and self._piece[j] >= 0)

    def paths(self, legs: Sequence[tuple[int, int]]) -> list[np.ndarray]:
        """Coordinates of the walk for each leg ``(i, j)``.

        Parameters
        ----------
        legs
            Pairs of point indices.

        Returns
        -------
        list of ``(m, 2)`` arrays in :attr:`crs`, from point ``i`` to point ``j``.
        """
        out: list[np.ndarray] = []
        for (i, j), nodes in zip(legs, self.walk_nodes(legs), strict=True):
            if nodes is None or self._node_xy is None:
                out.append(np.array([self.xy[i], self.xy[j]]))
            else:
                out.append(np.vstack([self.xy[i], self._node_xy[nodes], self.xy[j]]))
        return out

    def walk_nodes(self, legs: Sequence[tuple[int, int]]) -> list[list[int] | None]:
        """Graph nodes of the walk for each leg ``(i, j)``; None for a straight leg.

        Nodes are those of the street graph with every point's foot inserted
        (:attr:`point_nodes`). A leg and its reverse take the same streets
        (the path is searched from the lower point index), so a route and
        its reverse walk the same way.

        Parameters
        ----------
        legs
            Pairs of point indices.

        Returns
        -------
        list of node lists from the foot of ``i`` to the foot of ``j``, or None.
        """
        out: list[list[int] | None] = [None] * len(legs)
        by_source: dict[int, list[int]] = {}
        for k, (i, j) in enumerate(legs):
            if self._on_graph(i, j):
                by_source.setdefault(min(i, j), []).append(k)
        if not by_source or self._graph is None:
            return out
        assert self._point_node is not None
        # each source searches only as far as its longest leg: short legs (most of a tour) cost little
        reach = {i: max(float(self.dist[legs[k]]) for k in ks) for i, ks in by_source.items()}
        sources = np.array(sorted(reach, key=lambda i: (reach[i], i)), dtype=np.int64)
        for chunk in _chunks(sources, self._graph.shape[0], most=PATH_SOURCES):
            limit = max(reach[int(i)] for i in chunk) * (1 + 1e-9) + 1e-6
            _, pred = csgraph.dijkstra(self._graph, directed=False, indices=self._point_node[chunk],
                                       return_predecessors=True, limit=limit)  # fmt: skip
            for r, source in enumerate(chunk.tolist()):
                for k in by_source[source]:
                    i, j = legs[k]
                    nodes = _walk_back(pred[r], self._point_node[source], self._point_node[i + j - source])
                    out[k] = nodes if i == source else nodes[::-1]
        return out

    @property
    def graph(self) -> sparse.csr_matrix | None:
        """The street graph with every point's foot inserted and the pieces joined (None without streets)."""
        return self._graph

    @property
    def point_nodes(self) -> np.ndarray | None:
        """Graph node of each point's foot (None without a street network)."""
        return self._point_node

    def _direct(self, i: int, j: int) -> bool:
        """The leg joins two points at one place (or a point to itself)."""
        return i == j or bool(np.hypot(*(self.xy[i] - self.xy[j])) <= SAME_PLACE_M)


def _chunks(sources: np.ndarray, n_nodes: int, most: int | None = None) -> list[np.ndarray]:
    """Sources in groups whose Dijkstra rows (``len(group) x n_nodes``) stay under ~160 MB (and ``most`` sources)."""
    size = max(1, min(len(sources), _MAX_DIJKSTRA_CELLS // max(1, n_nodes), most or len(sources)))
    return [sources[i : i + size] for i in range(0, len(sources), size)]


def _walk_back(pred: np.ndarray, source: int, target: int) -> list[int]:
    """Nodes of the shortest path from ``source`` to ``target`` (just the two if the search did not reach it)."""
    nodes = [int(target)]
    while nodes[-1] != source:
        before = int(pred[nodes[-1]])
        if before < 0:
            return [int(source), int(target)]
        nodes.append(before)
    return nodes[::-1]


def straight_matrix(xy: np.ndarray, crs: pyproj.CRS) -> DistanceMatrix:
    """Straight-line distances (no street network).

    Parameters
    ----------
    xy
        ``(n, 2)`` coordinates in the metric ``crs``.
    crs
        A projected CRS in metres.

    Returns
    -------
    DistanceMatrix with every point flagged ``straight``.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return DistanceMatrix(
        crs=crs,
        xy=xy,
        dist=_euclid(xy),
        straight=np.ones(len(xy), dtype=bool),
        snap_m=np.zeros(len(xy)),
        on_streets=False,
    )


def street_matrix(
    network: StreetNetwork, xy: np.ndarray, *, max_snap_m: float = DEFAULT_MAX_SNAP_M, anchor: int | None = None
) -> DistanceMatrix:
    """Walking distances between points along the street network.

    Parameters
    ----------
    network
        The street graph.
    xy
        ``(n, 2)`` point coordinates in ``network.crs``.
    max_snap_m
        Points further than this from every street are reached in a
        straight line (flagged).
    anchor
        Index of the point whose piece of network counts as "the" network
        (the start); default: the piece that reaches most points.

    Returns
    -------
    DistanceMatrix
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    n = len(xy)
    graph, node_xy, point_node, snap_m = _augment(network, xy)
    far = snap_m > max_snap_m
    graph, piece = _bridge_pieces(graph, node_xy, point_node, far, anchor)
    dist = np.empty((n, n))
    for chunk in _chunks(np.arange(n), graph.shape[0]):
        d = csgraph.dijkstra(graph, directed=False, indices=point_node[chunk])
        dist[chunk] = d[:, point_node]
    dist += snap_m[:, None]  # in place: n x n temporaries are what large problems pay for
    dist += snap_m[None, :]
    np.fill_diagonal(dist, 0.0)
    np.minimum(dist, dist.T, out=dist)
    _same_places(dist, xy)
    off = np.flatnonzero(far)
    if len(off):
        euclid = cdist(xy[off], xy)
        dist[off, :] = euclid
        dist[:, off] = euclid.T
    return DistanceMatrix(network.crs, xy, dist, piece != 0, snap_m, True, graph, node_xy, point_node, piece)


def _bridge_pieces(
    graph: sparse.csr_matrix, node_xy: np.ndarray, point_node: np.ndarray, far: np.ndarray, anchor: int | None
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Join the pieces of network that hold points to the main one by straight connectors.

    The main piece is the anchor's (when it is near a street) or the one
    holding most points. Each other piece with points is joined, nearest
    first, by a straight edge between its node and the node of the joined
    network closest to it: a walk between two pieces crosses the gap in a
    straight line, a walk within a piece keeps to its streets.

    Returns
    -------
    The graph with the connectors, and each point's piece: 0 for the main
    one, 1, 2... in the order they were joined, -1 for points too far from
    every street.
    """
    _, label = csgraph.connected_components(graph, directed=False)
    point_label = label[point_node]
    near = ~far
    piece = np.full(len(point_node), -1, dtype=np.int64)
    if not near.any():
        return graph, piece
    if anchor is not None and near[anchor]:
        main = int(point_label[anchor])
    else:
        main = int(np.argmax(np.bincount(point_label[near])))
    piece[near & (point_label == main)] = 0
    joined = label == main
    left = sorted(set(point_label[near].tolist()) - {main})
    u: list[int] = []
    v: list[int] = []
    w: list[float] = []
    for order in range(1, len(left) + 1):
        tree = cKDTree(node_xy[joined])
        candidates = np.flatnonzero(np.isin(label, left))
        gap, nearest = tree.query(node_xy[candidates])
        best = int(np.argmin(gap))
        node, comp = int(candidates[best]), int(label[candidates[best]])
        u.append(node)
        v.append(int(np.flatnonzero(joined)[nearest[best]]))
        w.append(max(float(gap[best]), 1e-6))
        joined |= label == comp
        piece[near & (point_label == comp)] = order
        left.remove(comp)
    if u:
        n = graph.shape[0]
        bridges = sparse.coo_matrix((w + w, (u + v, v + u)), shape=(n, n)).tocsr()
        graph = (graph + bridges).tocsr()
    return graph, piece


def _same_places(dist: np.ndarray, xy: np.ndarray) -> None:
    """Points within :data:`SAME_PLACE_M` of each other are one place: walk between them directly."""
    pairs = cKDTree(xy).query_pairs(SAME_PLACE_M, output_type="ndarray")
    if len(pairs):
        i, j = pairs[:, 0], pairs[:, 1]
        direct = np.hypot(*(xy[i] - xy[j]).T)
        dist[i, j] = dist[j, i] = np.minimum(dist[i, j], direct)


def _augment(network: StreetNetwork, xy: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """Insert each point's foot on its nearest segment as a node of the graph."""
    n_base = network.n_nodes
    pts = shapely.points(xy)
    seg, snap_m = network.tree.query_nearest(pts, return_distance=True, all_matches=False)
    seg = seg[1]
    geoms = network.tree.geometries
    at = shapely.line_locate_point(geoms[seg], pts)
    foot = shapely.get_coordinates(shapely.line_interpolate_point(geoms[seg], at))
    a, b = network.u[seg], network.v[seg]  # the tree holds the first half (a < b) of the edges
    point_node = n_base + np.arange(len(xy))
    order = np.lexsort((at, seg))
    u_new: list[int] = []
    v_new: list[int] = []
    w_new: list[float] = []
    for s, idx in pd.Series(order).groupby(seg[order], sort=False):
        idx = idx.to_numpy()
        chain = [a[idx[0]], *point_node[idx], b[idx[0]]]
        pos = np.concatenate([[0.0], at[idx], [network.length[s]]])
        u_new.extend(chain[:-1])
        v_new.extend(chain[1:])
        w_new.extend(np.maximum(np.diff(pos), 1e-6))  # csgraph ignores zero-weight edges
    n = n_base + len(xy)
    # a segment with points on it is replaced by its chain, so that walks along it pass its points
    keep = np.ones(network.n_edges, dtype=bool)
    split = np.unique(seg)
    keep[split] = False
    keep[split + network.n_edges // 2] = False
    u = np.concatenate([network.u[keep], u_new]).astype(np.int64)
    v = np.concatenate([network.v[keep], v_new]).astype(np.int64)
    w = np.concatenate([network.length[keep], w_new])
    graph = sparse.coo_matrix((w, (u, v)), shape=(n, n)).tocsr()
    return graph, np.vstack([network.node_xy, foot]), point_node, np.asarray(snap_m, dtype=float)


def _euclid(xy: np.ndarray) -> np.ndarray:
    return cdist(xy, xy)
