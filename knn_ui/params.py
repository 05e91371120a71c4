"""The app's parameters, declared once: widgets, links, checks and notices all come from here.

In the spirit of TensorFlow Playground's ``state.ts`` and scikit-learn's
``_parameter_constraints``: :data:`TABLE` lists every parameter with its URL key, label, help,
type, default and allowed values. From that one table

* :func:`draw` draws the parameter's widget (its key is the URL key);
* :func:`read_link` reads a share link's values on a session's first run, checking each one;
* :func:`sync_url` writes the URL after every run: the parameters the page used, in their
  canonical spelling, when they differ from the page's default;
* :func:`link_findings` says which link values the page could not use, and why, for the
  notice of :mod:`knn_ui.links`.

Shared values
    A value the user (or a link) set is kept in one store in session state, so the data set,
    k, the metric, the weights and the query keep their values from page to page, in any
    direction. A page that never saw a value shows its own default (:class:`Page`).
Rules
    ``k <= n`` and other limits depend on what a page shows: the page passes them to
    :func:`draw` (``high=`` with a ``reason``). A value a page cannot use is adjusted for that
    page with the same visible note everywhere (:func:`note`), and the stored value stays for
    the pages that can use it. A link value a page cannot use is ignored and reported.

Widgets are not bound to the URL by Streamlit (no ``bind=``): this module reads and writes it,
so a link is checked against the table, never against Streamlit's widget internals.

Examples
--------
A page declares its own defaults, then draws what it uses::

    PAGE = params.Page("choosing_k", defaults={"data": "moons", "n": 200, "noise": 0.7})
    k = params.draw("k", st.sidebar, PAGE, high=n_train, reason=f"the training part has ...")
    values = params.frozen(PAGE)  # one read-only object: values.k, values.data, ...
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import streamlit as st

from knn_core.datasets import DATASETS
from knn_core.lessons.experiment import TUTORIAL
from knn_core.metrics import METRICS

_STORE = "_params"  # session state: {key: value} set by the user, a link or a button
_RUN = "_params_run"  # session state: what the current run drew and adjusted
_LINK = "_params_link"  # session state: {key: LinkValue} read from the link, not yet drawn


@dataclass(frozen=True)
class Param:
    """One parameter of the app.

    Attributes
    ----------
    key : str
        URL key, widget key and session-state key. Part of every link ever shared: never rename.
    label, help : str
        The widget's label and tooltip.
    kind : {"int", "float", "choice", "bool"}
        The value's type.
    default : object
        The value a page shows when it declares no other default and none was set.
    widget : {"slider", "select_slider", "number", "selectbox", "radio", "segmented", "toggle"}
        How it is drawn.
    low, high, step : number, optional
        Allowed range (inclusive) and step of a number.
    options : tuple
        Allowed values of a choice (engine names) or of a select slider.
    labels : mapping, optional
        The text of each option; for a choice it is also what a link holds (``data=Moons``).
    fmt : str, optional
        Number format of the widget.
    """

    key: str
    label: str
    kind: str
    default: Any
    widget: str
    help: str | None = None
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()
    labels: Mapping[Any, str] | None = None
    fmt: str | None = None

    # -- links ----------------------------------------------------------------------------
    def parse(self, raw: list[str]) -> tuple[Any, str]:
        """Read link values; return ``(value, how)``.

        ``how`` is ``""`` (used as given, maybe in another spelling), ``"changed"`` (a number
        input keeps the whole part: ``seed=2.5`` is 2), ``"repeated"`` (a number input uses
        the last of several values) or ``"invalid"`` (``value`` is None).
        """
        if len(raw) != 1 and self.widget != "number":
            return None, "invalid"
        text = raw[-1].strip()
        value, how = self._parse_one(text)
        if value is None or not self.allows(value):
            return None, "invalid"
        if len(raw) > 1:
            how = "repeated"
        return value, how

    @property
    def _by_label(self) -> bool:
        # A choice, or a select slider with option labels: the URL holds the option's label.
        return self.kind == "choice" or (self.labels is not None and bool(self.options))

    def _parse_one(self, text: str) -> tuple[Any, str]:
        if self._by_label:  # the label in any case, or the option's own name (a typed link)
            folded = text.casefold()
            for option in self.options:
                if folded in (self.text(option).casefold(), str(option).casefold()):
                    return option, ""
            return None, "invalid"
        if self.kind == "int":
            if re.fullmatch(r"[+-]?\d{1,18}", text):
                return int(text), ""
            if self.widget == "number":
                number = _float(text)
                if number is not None:
                    return int(math.trunc(number)), "changed"
            return None, "invalid"
        if self.kind == "float":
            number = _float(text)
            return (number, "") if number is not None else (None, "invalid")
        folded = text.casefold()  # a bool
        return ({"true": True, "false": False}.get(folded), "")

    def allows(self, value) -> bool:
        """Whether ``value`` is one of this parameter's allowed values (the table's bounds)."""
        if self.options:
            return value in self.options
        if self.kind in ("int", "float"):
            if isinstance(value, float) and not math.isfinite(value):
                return False
            if self.low is not None and value < self.low:
                return False
            if self.high is not None and value > self.high:
                return False
        if self.kind == "int" and self.widget == "slider" and self.low is not None:
            return (value - self.low) % self.step == 0  # on the slider's step
        return True

    def text(self, value) -> str:
        """Return the canonical spelling of ``value`` in a URL (a choice's label, ``1.5``)."""
        if self._by_label:
            return self.labels[value] if self.labels else str(value)
        if self.kind == "bool":
            return "true" if value else "false"
        if self.kind == "float":
            return repr(float(value))
        return str(int(value))


def _float(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Page:
    """A page's declaration: its own defaults and narrower bounds for some parameters.

    Attributes
    ----------
    name : str
        The page (``"playground"``, ``"choosing_k"``, ...).
    defaults : mapping
        Defaults that differ from the table's.
    bounds : mapping
        ``key -> (low, high)``: the values this page can show, inside the table's range.
    uses : tuple of str
        Keys the page draws only once something else is ready (the uploaded file): a link's
        value for them waits until they are drawn instead of being reported at once. Pass
        the page to :func:`declare` before it may stop.
    """

    name: str
    defaults: Mapping[str, Any] = field(default_factory=dict)
    bounds: Mapping[str, tuple] = field(default_factory=dict)
    uses: tuple[str, ...] = ()

    def default(self, key: str):
        """Return this page's default of ``key``."""
        return self.defaults.get(key, TABLE[key].default)


DATASET_LABELS = {
    "blobs": "Blobs",
    "moons": "Moons",
    "circles": "Circles",
    "xor": "XOR",
    "spiral": "Spiral",
    "uniform": "Uniform",
}
WEIGHT_LABELS = {"uniform": "Uniform", "distance": "Distance"}
#: Largest rows per label and features of the tutorial's experiment page.
EXPERIMENT_ROWS = 200
EXPERIMENT_FEATURES = 100
#: The stretch factors of the Distances page.
STRETCHES = (1, 2, 5, 10, 20, 50, 100)
#: The Playground offers up to 100,000 points; other pages up to :data:`MAX_POINTS`.
MAX_POINTS = 1000
LARGE_MAX_POINTS = 100_000
#: Choices of the number of points: steps of 10 up to 1,000, then a few large sizes.
POINT_OPTIONS = (*range(10, MAX_POINTS + 1, 10), 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
#: k never goes past this, however many points there are (the grids keep k neighbours a cell).
MAX_K = 1000
#: The tutorial code Step by step walks through (a link holds the label: ``tutorial=KNN+class``).
TUTORIAL_LABELS = {"function": "knn() function", "class": "KNN class"}
#: Searching fast draws the splits of this many tree levels unless the student chose more.
DEFAULT_DRAWN_DEPTH = 6
#: The deepest tree level Searching fast can draw (a tree over 100,000 points is about 14 deep).
MAX_DRAWN_DEPTH = 64

_TABLE_ROWS = (
    Param(
        "data", "Data set", "choice", "blobs", "selectbox",
        help="The tutorial's two blobs come first; the others show shapes KNN handles well "
        "(moons, spiral) and one with no structure at all (uniform).",
        options=tuple(DATASETS), labels=DATASET_LABELS,
    ),
    Param("n", "Number of points", "int", 50, "select_slider", options=POINT_OPTIONS),
    Param("noise", "Noise", "float", 0.3, "slider", low=0.0, high=1.0, step=0.05),
    Param("classes", "Classes", "int", 2, "slider", low=2, high=5, step=1),
    Param(
        "seed", "Seed", "int", 0, "number", low=0, high=1_000_000, step=1,
        help="The same seed always draws the same points, so a shared link shows the same data.",
    ),
    Param(
        "k", "k (number of neighbours)", "int", 3, "slider", low=1, high=MAX_K, step=1,
        help="How many of the closest training points vote. Small k follows every point; "
        "large k smooths the regions. With two classes an odd k can never tie.",
    ),
    Param(
        "metric", "Distance", "choice", "euclidean", "selectbox",
        help="How distance is measured. The neighbourhood drawn around the query has the "
        "metric's own shape: "
        + "; ".join(f"{m.label}: {m.formula}, a {m.shape}" for m in METRICS.values())
        + ".",
        options=tuple(METRICS), labels={m.name: m.label for m in METRICS.values()},
    ),
    Param("p", "Minkowski p", "float", 3.0, "slider", low=1.0, high=10.0, step=0.5),
    Param(
        "weights", "Votes", "choice", "uniform", "radio",
        help="Uniform: one vote per neighbour. Distance: each vote weighs 1 / distance, so "
        "closer neighbours count more.",
        options=tuple(WEIGHT_LABELS), labels=WEIGHT_LABELS,
    ),
    Param("qx", "Query x₁", "float", None, "number", step=0.1, fmt="%.2f"),
    Param("qy", "Query x₂", "float", None, "number", step=0.1, fmt="%.2f"),
    Param(
        "regions", "Decision regions", "bool", True, "toggle",
        help="Shade the plane by the class KNN would predict there; the stronger the colour, "
        "the more unanimous the vote.",
    ),
    # -- Step by step, Choosing k, Quiz ----------------------------------------------------
    Param(
        "step", "Step", "int", 1, "slider", low=1, high=20, step=1,
        help="Walk through the algorithm one stage at a time (keyboard: ← and →).",
    ),
    Param(
        "tutorial", "Walk through tutorial 1's function or tutorial 2's class", "choice",
        "function", "segmented", options=tuple(TUTORIAL_LABELS), labels=TUTORIAL_LABELS,
        help="The same stages, in tutorial 1's knn() function or in tutorial 2's KNN class "
        "(get_distance, get_neighbors, predict).",
    ),
    Param(
        "tp", "Held-out point", "int", 1, "slider", low=1, high=MAX_POINTS, step=1,
        help="Which held-out point is being classified; the ones before it are done.",
    ),
    Param(
        "test_ratio", "Test part", "float", 0.3, "slider", low=0.1, high=0.5, step=0.05,
        fmt="%.2f",
        help="The fraction of the points hidden from the model and used only to measure it.",
    ),
    Param(
        "split_seed", "Split seed", "int", 0, "number", low=0, high=1_000_000, step=1,
        help="Which points are hidden: another seed hides other points (same data).",
    ),
    Param(
        "question", "Question number", "int", 1, "number", low=1, high=100_000, step=1,
        help="Every number is a different question on the same data. Share the link and "
        "everyone gets the same question.",
    ),
    # -- The tutorial's experiment (defaults: exactly the tutorial's) ------------------------
    Param(
        "e_mu0", "mu, label 0", "float", TUTORIAL["mu0"], "number", low=-20.0, high=20.0,
        step=0.5, help="Mean of every feature of the label-0 rows (the tutorial: 1).",
    ),
    Param(
        "e_n0", "rows, label 0", "int", TUTORIAL["n0"], "number", low=1, high=EXPERIMENT_ROWS,
        step=1, help="How many label-0 rows gen_data draws (the tutorial: 30).",
    ),
    Param(
        "e_mu1", "mu, label 1", "float", TUTORIAL["mu1"], "number", low=-20.0, high=20.0,
        step=0.5, help="Mean of every feature of the label-1 rows (the tutorial: 5).",
    ),
    Param(
        "e_n1", "rows, label 1", "int", TUTORIAL["n1"], "number", low=1, high=EXPERIMENT_ROWS,
        step=1, help="How many label-1 rows gen_data draws (the tutorial: 20).",
    ),
    Param(
        "e_sigma", "sigma (spread of every feature)", "float", TUTORIAL["sigma"], "slider",
        low=0.0, high=10.0, step=0.5,
        help="Standard deviation of every feature in both groups (the tutorial: 3).",
    ),
    Param(
        "e_d", "Number of features", "int", TUTORIAL["n_features"], "slider", low=2,
        high=EXPERIMENT_FEATURES, step=1,
        help="Columns of every row (the tutorial: 10). The new rows get the same number.",
    ),
    Param(
        "e_k", "num_neighbors (k)", "int", TUTORIAL["k"], "select_slider",
        options=tuple(range(1, 2 * EXPERIMENT_ROWS + 1)),
        help="KNN(num_neighbors=...): how many neighbours' labels are averaged (the tutorial: 5).",
    ),
    Param(
        "e_seed", "Seed", "int", 0, "number", low=0, high=1_000_000, step=1,
        help="The tutorial draws fresh random numbers each run; here a seed makes them "
        "repeatable, so a shared link shows the same data.",
    ),
    # -- Searching fast ---------------------------------------------------------------------
    Param(
        "sstep", "Step of the search", "int", 1, "slider", low=1, step=1,
        help="Walk through the search one step at a time (keyboard: ← and →).",
    ),
    Param(
        "zoom", "Zoom in on the search", "bool", True, "toggle",
        help="Show the part of the plot the search worked in: the query, every point it "
        "measured and the reach of the k-th neighbour. Off: the whole data set.",
    ),
    Param(
        "depth", "Levels of splits drawn", "int", DEFAULT_DRAWN_DEPTH, "slider", low=0,
        high=MAX_DRAWN_DEPTH, step=1,
        help="The plot draws the splits of the tree's top levels; labels name the axis and "
        "value of the top ones.",
    ),
    Param(
        "budget", "Budget: leaves to visit", "int", 1, "slider", low=1, step=1,
        help="Stop the search after this many leaves and keep the best k found so far.",
    ),
    # -- Distances and scaling ------------------------------------------------------------
    Param(
        "d_k", "k (number of neighbours)", "int", 5, "slider", low=1, high=MAX_K, step=1,
        help="How many nearest points each metric picks.",
    ),
    Param(
        "d_stretch", "Stretch x₁ by", "int", 1, "select_slider", options=STRETCHES,
        labels={f: f"{f}x" for f in STRETCHES},
        help="Multiply every x₁ by this factor, as if x₁ were measured in smaller units "
        "(metres -> centimetres is 100×). The points do not move; only the numbers change.",
    ),
    Param(
        "d_std", "Standardise (z-score) first", "bool", False, "toggle",
        help="Before measuring distances, rescale each feature to mean 0 and standard "
        "deviation 1: (value - mean) / standard deviation.",
    ),
    # -- Regression ---------------------------------------------------------------------------
    Param(
        "r_n", "Number of points", "int", 40, "slider", low=5, high=300, step=5
    ),
    Param(
        "r_noise", "Noise", "float", 0.3, "slider", low=0.0, high=1.0, step=0.05,
        help="Standard deviation of the random noise added to sin(x).",
    ),
    Param(
        "r_seed", "Seed", "int", 0, "number", low=0, high=1_000_000, step=1,
        help="The same seed always draws the same points, so a shared link shows the same data.",
    ),
    Param(
        "r_k", "k (number of neighbours)", "int", 5, "slider", low=1, high=MAX_K, step=1,
        help="How many of the nearest points are averaged. k = 1 copies the nearest point; "
        "a large k averages over far-away points too.",
    ),
    Param(
        "r_x", "Query x", "float", 2.0, "number", low=-0.3, high=6.6, step=0.1, fmt="%.2f",
        help="Type a value, or click on either plot.",
    ),
    Param(
        "present", "Presenter mode", "bool", False, "toggle",
        help="Large text and markers, readable from the back of a room; the sidebar is tucked "
        "away (» brings it back). J and K step k down and up.",
    ),
)  # fmt: skip

#: Every parameter of the app, by URL key.
TABLE: Mapping[str, Param] = MappingProxyType({p.key: p for p in _TABLE_ROWS})


# --------------------------------------------------------------------------------------------
# The store of values set by the user, a link or a button
# --------------------------------------------------------------------------------------------
def _store() -> dict:
    return st.session_state.setdefault(_STORE, {})


_UNSET = object()


def _new_run(before: dict, before_defaults: dict) -> dict:
    return {
        "drawn": {},
        "adjusted": {},
        "notes": [],
        "defaults": {},
        "before": before,
        "before_defaults": before_defaults,
        "waits": set(),
        "values": {},
    }


def declare(page: Page) -> None:
    """Say which keys ``page`` will draw later (``Page.uses``): call it before the page may stop."""
    _run()["waits"].update(page.uses)


def _run() -> dict:
    return st.session_state.setdefault(_RUN, _new_run({}, {}))


def start_run() -> None:
    """Start a run's record (call before the page runs); keep last run's adjusted values."""
    last = _run()
    st.session_state[_RUN] = _new_run(last["adjusted"], last["defaults"])


def get(key: str, page: Page | None = None):
    """Return the value of ``key``: set by someone, else the page's (or the table's) default."""
    value = _store().get(key)
    if value is None:
        return page.default(key) if page else TABLE[key].default
    return value


def set_value(key: str, value) -> None:
    """Set ``key`` for every page (a button or a click). Call from a callback, before drawing."""
    _store()[key] = value
    st.session_state[key] = value


def bump(key: str, by: int = 1) -> None:
    """``on_click`` callback: add ``by`` to a number (a new sample, the next step or question).

    The value stays within the table's range of ``key`` (Previous on the first step stays there).
    """
    value = int(st.session_state.get(key, get(key))) + by
    param = TABLE[key]
    set_value(key, int(_clip(value, param.low, param.high, None)))


def last_step(key: str, n_steps: int) -> None:
    """Lower the step ``key`` to ``n_steps`` without a note: a shorter walk shows its last step.

    Call before drawing ``key``; a step is where the student is in a walk, not a setting to
    report (a link's step beyond the walk is still reported, by :func:`draw`).
    """
    now = st.session_state.get(key)
    if isinstance(now, int) and now > n_steps:
        st.session_state[key] = n_steps


def forget(*keys: str) -> None:
    """Forget ``keys`` everywhere: pages show their defaults again (a new data set, say)."""
    pending = st.session_state.get(_LINK) or {}
    for key in keys:
        _store().pop(key, None)
        st.session_state.pop(key, None)
        pending.pop(key, None)


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkValue:
    """One table key of a link: what it said and what the table made of it."""

    raw: tuple[str, ...]
    value: Any
    how: str
    outcome: str = ""  # "used" or "refused" once a page drew the key
    why: str = ""  # why the page refused it, for the notice


def read_link(raw: list[tuple[str, list[str]]]) -> None:
    """Read a link's table keys on a session's first run; the pages then draw its values.

    A value is only *offered*: the page that draws the key checks it against its own rules
    (``k <= n``, the query near the data) and either uses it or reports it.
    """
    pending = {}
    for key, values in raw:
        if key in TABLE:
            value, how = TABLE[key].parse(values)
            pending[key] = LinkValue(tuple(values), value, how)
    st.session_state[_LINK] = pending


def _offer(key: str, page: Page, low, high, allowed, why: str) -> None:
    """Take the link's value of ``key`` if this page can use it, else keep it for the notice."""
    pending = st.session_state.get(_LINK) or {}
    offer = pending.get(key)
    if offer is None or offer.value is None or offer.outcome:
        return  # offered once: later runs keep what the user does
    if _fits(offer.value, low, high, allowed):
        _store()[key] = offer.value
        st.session_state[key] = offer.value
        pending[key] = dataclasses.replace(offer, outcome="used")
    else:
        pending[key] = dataclasses.replace(offer, outcome="refused", why=why)


def _fits(value, low, high, allowed) -> bool:
    if allowed is not None and value not in allowed:
        return False
    if low is not None and value < low:
        return False
    return not (high is not None and value > high)


# --------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------
def note(text: str, container=None) -> None:
    """Show why a value was adjusted for this page: the same visible note on every page.

    By default in the sidebar; in a rerun of an ``st.fragment`` alone (which may not write
    outside itself), where the fragment draws.
    """
    from knn_ui.links import whole_page_running  # links imports this module

    if container is None:
        container = st.sidebar if whole_page_running() else st
    container.info(text, icon=":material/info:")
    _run()["notes"].append(text)


def draw(
    key: str,
    container,
    page: Page,
    *,
    low=None,
    high=None,
    reason: str | None = None,
    default=None,
    on_change: Callable | None = None,
    label: str | None = None,
    help: str | None = None,
    **widget_kwargs,
):
    """Draw the widget of ``key`` in ``container`` and return its value.

    Parameters
    ----------
    key : str
        A key of :data:`TABLE`.
    container : streamlit container
        Where to draw it (``st.sidebar``, a column, ...).
    page : Page
        The page's declaration (its defaults and bounds).
    low, high : number, optional
        Limits that depend on what the page shows (``high=n`` for k). A value outside them
        is adjusted to the nearest limit with a visible note saying ``reason``.
    reason : str, optional
        Why ``high`` (or ``low``) is the limit, e.g. ``"there are only 50 points"``.
    default : object, optional
        A default computed by the page (the query's default is the centre of the data).
    on_change, label, help, **widget_kwargs
        Passed to the widget; ``label`` and ``help`` default to the table's.
    """
    param = TABLE[key]
    page_low, page_high = page.bounds.get(key, (None, None))
    low = _tighter(max, param.low, page_low, low)
    high = _tighter(min, param.high, page_high, high)
    allowed = param.options or None
    if allowed is not None and param.kind != "choice":
        allowed = tuple(v for v in allowed if _fits(v, low, high, None))
    default = _clip(page.default(key) if default is None else default, low, high, allowed)

    if reason is None and param.kind != "choice" and (low, high, allowed) != (None, None, None):
        reason = f"this page offers {_range_text(param, low, high, allowed)}"
    _offer(key, page, low, high, allowed, reason or "")
    stored = _store().get(key)
    current = st.session_state.get(key)
    run = _run()
    if (
        current is None
        or current == run["before"].get(key, _UNSET)
        or (stored is None and current == run["before_defaults"].get(key, _UNSET))
    ):
        # Not drawn last run, still the value a page adjusted it to, or still the last page's
        # default: the shared value if someone set one, else this page's default.
        current = default if stored is None else stored
    fixed = fit(key, current, low=low, high=high, allowed=allowed, reason=reason)
    if fixed != current:
        _run()["adjusted"][key] = fixed
        current = fixed
    st.session_state[key] = current
    _run()["drawn"].setdefault(key, set()).add("drawn")
    value = _widget(param, container, low, high, allowed, on_change, label, help, widget_kwargs)
    if _run()["adjusted"].get(key) != value and (stored is not None or value != default):
        _store()[key] = value
    _run()["defaults"][key] = default
    _run()["values"][key] = value
    return value


def fit(
    key: str,
    value,
    *,
    low=None,
    high=None,
    allowed=None,
    reason: str | None = None,
    container=None,
):
    """Return ``value`` within this page's limits, with the one visible note if it had to change.

    The one place a value is adjusted for a page (:func:`draw` calls it for every widget; the
    Playground calls it for k once hand edits removed points, Step by step for the k of its
    held-out walk): ``"k was lowered to 40: there are only 40 points."``. The note goes to the
    sidebar, or to ``container`` (a section that uses the value on its own).
    """
    param = TABLE[key]
    fixed = _clip(value, low, high, allowed)
    if fixed != value:
        if reason is None:
            reason = f"this page offers {_range_text(param, low, high, allowed)}"
        verb = "set"
        if param.kind in ("int", "float"):
            verb = "lowered" if fixed < value else "raised"
        name = param.label.split(" (")[0]
        note(f"{name} was {verb} to {param.text(fixed)}: {reason}.", container)
    return fixed


def _tighter(pick, *limits):
    limits = [v for v in limits if v is not None]
    return pick(limits) if limits else None


def _clip(value, low, high, allowed):
    if value is None:
        return None
    if allowed is not None:
        if value in allowed:
            return value
        numbers = [v for v in allowed if isinstance(v, int | float)]
        if numbers and isinstance(value, int | float):
            return min(numbers, key=lambda v: (abs(v - value), v))
        return allowed[0]
    if low is not None and value < low:
        return type(value)(low)
    if high is not None and value > high:
        return type(value)(high)
    return value


def _range_text(param: Param, low, high, allowed) -> str:
    if allowed is not None and param.kind != "choice":
        return f"{allowed[0]:,} to {allowed[-1]:,}"
    if low is None:
        return f"at most {high:,}"
    if high is None:
        return f"at least {low:,}"
    return f"{low:,} to {high:,}"


def _widget(param, container, low, high, allowed, on_change, label, help, extra):
    common = dict(
        key=param.key,
        on_change=on_change,
        help=param.help if help is None else help,
        **extra,
    )
    label = param.label if label is None else label
    if param.widget == "selectbox":
        options = list(allowed)
        return container.selectbox(
            label, options, format_func=lambda v: param.labels.get(v, v), **common
        )
    if param.widget == "radio":
        options = list(allowed)
        return container.radio(
            label, options, format_func=lambda v: param.labels.get(v, v), **common
        )
    if param.widget == "segmented":
        return container.segmented_control(
            label,
            list(allowed),
            format_func=lambda v: param.labels.get(v, v),
            required=True,
            **common,
        )
    if param.widget == "toggle":
        return bool(container.toggle(label, **common))
    if param.widget == "select_slider":
        labels = param.labels or {}
        return int(
            container.select_slider(
                label, list(allowed), format_func=lambda v: labels.get(v, str(v)), **common
            )
        )
    if param.widget == "slider":
        cast = int if param.kind == "int" else float
        return cast(
            container.slider(
                label, cast(low), cast(high), step=cast(param.step), format=param.fmt, **common
            )
        )
    cast = int if param.kind == "int" else float
    return cast(
        container.number_input(
            label,
            min_value=None if low is None else cast(low),
            max_value=None if high is None else cast(high),
            step=cast(param.step),
            format=param.fmt,
            **common,
        )
    )


class Values(Mapping):
    """One page's parameters as one read-only object, by URL key: ``values.k``, ``values.data``.

    What :func:`frozen` returns; every page's params object is one of these, so no page keeps
    its own dataclass of the table's values.

    Examples
    --------
    >>> values = Values({"k": 5, "data": "moons"})
    >>> values.k, values["data"], values.replace(k=3).k
    (5, 'moons', 3)
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]):
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, key: str):
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to {key}: parameters are read-only")

    def __getitem__(self, key: str):
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Values({self._values!r})"

    def replace(self, **changes) -> Values:
        """Return a copy with ``changes`` (a value the page adjusted, such as k)."""
        return Values({**self._values, **changes})

    @property
    def data_key(self) -> tuple:
        """``(data, n, noise, seed, classes)``: the cache key of a generated data set."""
        return (self.data, self.n, self.noise, self.seed, self.classes)


def frozen(page: Page, *keys: str) -> Values:
    """Return what ``page`` drew this run as one :class:`Values`.

    ``keys`` are keys the page draws only sometimes (``classes`` for a data set with classes,
    ``p`` for Minkowski): when not drawn this run they hold the page's default, so the object
    always has them.
    """
    drawn = _run()["values"]
    return Values({**drawn, **{key: drawn.get(key, page.default(key)) for key in keys}})


# --------------------------------------------------------------------------------------------
# After the page ran: the URL and the notice
# --------------------------------------------------------------------------------------------
def url_values() -> dict[str, str | None]:
    """Return the URL value of every table key after this run (None: not in the URL).

    A parameter is in the URL when the page drew it and its value is not the page's default.
    """
    run = _run()
    out: dict[str, str | None] = {}
    for key, param in TABLE.items():
        if "drawn" not in run["drawn"].get(key, ()):
            out[key] = None
            continue
        value = st.session_state.get(key)
        default = run["defaults"].get(key)
        out[key] = None if value is None or value == default else param.text(value)
    return out


@dataclass(frozen=True)
class Finding:
    """One link key the page did not use as given (see :func:`link_findings`)."""

    key: str
    raw: tuple[str, ...]
    kind: str  # "unknown", "ignored", "changed" or "repeated"
    used: str = ""
    reason: str = ""


def link_findings() -> list[Finding]:
    """Compare the link's table keys with what the page drew, and forget those keys.

    A key the page declared it will draw later (:func:`declare`) waits for a later run.
    """
    pending = st.session_state.get(_LINK) or {}
    run = _run()
    # The page's later keys wait while it drew none of them (it stopped, waiting for data).
    waits = run["waits"]
    if any("drawn" in run["drawn"].get(key, ()) for key in waits):
        waits = set()
    findings = []
    for key in list(pending):
        marks = run["drawn"].get(key, set())
        if "drawn" not in marks and key in waits:
            continue
        offer = pending.pop(key)
        param = TABLE[key]
        if "drawn" not in marks:
            findings.append(Finding(key, offer.raw, "unknown"))
        elif offer.value is None or offer.outcome == "refused":
            findings.append(Finding(key, offer.raw, "ignored", reason=offer.why))
        elif offer.how in ("changed", "repeated"):
            findings.append(Finding(key, offer.raw, offer.how, param.text(offer.value)))
        elif st.session_state.get(key) != offer.value:
            now = param.text(st.session_state.get(key))
            findings.append(Finding(key, offer.raw, "changed", now, "; ".join(run["notes"])))
    return findings


def link_waiting() -> bool:
    """Whether some link values still wait for the page to draw them."""
    return bool(st.session_state.get(_LINK))


def drop_link() -> None:
    """Forget link values that still wait (the user went to another page)."""
    st.session_state.pop(_LINK, None)
