"""The landing page and the API reference in a real browser (a counter PC, 1366×768): Chinese
first, the hall's pages linked, the reference rendered with no script error."""

import pytest

from tests.e2e.browser import screenshot

pytestmark = pytest.mark.e2e

COUNTER_PC = {"width": 1366, "height": 768}


def test_landing_page_links_the_halls_pages_and_the_api_reference(hallq, open_page):
    deployment = hallq.deploy(hallq.sqlite())
    page = open_page(deployment.url + "/", COUNTER_PC)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    screenshot(page, "landing")
    assert deployment.hall.code in page.locator("h2").first.inner_text()
    page.get_by_role("link", name="大厅综合屏").first.click()
    page.wait_for_url(f"**/display/{deployment.hall.code}")
    page.go_back()
    page.get_by_role("link", name="接口文档 API reference").first.click()
    page.wait_for_url("**/api/docs")
    page.locator("#schemas").wait_for()
    screenshot(page, "api-docs")
    assert page.locator(".op").count() >= 30
    assert page.locator("h1").inner_text().startswith("接口文档")
    assert not errors
