"""Bearer tokens as a command line meets them."""

import secrets

from queue_server.services import accounts


def test_a_new_token_never_starts_with_a_dash(monkeypatch):
    """A token starting with "-" broke `led-agent --caller-token TOKEN` (read as an option)."""
    drawn = iter(["-starts-with-a-dash", "-again", "fine-token"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: next(drawn))
    assert accounts.new_token() == "fine-token"
