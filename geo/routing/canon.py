"""One route among equals: the canonical re-walk of a route along the streets it walks.

A search returns one of many equally long routes; :class:`Canon` replaces it
by the walk a fixed rule picks (:func:`euler_walk`), with the unwalked
stretch of each street moved to its longest one (:class:`Chains`), so that
routes walking the same streets come out the same, stop for stop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from .network import DistanceMatrix
from .split import route_length, walk_sequence

__all__ = ["Canon", "Chains", "euler_walk"]

#: Rounds of re-walking a route (each can only shorten it; usually one settles it).
CANON_ROUNDS: Final = 3

class Canon:
    """The canonical order of a route among the equally long ones that walk the same streets.

    The search returns one of many routes of the same length (which side of
    a street first, which branch of a junction first, which grates of a
    dead end on the way in): it has no seed, so which one varies between
    runs. A route walks a multiset of street segments; every walk through
    that multiset (an Euler circuit of it) is exactly as long, and visiting
    each stop the first time the walk passes it is never longer. So the
    route is replaced by the walk a fixed rule picks (Hierholzer's
    algorithm, smallest node first, from the start), with stops in
    first-passage order: routes that walk the same streets come out the
    same, stop for stop.
    """

    def __init__(self, matrix: DistanceMatrix, depot: int | None) -> None:
        self.matrix, self.depot = matrix, depot
        self._chains = Chains(matrix)

    def __call__(self, route: list[int], closed: bool) -> list[int]:
        """The canonical equal of ``route`` (stops without the depot), never longer."""
        m = self.matrix
        if len(route) < 2 or not m.on_streets or m.point_nodes is None:
            return route
        length = route_length(m.dist, route, self.depot, closed)
        for _ in range(CANON_ROUNDS):
            new = self._first_passage(route, closed)
            if new == route or sorted(new) != sorted(route):
                break
            new_length = route_length(m.dist, new, self.depot, closed)
            if new_length > length + 1e-6:
                break
            route, length = new, new_length
        return route

    def _first_passage(self, route: list[int], closed: bool) -> list[int]:
        m = self.matrix
        nodes_of = m.point_nodes
        assert nodes_of is not None
        seq = walk_sequence(route, self.depot, closed)
        legs = list(zip(seq[:-1], seq[1:], strict=True))
        edges: list[tuple[int, int]] = []
        for (i, j), nodes in zip(legs, m.walk_nodes(legs), strict=True):
            path = nodes if nodes is not None else [int(nodes_of[i]), int(nodes_of[j])]
            edges.extend(zip(path[:-1], path[1:], strict=True))
        edges = self._chains.widest_gaps(edges)
        if self.depot is not None:
            first = self.depot
        else:
            first = min(route) if closed else min(route[0], route[-1])
        walk = euler_walk(edges, int(nodes_of[first]))
        point_at = {int(nodes_of[i]): i for i in route}
        order: list[int] = []
        seen: set[int] = set()
        for node in walk:
            stop = point_at.get(node)
            if stop is not None and stop not in seen:
                seen.add(stop)
                order.append(stop)
        return order


class Chains:
    """Runs of street between junctions, where a route may leave one gap unwalked.

    A route that visits the stops along a street from both ends walks every
    stretch between them twice except one, which it never walks. Leaving out
    the longest stretch is shortest; between equally long ones the search
    picks any. :meth:`widest_gaps` puts the gap on the longest stretch (the
    first of them from the street's lower-numbered end), which never
    lengthens the walk and makes the choice the same every time.
    """

    def __init__(self, matrix: DistanceMatrix) -> None:
        graph = matrix.graph
        self.ok = graph is not None
        if graph is None:
            return
        sym = graph.maximum(graph.T).tocsr()
        self.indptr, self.indices, self.weight = sym.indptr, sym.indices, sym.data
        self.degree = np.diff(sym.indptr)

    def _neighbours(self, node: int) -> np.ndarray:
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def _length(self, a: int, b: int) -> float:
        row = slice(self.indptr[a], self.indptr[a + 1])
        return float(self.weight[row][self.indices[row] == b][0])

    def _chain(self, a: int, b: int) -> list[int]:
        """Nodes of the run of street through edge ``a``-``b``, from one junction or end to the other."""
        forward = self._extend(a, b)  # a, b, on past b
        backward = self._extend(b, a)  # b, a, on past a
        nodes = backward[::-1] + forward[2:]
        return nodes if nodes[0] <= nodes[-1] else nodes[::-1]

    def _extend(self, before: int, here: int) -> list[int]:
        """From edge ``before``-``here`` on through nodes of degree 2; the nodes, from ``before``."""
        nodes = [before, here]
        while self.degree[here] == 2 and len(nodes) <= len(self.degree):
            ahead = [int(x) for x in self._neighbours(here) if x != nodes[-2]]
            if not ahead or ahead[0] in (nodes[0], nodes[-1]):
                break
            nodes.append(ahead[0])
            here = ahead[0]
        return nodes

    def widest_gaps(self, edges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The walk's edges, with the unwalked stretch of each street moved to its longest one."""
        if not self.ok:
            return edges
        count: dict[tuple[int, int], int] = {}
        degree: dict[int, int] = {}
        for a, b in edges:
            key = (a, b) if a < b else (b, a)
            count[key] = count.get(key, 0) + 1
            degree[a] = degree.get(a, 0) + 1
            degree[b] = degree.get(b, 0) + 1
        done: set[tuple[int, int]] = set()
        for key in list(count):
            if key in done or not np.any(self._neighbours(key[0]) == key[1]):
                continue  # seen, or a straight leg
            chain = self._chain(*key)
            steps = [(a, b) if a < b else (b, a) for a, b in zip(chain[:-1], chain[1:], strict=True)]
            done.update(steps)
            walked = [count.get(step, 0) for step in steps]
            if len(steps) < 2 or chain[0] == chain[-1] or sorted(set(walked)) != [0, 2] or walked.count(0) != 1:
                continue
            # both ends must stay reached from elsewhere once the gap moves
            if degree.get(chain[0], 0) - walked[0] <= 0 or degree.get(chain[-1], 0) - walked[-1] <= 0:
                continue
            lengths = [round(self._length(a, b), 6) for a, b in steps]
            widest = max(range(len(steps)), key=lambda t: (lengths[t], -t))
            gap = walked.index(0)
            if widest != gap:
                del count[steps[widest]]
                count[steps[gap]] = 2
        return [step for step, times in count.items() for _ in range(times)]


def euler_walk(edges: Sequence[tuple[int, int]], start: int) -> list[int]:
    """Nodes of the walk through every edge once from ``start``, by a fixed rule (smallest neighbour first)."""
    adjacent: dict[int, list[tuple[int, int]]] = {}
    for e, (a, b) in enumerate(edges):
        if a == b:
            continue
        adjacent.setdefault(a, []).append((b, e))
        adjacent.setdefault(b, []).append((a, e))
    for options in adjacent.values():
        options.sort(reverse=True)  # pop() takes the smallest neighbour
    used = [False] * len(edges)
    stack, walk = [start], []
    while stack:
        here = stack[-1]
        options = adjacent.get(here, [])
        while options and used[options[-1][1]]:
            options.pop()
        if options:
            there, e = options.pop()
            used[e] = True
            stack.append(there)
        else:
            walk.append(stack.pop())
    return walk[::-1]
