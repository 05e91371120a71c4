"""Share links that never fail: report the link values a page could not use, and tidy the URL.

Every setting is a row of the parameter table (:mod:`knn_ui.params`); no widget is bound to the
URL by Streamlit. What this module adds, in :func:`run` (app.py calls it instead of
``page.run()``):

* On a session's first run, the table reads the link (:func:`knn_ui.params.read_link`); each
  page checks the values it draws against the table and its own rules (``k <= n``, the query
  near the data). No widget is bound to the URL, so Streamlit itself changes no link value
  and loading a link pushes no browser-history entry.
* After the page ran, every key of the link the page could not use as given is reported in a
  short notice at the top of the page: a value the table refuses (``k=abc``, ``k=0``,
  ``n=15`` off the offered sizes, ``qx=1e400``, ``metric=foo``, a repeated slider key), one the
  page cannot use (``k=500`` on 100 points), one used after a change (``seed=2.5`` is 2) and a
  key that is no setting of this page (``zz=1``). ``SELF_CHECKED`` keys (``edits``, class
  mode's keys) and Streamlit's own ``embed`` keys are left alone.
* The URL is normalised in one step: used values in their canonical spelling (``k=5``,
  ``qx=1.5``, one value per key), unknown keys removed; after every run it follows the table's
  values (:func:`follow_fragment` inside a fragment). The address bar is rewritten with
  ``history.replaceState`` by a fixed script, so the link does not grow history.
* Link values are user-controlled: the notice shows them with ``st.text`` (no Markdown, no HTML),
  with control characters escaped and long values shortened. The only script on the page is
  fixed text plus base64-encoded data.

Writing the URL without a history entry needs Streamlit internals: they all sit in
:mod:`knn_ui.streamlit_internals`, pinned by ``tests/test_streamlit_internals.py``. If they ever
fail, the page still runs exactly as plain Streamlit would, only without the notice.
"""

from __future__ import annotations

import base64
import html
import json
import threading
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from knn_ui import params as table
from knn_ui import streamlit_internals as internals
from knn_ui.params import Finding

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
#: Unknown keys listed one by one before the rest are summarised in one line.
UNKNOWN_LINES = 3

_PAGE_RUN = threading.local()  # .active while run() runs a page (each session has its thread)
_STATE = "_links"  # session-state key: {"raw": [...], "done": bool, "page": str, "lines": [...]}


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
    >>> message(Finding("qx", ("1e308",), "ignored", reason="it lay too far from the data"))
    'Ignored qx=1e308 in the link: it lay too far from the data; the default is used.'
    >>> message(Finding("zz", ("1",), "unknown"))
    'Ignored zz=1 in the link: not a setting of this page.'
    >>> message(Finding("seed", ("2.5",), "changed", "2"))
    'Changed seed=2.5 in the link to seed=2: not a valid value here.'
    >>> message(Finding("k", ("50",), "changed", "30", "there are only 30 points"))
    'Changed k=50 in the link to k=30: there are only 30 points.'
    >>> message(Finding("seed", ("1", "2"), "repeated", "2"))
    'Used seed=2, the last of 2 values for seed in the link.'
    """
    given = _pairs(finding.key, finding.raw)
    if finding.kind == "unknown":
        return f"Ignored {given} in the link: not a setting of this page."
    if finding.kind == "changed":
        now = _pairs(finding.key, [finding.used])
        why = show(finding.reason, limit=2 * SHOW_CHARS) or "not a valid value here"
        return f"Changed {given} in the link to {now}: {why}."
    if finding.kind == "repeated":
        now = _pairs(finding.key, [finding.used])
        key = show(finding.key)
        return f"Used {now}, the last of {len(finding.raw)} values for {key} in the link."
    why = show(finding.reason, limit=2 * SHOW_CHARS) or "not a valid value here"
    return f"Ignored {given} in the link: {why}; the default is used."


# --- the hook ----------------------------------------------------------------------------------


def _raw_params() -> list[tuple[str, list[str]]]:
    return [(key, list(st.query_params.get_all(key))) for key in st.query_params]


def _normalise(canonical: dict[str, list[str] | None]) -> None:
    for key, value in canonical.items():
        internals.set_param_quietly(
            key, None if value is None else value[0] if len(value) == 1 else value
        )


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
    if (given !== null && JSON.stringify(params.getAll(key)) !== JSON.stringify(given)) continue;
    params.delete(key);
    for (const value of wanted) params.append(key, value);
    changed = true;
  }
  if (!changed) return;
  const query = params.toString();
  window.history.replaceState(window.history.state, "",
    window.location.pathname + (query ? "?" + query : "") + window.location.hash);
})();</script>"""


#: Streamlit reads no query string with more fields or characters than this
#: (``streamlit.runtime.state.query_params.CLIENT_STATE_QUERY_STRING_MAX_*``): the server never
#: sees such a link, so only the browser can say what happened to it.
LINK_MAX_FIELDS = 1000
LINK_MAX_CHARS = 512 * 1024

_LINK_LIMIT_HTML = """<style>
.st-key-knn_link_limit:has(.knn-link-limit:empty) { display: none; }
</style><span class="knn-link-limit" id="knn-link-limit"></span><script>(() => {
  const search = window.location.search.replace(/^[?]/, "");
  const fields = search ? search.split("&").length : 0;
  if (fields <= %d && search.length <= %d) return;
  const box = document.getElementById("knn-link-limit");
  if (!box || box.textContent) return;
  const many = fields > %d ? fields.toLocaleString("en") + " values" : "too long";
  box.textContent = "This link is " + (fields > %d ? "made of " + many : many) + ", more " +
    "than a page can read, so none of its settings were used: the page shows its defaults.";
  window.history.replaceState(window.history.state, "",
    window.location.pathname + window.location.hash);
})();</script>"""


def link_limit_html() -> str:
    """Return a fixed script that explains a link Streamlit refused as too long (browser side).

    Streamlit drops a query string of more than :data:`LINK_MAX_FIELDS` fields (or
    :data:`LINK_MAX_CHARS` characters) before the app sees it. The script counts the fields of
    the address bar and, for such a link, writes a plain-text notice (``textContent``, numbers
    only from the link) and removes the unread query from the address bar.
    """
    return _LINK_LIMIT_HTML % (LINK_MAX_FIELDS, LINK_MAX_CHARS, LINK_MAX_FIELDS, LINK_MAX_FIELDS)


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
        internals.set_param_quietly(key, None if value is None else str(value))
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
    is never undone (``None`` instead of the link's values: change it whatever it shows).
    The fixes travel base64-encoded: no link text is ever part of the script.
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


def _sync_table_keys() -> list:
    """Write the table's parameters into the URL (no history entry); return the fixes.

    The session's own values are the truth here, whatever the address bar shows: one run's
    script may reach the browser after the next click was sent (with the address bar as it was
    before), so these fixes carry no link values to compare with (``None``) and always apply.
    """
    fixes = []
    for key, value in table.url_values().items():
        fix = set_quietly(key, value)
        if fix is not None:
            fixes.append((fix[0], None, fix[2]))
    return fixes


def _draw(slot, memo: dict, page, now: list | None = None) -> None:
    """Fill the top-of-page slot: the address-bar fixes and the notice, if any."""
    fixes = (memo["fixes"] if memo["fix_runs"] > 0 else []) + (now or [])
    lines = memo["lines"] if memo["page"] == page.url_path else []
    limit_check = memo["limit_check"] and memo["page"] in ("", page.url_path)
    if not fixes and not lines and not limit_check:
        return
    top = slot.container()
    if limit_check:  # hidden (no space taken) unless the link was too long
        box = top.container(key="knn_link_limit")
        box.html(link_limit_html(), unsafe_allow_javascript=True)
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


def whole_page_running() -> bool:
    """Whether this run is a run of the whole page (not a rerun of an ``st.fragment`` alone)."""
    return getattr(_PAGE_RUN, "active", False)


def follow_fragment() -> None:
    """Keep the address bar in step after a fragment's own rerun: call it inside the fragment.

    A run of the whole page does that in :func:`run`. A rerun of an ``st.fragment`` alone (a
    click on the Playground's plot) does not go through :func:`run`: this writes the values
    the fragment changed into the URL (no history entry) and draws the script that shows
    them in the address bar. In a run of the whole page it does nothing.
    """
    if whole_page_running():
        return
    fixes = _sync_table_keys()
    if fixes:
        st.html(address_bar_script(fixes), unsafe_allow_javascript=True)


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
    _PAGE_RUN.active = True
    try:
        _run(page)
    finally:
        _PAGE_RUN.active = False


def _run(page) -> None:
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
            # A link too long for Streamlit reaches the app as no link at all: the browser
            # checks it on the session's first page.
            "limit_check": not st.query_params,
        }
        st.session_state[_STATE] = memo
        table.read_link(memo["raw"])
    table.start_run()
    if memo["done"]:
        page.run()
        if table.link_waiting():
            _late_findings(memo, page)
        _draw(slot, memo, page, _sync_table_keys())
        return
    finished = False
    try:
        page.run()
        finished = True
    except internals.StopException:  # st.stop(): the page drew what it wanted; check the link now
        finished = True
        raise
    finally:
        if finished:  # an interrupted run (a rerun request) checks the link next run
            _check_link(memo, page)
            _draw(slot, memo, page)


def notice_lines(findings: list[Finding]) -> list[str]:
    """Return the notice: one line per finding, many unknown keys summarised in one line.

    Examples
    --------
    >>> unknown = [Finding(f"z{i}", ("1",), "unknown") for i in range(1000)]
    >>> notice_lines([Finding("k", ("0",), "ignored"), *unknown])[-1]
    '… and 997 more keys this page does not use.'
    """
    known = [message(f) for f in findings if f.kind != "unknown"]
    unknown = [f for f in findings if f.kind == "unknown"]
    if len(unknown) <= UNKNOWN_LINES + 1:
        return known + [message(f) for f in unknown]
    rest = len(unknown) - UNKNOWN_LINES
    return [
        *known,
        *(message(f) for f in unknown[:UNKNOWN_LINES]),
        f"… and {rest:,} more keys this page does not use.",
    ]


def _late_findings(memo: dict, page) -> None:
    """Report link values the page drew only now (after an upload), on the link's page."""
    if memo["page"] != page.url_path:
        table.drop_link()
        return
    late = table.link_findings()
    if late:
        memo["lines"] = memo["lines"] + notice_lines(late)


def _check_link(memo: dict, page) -> None:
    """Compare the link with what the page that just ran drew; no Streamlit output."""
    findings: list[Finding] = table.link_findings()
    canonical: dict[str, list[str] | None] = {
        key: None if value is None else [value] for key, value in table.url_values().items()
    }
    for key, raw in memo["raw"]:
        if key in SELF_CHECKED or key.lower() in STREAMLIT_KEYS or key in table.TABLE:
            continue
        findings.append(Finding(key, tuple(raw), "unknown"))
        canonical[key] = None
    order = {key: i for i, (key, _) in enumerate(memo["raw"])}
    findings.sort(key=lambda f: order.get(f.key, 0))
    _normalise(canonical)
    raw = dict(memo["raw"])
    fixes = [
        (key, raw.get(key, []), value or [])
        for key, value in canonical.items()
        if (value or []) != raw.get(key, [])
    ]
    memo.update(
        page=page.url_path,
        lines=notice_lines(findings),
        fixes=fixes,
        fix_runs=URL_FIX_RUNS if fixes else 0,
        done=True,
    )
