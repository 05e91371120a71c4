"""Share links that never fail: report the link values a page could not use, and tidy the URL.

Every control is a widget bound to the URL (``bind="query-params"``, see :mod:`knn_ui.state`).
What Streamlit 1.67 does with a link value, observed with a real server and Chromium (and read
in ``streamlit/runtime/state/session_state.py``), on the first run of a session:

* A value the widget cannot take (``k=abc``, ``k=0``, ``k=200`` above the slider's maximum,
  ``n=15`` off the slider's step, ``noise=2``, ``seed=-1``, ``qx=nan``, ``qx=inf``,
  ``qx=1e400``, an empty ``k=``, an unknown option ``metric=foo``, ``weights=xyz``, a repeated
  slider key ``k=3&k=5``) is dropped without a word: the widget shows its default and the key
  is removed from the URL. A value equal to the default (``k=3``) is removed the same way.
* A value the widget can take only after a change is changed: ``seed=2.5`` becomes ``seed=2``.
* A selectbox or radio is bound by its *label*: ``data=Moons`` works, ``data=moons`` is
  dropped.
* A number in another spelling is used and left as typed (``k=05``, ``qx=1.500``); a repeated
  number-input key (``seed=1&seed=2``) uses the last value and stays repeated in the URL.
* A key no widget on the page is bound to (``zz=1``) stays in the URL for good and ends up in
  every link copied from the page afterwards.
* Every removal or change is sent to the browser as its own message, and the browser applies
  each one with ``history.pushState``: ``?k=abc`` grew ``history.length`` by one, ``?k=abc&n=-5``
  by two, even ``?k=3`` by one. Back then returns to the bad link. (Values the *user* changes
  later are written with ``history.replaceState`` by the browser side and add no entry.)

What this module adds, in :func:`run` (app.py calls it instead of ``page.run()``):

* On the first run of a session, the URL updates Streamlit would send are held back while the
  page draws its widgets, so loading a link pushes no history entry.
* After the page ran, each key of the link is checked against the widget now bound to it: a
  value that was used, even in another spelling, is fine; a dropped, changed or repeated value
  and a key that no widget of this page uses are reported in a short notice at the top of the
  page. ``SELF_CHECKED`` keys (``edits``) and Streamlit's own ``embed`` keys are left alone.
* The URL is normalised in one step: used values in their canonical spelling (``k=5``,
  ``qx=1.5``, one value per key), unknown keys removed. The address bar is rewritten with
  ``history.replaceState`` by a fixed one-line script, so the link does not grow history.
* Link values are user-controlled: the notice shows them with ``st.text`` (no Markdown, no HTML),
  with control characters escaped and long values shortened. The only script on the page is
  fixed text plus a percent-encoded query string.

Reaching the widget bindings needs Streamlit internals (``QueryParams`` bindings, widget
metadata, ``_send_query_param_msg``); they are kept in the few ``_streamlit_*`` helpers below,
pinned by ``tests/test_links.py``. If they ever fail, the page still runs exactly as plain
Streamlit would, only without the notice.
"""

from __future__ import annotations

import base64
import html
import json
import math
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

#: Keys whose owners validate them themselves (the point editor; class mode's room code, teacher
#: key and student token, checked against the database); never reported or removed.
SELF_CHECKED = {"edits", "room", "teacher", "me"}
#: Streamlit's own keys (case-insensitive), never bound to widgets.
STREAMLIT_KEYS = {"embed", "embed_options"}
#: Height of the embedded view, in CSS pixels (a course page can change it in the snippet).
EMBED_HEIGHT = 820
#: Longest value shown in a notice; longer ones are cut with an ellipsis.
SHOW_CHARS = 40
#: Most lines in one notice.
MAX_LINES = 8

_STATE = "_links"  # session-state key: {"raw": [...], "done": bool, "page": str, "lines": [...]}


@dataclass(frozen=True)
class Finding:
    """One link key the page did not use as given.

    Attributes
    ----------
    key : str
        The query-parameter name.
    raw : tuple of str
        The values the link gave for ``key`` (more than one when the key was repeated).
    kind : str
        ``"unknown"`` (no widget of this page uses the key), ``"ignored"`` (the default is
        used), ``"changed"`` (another value is used) or ``"repeated"`` (the last value is used).
    used : str
        The value now in the URL, for ``"changed"`` and ``"repeated"``; else ``""``.
    """

    key: str
    raw: tuple[str, ...]
    kind: str
    used: str = ""


def show(text: str, limit: int = SHOW_CHARS) -> str:
    r"""Return ``text`` safe to print on one line: control characters escaped, long text cut.

    The result is meant for ``st.text`` (never Markdown or HTML); escaping keeps NULs, newlines
    and bidi controls from a link out of the page, the limit keeps the notice short.

    Examples
    --------
    >>> show("a\x00b\nc")
    'a\\x00b\\nc'
    >>> show("x" * 50, limit=10)
    'xxxxxxxxx…'
    """
    out = []
    for char in text:
        if char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    joined = "".join(out)
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


def _pairs(key: str, values: tuple[str, ...] | list[str]) -> str:
    return show("&".join(f"{key}={value}" for value in values), limit=2 * SHOW_CHARS)


def message(finding: Finding) -> str:
    """Return the one-line notice for ``finding``, with every link value escaped by :func:`show`.

    Examples
    --------
    >>> message(Finding("k", ("abc",), "ignored"))
    'Ignored k=abc in the link: not a valid value here; the default is used.'
    >>> message(Finding("zz", ("1",), "unknown"))
    'Ignored zz=1 in the link: not a setting of this page.'
    >>> message(Finding("seed", ("2.5",), "changed", "2"))
    'Changed seed=2.5 in the link to seed=2: not a valid value here.'
    >>> message(Finding("seed", ("1", "2"), "repeated", "2"))
    'Used seed=2, the last of 2 values for seed in the link.'
    """
    given = _pairs(finding.key, finding.raw)
    if finding.kind == "unknown":
        return f"Ignored {given} in the link: not a setting of this page."
    if finding.kind == "changed":
        now = _pairs(finding.key, [finding.used])
        return f"Changed {given} in the link to {now}: not a valid value here."
    if finding.kind == "repeated":
        now = _pairs(finding.key, [finding.used])
        key = show(finding.key)
        return f"Used {now}, the last of {len(finding.raw)} values for {key} in the link."
    return f"Ignored {given} in the link: not a valid value here; the default is used."


# --- Streamlit internals, kept in one place ---------------------------------------------------


def _query_string(params) -> str:
    """Return the URL query string of Streamlit's query-parameter store ``params``."""
    return urlencode(params._query_params, doseq=True)


def _streamlit_state():
    """Return ``(script run context, SessionState)`` of the running script."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx, ctx.session_state._state


def _streamlit_hold_url_updates(ctx, params) -> None:
    """Keep URL changes on the server only (no browser message, so no history entry)."""

    def _record_only() -> None:
        ctx.query_string = _query_string(params)

    params._send_query_param_msg = _record_only


def _streamlit_release_url_updates(params) -> None:
    params.__dict__.pop("_send_query_param_msg", None)


def _as_list(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def _same(a, b) -> bool:
    """Whether two parsed widget values mean the same (numbers by value, text by casefold)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (list, tuple)) and len(a) == 1:
        return _same(a[0], b)
    if isinstance(b, (list, tuple)) and len(b) == 1:
        return _same(a, b[0])
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isfinite(a) and a == b
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return False


def _check(state, params, key: str, raw: list[str]) -> tuple[Finding | None, list[str] | None]:
    """Compare one link key with the widget bound to it; return (finding, canonical URL value).

    The canonical value is ``None`` when the key should not be in the URL.
    """
    from streamlit.runtime.state.query_params import (
        _coerce_value_for_query_url,
        parse_url_param,
    )

    binding = params.get_binding_for_param(key)
    meta = state.get_widget_metadata(binding.widget_id) if binding else None
    if meta is None:
        return Finding(key, tuple(raw), "unknown"), None
    current = state[binding.widget_id]
    got = meta.serializer(current)
    canonical = _as_list(_coerce_value_for_query_url(got, meta.value_type))
    in_url = params.has_param(key)
    try:
        wanted = parse_url_param(raw if len(raw) > 1 else raw[0], meta.value_type)
    except (ValueError, TypeError, OverflowError):
        wanted = None
    if wanted is not None and _same(wanted, got):
        if len(raw) > 1:
            return Finding(key, tuple(raw), "repeated", canonical[-1]), canonical
        return None, canonical if in_url else None
    if in_url:
        return Finding(key, tuple(raw), "changed", "&".join(canonical)), canonical
    return Finding(key, tuple(raw), "ignored"), None


# --- the hook ----------------------------------------------------------------------------------


def _overflows(value: str) -> bool:
    """Whether ``value`` reads as a number too large for a float (``9`` * 400, ``1e400``)."""
    try:
        return math.isinf(float(value)) and "inf" not in value.lower()
    except (ValueError, OverflowError):
        return False


def _drop_overflowing_numbers(params) -> None:
    """Forget link values too large for any number before the page's widgets read them.

    Streamlit's integer inputs fail on such a value (``OverflowError``) instead of ignoring
    it. The link's raw values were recorded first, so the notice still reports the value as
    ignored.
    """
    for key in list(params):
        if any(_overflows(v) for v in params.get_all(key)):
            params.discard_param_no_forward_msg(key)
            params._initial_query_params.pop(key, None)


def _raw_params() -> list[tuple[str, list[str]]]:
    return [(key, list(st.query_params.get_all(key))) for key in st.query_params]


def _normalise(params, canonical: dict[str, list[str] | None]) -> str:
    for key, value in canonical.items():
        if value is None:
            params.discard_param_no_forward_msg(key)
        else:
            params.set_with_no_forward_msg(key, value[0] if len(value) == 1 else value)
    return _query_string(params)


#: Runs after the check during which the address-bar fix is sent again (a rerun that starts
#: before the browser mounted the script would otherwise lose it; the fix is idempotent).
URL_FIX_RUNS = 3

_ADDRESS_BAR_JS = """<script>(() => {
  window.knnLinkFixes = (window.knnLinkFixes || 0) + 1;
  const bytes = Uint8Array.from(atob("%s"), (c) => c.charCodeAt(0));
  const fixes = JSON.parse(new TextDecoder().decode(bytes));
  const params = new URLSearchParams(window.location.search);
  let changed = false;
  for (const [key, given, wanted] of fixes) {
    if (JSON.stringify(params.getAll(key)) !== JSON.stringify(given)) continue;
    params.delete(key);
    for (const value of wanted) params.append(key, value);
    changed = true;
  }
  if (!changed) return;
  const query = params.toString();
  window.history.replaceState(window.history.state, "",
    window.location.pathname + (query ? "?" + query : "") + window.location.hash);
})();</script>"""


def set_quietly(key: str, value: str | None) -> tuple[str, list[str], list[str]] | None:
    """Set ``?key=value`` (``None``: remove it) on the server, without a browser history entry.

    Returns the fix to draw with :func:`address_bar_script` (the address bar does not change
    by itself), or ``None`` if the link already held that value. Should Streamlit's internals
    change, the value is written the plain way (which adds a history entry) and ``None`` is
    returned.
    """
    before = list(st.query_params.get_all(key))
    after = [] if value is None else [str(value)]
    if before == after:
        return None
    try:
        ctx, state = _streamlit_state()
        params = state.query_params
        if value is None:
            params.discard_param_no_forward_msg(key)
        else:
            params.set_with_no_forward_msg(key, str(value))
        ctx.query_string = _query_string(params)
    except Exception:  # noqa: BLE001 - Streamlit internals changed: the plain, public way
        if value is None:
            del st.query_params[key]
        else:
            st.query_params[key] = str(value)
        return None
    return key, before, after


def address_bar_script(fixes: list[tuple[str, list[str], list[str]]]) -> str:
    """Return a fixed script that applies ``fixes`` to the address bar, adding no history entry.

    Each fix is ``(key, values the link gave, values to show instead)``; a key is only changed
    while the address bar still shows the link's values, so a change the user made meanwhile
    is never undone. The fixes travel base64-encoded: no link text is ever part of the script.
    """
    payload = base64.b64encode(json.dumps(fixes).encode("utf-8")).decode("ascii")
    return _ADDRESS_BAR_JS % payload


def embed_snippet(base: str, params: dict, *, title: str) -> str:
    """Return an ``<iframe>`` showing this view in Streamlit's embed mode, for a course page.

    Streamlit's ``?embed=true`` drops the app's toolbar and padding, so the view sits in a
    learning-management system's page or a slide deck like a figure; the other keys of the
    link set the view exactly as the share link does. Every value is escaped for an HTML
    attribute (the parameters come from the address bar).

    Parameters
    ----------
    base : str
        The page's address without the query (``st.context.url``).
    params : dict of str to str
        The link's query parameters; Streamlit's own ``embed`` keys are replaced.
    title : str
        The frame's accessible title.

    Examples
    --------
    >>> snippet = embed_snippet("http://host/quiz", {"k": "5", "t": 'a"<'}, title="Quiz")
    >>> print(snippet.split(" width=")[0])
    <iframe src="http://host/quiz?k=5&amp;t=a%22%3C&amp;embed=true" title="Quiz"
    """
    kept = {k: v for k, v in params.items() if k.lower() not in STREAMLIT_KEYS}
    parts = urlsplit(base)
    src = urlunsplit((*parts[:3], urlencode({**kept, "embed": "true"}), ""))
    return (
        f'<iframe src="{html.escape(src, quote=True)}" title="{html.escape(title, quote=True)}" '
        f'width="100%" height="{EMBED_HEIGHT}" style="border: 1px solid #d5dae5;" '
        'allow="clipboard-write"></iframe>'
    )


def _dismiss() -> None:
    st.session_state[_STATE]["lines"] = []


def _draw(slot, memo: dict, page) -> None:
    """Fill the top-of-page slot: the one-off address-bar fix and the notice, if any."""
    fixes = memo["fixes"] if memo["fix_runs"] > 0 else []
    lines = memo["lines"] if memo["page"] == page.url_path else []
    if not fixes and not lines:
        return
    top = slot.container()
    if fixes:
        top.html(address_bar_script(fixes), unsafe_allow_javascript=True)
        memo["fix_runs"] -= 1
    if not lines:
        return
    box = top.container(border=True, gap="small")
    icon, text, close = box.columns([0.04, 0.92, 0.04], vertical_alignment="center")
    icon.markdown(":orange[:material/link_off:]")  # fixed text, not from the link
    shown = lines[:MAX_LINES]
    if len(lines) > MAX_LINES:
        shown.append(f"… and {len(lines) - MAX_LINES} more.")
    text.text("\n".join(shown))  # plain text: link values are never read as Markdown or HTML
    close.button(
        "", icon=":material/close:", key="_links_dismiss", type="tertiary", help="Dismiss",
        on_click=_dismiss,
    )  # fmt: skip


def run(page) -> None:
    """Run ``page`` (from ``st.navigation``), then report and tidy the link it was opened with.

    Call it in app.py instead of ``page.run()``. The link is checked once per session, after
    the first run of the page that completes; its notice stays at the top of that page until
    the user dismisses it.

    Parameters
    ----------
    page : streamlit.navigation.page.StreamlitPage
        The page returned by ``st.navigation``.
    """
    slot = st.empty()
    memo = st.session_state.get(_STATE)
    if memo is None:
        memo = {
            "raw": _raw_params(),
            "done": False,
            "page": "",
            "lines": [],
            "fixes": [],
            "fix_runs": 0,
        }
        st.session_state[_STATE] = memo
    if memo["done"]:
        page.run()
        _draw(slot, memo, page)
        return
    try:
        ctx, state = _streamlit_state()
        params = state.query_params
        _drop_overflowing_numbers(params)
        _streamlit_hold_url_updates(ctx, params)
    except Exception:  # noqa: BLE001 - an unknown Streamlit: plain behaviour, no notice
        memo["done"] = True
        page.run()
        return
    finished = False
    try:
        page.run()
        finished = True
    except StopException:  # st.stop(): the page drew what it wanted; check the link now
        finished = True
        raise
    finally:
        # An interrupted run (a rerun request) keeps holding URL updates and checks next run.
        _streamlit_release_url_updates(params)
        if finished:
            _check_link(memo, ctx, state, params, page)
            _draw(slot, memo, page)


def _check_link(memo: dict, ctx, state, params, page) -> None:
    """Compare the link with the widgets of the page that just ran; no Streamlit output."""
    findings: list[Finding] = []
    canonical: dict[str, list[str] | None] = {}
    for key, raw in memo["raw"]:
        if key in SELF_CHECKED or key.lower() in STREAMLIT_KEYS:
            continue
        finding, value = _check(state, params, key, raw)
        canonical[key] = value
        if finding is not None:
            findings.append(finding)
    ctx.query_string = _normalise(params, canonical)
    raw = dict(memo["raw"])
    fixes = [
        (key, raw[key], value or [])
        for key, value in canonical.items()
        if (value or []) != raw[key]
    ]
    memo.update(
        page=page.url_path,
        lines=[message(f) for f in findings],
        fixes=fixes,
        fix_runs=URL_FIX_RUNS if fixes else 0,
        done=True,
    )
