import numpy as np
import pytest
from scipy.spatial.distance import cdist

from knn_core.geometry import ball_outline, plot_bounds

P_OF = {"euclidean": 2, "manhattan": 1, "chebyshev": np.inf}


@pytest.mark.parametrize("radius", [0.5, 2.0, 7.25])
@pytest.mark.parametrize(
    ("metric", "p", "cdist_kw"),
    [
        ("euclidean", 2.0, dict(metric="euclidean")),
        ("manhattan", 2.0, dict(metric="cityblock")),
        ("chebyshev", 2.0, dict(metric="chebyshev")),
        ("minkowski", 3.0, dict(metric="minkowski", p=3.0)),
    ],
)
def test_every_vertex_lies_at_the_radius_in_the_metric(metric, p, cdist_kw, radius):
    center = np.array([[1.5, -2.0]])
    xs, ys = ball_outline(center[0], radius, metric, p=p)
    d = cdist(np.column_stack([xs, ys]), center, **cdist_kw).ravel()
    np.testing.assert_allclose(d, radius, rtol=1e-9)
    assert (xs[0], ys[0]) == (xs[-1], ys[-1])  # closed


def test_shapes_are_circle_diamond_square():
    # The extreme points along the diagonal tell the shapes apart: at 45 degrees the
    # unit circle is at 1/sqrt(2), the diamond at 1/2 and the square at 1.
    t = 30  # vertex 30 of 241 is at 45 degrees
    for metric, expected in [("euclidean", 2**-0.5), ("manhattan", 0.5), ("chebyshev", 1.0)]:
        xs, ys = ball_outline((0, 0), 1.0, metric)
        assert xs[t] == pytest.approx(expected) and ys[t] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(metric="cosine"), "metric"),
        (dict(metric="minkowski", p=0.5), "p >= 1"),
        (dict(radius=-1.0), "radius"),
        (dict(radius=float("nan")), "radius"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    args = dict(center=(0, 0), radius=1.0) | kwargs
    with pytest.raises(ValueError, match=match):
        ball_outline(**args)


def test_plot_bounds_contains_points_with_equal_spans():
    X = np.array([[0.0, 0.0], [10.0, 4.0], [3.0, -1.0]])
    (x0, x1), (y0, y1) = plot_bounds(X)
    assert x0 < 0 < 10 < x1 and y0 < -1 < 4 < y1
    assert x1 - x0 == pytest.approx(y1 - y0)


def test_plot_bounds_single_point_gets_an_area():
    (x0, x1), (y0, y1) = plot_bounds([[2.0, 2.0]], min_span=1.0, pad=0.0)
    assert (x0, x1, y0, y1) == (1.5, 2.5, 1.5, 2.5)
    with pytest.raises(ValueError, match="shape"):
        plot_bounds(np.zeros((0, 2)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ((1e308, 0.5), (11.0, 0.5)),
        ((-1e308, 1e200), (-10.0, 11.0)),
        ((float("inf"), float("-inf")), (11.0, -10.0)),
        ((float("nan"), 0.25), (0.5, 0.25)),
        ((1e-320, -5.0), (1e-320, -5.0)),
    ],
)
def test_clamp_query_brings_far_queries_back(query, expected):
    from knn_core.geometry import clamp_query

    point, moved = clamp_query(query, ((0.0, 1.0), (0.0, 1.0)))
    assert point == expected
    assert moved == (query != expected)


def test_query_limits_never_pass_the_largest_accepted_value():
    from knn_core._validation import MAX_ABS_VALUE
    from knn_core.geometry import query_limits

    (x0, x1), (y0, y1) = query_limits(((-1e25, 1e25), (0.0, 1.0)))
    assert (x0, x1) == (-MAX_ABS_VALUE, MAX_ABS_VALUE) and (y0, y1) == (-10.0, 11.0)
