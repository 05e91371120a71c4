"""The cached grids stay within their size budget, whatever k is."""

import pytest

from knn_ui import cache


@pytest.mark.parametrize("k_max", [1, 50, 138, 139, 500, 1000, 100_000])
@pytest.mark.parametrize("resolution", [cache.REGION_RESOLUTION, 60])
def test_grid_resolution_keeps_the_grid_within_budget(resolution, k_max):
    r = cache.grid_resolution(resolution, k_max)
    assert 10 <= r <= resolution
    assert r * r * k_max <= cache.GRID_ENTRIES or r == 10
    # Nothing is coarsened that did not need to be.
    if resolution * resolution * k_max <= cache.GRID_ENTRIES:
        assert r == resolution
