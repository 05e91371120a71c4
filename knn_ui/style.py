"""Colours, marker shapes and names shared by every figure and page.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies) and every
class also has its own marker shape, so colour is never the only signal.
"""

from __future__ import annotations

import numpy as np

CLASS_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00")
CLASS_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross")
CLASS_NAMES = ("red", "blue", "green", "purple", "orange")
NEIGHBOR_RING = "#1b1b1b"
SPOKE = "#4d4d4d"
FONT = "Source Sans Pro, sans-serif"


def class_color(code: int) -> str:
    """Return the colour of class number ``code`` (cycling past the palette)."""
    return CLASS_COLORS[int(code) % len(CLASS_COLORS)]


def class_symbol(code: int) -> str:
    """Return the Plotly marker symbol of class number ``code``."""
    return CLASS_SYMBOLS[int(code) % len(CLASS_SYMBOLS)]


def display_names(classes) -> list[str]:
    """Return the names shown for ``classes``: colour names for the built-in 0..C-1 codes.

    Built-in data sets label their classes 0, 1, 2, ...; students see them as "red", "blue",
    ... A user's own labels (strings, or integers that are not 0..C-1) are shown as they are.
    """
    labels = np.asarray(classes)
    if np.issubdtype(labels.dtype, np.integer) and labels.tolist() == list(range(len(labels))):
        return [CLASS_NAMES[i % len(CLASS_NAMES)] for i in range(len(labels))]
    return [str(v) for v in labels.tolist()]


def tint(color: str, alpha: float) -> str:
    """Return ``color`` (``#RRGGBB``) as an ``rgba(...)`` string with opacity ``alpha``."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:.3f})"
