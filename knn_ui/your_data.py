"""The "Your own data" page's Streamlit side: uploads, session state, caches, figures.

Uploads
    :func:`receive_file` turns the bytes of an uploaded file into session state, and
    :func:`choose_columns` reloads the current file with other columns. Both go through
    :mod:`knn_core.csv_io` and change the data in use only when the *whole* file loads: a bad
    file (or a bad choice of columns) leaves the previous good data in place and records a
    :class:`Problem` whose message the page shows as plain text. They take any mutable mapping
    as ``state`` (``st.session_state`` on the page, a dict in tests).
Caches
    Models, neighbour grids, leave-one-out votes and summaries of the uploaded data, keyed on
    :attr:`OwnData.key` (a SHA-256 of the file's bytes plus the chosen columns) and the model
    settings; the arrays themselves are passed unhashed.
Figures
    :func:`own_figure`, the Playground picture with the file's column names on the axes. No
    maths: every number drawn comes from ``knn_core``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from knn_core.csv_io import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CLASSES,
    DEFAULT_MAX_ROWS,
    CSVError,
    CSVTable,
    LoadedData,
    inspect_csv,
    load_csv,
    to_csv,
)
from knn_core.datasets import make_dataset
from knn_core.evaluation import confusion_matrix
from knn_core.leave_one_out import leave_one_out, predict_training
from knn_core.lessons.data_summary import summarize
from knn_core.models import KNNClassifier
from knn_ui import cache, figures, params

#: Largest upload in bytes (``server.maxUploadSize = 5`` MB in ``.streamlit/config.toml``).
MAX_BYTES = DEFAULT_MAX_BYTES
#: Largest number of data rows.
MAX_ROWS = DEFAULT_MAX_ROWS
#: Largest number of classes.
MAX_CLASSES = DEFAULT_MAX_CLASSES
#: File types the uploader takes: CSV, and the tab- or space-separated text tables that
#: spreadsheets also export (the loader detects the delimiter).
FILE_TYPES = ("csv", "tsv", "txt")
#: Largest k on the own-data page: the hover table grows with k (100 x 100 cells x k).
K_LIMIT = 100
#: Your own data: k up to :data:`K_LIMIT`.
PAGE = params.Page(
    "your_data",
    bounds={"k": (1, K_LIMIT)},
    uses=("k", "metric", "p", "weights", "regions", "qx", "qy"),
)

#: The sample file shipped with the app, to show the expected format.
SAMPLE_PATH = Path(__file__).resolve().parents[1] / "sample_data" / "moons.csv"
SAMPLE_NAME = "knn_sample_moons.csv"

# Session-state keys.
SOURCE = "own_source"  # Source: the file whose columns are being chosen
DATA = "own_data"  # OwnData: the good data in use
PROBLEM = "own_problem"  # Problem or None: the last file or column choice that was rejected
SEEN = "own_seen"  # file_id of the last upload handled
UPLOAD_VERSION = "own_upload_version"  # bumped to empty the uploader
COLUMN_KEYS = ("own_x1", "own_x2", "own_label")
QUERY_KEYS = ("qx", "qy")


# --------------------------------------------------------------------------------------------
# Upload -> session state
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Source:
    """A file that passed :func:`knn_core.csv_io.inspect_csv`: its columns can be chosen."""

    name: str
    digest: str
    data: bytes
    table: CSVTable


@dataclass(frozen=True, eq=False)
class OwnData:
    """The data in use: a file loaded completely with two feature columns and a label."""

    name: str
    digest: str
    loaded: LoadedData

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Cache key: the file's SHA-256 and the chosen columns."""
        x1, x2 = self.loaded.feature_names
        return (self.digest, x1, x2, self.loaded.label_name)

    @property
    def X(self) -> np.ndarray:  # noqa: N802 (the usual name of a data matrix)
        """The points, shape ``(n_samples, 2)``."""
        return self.loaded.X

    @property
    def y(self) -> np.ndarray:
        """The labels, shape ``(n_samples,)``."""
        return self.loaded.y


@dataclass(frozen=True)
class Problem:
    """Why the last file or column choice was not loaded.

    Attributes
    ----------
    name : str
        The file's name.
    message : str
        The loader's message (plain text: it may quote the file, so never render it as
        Markdown).
    origin : str
        ``"file"``: the file cannot be read at all (its columns are not offered);
        ``"file_columns"``: a new file was read but does not load with the suggested columns
        (other columns can be chosen); ``"columns"``: a choice of columns does not load.
    kept_previous : bool
        Whether earlier good data is still in use.
    """

    name: str
    message: str
    origin: str
    kept_previous: bool


def fingerprint(data: bytes) -> str:
    r"""Return the SHA-256 of ``data`` in hex: the cache key of an uploaded file.

    Examples
    --------
    >>> fingerprint(b"x1,x2,label\n")[:12]
    'dd751e1189e0'
    """
    return hashlib.sha256(data).hexdigest()


def default_columns(table: CSVTable) -> tuple[str, str, str]:
    r"""Return the columns to preselect: the loader's suggestions, completed to two features.

    Examples
    --------
    >>> default_columns(inspect_csv("id,height,weight,species\n1,2,3,cat\n2,3,4,dog\n"))
    ('height', 'weight', 'species')
    """
    label = table.suggested_label
    features = [c for c in table.suggested_features if c != label]
    features += [c for c in table.columns if c != label and c not in features]
    features += [c for c in table.columns if c not in features]  # fewer than 3 columns
    return features[0], features[1 % len(features)], label


def _reject(state: MutableMapping, name: str, message: str, origin: str) -> None:
    state[PROBLEM] = Problem(name, message, origin, kept_previous=state.get(DATA) is not None)


def receive_file(state: MutableMapping, name: str, data: bytes) -> bool:
    """Read an uploaded file into ``state``; return whether its data is now in use.

    The file is inspected (:func:`~knn_core.csv_io.inspect_csv`, at most :data:`MAX_BYTES`
    and :data:`MAX_ROWS`). A file that cannot be read at all, or has fewer than 3 columns, is
    rejected and the previous data and column choices stay. A readable file becomes the file
    whose columns are chosen (its suggested columns are preselected) and is loaded with them;
    if that fails, the problem is recorded and the previous data stays in use until a choice
    of columns loads.

    Parameters
    ----------
    state : mutable mapping
        ``st.session_state``, or a dict in tests.
    name : str
        The file's name, for messages.
    data : bytes
        The file's content.

    Returns
    -------
    bool
        True when the file's data replaced the data in use.
    """
    try:
        table = inspect_csv(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except CSVError as err:
        _reject(state, name, str(err), "file")
        return False
    if len(table.columns) < 3:  # no columns to choose from: the loader says what is missing
        try:
            load_csv(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_classes=MAX_CLASSES)
        except CSVError as err:
            _reject(state, name, str(err), "file")
            return False
    state[SOURCE] = Source(
        name=name, digest=fingerprint(bytes(data)), data=bytes(data), table=table
    )
    columns = default_columns(table)
    for key, column in zip(COLUMN_KEYS, columns, strict=True):
        state[key] = column
    return choose_columns(state, columns[:2], columns[2], origin="file_columns")


def choose_columns(
    state: MutableMapping, features: Sequence[str], label: str, *, origin: str = "columns"
) -> bool:
    """Load the current file with the chosen columns; return whether it is now in use.

    On success the data in use is replaced (and the query point forgotten when the data
    changed, so that the page re-centres it); on failure the problem is recorded and the
    previous data stays.

    Parameters
    ----------
    state : mutable mapping
        ``st.session_state``, or a dict in tests.
    features : pair of str
        The two feature columns.
    label : str
        The label column.
    origin : str, default="columns"
        Recorded in the :class:`Problem` when loading fails.

    Returns
    -------
    bool
    """
    source = state.get(SOURCE)
    if source is None:
        return False
    try:
        loaded = load_csv(
            source.data,
            feature_columns=list(features),
            label_column=label,
            max_bytes=MAX_BYTES,
            max_rows=MAX_ROWS,
            max_classes=MAX_CLASSES,
        )
    except CSVError as err:
        _reject(state, source.name, str(err), origin)
        return False
    new = OwnData(name=source.name, digest=source.digest, loaded=loaded)
    old = state.get(DATA)
    if old is None or old.key != new.key:
        for key in QUERY_KEYS:
            state.pop(key, None)
    state[DATA] = new
    state[PROBLEM] = None
    return True


def handle_upload(state: MutableMapping, uploaded) -> None:
    """Process the file uploader's value once per upload (by its ``file_id``).

    An emptied uploader forgets a rejected file's message (the data in use stays).

    Parameters
    ----------
    state : mutable mapping
        ``st.session_state``, or a dict in tests.
    uploaded : streamlit UploadedFile or None
        The value of ``st.file_uploader``.
    """
    if uploaded is None:
        state[SEEN] = None
        problem = state.get(PROBLEM)
        if problem is not None and problem.origin == "file":
            state[PROBLEM] = None
        return
    if state.get(SEEN) == uploaded.file_id:
        return
    state[SEEN] = uploaded.file_id
    receive_file(state, uploaded.name, uploaded.getvalue())


def sync_column_widgets(state: MutableMapping) -> None:
    """Give the column selectboxes their values when they have none (e.g. back on the page).

    They show the columns of the data in use when it came from the current file, otherwise
    the current file's suggestions.
    """
    source, data = state.get(SOURCE), state.get(DATA)
    if source is None:
        return
    if data is not None and data.digest == source.digest:
        columns = (*data.loaded.feature_names, data.loaded.label_name)
    else:
        columns = default_columns(source.table)
    for key, column in zip(COLUMN_KEYS, columns, strict=True):
        if state.get(key) not in source.table.columns:
            state[key] = column


def columns_changed() -> None:
    """``on_change`` callback of the column selectboxes: load the chosen columns."""
    x1, x2, label = (st.session_state[key] for key in COLUMN_KEYS)
    choose_columns(st.session_state, (x1, x2), label)


def use_sample() -> None:
    """``on_click`` callback: load the shipped sample file and empty the uploader."""
    state = st.session_state
    receive_file(state, SAMPLE_NAME, SAMPLE_PATH.read_bytes())
    state[UPLOAD_VERSION] = int(state.get(UPLOAD_VERSION, 0)) + 1
    state[SEEN] = None


def sample_bytes() -> bytes:
    """Return the shipped sample file."""
    return SAMPLE_PATH.read_bytes()


def build_sample_csv() -> str:
    """Return the text of the shipped sample file (``sample_data/moons.csv``).

    120 points of the "moons" data set (seed 0), rounded to 3 decimals, labelled with words
    ("top" and "bottom", not colour names: the app colours classes in sorted order), written by
    :func:`knn_core.csv_io.to_csv`. A test checks the shipped file equals this.
    """
    X, y = make_dataset("moons", 120, 0.25, seed=0)
    labels = np.array(["top", "bottom"])[y]
    return to_csv(np.round(X, 3), labels, feature_names=("x1", "x2"), label_name="label")


def download_name(name: str) -> str:
    """Return a safe file name for the download: ``<stem>_with_predictions.csv``.

    Examples
    --------
    >>> download_name("My data (v2).csv")
    'My_data_v2_with_predictions.csv'
    """
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(name).stem).strip("_")[:60] or "data"
    return f"{stem}_with_predictions.csv"


def prediction_column_name(data: OwnData) -> str:
    """Return ``"prediction"``, or a variant when the file already uses that column name."""
    taken = {*data.loaded.feature_names, data.loaded.label_name}
    name = "prediction"
    while name in taken:
        name = "knn_" + name
    return name


# --------------------------------------------------------------------------------------------
# Caches (keyed on OwnData.key; the arrays are passed unhashed)
# --------------------------------------------------------------------------------------------


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def model(key: tuple, k: int, metric: str, p: float, weights: str, _data: OwnData):
    """Return a classifier fitted on the data in use."""
    return KNNClassifier(k, metric=metric, p=p, weights=weights).fit(_data.X, _data.y)


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Finding the neighbours of every spot...")
def grid(key, metric, p, weights, resolution, k_max, bounds, _data: OwnData):
    """Return the neighbour grid over ``bounds``, searched once at ``k_max``."""
    return cache.search_grid(_data.X, _data.y, bounds, metric, p, weights, resolution, k_max)


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def decision_regions(key, k, metric, p, weights, k_max, bounds, _data: OwnData):
    """Return the :class:`knn_ui.figures.Regions` of ``k`` on :func:`grid`, built once per view."""
    grid_ = grid(key, metric, p, weights, cache.REGION_RESOLUTION, k_max, bounds, _data)
    return figures.Regions.of(grid_, k)


@st.cache_resource(
    max_entries=16, ttl=3600, show_spinner="Predicting every point from the others..."
)
def point_predictions(key: tuple, k: int, metric: str, p: float, weights: str, _data: OwnData):
    """Return the leave-one-out vote on every point; plain predictions when ``k >= n``."""
    fitted = model(key, k, metric, p, weights, _data)
    if k >= len(_data.X):
        return predict_training(fitted)
    return leave_one_out(fitted)


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def confusion(key: tuple, k: int, metric: str, p: float, weights: str, _data: OwnData):
    """Return the :class:`knn_core.evaluation.ConfusionMatrix` of :func:`point_predictions`."""
    result = point_predictions(key, k, metric, p, weights, _data)
    classes = model(key, k, metric, p, weights, _data).classes_
    return confusion_matrix(_data.y, result.prediction, classes=classes)


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def summary(key: tuple, _data: OwnData):
    """Return :func:`knn_core.lessons.data_summary.summarize` of the data in use."""
    return summarize(_data.X, _data.y)


def predictions_csv(data: OwnData, predictions) -> str:
    """Return the data in use with an extra prediction column, as CSV text."""
    return to_csv(
        data.X,
        data.y,
        feature_names=data.loaded.feature_names,
        label_name=data.loaded.label_name,
        extra_columns={prediction_column_name(data): predictions},
    )


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def own_figure(
    X,
    codes,
    names: Sequence[str],
    feature_names: Sequence[str],
    *,
    x_range,
    y_range,
    neighbourhood: figures.Neighbourhood | None = None,
    regions: figures.Regions | None = None,
) -> go.Figure:
    """Return the Playground picture of the uploaded data, its column names on the axes."""
    fig = figures.playground_figure(
        X,
        codes,
        names,
        x_range=x_range,
        y_range=y_range,
        neighbourhood=neighbourhood,
        regions=regions,
    )
    # Axis titles as {"text": ...}: plotly.js 3+ ignores a bare string title.
    layout = fig.to_dict()["layout"]
    for axis, name in (("xaxis", feature_names[0]), ("yaxis", feature_names[1])):
        fig.update_layout(
            {axis: {**layout[axis], "title": {"text": figures.plain(name)}}}, overwrite=True
        )
    return fig
