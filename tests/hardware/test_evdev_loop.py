"""The one evdev read loop (hardware/evdev_loop.py) fed hand-built InputEvents through fake
device objects: handlers per connection, release in finally, reconnect, and both drivers on it."""

import errno
import threading

import pytest
from evdev import InputEvent, ecodes

from hardware.card_reader.evdev_reader import EvdevCardReader
from hardware.evdev_loop import EvdevLoop
from hardware.keypad import KeypadDecoder
from hardware.keypad.evdev_keypad import EvdevKeypad
from hardware.keypad.keymap import DEFAULT_CALLER_MAP
from tests.hardware.test_evdev_reader import WAIT_S, FakeInputDevice, Opener, wait_for

PRESS = [InputEvent(100, 0, ecodes.EV_KEY, ecodes.KEY_KP1, 1),
         InputEvent(100, 1000, ecodes.EV_KEY, ecodes.KEY_KP1, 0)]
UNPLUG = OSError(errno.ENODEV, "No such device")


class Batches:
    """make_handler replacement: each connection gets a handler numbered from 1."""

    def __init__(self):
        self.made = 0
        self.seen = []

    def __call__(self):
        self.made += 1
        connection = self.made
        return lambda events: self.seen.append((connection, [e.code for e in events]))


def make_loop(paths, opener, **kwargs):
    return EvdevLoop(paths, "test device", opener, resolve=list, retry_initial_s=0.01,
                     retry_max_s=0.02, **kwargs)


def test_events_reach_the_handler_as_read():
    device = FakeInputDevice("/dev/input/event1", [PRESS])
    loop, batches = make_loop(["/dev/input/event1"], Opener({"/dev/input/event1": [device]})), \
        Batches()
    loop.start(batches)
    wait_for(lambda: batches.seen)
    loop.close()
    assert batches.seen == [(1, [ecodes.KEY_KP1, ecodes.KEY_KP1])]


def test_a_new_handler_after_an_unplug():
    path = "/dev/input/event1"
    first = FakeInputDevice(path, [PRESS, UNPLUG])
    second = FakeInputDevice(path, [PRESS])
    loop, batches = make_loop([path], Opener({path: [first, second]})), Batches()
    loop.start(batches)
    wait_for(lambda: len(batches.seen) == 2)
    loop.close()
    assert [connection for connection, _ in batches.seen] == [1, 2]


def test_a_failing_handler_ends_run_after_the_release():
    journal = []
    path = "/dev/input/event1"
    loop = make_loop([path], Opener({path: [FakeInputDevice(path, [PRESS], journal)]}))

    def broken(events):
        raise RuntimeError("decoder bug")

    with pytest.raises(RuntimeError):
        loop.run(lambda: broken)
    loop.close()
    assert journal[-2:] == [("ungrab", path), ("close", path)]


def test_a_loop_needs_a_path():
    with pytest.raises(ValueError):
        EvdevLoop([], "keypad")


def test_the_keypad_survives_an_unplug_on_the_shared_loop():
    path = "/dev/input/by-id/usb-Caller_Keypad-event-kbd"
    first = FakeInputDevice(path, [PRESS, UNPLUG])
    second = FakeInputDevice(path, [PRESS])
    keypad = EvdevKeypad(path, KeypadDecoder(DEFAULT_CALLER_MAP, 0), open_device=Opener(
        {path: [PermissionError(errno.EACCES, "denied"), first, second]}),
        retry_initial_s=0.01, retry_max_s=0.02)
    pressed, twice = [], threading.Event()
    keypad.start(lambda action: (pressed.append(action), len(pressed) == 2 and twice.set()))
    assert twice.wait(WAIT_S)
    keypad.stop()
    assert pressed == ["call_next", "call_next"]


def test_card_reader_and_keypad_share_the_loop():
    reader = EvdevCardReader(["/dev/input/event3"])
    keypad = EvdevKeypad("/dev/input/event4", KeypadDecoder({}, 0))
    try:
        assert isinstance(reader.loop, EvdevLoop) and isinstance(keypad.loop, EvdevLoop)
    finally:
        reader.close()
        keypad.loop.close()
