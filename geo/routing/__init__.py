"""Patrol routes: visit every chosen point once, along the streets, split fairly between patrollers.

The face of the package::

    from geo.routing import plan_from_store, write

    plan = plan_from_store(store, grids=["G01"], types=["drain_grate"], patrollers=2)
    gpx = write(plan, "gpx", 1)

:func:`plan_from_store` reads a store and plans (what the ``route``
command and the app's routes tab call); :func:`plan_routes` plans any
points. The steps are usable alone: :func:`select_points`, the walking
graph (:func:`build_network`, :func:`street_matrix`), one tour
(:func:`solve_tsp`) and its split between patrollers (:func:`split_tour`).
Files: :func:`write` and :func:`to_zip`, by the formats of :data:`WRITERS`.
"""

from .export import FORMATS, WRITERS, to_zip, write
from .network import DistanceMatrix, StreetNetwork, build_network, straight_matrix, street_matrix
from .plan import RoutePlan, plan_from_store, plan_routes
from .points import resolve_start, select_points
from .split import route_length, split_tour
from .tsp import solve_tsp

__all__ = [
    "FORMATS",
    "WRITERS",
    "DistanceMatrix",
    "RoutePlan",
    "StreetNetwork",
    "build_network",
    "plan_from_store",
    "plan_routes",
    "resolve_start",
    "route_length",
    "select_points",
    "solve_tsp",
    "split_tour",
    "straight_matrix",
    "street_matrix",
    "to_zip",
    "write",
]
