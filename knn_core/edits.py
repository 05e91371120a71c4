r"""Editing a data set by hand: an immutable log of edits, replayed onto the generated points.

A student adds a point of a chosen class, removes a point or flips a point's class. Each change
is one :class:`Edit`; the edited data set is always *the generated data with the log replayed
on it* (:func:`apply_edits`), so undo is "drop the last edit" and a share link only has to
carry the log (:func:`encode_edits`), not the points.

How an edit names its point
---------------------------
A removal or a flip is recorded as the **row index** of the point in the data as it was just
before that edit (rows after a removed one move up by one; added points go to the end), not
as the coordinates of the click. The click is resolved once, to the nearest point of the data
on the screen (:func:`edit_at`, Euclidean, equal distances: the lower index), and the log
keeps the answer. Replaying the log is then exact and cannot change its mind: coordinates
would have to be searched again on every replay, and the answer could change with rounding in
the link or with the distance metric chosen later (a Manhattan-nearest point need not be the
Euclidean-nearest one). An index is only meaningful for the data it was made on, so the link
carries a short tag of the data set (:func:`data_tag`) and a link whose tag does not match
is refused instead of editing the wrong points.

Rules
-----
* Every class keeps at least one point: removing or flipping the last point of a class is
  refused (:class:`EditRefused`), so the classes, their colours and their names never change
  and a model can always be fitted (at least ``n_classes >= 2`` points remain).
* :func:`edit_at` can also refuse a removal that would leave fewer than ``min_points`` points
  (the app passes k, since the model needs k <= n). The replay does not apply this rule:
  k may change after the edit.
* A flip moves the point to the next class, cycling: ``code -> (code + 1) % n_classes``.
* Coordinates of added points are kept in hundredths (two decimals), exactly as in the link.

The link format (version 1)
---------------------------
Items separated by ``_``; only letters, digits, ``-``, ``.`` and ``_``, which no browser or
``urllib`` percent-encodes, so the text in the address bar is the text written::

    1_d3fa9_a0.123.-450_r12_f3
    │ │     │           │   └ flip row 3
    │ │     │           └ remove row 12
    │ │     └ add a point of class 0 at (1.23, -4.50): class.x.y, x and y in hundredths
    │ └ optional data-set tag: "d" and 4 hex digits (see data_tag)
    └ format version

A link holds at most :data:`LINK_MAX_EDITS` edits in at most :data:`LINK_MAX_LENGTH`
characters (:func:`link_text`); past that the link carries only ``x<count>``, an "edits did
not fit" marker, and :func:`decode_edits` explains that the data must be shared as a CSV file.

Examples
--------
>>> import numpy as np
>>> X = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]])
>>> y = np.array([0, 0, 1])
>>> log = [Edit.add(2.5, 2.5, 1), Edit.remove(0), Edit.flip(1)]
>>> X2, y2 = apply_edits(X, y, log, n_classes=2)
>>> X2.tolist(), y2.tolist()
([[1.0, 0.0], [5.0, 5.0], [2.5, 2.5]], [0, 0, 1])
>>> encode_edits(log)
'1_a1.250.250_r0_f1'
>>> decode_edits("1_a1.250.250_r0_f1") == log
True
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knn_core.geometry import plot_bounds
from knn_core.neighbors import NeighborIndex

__all__ = [
    "FORMAT_VERSION",
    "LINK_MAX_EDITS",
    "LINK_MAX_LENGTH",
    "MAX_COORDINATE",
    "MAX_EDITS",
    "Edit",
    "EditRefused",
    "apply_edit",
    "apply_edits",
    "data_tag",
    "decode_edits",
    "edit_at",
    "edited_bounds",
    "encode_edits",
    "fits_in_link",
    "link_text",
    "nearest_point",
]

#: Version written first in every encoded log.
FORMAT_VERSION = "1"
#: At most this many edits travel in a share link.
LINK_MAX_EDITS = 100
#: At most this many characters of encoded edits travel in a share link (with the app's other
#: parameters the whole link stays under about 2,000 characters, which every browser, chat
#: program and e-mail client passes on intact).
LINK_MAX_LENGTH = 1500
#: At most this many edits in one log (a session; a decoded text). Bounds the replay work.
MAX_EDITS = 1000
#: Largest absolute coordinate of an added point.
MAX_COORDINATE = 1_000_000.0

_KINDS = ("add", "remove", "flip")
_MAX_CLASS_CODE = 99
_MAX_INDEX = 10_000_000
# Longest text decode_edits reads: MAX_EDITS of the longest items, and the header.
_MAX_TEXT_LENGTH = 40 * MAX_EDITS
_TAG = re.compile(r"d[0-9a-f]{4}")
_NUMBER = r"(0|-?[1-9][0-9]{0,9})"  # integer hundredths, no "-0", no leading zeros
_ADD = re.compile(rf"a(0|[1-9][0-9]?)\.{_NUMBER}\.{_NUMBER}")
_INDEXED = re.compile(r"([rf])(0|[1-9][0-9]{0,7})")
_OVERFLOW = re.compile(r"x([1-9][0-9]{0,7})")
_EXAMPLE = "1_a0.123.-450_r12_f3"


class EditRefused(ValueError):
    """An edit that would break the data set: it names the reason and the class concerned.

    Attributes
    ----------
    reason : {"last_of_class", "min_points"}
        ``"last_of_class"``: the point is the only one of its class; ``"min_points"``: fewer
        than the required number of points would be left.
    code : int or None
        The class code of the point concerned (``None`` for ``"min_points"``).

    Examples
    --------
    >>> error = EditRefused("no", reason="last_of_class", code=1)
    >>> isinstance(error, ValueError), error.reason, error.code
    (True, 'last_of_class', 1)
    """

    def __init__(self, message: str, *, reason: str, code: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.code = code


def _hundredths(name: str, value) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Expected {name} to be a number, but got {value!r}") from None
    if not np.isfinite(number) or abs(number) > MAX_COORDINATE:
        raise ValueError(
            f"Expected {name} to be a finite number with |{name}| <= {MAX_COORDINATE:,.0f}, "
            f"but got {number}"
        )
    # Decimal rounding first (as round(x, 2) shows it), then exact hundredths.
    return int(round(round(number, 2) * 100))


def _non_negative(name: str, value, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"Expected {name} to be an integer, but got {value!r}")
    if not 0 <= int(value) <= limit:
        raise ValueError(f"Expected 0 <= {name} <= {limit:,}, but got {name} = {int(value)}")
    return int(value)


@dataclass(frozen=True)
class Edit:
    """One change to the data set; build it with :meth:`add`, :meth:`remove` or :meth:`flip`.

    Parameters
    ----------
    kind : {"add", "remove", "flip"}
        What the edit does.
    index : int, default=-1
        ``remove``/``flip``: the row of the point in the data just before this edit.
    code : int, default=-1
        ``add``: the class code of the new point.
    hx, hy : int, default=0
        ``add``: the coordinates of the new point in hundredths (``x = hx / 100``).

    Examples
    --------
    >>> Edit.add(1.234, -0.5, 1)
    Edit(kind='add', index=-1, code=1, hx=123, hy=-50)
    >>> Edit.add(1.234, -0.5, 1).x, Edit.remove(4).index
    (1.23, 4)
    """

    kind: str
    index: int = -1
    code: int = -1
    hx: int = 0
    hy: int = 0

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"Expected kind in {_KINDS}, but got kind = {self.kind!r}")
        if self.kind == "add":
            _non_negative("code", self.code, _MAX_CLASS_CODE)
            for name in ("hx", "hy"):
                value = getattr(self, name)
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                    raise ValueError(f"Expected {name} to be an integer, but got {value!r}")
                if abs(int(value)) > MAX_COORDINATE * 100:
                    raise ValueError(
                        f"Expected |{name}| <= {MAX_COORDINATE * 100:,.0f} hundredths, "
                        f"but got {name} = {int(value)}"
                    )
            if self.index != -1:
                raise ValueError(f"Expected no index for an added point, but got {self.index}")
        else:
            _non_negative("index", self.index, _MAX_INDEX)
            if self.code != -1 or self.hx or self.hy:
                raise ValueError(f"Expected only an index for a {self.kind}, but got {self!r}")

    @classmethod
    def add(cls, x, y, code) -> Edit:
        """Add a point of class ``code`` at ``(x, y)``, rounded to two decimals."""
        return cls("add", code=_non_negative("code", code, _MAX_CLASS_CODE),
                   hx=_hundredths("x", x), hy=_hundredths("y", y))  # fmt: skip

    @classmethod
    def remove(cls, index) -> Edit:
        """Remove the point in row ``index`` (of the data just before this edit)."""
        return cls("remove", index=_non_negative("index", index, _MAX_INDEX))

    @classmethod
    def flip(cls, index) -> Edit:
        """Move the point in row ``index`` to the next class."""
        return cls("flip", index=_non_negative("index", index, _MAX_INDEX))

    @property
    def x(self) -> float:
        """First coordinate of an added point."""
        return self.hx / 100

    @property
    def y(self) -> float:
        """Second coordinate of an added point."""
        return self.hy / 100


def _class_label(code: int, class_names) -> str:
    if class_names is not None and 0 <= code < len(class_names):
        return str(class_names[code])
    return f"class {code}"


def _check_data(X, y, n_classes):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"Expected X of shape (n_samples, 2), but got shape {X.shape}")
    if y.shape != (len(X),):
        raise ValueError(f"Expected y of shape ({len(X)},) to match X, but got shape {y.shape}")
    n_classes = _non_negative("n_classes", n_classes, _MAX_CLASS_CODE + 1)
    if n_classes < 1:
        raise ValueError("Expected n_classes >= 1, but got n_classes = 0")
    if len(y) and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"Expected y to hold class codes (integers), but got dtype {y.dtype}")
    if len(y) and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"Expected class codes 0 <= y < n_classes = {n_classes}, "
            f"but got values from {y.min()} to {y.max()}"
        )
    return X, y.astype(np.int64, copy=False), n_classes


def _check_row(edit: Edit, n: int, position: int | None) -> None:
    if edit.index >= n:
        which = "This edit" if position is None else f"Edit {position + 1}"
        raise ValueError(
            f"{which} ({edit.kind} row {edit.index}) does not fit the data: expected a row "
            f"0 <= index < n_samples = {n}, but got index = {edit.index}. The edits were "
            "probably made on other data."
        )


def _refuse_last_of_class(y, edit: Edit, class_names) -> None:
    code = int(y[edit.index])
    if np.count_nonzero(y == code) == 1:
        name = _class_label(code, class_names)
        verb = "Removing" if edit.kind == "remove" else "Flipping"
        raise EditRefused(
            f"{verb} this point would leave no {name} point: it is the last one. Every class "
            f"keeps at least one point; add another {name} point first.",
            reason="last_of_class",
            code=code,
        )


def apply_edit(X, y, edit: Edit, n_classes: int, *, class_names=None):
    """Return ``(X, y)`` with one edit made; the inputs are not changed.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points.
    y : array-like of int, shape (n_samples,)
        Class codes ``0 <= y < n_classes``.
    edit : Edit
        The change.
    n_classes : int
        Number of classes; an added point's code must be below it, and a flip cycles through
        ``0 .. n_classes - 1``.
    class_names : sequence of str, optional
        Names used in messages (``"class 0"`` otherwise).

    Returns
    -------
    X : ndarray of float64, shape (n_samples', 2)
    y : ndarray of int64, shape (n_samples',)

    Raises
    ------
    EditRefused
        If a removal or a flip would leave a class without points.
    ValueError
        If the row index or the class code does not exist in this data.

    Examples
    --------
    >>> X2, y2 = apply_edit([[0, 0], [1, 1], [2, 2]], [0, 1, 1], Edit.flip(1), 2)
    >>> y2.tolist()
    [0, 0, 1]
    >>> apply_edit([[0, 0], [1, 1]], [0, 1], Edit.remove(0), 2, class_names=["red", "blue"])
    Traceback (most recent call last):
    ...
    knn_core.edits.EditRefused: Removing this point would leave no red point: it is the last ...
    """
    X, y, n_classes = _check_data(X, y, n_classes)
    return _apply(X, y, edit, n_classes, class_names, None)


def _apply(X, y, edit, n_classes, class_names, position):
    if not isinstance(edit, Edit):
        raise ValueError(f"Expected an Edit, but got {type(edit).__name__}")
    if edit.kind == "add":
        if edit.code >= n_classes:
            raise ValueError(
                f"Expected an added point's class code < n_classes = {n_classes}, "
                f"but got code = {edit.code}: these edits were made on other data."
            )
        X = np.vstack([X, [[edit.x, edit.y]]])
        y = np.append(y, np.int64(edit.code))
        return X, y
    _check_row(edit, len(X), position)
    _refuse_last_of_class(y, edit, class_names)
    if edit.kind == "remove":
        return np.delete(X, edit.index, axis=0), np.delete(y, edit.index)
    y = y.copy()
    y[edit.index] = (y[edit.index] + 1) % n_classes
    return X, y


def apply_edits(X, y, edits: Sequence[Edit], n_classes: int, *, class_names=None):
    """Replay ``edits`` in order on ``(X, y)``; return the edited ``(X, y)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The generated points.
    y : array-like of int, shape (n_samples,)
        Their class codes, ``0 <= y < n_classes``.
    edits : sequence of Edit
        The log, oldest first; each index refers to the data left by the edits before it.
    n_classes : int
        Number of classes.
    class_names : sequence of str, optional
        Names used in messages.

    Returns
    -------
    X : ndarray of float64, shape (n_samples', 2)
        Kept points in their order, then added points in the order they were added.
    y : ndarray of int64, shape (n_samples',)

    Raises
    ------
    ValueError
        If an edit does not fit this data (a row or class that does not exist, or a removal
        or flip of the last point of a class, :class:`EditRefused`). The message says which
        edit failed.

    Examples
    --------
    >>> X2, y2 = apply_edits([[0, 0], [9, 9]], [0, 1], [Edit.add(1, 1, 0), Edit.remove(0)], 2)
    >>> X2.tolist(), y2.tolist()
    ([[9.0, 9.0], [1.0, 1.0]], [1, 0])
    >>> apply_edits([[0, 0], [9, 9]], [0, 1], [Edit.remove(5)], 2)
    Traceback (most recent call last):
    ...
    ValueError: Edit 1 (remove row 5) does not fit the data: expected a row 0 <= index < ...
    """
    X, y, n_classes = _check_data(X, y, n_classes)
    if len(edits) > MAX_EDITS:
        raise ValueError(f"Expected at most MAX_EDITS = {MAX_EDITS} edits, but got {len(edits)}")
    for position, edit in enumerate(edits):
        try:
            X, y = _apply(X, y, edit, n_classes, class_names, position)
        except EditRefused as error:
            raise EditRefused(
                f"Edit {position + 1} ({edit.kind} row {edit.index}) cannot be made: {error}",
                reason=error.reason,
                code=error.code,
            ) from None
    return X, y


def nearest_point(X, point) -> int:
    """Return the row of the point of ``X`` nearest to ``point`` (Euclidean).

    Uses ``knn_core``'s own neighbour search, so equal distances go to the lower index.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points, at least one.
    point : pair of float
        Where the user clicked.

    Returns
    -------
    int

    Examples
    --------
    >>> nearest_point([[0, 0], [2, 0], [1, 5]], (1.0, 0.0))  # rows 0 and 1 tie: the lower
    0
    >>> nearest_point([[0, 0], [2, 0], [1, 5]], (1.9, 0.2))
    1
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"Expected X of shape (n_samples, 2) with n_samples >= 1, got {X.shape}")
    try:
        q = np.asarray(point, dtype=np.float64).reshape(1, -1)
    except (TypeError, ValueError):
        q = np.full((1, 1), np.nan)
    if q.shape != (1, 2) or not np.isfinite(q).all():
        raise ValueError(f"Expected point to be two finite numbers, but got {point!r}")
    _, ind = NeighborIndex(X).query(q, 1)
    return int(ind[0, 0])


def edit_at(
    X,
    y,
    kind: str,
    point,
    n_classes: int,
    *,
    code: int | None = None,
    min_points: int = 1,
    class_names=None,
) -> Edit:
    """Turn a click at ``point`` into an :class:`Edit` of the data ``(X, y)`` on the screen.

    ``"add"`` puts a point of class ``code`` at the click; ``"remove"`` and ``"flip"`` act on
    the point nearest to the click (:func:`nearest_point`).

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The data as it is now (already edited).
    y : array-like of int, shape (n_samples,)
        Its class codes.
    kind : {"add", "remove", "flip"}
        The editing mode.
    point : pair of float
        The click, in data coordinates.
    n_classes : int
        Number of classes.
    code : int, optional
        ``"add"`` only: the class of the new point.
    min_points : int, default=1
        A removal that would leave fewer points is refused.
    class_names : sequence of str, optional
        Names used in messages.

    Returns
    -------
    Edit
        An edit that :func:`apply_edit` accepts on ``(X, y)``.

    Raises
    ------
    EditRefused
        If the edit would leave a class without points (``reason="last_of_class"``) or fewer
        than ``min_points`` points (``reason="min_points"``).

    Examples
    --------
    >>> X, y = [[0, 0], [1, 0], [5, 5]], [0, 0, 1]
    >>> edit_at(X, y, "remove", (0.9, 0.1), 2)
    Edit(kind='remove', index=1, code=-1, hx=0, hy=0)
    >>> edit_at(X, y, "add", (2.346, 1), 2, code=1)
    Edit(kind='add', index=-1, code=1, hx=235, hy=100)
    >>> edit_at(X, y, "flip", (4, 4), 2, class_names=["red", "blue"])
    Traceback (most recent call last):
    ...
    knn_core.edits.EditRefused: Flipping this point would leave no blue point: it is the last ...
    """
    X, y, n_classes = _check_data(X, y, n_classes)
    if kind not in _KINDS:
        raise ValueError(f"Expected kind in {_KINDS}, but got kind = {kind!r}")
    if kind == "add":
        if code is None:
            raise ValueError("Expected code, the class of the new point, but got None")
        code = _non_negative("code", code, _MAX_CLASS_CODE)
        if code >= n_classes:
            raise ValueError(f"Expected 0 <= code < n_classes = {n_classes}, but got {code}")
        return Edit.add(point[0], point[1], code)
    index = nearest_point(X, point)
    edit = Edit.remove(index) if kind == "remove" else Edit.flip(index)
    _refuse_last_of_class(y, edit, class_names)
    min_points = _non_negative("min_points", min_points, _MAX_INDEX)
    if kind == "remove" and len(X) - 1 < min_points:
        raise EditRefused(
            f"Removing a point would leave {len(X) - 1} points, but at least "
            f"min_points = {min_points} are needed.",
            reason="min_points",
        )
    return edit


# --------------------------------------------------------------------------------------------
# The text format
# --------------------------------------------------------------------------------------------


def data_tag(*parts) -> str:
    """Return a 4-hex-digit tag of a data set's parameters, to tell links of other data apart.

    Two different parameter sets get the same tag with probability 1 / 65,536: enough to catch
    a hand-edited or outdated link, not a security check.

    Examples
    --------
    >>> data_tag("blobs", 50, 0.3, 0, 2)
    '5bb1'
    >>> data_tag("blobs", 50, 0.3, 1, 2) != data_tag("blobs", 50, 0.3, 0, 2)
    True
    """
    text = "|".join(repr(p) if isinstance(p, float) else str(p) for p in parts)
    return f"{zlib.crc32(text.encode('utf-8')) & 0xFFFF:04x}"


def _check_tag(tag) -> str | None:
    if tag is None:
        return None
    if not isinstance(tag, str) or not re.fullmatch(r"[0-9a-f]{4}", tag):
        raise ValueError(f"Expected tag to be 4 lowercase hex digits (see data_tag), got {tag!r}")
    return tag


def _item(edit: Edit) -> str:
    if edit.kind == "add":
        return f"a{edit.code}.{edit.hx}.{edit.hy}"
    return f"{edit.kind[0]}{edit.index}"


def _header(tag: str | None) -> list[str]:
    tag = _check_tag(tag)
    return [FORMAT_VERSION] + ([f"d{tag}"] if tag else [])


def encode_edits(edits: Sequence[Edit], *, tag: str | None = None) -> str:
    """Write an edit log as short URL-safe text (see the module docstring for the format).

    Parameters
    ----------
    edits : sequence of Edit
        The log, at most :data:`MAX_EDITS` edits.
    tag : str, optional
        The data set's :func:`data_tag`; :func:`decode_edits` can then refuse the log for
        other data.

    Returns
    -------
    str
        ``""`` for an empty log without a tag; otherwise the version, the tag and one item per
        edit, separated by ``_``. Any length: see :func:`link_text` for the link's limit.

    Examples
    --------
    >>> encode_edits([Edit.add(-1.5, 0.25, 2), Edit.flip(7)], tag="0a1b")
    '1_d0a1b_a2.-150.25_f7'
    >>> encode_edits([])
    ''
    """
    if len(edits) > MAX_EDITS:
        raise ValueError(f"Expected at most MAX_EDITS = {MAX_EDITS} edits, but got {len(edits)}")
    for edit in edits:
        if not isinstance(edit, Edit):
            raise ValueError(f"Expected a sequence of Edit, but got a {type(edit).__name__}")
    if not edits and tag is None:
        return ""
    return "_".join(_header(tag) + [_item(edit) for edit in edits])


def fits_in_link(edits: Sequence[Edit], *, tag: str | None = None) -> bool:
    """Whether ``edits`` fit in a share link.

    At most :data:`LINK_MAX_EDITS` edits, encoded in at most :data:`LINK_MAX_LENGTH`
    characters (tag included).

    Examples
    --------
    >>> fits_in_link([Edit.remove(0)] * 100), fits_in_link([Edit.remove(0)] * 101)
    (True, False)
    >>> fits_in_link([Edit.add(-1000.25, -1000.25, 0)] * 90)  # 19 characters an edit
    False
    """
    if len(edits) > LINK_MAX_EDITS:
        return False
    return len(encode_edits(edits, tag=tag)) <= LINK_MAX_LENGTH


def link_text(edits: Sequence[Edit], *, tag: str | None = None) -> str:
    """Return what the share link carries: the encoded log, or a marker if it does not fit.

    Past :data:`LINK_MAX_EDITS` edits or :data:`LINK_MAX_LENGTH` characters the link carries
    ``x<count>`` instead, so that whoever opens it is told the data did not fit
    (:func:`decode_edits` raises with that message).

    Examples
    --------
    >>> link_text([Edit.flip(0)], tag="0a1b")
    '1_d0a1b_f0'
    >>> link_text([Edit.flip(0)] * 101, tag="0a1b")
    '1_d0a1b_x101'
    """
    if fits_in_link(edits, tag=tag):
        return encode_edits(edits, tag=tag)
    return "_".join(_header(tag) + [f"x{len(edits)}"])


def _show(text: str, limit: int = 24) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def decode_edits(text: str, *, tag: str | None = None, max_edits: int = MAX_EDITS) -> list[Edit]:
    """Read a log written by :func:`encode_edits`; refuse anything else with a clear message.

    Parameters
    ----------
    text : str
        The text, as found in a link.
    tag : str, optional
        The :func:`data_tag` of the data on the screen. If given and the text carries another
        tag, the log was made on other data and is refused.
    max_edits : int, default=MAX_EDITS
        Most edits accepted.

    Returns
    -------
    list of Edit
        Empty for ``""``.

    Raises
    ------
    ValueError
        For any text that is not a log of this version, a log of other data, too many edits,
        or the "did not fit" marker of :func:`link_text`. Never another exception.

    Examples
    --------
    >>> decode_edits("1_d0a1b_a2.-150.25_f7")
    [Edit(kind='add', index=-1, code=2, hx=-150, hy=25), Edit(kind='flip', index=7, ...)]
    >>> decode_edits("1_r1_q9")
    Traceback (most recent call last):
    ...
    ValueError: The edits in this link could not be read: item 3, 'q9', is not an edit. ...
    """
    if not isinstance(text, str):
        raise ValueError(f"Expected the edits as text, but got {type(text).__name__}")
    tag = _check_tag(tag)
    max_edits = _non_negative("max_edits", max_edits, MAX_EDITS)
    problem = "The edits in this link could not be read: "
    advice = (
        f" A link's edits look like {_EXAMPLE!r}. Copy the whole link again, or start "
        "without the edits."
    )
    if text == "":
        return []
    if len(text) > _MAX_TEXT_LENGTH:
        raise ValueError(
            f"{problem}the text is {len(text):,} characters long, more than the "
            f"{_MAX_TEXT_LENGTH:,} any {MAX_EDITS} edits need.{advice}"
        )
    items = text.split("_")
    if items[0] != FORMAT_VERSION:
        raise ValueError(
            f"{problem}it starts with {_show(items[0])}, but version {FORMAT_VERSION!r} "
            f"was expected (the link may come from a newer version of the app).{advice}"
        )
    start = 1
    if len(items) > 1 and _TAG.fullmatch(items[1]):
        found = items[1][1:]
        if tag is not None and found != tag:
            raise ValueError(
                "The edits in this link were made on a different data set than the one shown "
                "(data set, number of points, noise, classes or seed differ), so they cannot "
                "be applied. Open the original link unchanged to see the edited data."
            )
        start = 2
    body = items[start:]
    if len(body) == 1 and (match := _OVERFLOW.fullmatch(body[0])):
        raise ValueError(
            f"The link was made from data with {int(match[1]):,} edits, more than a link can "
            f"hold ({LINK_MAX_EDITS} edits, {LINK_MAX_LENGTH:,} characters), so it shows the "
            "data unedited. Ask for the edited data as a CSV file (Download the edited data) "
            "and open it on the 'Your own data' page."
        )
    if len(body) > max_edits:
        raise ValueError(
            f"{problem}it holds {len(body):,} edits, but at most {max_edits:,} are allowed."
        )
    edits = []
    for position, item in enumerate(body, start=start + 1):
        if match := _ADD.fullmatch(item):
            hx, hy = int(match[2]), int(match[3])
            if max(abs(hx), abs(hy)) > MAX_COORDINATE * 100:
                raise ValueError(
                    f"{problem}item {position}, {_show(item)}, places a point farther than "
                    f"{MAX_COORDINATE:,.0f} from the origin.{advice}"
                )
            edits.append(Edit("add", code=int(match[1]), hx=hx, hy=hy))
        elif match := _INDEXED.fullmatch(item):
            kind = "remove" if match[1] == "r" else "flip"
            edits.append(Edit(kind, index=int(match[2])))
        elif item == "":
            raise ValueError(f"{problem}item {position} is empty (two '_' in a row).{advice}")
        else:
            raise ValueError(f"{problem}item {position}, {_show(item)}, is not an edit.{advice}")
    return edits


def edited_bounds(bounds, X):
    """Return ``bounds`` grown just enough to show every point of ``X``.

    An edit inside the plot leaves the axes where they are (the plot does not jump under the
    pointer); a point outside them (from a hand-made link) widens both axes equally.

    Parameters
    ----------
    bounds : ((x_lo, x_hi), (y_lo, y_hi))
        The plot ranges of the unedited data.
    X : array-like of shape (n_samples, 2)
        The edited points.

    Returns
    -------
    x_range, y_range : tuple of float

    Examples
    --------
    >>> edited_bounds(((0.0, 10.0), (0.0, 10.0)), [[1, 1], [9, 9]])
    ((0.0, 10.0), (0.0, 10.0))
    >>> edited_bounds(((0.0, 10.0), (0.0, 10.0)), [[1, 1], [14, 9]])
    ((0.0, 14.0), (-2.0, 12.0))
    """
    (x_lo, x_hi), (y_lo, y_hi) = (tuple(map(float, r)) for r in bounds)
    X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    if len(X) == 0:
        return (x_lo, x_hi), (y_lo, y_hi)
    lo, hi = X.min(axis=0), X.max(axis=0)
    if lo[0] >= x_lo and hi[0] <= x_hi and lo[1] >= y_lo and hi[1] <= y_hi:
        return (x_lo, x_hi), (y_lo, y_hi)
    corners = np.array([[x_lo, y_lo], [x_hi, y_hi]])
    return plot_bounds(np.vstack([X, corners]), pad=0.0)
