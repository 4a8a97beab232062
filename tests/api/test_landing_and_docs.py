"""The landing page links every page of every hall, and /api/docs renders the served OpenAPI
document as HTML: every operation and schema, Chinese first, no script, nothing from a CDN."""

import re
from html.parser import HTMLParser

from tests.conftest import TEST_HALL

HALL = TEST_HALL["halls"][0]["code"]


class Page(HTMLParser):
    """The links, scripts, inline styles and external resources of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.links, self.scripts, self.styles, self.external = [], 0, 0, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.scripts += tag == "script"
        self.styles += tag == "style" or "style" in attrs
        for name in ("src", "href"):
            if (attrs.get(name) or "").startswith(("http:", "https:", "//")):
                self.external.append(attrs[name])


def test_the_landing_page_links_every_page_of_the_hall(client):
    windows = [w["number"] for w in TEST_HALL["halls"][0]["windows"]]
    links = set(Page(client.get("/").get_data(as_text=True)).links)
    expected = {f"/kiosk/{HALL}", f"/display/{HALL}", "/counter", "/dashboard",
                "/followups", "/api/docs", f"#track-{HALL}"}
    expected |= {f"/display/{HALL}/window/{n}" for n in windows}
    expected |= {f"/evaluator/{HALL}/{n}" for n in windows}
    assert windows and expected <= links, expected - links


def test_every_page_the_landing_page_links_is_served(client):
    for link in Page(client.get("/").get_data(as_text=True)).links:
        if not link.startswith("#"):
            assert client.get(link).status_code == 200, link


def test_the_landing_page_explains_phone_tracking(client):
    html = client.get("/").get_data(as_text=True)
    assert f'id="track-{HALL}"' in html and "二维码" in html and "QR code" in html


def test_the_landing_and_docs_pages_have_no_script_no_inline_style_no_cdn(client):
    for path in ("/", "/api/docs"):
        page = Page(client.get(path).get_data(as_text=True))
        assert (page.scripts, page.styles, page.external) == (0, 0, []), path


def test_the_api_reference_lists_every_operation_of_the_served_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    html = client.get("/api/docs").get_data(as_text=True)
    for path, item in document["paths"].items():
        for method in item:
            assert re.search(rf">{method.upper()}</span><code>{re.escape(path)}</code>", html), \
                (method, path)


def test_the_api_reference_shows_the_schemas_and_what_needs_a_token(client):
    html = client.get("/api/docs").get_data(as_text=True)
    assert 'id="schema-Ticket"' in html and "<code>track_token</code>" in html
    assert "需令牌 token" in html
    assert html.index("接口文档") < html.index("API reference")  # Chinese first


def test_schema_text_reads_refs_arrays_nullables_and_enums():
    from queue_server.web.apidocs import schema_text

    assert schema_text({"$ref": "#/components/schemas/Ticket"}) == "Ticket"
    assert schema_text({"type": "array", "items": {"$ref": "#/components/schemas/Service"}}) \
        == "array of Service"
    assert schema_text({"type": ["integer", "null"]}) == "integer | null"
    assert schema_text({"enum": ["open", None]}) == "one of open, null"
