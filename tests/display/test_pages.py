"""The hall and window screen pages are served for known halls and windows only."""

import json
import re
from dataclasses import replace

from queue_server.services.config_loader import load_config
from tests.conftest import TEST_HALL


def page_config(response) -> dict:
    text = response.get_data(as_text=True)
    return json.loads(re.search(r'id="hallq-config"[^>]*>(.*?)</script>', text, re.S).group(1))


def test_hall_screen_is_served_in_chinese(client):
    response = client.get("/display/h1")
    assert "/display-static/display/i18n/zh.js" in response.get_data(as_text=True)


def test_hall_screen_in_english_with_lang_en(client):
    response = client.get("/display/h1?lang=en")
    assert "/display-static/display/i18n/en.js" in response.get_data(as_text=True)


def test_an_unknown_language_falls_back_to_chinese(client):
    assert page_config(client.get("/display/h1?lang=../x"))["lang"] == "zh"


def test_unknown_hall_screen_is_404(client):
    assert client.get("/display/nope").status_code == 404


def test_window_screen_knows_its_window(client):
    assert page_config(client.get("/display/h1/window/2"))["window"] == 2


def test_window_screen_of_a_window_the_hall_lacks_is_404(client):
    assert client.get("/display/h1/window/9").status_code == 404


def test_the_page_carries_the_halls_voice_options(client, ctx):
    hall = dict(TEST_HALL["halls"][0], voice_repeat=3, volume=40, quiet_hours=["12:00-14:00"])
    load_config(ctx, {"halls": [hall]})
    voice = page_config(client.get("/display/h1"))["voice"]
    assert (voice["repeat"], voice["volume"], voice["quiet_hours"]) == (3, 40, ["12:00-14:00"])


def test_static_files_are_served(client):
    response = client.get("/display-static/display/hall.js")
    response.close()
    assert response.status_code == 200


def test_the_phone_queue_page_is_served_with_no_inline_script(client):
    response = client.get("/queue/h1")
    text = response.get_data(as_text=True)
    inline = [s for s in re.findall(r"<script([^>]*)>(.*?)</script>", text, re.S)
              if s[1].strip() and "application/json" not in s[0]]
    assert (response.status_code, "display/queue.js" in text, inline) == (200, True, [])


def test_the_phone_queue_page_of_an_unknown_hall_is_404(client):
    assert client.get("/queue/nope").status_code == 404


def qr_svg(url: str) -> str:
    import qrcode
    from qrcode.image.svg import SvgPathImage

    return qrcode.make(url, image_factory=SvgPathImage, border=2,
                       error_correction=qrcode.constants.ERROR_CORRECT_M).to_string(
        encoding="unicode")


def test_the_queue_qr_points_at_hallq_public_url(app, client):
    settings = app.extensions["hallq_settings"]
    app.extensions["hallq_settings"] = replace(settings, public_url="https://queue.example.gov.cn/")
    response = client.get("/queue/h1/qr.svg?lang=en")
    assert (response.mimetype, response.get_data(as_text=True)) == (
        "image/svg+xml", qr_svg("https://queue.example.gov.cn/queue/h1?lang=en"))


def test_without_a_public_url_the_queue_qr_uses_the_screens_address(client):
    response = client.get("/queue/h1/qr.svg")
    assert response.get_data(as_text=True) == qr_svg("http://localhost/queue/h1")


def test_the_hall_screen_shows_the_queue_qr(client):
    assert 'src="/queue/h1/qr.svg"' in client.get("/display/h1").get_data(as_text=True)
