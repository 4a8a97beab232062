"""The citizen's phone page for a case (/case/{hall}), linked from the tracking page and the
landing page; it is served without a browser here (the page talks to …/cases/lookup)."""


def test_the_case_page_is_chinese_first_and_english_on_request(client, kiosk):
    page = client.get("/case/h1?number=2026-000001")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'lang="zh-CN"' in html and 'data-hall="h1"' in html and "case/case.js" in html
    assert 'value="2026-000001"' in html and "<script>" not in html  # no inline script (CSP)
    assert 'lang="en"' in client.get("/case/h1?lang=en").get_data(as_text=True)
    assert client.get("/case/nowhere").status_code == 404
    script = client.get("/static/case/case.js")
    assert script.status_code == 200
    script.close()


def test_the_tracking_and_landing_pages_link_to_the_case_page(client, kiosk):
    ticket = client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                         headers=kiosk).get_json()
    track = client.get(f"/track/{ticket['track_token']}").get_data(as_text=True)
    assert 'href="/case/h1"' in track
    assert 'href="/case/h1"' in client.get("/").get_data(as_text=True)
