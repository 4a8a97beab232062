"""Fixtures of the kiosk page tests: a real ticket's tracking token (an unknown one is a 404)."""

import pytest


@pytest.fixture
def track_token(client, kiosk) -> str:
    response = client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["track_token"]
