"""Bad input is a 4xx in the error shape, never a 500: huge ids, extreme or malformed dates,
lone surrogates, deeply nested JSON."""

import pytest

HUGE = str(2 ** 64 + 5)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("path", ["/api/v1/halls/h1/stats", "/api/v1/halls/h1/reports",
                                  "/api/v1/halls/h1/reports.csv", "/api/v1/halls/h1/reports.xlsx",
                                  "/api/v1/halls/h1/followups/ledger",
                                  "/api/v1/halls/h1/evaluations/export"])
def test_extreme_dates_are_not_a_500(client, manager, path, day):
    response = client.get(f"{path}?from={day}&to={day}", headers=manager)
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("day", ["20261203", "2026-W49-4", "0001-01-01", "9999-12-31"])
def test_the_booking_day_view_takes_only_a_calendar_day_in_range(client, manager, day):
    response = client.get(f"/api/v1/halls/h1/bookings?day={day}", headers=manager)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("method, path", [
    ("post", f"/api/v1/tickets/{HUGE}/evaluation"),
    ("post", f"/api/v1/alerts/{HUGE}/acknowledge"),
    ("get", f"/api/v1/halls/h1/followups/{HUGE}"),
    ("post", f"/api/v1/halls/h1/followups/{HUGE}/callback"),
    ("post", f"/api/v1/halls/h1/windows/{HUGE}/call-next"),
    ("get", f"/api/v1/halls/h1/cases/{HUGE}"),
    ("post", f"/api/v1/halls/h1/cases/{HUGE}/state"),
    ("post", f"/api/v1/halls/h1/windows/{HUGE}/cases"),
])
def test_ids_beyond_64_bits_are_404(client, manager, method, path):
    response = getattr(client, method)(path, json={"grade": "satisfied", "note": "n"},
                                       headers=manager)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def _raw_json(client, path, text, headers):
    return client.post(path, data=text.encode(), headers={**headers,
                                                           "Content-Type": "application/json"})


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_lone_surrogate_in_a_sign_in_is_400(client, accts, field):
    body = {"username": "x", "password": "y", field: "a\\ud800b"}
    text = "{" + ", ".join(f'"{k}": "{v}"' for k, v in body.items()) + "}"
    response = _raw_json(client, "/api/v1/auth/token", text, {})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_a_lone_surrogate_in_a_pause_reason_is_400(client, staff1):
    response = _raw_json(client, "/api/v1/halls/h1/windows/1/pause", '{"reason": "\\udfff"}',
                         staff1)
    assert response.status_code == 400


def test_json_nested_5000_levels_is_400(client, kiosk):
    text = '{"service": ' + "[" * 5000 + "]" * 5000 + "}"
    response = _raw_json(client, "/api/v1/halls/h1/tickets", text, kiosk)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("value", ["yes", "null", "", "2"])
def test_alerts_active_must_be_a_boolean(client, manager, value):
    response = client.get(f"/api/v1/halls/h1/alerts?active={value}", headers=manager)
    assert response.status_code == 400


@pytest.mark.parametrize("value, status", [("true", 200), ("false", 200), ("1", 200),
                                           ("0", 200)])
def test_alerts_active_takes_true_false_1_0(client, manager, value, status):
    assert client.get(f"/api/v1/halls/h1/alerts?active={value}",
                      headers=manager).status_code == status


@pytest.mark.parametrize("take_over", [{}, "yes", None, 1])
def test_sign_in_take_over_must_be_a_boolean(client, staff1, take_over):
    response = client.post("/api/v1/halls/h1/windows/1/sign-in", json={"take_over": take_over},
                           headers=staff1)
    assert response.status_code == 400


def test_an_empty_followup_status_is_refused(client, manager):
    assert client.get("/api/v1/halls/h1/followups?status=", headers=manager).status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/halls/h1/followups/ledger?format=csv",
                                  "/api/v1/halls/h1/evaluations/export?format=csv",
                                  "/api/v1/halls/h1/reports.csv"])
def test_csv_answers_name_their_charset_once(client, manager, path):
    response = client.get(path, headers=manager)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_the_openapi_documents_what_any_operation_may_answer(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, item in paths.items():
        for method, op in item.items():
            statuses = set(op["responses"])
            if op.get("security"):
                assert {"401", "403"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            if method == "post":
                assert "400" in statuses, (method, path)
    export = paths["/api/v1/halls/{hall}/evaluations/export"]["get"]["responses"]["200"]
    assert "text/csv" in export["content"]
