"""Accessibility of the whole app in a real browser (issue #5).

Every page in the navigation, and the Playground in presenter mode, is scanned with axe-core
(the npm package pinned in package.json, installed into node_modules/ by
scripts/ensure_test_tools.sh and injected into the page by Playwright; nothing is fetched at run
time). No violation of impact "serious" or "critical" may remain. axe does not check the text
that Plotly draws in SVG, so a second check here measures the contrast of every axis tick,
axis title, legend entry, title and annotation against the figure's own background.

The keyboard test uses no mouse: from page load, Tab reaches the k slider, both query inputs and
the k - 1 / k + 1 buttons, and typing new query coordinates + Enter changes the prediction.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from knn_ui import style
from tests.browser_support import REPO, assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

APP = "app.py"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22a",
            "wcag22aa",
            "best-practice",
        ],
    },
}

# Violations in Streamlit's own markup that the app cannot change, as (rule id, CSS selector,
# reason). Only a node inside an element that matches the selector is dropped, and only for
# that rule; every other rule still runs on it, and the rule still runs everywhere else.
EXCLUSIONS: tuple[tuple[str, str, str], ...] = (
    (
        "color-contrast",
        'label[data-testid="stWidgetLabel"][disabled]',
        # WCAG 1.4.3 exempts the text of an inactive (disabled) control. Streamlit greys the
        # label of a disabled widget (#9fa0a2, 2.6:1) and draws it in an aria-hidden span,
        # apart from the aria-disabled control, so axe cannot tell that the control is
        # disabled. Only labels Streamlit itself marks disabled match.
        "label of a disabled widget (inactive components are exempt from contrast)",
    ),
)


def _pages_in_app() -> list[tuple[str, str]]:
    """(title, url path) of every st.Page in app.py; the default page lives at "/"."""
    source = (REPO / APP).read_text(encoding="utf-8")
    pages = []
    for args in re.findall(r"st\.Page\((.*?)\)", source, flags=re.S):
        script = re.search(r"\"pages/(\w+)\.py\"", args).group(1)
        title = re.search(r"title=\"([^\"]+)\"", args).group(1)
        pages.append((title, "" if "default=True" in args else script))
    return pages


PAGES = _pages_in_app()

RUN_AXE = """async ([context, options, exclusions]) => {
    const result = await axe.run(context || document, options);
    const excluded = (rule, target) => exclusions.some(([id, selector]) => {
        if (id !== rule) return false;
        // A target inside an iframe or shadow root is a list; only plain targets are matched.
        if (target.length !== 1) return false;
        const node = document.querySelector(target[0]);
        return !!node && !!node.closest(selector);
    });
    return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes
            .filter((n) => !excluded(v.id, n.target))
            .map((n) => ({target: n.target, impact: n.impact, summary: n.failureSummary})),
    })).filter((v) => v.nodes.length);
}"""

# Every Plotly chart has drawn its SVG, and every interactive canvas has rendered its figure.
PLOTS_DRAWN = """() => {
    const charts = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
    if (!charts.every((c) => c.querySelector('.main-svg'))) return false;
    const canvases = Array.from(document.querySelectorAll('.knn-canvas'));
    return canvases.every((c) => c.dataset.renders && c.querySelector('.main-svg'));
}"""

# Contrast of the text Plotly draws in SVG (axe skips SVG text). The background of a text is
# the figure's paper colour, the legend's own colour inside the legend, and an annotation's
# box colour when the annotation has one; translucent colours are blended over what is under
# them (the page is white).
PLOTLY_TEXT_CONTRAST = """() => {
    const probe = document.createElement('span');
    document.body.appendChild(probe);
    const parse = (c) => {
        // Any CSS colour (named, #hex, rgb, rgba) -> {r, g, b, a}, via the browser itself.
        probe.style.color = '';
        probe.style.color = c || '';
        const m = /rgba?\\(([^)]+)\\)/.exec(probe.style.color ? getComputedStyle(probe).color : '');
        if (!m) return null;
        const p = m[1].split(',').map(Number);
        return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
    };
    const over = (top, under) => ({
        r: top.r * top.a + under.r * (1 - top.a),
        g: top.g * top.a + under.g * (1 - top.a),
        b: top.b * top.a + under.b * (1 - top.a),
        a: 1,
    });
    const lum = (c) => {
        const f = (v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const ratio = (a, b) => {
        const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
    };
    const white = {r: 255, g: 255, b: 255, a: 1};
    const boxFill = (rect, under) => {
        const fill = rect && parse(getComputedStyle(rect).fill);
        if (!fill) return under;
        fill.a *= Number(getComputedStyle(rect).fillOpacity || 1);
        return over(fill, under);
    };
    const found = [];
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
        const fl = gd._fullLayout;
        if (!fl) continue;
        // The page behind the app is white; Plotly paints paper_bgcolor on the first SVG.
        const paper = over(parse(fl.paper_bgcolor) || {...white, a: 0}, white);
        const texts = gd.querySelectorAll(
            '.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .legendtext, '
            + '.gtitle, .annotation-text, .textpoint text, .bartext');
        for (const t of texts) {
            const label = (t.textContent || '').trim();
            const rect = t.getBoundingClientRect();
            if (!label || rect.width === 0 || rect.height === 0) continue;
            const style = getComputedStyle(t);
            if (style.visibility === 'hidden' || style.display === 'none') continue;
            let background = paper;
            const legend = t.closest('.legend');
            if (legend) background = boxFill(legend.querySelector('rect.bg'), paper);
            const annotation = t.closest('.annotation');
            if (annotation) background = boxFill(annotation.querySelector('rect.bg'), paper);
            const fill = parse(style.fill);
            if (!fill) continue;
            let alpha = Number(style.fillOpacity || 1);
            for (let n = t; n && n !== gd; n = n.parentElement) {
                alpha *= Number(getComputedStyle(n).opacity || 1);
            }
            fill.a *= alpha;
            const size = parseFloat(style.fontSize);
            const bold = Number(style.fontWeight) >= 700 || style.fontWeight === 'bold';
            const large = size >= 24 || (bold && size >= 18.66);
            const value = ratio(over(fill, background), background);
            const needed = large ? 3 : 4.5;
            if (value < needed) {
                found.push({text: label.slice(0, 40), ratio: Math.round(value * 100) / 100,
                            needed, fill: style.fill, fontSize: size,
                            where: t.getAttribute('class')
                                || t.parentElement.getAttribute('class')});
            }
        }
    }
    probe.remove();
    return found;
}"""


def require_axe() -> None:
    """Skip when axe-core is not installed; fail instead when ``CI`` is set."""
    if AXE_JS.exists():
        return
    message = (
        f"axe-core not found at {AXE_JS.relative_to(REPO)} "
        "(install it with: bash scripts/ensure_test_tools.sh)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def wait_for_plots(page) -> None:
    """Wait for the script run to end and for every plot on the page to be drawn."""
    wait_for_app(page)
    page.wait_for_function(PLOTS_DRAWN, timeout=60_000)
    wait_for_app(page)
    # Elements left over from a previous run are drawn faded until the new run replaces
    # them; axe would measure the fade, not the page.
    page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=60_000)
    page.evaluate("document.fonts.ready.then(() => true)")
    assert_no_exception(page)


def run_axe(page, context: str | None = None) -> list[dict]:
    """Inject axe-core into ``page``; return its violations within ``context`` (a selector;
    the whole document by default), after :data:`EXCLUSIONS`."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    exclusions = [[rule, selector] for rule, selector, _ in EXCLUSIONS]
    return page.evaluate(RUN_AXE, [context, AXE_OPTIONS, exclusions])


def blocking_report(violations: list[dict]) -> str:
    """One line per serious or critical violation: rule, impact, help, target selectors."""
    lines = []
    for v in violations:
        if v["impact"] not in BLOCKING:
            continue
        targets = "; ".join(" >> ".join(n["target"]) for n in v["nodes"][:8])
        more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
        lines.append(f"{v['id']} [{v['impact']}] {v['help']} -> {targets}{more}")
    return "\n".join(lines)


def assert_accessible(page, name: str) -> None:
    """Fail on any serious/critical axe violation or on low-contrast Plotly text."""
    violations = run_axe(page)
    screenshot(page, f"a11y_{name}")
    report = blocking_report(violations)
    assert not report, f"axe-core found serious or critical violations on {name}:\n{report}"
    low = page.evaluate(PLOTLY_TEXT_CONTRAST)
    assert not low, f"Plotly text below WCAG AA contrast on {name}:\n" + "\n".join(
        json.dumps(item, ensure_ascii=False) for item in low
    )


def contrast(color_a: str, color_b: str) -> float:
    """WCAG 2.x contrast ratio of two ``#RRGGBB`` colours."""

    def luminance(color: str) -> float:
        channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    hi, lo = sorted((luminance(color_a), luminance(color_b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("code", range(len(style.CLASS_TEXT_COLORS)))
def test_class_text_colours_are_readable_on_white(code):
    assert contrast(style.class_text_color(code), "#FFFFFF") >= 4.5


@pytest.mark.parametrize("code", range(len(style.CLASS_COLORS)))
def test_every_class_marker_stands_out_from_white_at_3_to_1(code):
    # WCAG 2.2 non-text contrast: the fill, or else the outline drawn around it.
    fill, outline = style.class_color(code), style.class_outline(code)
    edge = fill if outline == "white" else outline
    assert max(contrast(fill, "#FFFFFF"), contrast(edge, "#FFFFFF")) >= 3.0
    assert contrast(edge, "#FFFFFF") >= 3.0


def test_classes_differ_in_shape_as_well_as_colour():
    n = len(style.CLASS_COLORS)
    assert len(set(style.CLASS_SYMBOLS[:n])) == n
    assert len(set(style.CLASS_COLORS)) == n == len(style.CLASS_TEXT_COLORS)


@pytest.fixture
def app_url(page, streamlit_url):
    require_axe()
    page.set_viewport_size({"width": 1400, "height": 1000})
    return streamlit_url(APP)


def test_the_scanned_pages_are_the_pages_in_the_navigation(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all(
        "els => els.map(e => new URL(e.href).pathname.replace(/^\\//, ''))"
    )
    assert sorted(hrefs) == sorted(path for _, path in PAGES)


@pytest.mark.parametrize(("title", "path"), PAGES, ids=[p or "playground" for _, p in PAGES])
def test_page_has_no_serious_accessibility_violation(page, app_url, title, path):
    page.goto(f"{app_url}/{path}")
    wait_for_plots(page)
    assert page.locator("h1").first.inner_text().strip(), f"{title}: no page heading"
    assert_accessible(page, path or "playground")


def test_presenter_mode_has_no_serious_accessibility_violation(page, app_url):
    page.goto(f"{app_url}/?present=true")
    wait_for_plots(page)
    toggle = page.get_by_role("switch", name="Presenter mode")
    if not toggle.count():
        toggle = page.get_by_role("switch", name="Presenter mode")
    assert toggle.is_checked(), "?present=true did not switch presenter mode on"
    assert_accessible(page, "playground_presenter")


LABEL_COLOURS = """() => {
    const label = document.querySelector('.knn-canvas-label');
    const style = getComputedStyle(label);
    return {text: label.textContent, color: style.color, background: style.backgroundColor};
}"""


def rgb_hex(css: str, under: str = "#FFFFFF") -> str:
    """``rgb(...)``/``rgba(...)`` from getComputedStyle -> ``#RRGGBB``, blended over ``under``."""
    parts = [float(v) for v in re.findall(r"[\d.]+", css)]
    alpha = parts[3] if len(parts) > 3 else 1.0
    base = [int(under[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c * alpha + b * (1 - alpha)) for c, b in zip(parts[:3], base, strict=True)]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def test_hover_preview_label_is_readable(page, app_url):
    """The label that follows the pointer names the class in text that passes AA contrast.

    The label is aria-hidden (the status line below the plot says the same), and axe skips
    aria-hidden text, so its contrast is measured here directly.
    """
    page.goto(app_url)
    wait_for_plots(page)
    page.locator(".knn-canvas").scroll_into_view_if_needed()  # the plot runs past the fold
    plot = page.locator(".knn-canvas-plot .nsewdrag").first
    box = plot.bounding_box()
    # Bottom-left and top-right corners of the default blobs: one point in each class.
    seen = set()
    for fx, fy in [(0.15, 0.85), (0.85, 0.15)]:
        page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.wait_for_function(
            "() => { const l = document.querySelector('.knn-canvas-label');"
            " return l && !l.hidden && l.textContent; }",
            timeout=10_000,
        )
        label = page.evaluate(LABEL_COLOURS)
        seen.add(label["text"])
        background = rgb_hex(label["background"])
        ratio = contrast(rgb_hex(label["color"], background), background)
        assert ratio >= 4.5, f"hover label {label} has contrast {ratio:.2f} < 4.5"
        report = blocking_report(run_axe(page, ".knn-canvas"))
        assert not report, f"the hover preview fails accessibility checks:\n{report}"
    assert len(seen) == 2, f"expected one label per class, saw {seen}"


# --- keyboard ------------------------------------------------------------------------------

# What has the keyboard focus: the widget's label (or a button's text) and the element's role.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const widget = el.closest('[data-testid="stSlider"], [data-testid="stNumberInput"], '
        + '[data-testid="stButton"], [data-testid="stBaseButton-secondary"]');
    let label = '';
    if (widget) {
        const l = widget.querySelector('[data-testid="stWidgetLabel"]');
        label = (l ? l.innerText : widget.innerText) || '';
    }
    if (!label) label = el.getAttribute('aria-label') || el.innerText || '';
    return {label: label.trim().split('\\n')[0], tag: el.tagName.toLowerCase(),
            type: el.getAttribute('type') || '',
            role: el.getAttribute('role') || '', testid: widget ? widget.dataset.testid : ''};
}"""

WANTED = {
    # Streamlit's slider thumb is a focusable <input type="range"> inside stSlider.
    "k slider": lambda f: f["type"] == "range" and f["label"].startswith("k ("),
    "Query x₁": lambda f: f["tag"] == "input" and f["label"].startswith("Query x₁"),
    "Query x₂": lambda f: f["tag"] == "input" and f["label"].startswith("Query x₂"),
    "k − 1": lambda f: f["tag"] == "button" and f["label"].startswith("k − 1"),
    "k + 1": lambda f: f["tag"] == "button" and f["label"].startswith("k + 1"),
}
MAX_TABS = 120


def tab_until(page, wanted, *, limit: int = MAX_TABS) -> dict:
    """Press Tab until the focused element satisfies ``wanted``; return what had focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        if focus and wanted(focus):
            return focus
        seen.append(focus and focus["label"][:30])
    raise AssertionError(f"not reached with {limit} Tab presses; focus went through {seen}")


def prediction(page) -> str:
    return page.locator(".knn-pred-value").first.inner_text().strip()


def test_keyboard_reaches_every_playground_control(page, app_url):
    page.goto(app_url)
    wait_for_plots(page)
    reached = {}
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        if not focus:
            continue
        for name, match in WANTED.items():
            if name not in reached and match(focus):
                reached[name] = focus
        if len(reached) == len(WANTED):
            break
    missing = sorted(set(WANTED) - set(reached))
    assert not missing, f"Tab never reached {missing}; reached {sorted(reached)}"


K_SLIDER = '[data-testid="stSlider"] input[type="range"][aria-label^="k ("]'
PREDICTION_IS_NOT = """(before) => {
    const m = document.querySelector('.knn-pred-value');
    return m && m.innerText.trim() !== before;
}"""


def test_keyboard_alone_moves_the_query_and_steps_k(page, app_url):
    page.goto(app_url)
    wait_for_plots(page)
    before = prediction(page)
    # Far into the other class's blob: the default query predicts one class, (x, x) the other.
    target = "6" if "red" in before else "0"
    for name in ("Query x₁", "Query x₂"):
        tab_until(page, WANTED[name])
        page.keyboard.press("Control+A")
        page.keyboard.type(target)
        page.keyboard.press("Enter")
        wait_for_plots(page)
    page.wait_for_function(PREDICTION_IS_NOT, arg=before, timeout=30_000)
    wait_for_plots(page)
    values = page.locator('[data-testid="stNumberInput"] input').evaluate_all(
        "els => els.map(e => Number(e.value))"
    )
    assert values[-2:] == [float(target), float(target)], values
    assert prediction(page) != before
    screenshot(page, "a11y_keyboard_query")

    # k + 1 with Enter, then the k slider with the arrow key, each reached by Tab from the top
    # of a fresh load (the URL keeps the state).
    k = int(page.locator(K_SLIDER).input_value())
    for wanted, key in (("k + 1", "Enter"), ("k slider", "ArrowRight")):
        page.goto(page.url)
        wait_for_plots(page)
        tab_until(page, WANTED[wanted])
        page.keyboard.press(key)
        k += 1
        page.wait_for_function(
            "(k) => new URL(location.href).searchParams.get('k') === String(k)",
            arg=k,
            timeout=30_000,
        )
        wait_for_plots(page)
        assert int(page.locator(K_SLIDER).input_value()) == k, f"{wanted} + {key}"
