"""Teaching details in a real browser: the embed snippet, colour-named classes, the Quiz plot.

Each test drives the real app (Streamlit server + Debian's Chromium) and saves a screenshot to
screenshots/ for a person to look at.
"""

import html
import re

import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

APP = "app.py"


@pytest.fixture
def app_url(streamlit_url):
    return streamlit_url(APP)


def share_box_codes(page) -> list[str]:
    button = page.locator('[data-testid="stPopover"] button').filter(has_text="Share this view")
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.is_visible():  # a phone: the sidebar starts closed
        expand.click()
        page.wait_for_timeout(800)  # the sidebar slides in
    button.scroll_into_view_if_needed()
    button.click()
    codes = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    codes.last.wait_for()
    return [codes.nth(i).inner_text() for i in range(codes.count())]


def snippet_src(snippet: str) -> str:
    return html.unescape(re.search(r'src="([^"]+)"', snippet).group(1))


@pytest.mark.parametrize(
    "viewport",
    [
        dict(viewport={"width": 1440, "height": 900}),
        dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True),
    ],
    ids=["desktop", "phone"],
)
def test_the_embed_snippet_shows_the_view_inside_an_iframe_and_works(browser, app_url, viewport):
    context = browser.new_context(**viewport)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/step_by_step?k=5&step=2")
        wait_for_app(page)
        link, snippet = share_box_codes(page)
        assert snippet.startswith("<iframe ") and snippet.endswith("></iframe>")
        src = snippet_src(snippet)
        assert src.startswith(f"{app_url}/step_by_step?") and src.endswith("&embed=true")
        assert "k=5" in src and "step=2" in src and "k=5" in link
        name = "phone" if viewport["viewport"]["width"] < 500 else "desktop"
        screenshot(page, f"teach_share_box_{name}", full_page=False)

        # A course page on another origin, holding the snippet as pasted.
        host = context.new_page()
        host.set_content(
            '<!doctype html><meta name="viewport" content="width=device-width">'
            f"<h1>Week 3: nearest neighbours</h1>{snippet}"
        )
        frame_element = host.locator("iframe")
        frame_element.wait_for()
        assert frame_element.get_attribute("title") == "KNN Classroom"
        frame = frame_element.element_handle().content_frame()
        frame.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
        wait_for_app(frame)
        assert_no_exception(frame)
        heading = frame.get_by_text(re.compile(r"^Step 2 of \d: Sort the points by distance$"))
        heading.wait_for()
        # Embed mode: no app toolbar (no Deploy button, no main menu) inside the frame.
        assert frame.locator('[data-testid="stMainMenu"]').count() == 0
        # It works: a button in the frame reruns the app there.
        frame.get_by_role("button", name="Next").first.click()
        frame.get_by_text(re.compile(r"^Step 3 of \d: Keep the k closest$")).wait_for()
        wait_for_app(frame)
        assert_no_exception(frame)
        screenshot(host, f"teach_embedded_{name}", full_page=False)
    finally:
        context.close()
