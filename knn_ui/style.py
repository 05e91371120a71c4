"""Colours, marker shapes and names shared by every figure and page.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies) and every
class also has its own marker shape, so colour is never the only signal.
"""

from __future__ import annotations

import numpy as np

CLASS_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00")
CLASS_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross")
CLASS_NAMES = ("red", "blue", "green", "purple", "orange")
# The same hues, darkened for text (a label, an annotation, a bar's value) on white: each
# reaches WCAG 2.2 AA's 4.5:1, while several marker colours do not (orange 2.2:1, purple 3.1:1,
# green 3.4:1, red 3.9:1). Markers keep CLASS_COLORS; text in a class colour uses these.
CLASS_TEXT_COLORS = ("#B34F00", "#0072B2", "#007A59", "#A8437A", "#8F6300")
#: Palette slots whose fill is below 3:1 on white (orange): their markers get a dark outline.
_PALE_SLOTS = (4,)
NEIGHBOR_RING = "#1b1b1b"
SPOKE = "#4d4d4d"
FONT = "Source Sans Pro, sans-serif"


def palette_slots(names) -> list[int]:
    """Return the palette slot of each class: its colour name's, or its position.

    When every class name is a colour this palette shows (:data:`CLASS_NAMES`, any case, no
    name twice), each class gets that colour, so a file labelled "blue" and "red" draws blue
    and red points. Otherwise the classes take the colour-blind-safe palette in order, as the
    built-in data sets do.

    Examples
    --------
    >>> palette_slots(["blue", "red"]), palette_slots([" Orange", "GREEN"])
    ([1, 0], [4, 2])
    >>> palette_slots(["blue", "cat"]), palette_slots(["red", "Red"])
    ([0, 1], [0, 1])
    """
    wanted = [str(name).strip().lower() for name in names]
    if len(set(wanted)) == len(wanted) and all(name in CLASS_NAMES for name in wanted):
        return [CLASS_NAMES.index(name) for name in wanted]
    return list(range(len(wanted)))


def _slot(code: int, names) -> int:
    return int(code) if names is None else palette_slots(names)[int(code)]


def class_color(code: int, names=None) -> str:
    """Return the colour of class number ``code`` (cycling past the palette).

    With the class ``names``, a class named after a palette colour gets that colour
    (:func:`palette_slots`).
    """
    return CLASS_COLORS[_slot(code, names) % len(CLASS_COLORS)]


def class_text_color(code: int, names=None) -> str:
    """Return the text colour of class number ``code``: its hue, at 4.5:1 or more on white.

    Examples
    --------
    >>> class_text_color(0), class_text_color(6), class_text_color(0, ["blue", "red"])
    ('#B34F00', '#0072B2', '#0072B2')
    """
    return CLASS_TEXT_COLORS[_slot(code, names) % len(CLASS_TEXT_COLORS)]


def class_outline(code: int, names=None) -> str:
    """Return the outline of class ``code``'s markers: white, or a dark edge where needed.

    A marker must stand out from the white plot at 3:1 (WCAG 2.2, non-text contrast). The
    orange fill reaches only 2.2:1, so its markers get an outline in its text colour instead
    of white; the other fills reach 3:1 on their own.

    Examples
    --------
    >>> class_outline(0), class_outline(4), class_outline(0, ["orange", "red"])
    ('white', '#8F6300', '#8F6300')
    """
    slot = _slot(code, names) % len(CLASS_COLORS)
    return CLASS_TEXT_COLORS[slot] if slot in _PALE_SLOTS else "white"


def class_symbol(code: int, names=None) -> str:
    """Return the Plotly marker symbol of class number ``code`` (it follows the colour)."""
    return CLASS_SYMBOLS[_slot(code, names) % len(CLASS_SYMBOLS)]


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


# Streamlit's code blocks (st.code) colour Python with a fixed Prism theme that the config
# cannot change, and most of its token colours fail WCAG 2.2 AA text contrast on the code
# background (#fcfcfb): numbers #29b09d 2.6:1, strings #09ab3b 3.0:1, comments and
# punctuation #808495 3.6:1, keywords #1c83e1 3.8:1. These darker colours of the same hues
# reach at least 4.8:1 on #fcfcfb and on #f0f2f6. A fixed style sheet, never user text: inject
# it with ``st.html(CODE_CSS)`` on a page that shows highlighted code.
CODE_CSS = """
<style>
  [data-testid="stCode"] .token.comment, [data-testid="stCode"] .token.prolog,
  [data-testid="stCode"] .token.doctype, [data-testid="stCode"] .token.cdata,
  [data-testid="stCode"] .token.punctuation, [data-testid="stCode"] .comment.linenumber
    { color: #5c6070; }
  [data-testid="stCode"] .token.attr-name, [data-testid="stCode"] .token.property,
  [data-testid="stCode"] .token.variable { color: #00739a; }
  [data-testid="stCode"] .token.boolean, [data-testid="stCode"] .token.constant,
  [data-testid="stCode"] .token.symbol, [data-testid="stCode"] .token.string,
  [data-testid="stCode"] .token.char, [data-testid="stCode"] .token.attr-value
    { color: #137a36; }
  [data-testid="stCode"] .token.number, [data-testid="stCode"] .token.regex { color: #1a7567; }
  [data-testid="stCode"] .token.operator, [data-testid="stCode"] .token.entity,
  [data-testid="stCode"] .token.decorator, [data-testid="stCode"] .token.atrule
    { color: #a94200; }
  [data-testid="stCode"] .token.keyword, [data-testid="stCode"] .token.tag,
  [data-testid="stCode"] .token.function, [data-testid="stCode"] .token.class-name,
  [data-testid="stCode"] .token.selector { color: #1a63d6; }
  [data-testid="stCode"] .token.important { color: #c20000; }
</style>
"""


#: How each marker shape is described and drawn in text.
SHAPES = {
    "circle": ("circles", "●"),
    "square": ("squares", "■"),
    "diamond": ("diamonds", "◆"),
    "triangle-up": ("triangles", "▲"),
    "cross": ("crosses", "✚"),
}


def shape_of(code: int, names=None) -> tuple[str, str]:
    """Return ``(description, glyph)`` of the marker shape of class ``code``.

    With the class ``names``, the shape follows the class's colour (``palette_slots``).

    Examples
    --------
    >>> shape_of(1), shape_of(1, ["blue", "red"])
    (('squares', '■'), ('circles', '●'))
    """
    return SHAPES[class_symbol(code, names)]
