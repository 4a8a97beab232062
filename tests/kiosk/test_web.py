"""The kiosk page, the tracking page and the QR code, served by the kiosk blueprint."""

import json

import pytest


def test_the_kiosk_page_is_chinese_first(client):
    page = client.get("/kiosk/h1").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page


def test_the_kiosk_page_carries_the_hall_name(client):
    assert "测试政务服务中心" in client.get("/kiosk/h1").get_data(as_text=True)


def test_an_unknown_hall_has_no_kiosk_page(client):
    assert client.get("/kiosk/nowhere").status_code == 404


def test_the_kiosk_page_never_echoes_the_pairing_token(client, kiosk):
    token = kiosk["Authorization"].split()[1]
    assert token not in client.get(f"/kiosk/h1?token={token}").get_data(as_text=True)


def test_the_kiosk_script_is_served(client):
    with client.get("/kiosk-static/kiosk/kiosk.js") as response:
        assert response.status_code == 200


def test_the_tracking_page_is_served(client, track_token):
    assert client.get(f"/track/{track_token}").status_code == 200


def test_the_tracking_page_of_an_unknown_ticket_is_404(client):
    assert client.get("/track/abcdefghijklmnop").status_code == 404


def test_the_qr_code_is_svg(client):
    response = client.get("/track/abcdefghijklmnop/qr.svg")
    assert (response.status_code, response.mimetype) == (200, "image/svg+xml")


def test_the_qr_code_of_a_malformed_token_is_404(client):
    assert client.get("/track/short/qr.svg").status_code == 404


def test_demo_swipes_are_off_outside_the_demo(client, kiosk, monkeypatch):
    monkeypatch.delenv("HALLQ_KIOSK_SWIPE_DIR", raising=False)
    assert client.post("/kiosk/h1/demo-swipe", headers=kiosk).status_code == 404


def test_a_demo_swipe_drops_a_valid_id_number_for_the_agent(client, kiosk, monkeypatch,
                                                            tmp_path):
    from queue_server.domain.idnumber import validate_id_number

    monkeypatch.setenv("HALLQ_KIOSK_SWIPE_DIR", str(tmp_path / "swipes"))
    client.post("/kiosk/h1/demo-swipe", headers=kiosk)
    [swipe] = (tmp_path / "swipes").glob("*.swipe")
    assert validate_id_number(swipe.read_text())


def test_a_demo_swipe_needs_the_kiosk_token(client, monkeypatch, tmp_path):
    monkeypatch.setenv("HALLQ_KIOSK_SWIPE_DIR", str(tmp_path))
    assert client.post("/kiosk/h1/demo-swipe").status_code == 401


def test_the_page_embeds_both_catalogs(client):
    page = client.get("/kiosk/h1").get_data(as_text=True)
    start = page.index('id="kiosk-catalogs">') + len('id="kiosk-catalogs">')
    assert set(json.loads(page[start:page.index("</script>", start)])) == {"zh_CN", "en"}
