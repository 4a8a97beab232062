"""The /book/{hall} page and its QR code, served without a browser (the e2e test drives it)."""

from tests.bookings.test_bookings_api import book


def test_the_page_is_chinese_first_and_english_on_request(client, booking_ctx):
    page = client.get("/book/h1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="zh-CN"' in html and 'data-hall="h1"' in html and "book/book.js" in html
    assert "hallq.js" in html and "<script>" not in html  # no inline script (CSP)
    assert 'lang="en"' in client.get("/book/h1?lang=en").get_data(as_text=True)
    assert client.get("/book/nowhere").status_code == 404


def test_the_booking_code_has_a_qr_code(client, booking_ctx):
    code = book(client).get_json()["code"]
    qr = client.get(f"/book/h1/qr/{code}.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert client.get("/book/h1/qr/no-such!.svg").status_code == 404
