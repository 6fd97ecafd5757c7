"""One tour through every point: fast-tsp's 16-bit distances, OR-Tools, open paths, TSPLIB."""

from __future__ import annotations

import numpy as np
import pytest

from geo.routing.tsp import METHOD_FAST_TSP, METHOD_ORTOOLS, METHOD_TRIVIAL, solve_tsp, to_uint16
from tests import paths
from tests.needs import shared_data

TSPLIB = paths.SHARED / "tsplib"


def _euclid(xy: np.ndarray) -> np.ndarray:
    return np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))


def _tour_cost(dist: np.ndarray, order: list[int], closed: bool = True) -> float:
    idx = np.asarray(order + ([order[0]] if closed else []))
    return float(dist[idx[:-1], idx[1:]].sum())


class TestToUint16:
    def test_integral_is_scaled_exactly(self) -> None:
        d = np.array([[0, 3, 4], [3, 0, 5], [4, 5, 0]], dtype=float)
        s = to_uint16(d)
        assert s is not None
        assert s.max() <= 65_535
        assert np.array_equal(s, d * (65_535 // 5))

    def test_float_uses_the_full_range(self) -> None:
        d = _euclid(np.random.default_rng(0).random((30, 2)) * 1234.5)
        s = to_uint16(d)
        assert s is not None and s.max() == 65_535
        assert np.array_equal(s, s.T) and (np.diag(s) == 0).all()

    @pytest.mark.parametrize(
        "bad",
        [
            np.array([[0, 1], [2, 0]], dtype=float),  # asymmetric
            np.array([[0, np.inf], [np.inf, 0]]),  # unreachable
            np.array([[0, -1], [-1, 0]], dtype=float),  # negative
        ],
    )
    def test_refused(self, bad: np.ndarray) -> None:
        assert to_uint16(bad) is None

    def test_too_coarse_is_refused(self) -> None:
        # legs of 1 m beside one leg of 10,000 km: 1 unit would be 150 m
        xy = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [1e7, 0.0]])
        assert to_uint16(_euclid(xy) + 0.1 * (1 - np.eye(4))) is None


class TestSolveTsp:
    @pytest.mark.parametrize("n", [0, 1, 2, 3])
    def test_tiny(self, n: int) -> None:
        order, method = solve_tsp(np.zeros((n, n)))
        assert sorted(order) == list(range(n)) and method == METHOD_TRIVIAL

    def test_square(self) -> None:
        d = _euclid(np.array([[0, 0], [10, 10], [10, 0], [0, 10], [5, 0]], dtype=float))
        order, method = solve_tsp(d)
        assert method == METHOD_FAST_TSP
        assert _tour_cost(d, order) == pytest.approx(40)
        assert order[0] == 0

    def test_open_path_from_start(self) -> None:
        xy = np.array([[x, 0.0] for x in (0, 5, 1, 4, 2, 3, 6, 7)])
        d = _euclid(xy)
        order, _ = solve_tsp(d, closed=False, start=3)  # starts at x=4
        assert order[0] == 3 and sorted(order) == list(range(8))
        assert _tour_cost(d, order, closed=False) == pytest.approx(3 + 7)  # x=4 to 7, then down to 0
        order, _ = solve_tsp(d, closed=False)
        assert _tour_cost(d, order, closed=False) == pytest.approx(7)

    def test_asymmetric_falls_back_to_ortools(self) -> None:
        rng = np.random.default_rng(1)
        d = _euclid(rng.random((12, 2)) * 100) + np.triu(np.ones((12, 12))) * 5
        np.fill_diagonal(d, 0)
        order, method = solve_tsp(d, time_limit=0.5)
        assert method == METHOD_ORTOOLS and sorted(order) == list(range(12))

    def test_same_input_same_tour(self) -> None:
        d = _euclid(np.random.default_rng(2).random((40, 2)) * 1000)
        assert solve_tsp(d, time_limit=0.3, seed=5)[0] == solve_tsp(d, time_limit=0.3, seed=5)[0]

    @shared_data(TSPLIB / "berlin52.tsp", "TSPLIB data")
    def test_berlin52_optimum(self) -> None:
        from benchmarks.routes import load_tsplib, tsplib_matrix

        d = tsplib_matrix(load_tsplib(TSPLIB / "berlin52.tsp"))
        order, _ = solve_tsp(d, time_limit=1.0)
        assert _tour_cost(d, order) == 7542
