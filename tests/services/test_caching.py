"""The one TTL cache of the server, on a fake clock."""

import threading
import time

import pytest

from queue_server.caching import SingleFlight, TtlCache, ttl_cache


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Loader:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return f"value {self.calls}"


@pytest.fixture
def clock():
    return FakeClock()


def test_a_value_is_loaded_once_within_the_ttl(clock):
    cache, load = TtlCache(5.0, clock=clock), Loader()
    first = cache.get("k", load)
    clock.now += 4.9
    assert (first, cache.get("k", load), load.calls) == ("value 1", "value 1", 1)


def test_a_value_is_loaded_again_once_the_ttl_has_passed(clock):
    cache, load = TtlCache(5.0, clock=clock), Loader()
    cache.get("k", load)
    clock.now += 5.0
    assert cache.get("k", load) == "value 2"


def test_keys_expire_separately(clock):
    cache, load = TtlCache(5.0, clock=clock), Loader()
    cache.get("a", load)
    clock.now += 3
    cache.get("b", load)
    clock.now += 3
    assert (cache.peek("a"), cache.peek("b")) == (None, "value 2")


def test_zero_ttl_caches_nothing(clock):
    cache, load = TtlCache(0.0, clock=clock), Loader()
    cache.get("k", load)
    assert cache.get("k", load) == "value 2"


def test_a_cached_none_is_a_hit(clock):
    cache = TtlCache(5.0, clock=clock)
    cache.put("unknown token", None)
    assert cache.get("unknown token", lambda: pytest.fail("loaded again")) is None


def test_peek_never_loads_and_can_return_a_stale_value(clock):
    cache = TtlCache(5.0, clock=clock)
    assert cache.peek("k", "absent") == "absent"
    cache.put("k", "old")
    clock.now += 60
    assert (cache.peek("k", "expired"), cache.peek("k", stale_ok=True)) == ("expired", "old")


def test_forget_one_key_or_all(clock):
    cache = TtlCache(5.0, clock=clock)
    for key in "abc":
        cache.put(key, key)
    cache.forget("a")
    assert (cache.peek("a"), len(cache)) == (None, 2)
    cache.forget()
    assert len(cache) == 0


def test_a_full_cache_is_emptied_before_it_grows(clock):
    cache = TtlCache(5.0, max_entries=2, clock=clock)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("b", 3)  # replacing a key does not count as growing
    assert len(cache) == 2
    cache.put("c", 4)
    assert (len(cache), cache.peek("a"), cache.peek("c")) == (1, None, 4)


def test_a_failed_load_stores_nothing(clock):
    cache = TtlCache(5.0, clock=clock)

    def fail():
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        cache.get("k", fail)
    assert len(cache) == 0


def test_max_entries_must_be_positive():
    with pytest.raises(ValueError):
        TtlCache(1.0, max_entries=0)


def test_the_context_holds_one_cache_per_name():
    class Ctx:
        caches: dict = {}

    ctx = Ctx()
    first = ttl_cache(ctx, "handling", 30.0)
    assert ttl_cache(ctx, "handling", 99.0) is first and first.ttl_s == 30.0
    assert ttl_cache(ctx, "open_windows", 1.0) is not first


# ---- SingleFlight: callers at once share one load that started after they came -----------

def _in_thread(target):
    result = {}

    def run():
        try:
            result["value"] = target()
        except Exception as error:  # noqa: BLE001 - handed to the test
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_callers_arriving_during_a_load_share_the_next_one_not_the_running_one():
    flight = SingleFlight()
    loads, first_started, release = [], threading.Event(), threading.Event()

    def first_load():
        loads.append("first")
        first_started.set()
        release.wait(10)
        return "first"

    def second_load():
        loads.append("second")
        return "second"

    leader, first = _in_thread(lambda: flight.get("h1", first_load))
    assert first_started.wait(10)
    # Arrived while "first" was reading: it might miss a change made meanwhile, so these board
    # the next flight, which takes off once "first" has landed, and all share it.
    followers = [_in_thread(lambda: flight.get("h1", second_load)) for _ in range(20)]
    deadline = time.monotonic() + 10
    while flight.boarding("h1") < 20 and time.monotonic() < deadline:
        time.sleep(0.001)
    release.set()
    for thread, _ in [(leader, first), *followers]:
        thread.join(10)
    assert first == {"value": "first"}
    assert [r for _, r in followers] == [{"value": "second"}] * 20
    assert loads == ["first", "second"]


def test_a_failed_load_fails_everyone_on_that_flight_and_the_next_loads_again():
    flight = SingleFlight()
    with pytest.raises(RuntimeError):
        flight.get("h1", lambda: (_ for _ in ()).throw(RuntimeError("db gone")))
    assert flight.get("h1", lambda: 42) == 42


def test_keys_fly_apart():
    flight = SingleFlight()
    assert (flight.get("h1", lambda: 1), flight.get("h2", lambda: 2)) == (1, 2)
