"""The landing page in a real browser: Chinese first, the hall's services listed."""

import pytest

from tests.e2e.browser import HALL_SCREEN, screenshot

pytestmark = pytest.mark.e2e


def test_landing_page_lists_the_halls_services(hallq, open_page):
    deployment = hallq.deploy(hallq.sqlite())
    page = open_page(deployment.url + "/", HALL_SCREEN)
    screenshot(page, "landing")
    assert deployment.hall.code in page.locator("h2").first.inner_text()
