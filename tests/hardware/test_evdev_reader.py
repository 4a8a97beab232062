"""The evdev card reader against fake device objects: grab and release, unplug and replug,
several event nodes, stopping."""

import errno
import os
import threading

import pytest
from evdev import ecodes

from hardware.card_reader import open_card_reader
from hardware.card_reader.evdev_reader import EvdevCardReader, resolve_paths
from hardware.card_reader.normalize import ReadDeduplicator
from tests.hardware.keys import digits, enter, shifted

ID_NUMBER = "11010519491231002X"
ID_EVENTS = digits(ID_NUMBER[:-1]) + shifted(ecodes.KEY_X) + enter()
WAIT_S = 30.0  # a deadline for events that come at once; never reached when all is well


class FakeInputDevice:
    """Behaves like evdev.InputDevice: a selectable fd, read() batches, grab/ungrab/close.

    ``batches`` are lists of events or exceptions to raise from read(); when they run out the
    device stays quiet (select blocks) like a reader nobody uses."""

    def __init__(self, path, batches=(), journal=None, grab_error=None):
        self.path = path
        self.batches = list(batches)
        self.journal = journal if journal is not None else []
        self.grab_error = grab_error
        self._read_fd, self._write_fd = os.pipe()
        if self.batches:
            os.write(self._write_fd, b"x")

    def fileno(self):
        return self._read_fd

    def grab(self):
        self.journal.append(("grab", self.path))
        if self.grab_error:
            raise self.grab_error

    def ungrab(self):
        self.journal.append(("ungrab", self.path))

    def close(self):
        self.journal.append(("close", self.path))
        os.close(self._read_fd)
        os.close(self._write_fd)

    def read(self):
        self.journal.append(("read", self.path))
        item = self.batches.pop(0)
        if not self.batches:
            os.read(self._read_fd, 1)
        if isinstance(item, BaseException):
            raise item
        return iter(item)


class Opener:
    """open_device replacement handing out prepared devices (or raising) per path, in order."""

    def __init__(self, plan):
        self.plan = {path: list(items) for path, items in plan.items()}
        self.opened = []

    def __call__(self, path):
        item = self.plan[path].pop(0)
        if isinstance(item, BaseException):
            raise item
        self.opened.append(item)
        return item


class Reads:
    """Callback collecting reads; ``wait(n)`` blocks until n reads arrived."""

    def __init__(self):
        self.items = []
        self._changed = threading.Condition()

    def __call__(self, read):
        with self._changed:
            self.items.append(read)
            self._changed.notify_all()

    def wait(self, count):
        with self._changed:
            self._changed.wait_for(lambda: len(self.items) >= count, WAIT_S)
        return self.items


@pytest.fixture
def node(tmp_path):
    path = tmp_path / "event7"
    path.touch()
    return str(path)


def make_reader(paths, opener, **kwargs):
    return EvdevCardReader(paths, open_device=opener, retry_initial_s=0.01,
                           retry_max_s=0.02, **kwargs)


def wait_for(condition):
    """Poll ``condition`` until true; fail the test if it is still false after WAIT_S."""
    for _ in range(int(WAIT_S / 0.01)):
        if condition():
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"still false after {WAIT_S} s: {condition!r}")


def run_until(reader, count):
    reads = Reads()
    reader.start(reads)
    try:
        return reads.wait(count)
    finally:
        reader.close()


def test_read_from_the_device_is_delivered(node):
    device = FakeInputDevice(node, [ID_EVENTS])
    reads = run_until(make_reader([node], Opener({node: [device]})), 1)
    assert [read.value for read in reads] == [ID_NUMBER]


def test_device_is_grabbed_before_it_is_read(node):
    journal = []
    device = FakeInputDevice(node, [ID_EVENTS], journal)
    run_until(make_reader([node], Opener({node: [device]})), 1)
    assert journal.index(("grab", node)) < journal.index(("read", node))


def test_device_is_ungrabbed_when_the_reader_stops(node):
    journal = []
    device = FakeInputDevice(node, [ID_EVENTS], journal)
    run_until(make_reader([node], Opener({node: [device]})), 1)
    assert journal[-2:] == [("ungrab", node), ("close", node)]


def test_device_is_ungrabbed_when_reading_raises(node):
    journal = []
    device = FakeInputDevice(node, [RuntimeError("driver bug")], journal)
    reader = make_reader([node], Opener({node: [device]}))
    with pytest.raises(RuntimeError):
        reader.run(lambda read: None)
    assert ("ungrab", node) in journal


def test_reader_survives_unplug_and_replug(node):
    unplug = OSError(errno.ENODEV, "No such device")
    first = FakeInputDevice(node, [ID_EVENTS, unplug])
    second = FakeInputDevice(node, [digits("2712847316") + enter()])
    reads = run_until(make_reader([node], Opener({node: [first, second]})), 2)
    assert [read.kind for read in reads] == ["id_number", "rfid"]


def test_unplugged_device_is_released(node):
    journal = []
    first = FakeInputDevice(node, [OSError(errno.ENODEV, "No such device")], journal)
    second = FakeInputDevice(node, [ID_EVENTS])
    run_until(make_reader([node], Opener({node: [first, second]})), 1)
    assert ("ungrab", node) in journal and ("close", node) in journal


def test_reader_retries_when_the_device_cannot_be_opened(node):
    device = FakeInputDevice(node, [ID_EVENTS])
    opener = Opener({node: [PermissionError(errno.EACCES, "denied"), device]})
    reads = run_until(make_reader([node], opener), 1)
    assert len(reads) == 1


def test_device_grabbed_elsewhere_is_closed_and_retried(node):
    journal = []
    busy = FakeInputDevice(node, [], journal, grab_error=OSError(errno.EBUSY, "busy"))
    device = FakeInputDevice(node, [ID_EVENTS])
    reads = run_until(make_reader([node], Opener({node: [busy, device]})), 1)
    assert len(reads) == 1 and ("close", node) in journal


def test_keys_arriving_on_the_second_event_node_are_read(tmp_path):
    mouse, keyboard = str(tmp_path / "event3"), str(tmp_path / "event4")
    for path in (mouse, keyboard):
        open(path, "w").close()
    opener = Opener({mouse: [FakeInputDevice(mouse)],
                     keyboard: [FakeInputDevice(keyboard, [ID_EVENTS])]})
    reads = run_until(make_reader([mouse, keyboard], opener), 1)
    assert [read.value for read in reads] == [ID_NUMBER]


def test_same_read_on_two_nodes_is_delivered_once(tmp_path):
    first, second = str(tmp_path / "event3"), str(tmp_path / "event4")
    for path in (first, second):
        open(path, "w").close()
    journal = []
    opener = Opener({first: [FakeInputDevice(first, [ID_EVENTS], journal)],
                     second: [FakeInputDevice(second, [ID_EVENTS], journal)]})
    reader = make_reader([first, second], opener, dedupe=ReadDeduplicator(60.0))
    reads = Reads()
    reader.start(reads)
    wait_for(lambda: ("read", first) in journal and ("read", second) in journal)
    reader.close()  # the thread finishes the batch it read before it stops
    assert len(reads.items) == 1


def test_stop_releases_a_reader_waiting_for_keys(node):
    journal = []
    reader = make_reader([node], Opener({node: [FakeInputDevice(node, [], journal)]}))
    reader.start(lambda read: None)
    wait_for(lambda: ("grab", node) in journal)
    reader.close()
    assert ("ungrab", node) in journal


def test_retry_delay_doubles_up_to_the_limit(node):
    reader = EvdevCardReader([node], open_device=Opener({node: [OSError(errno.EIO, "io")] * 9}),
                             retry_initial_s=0.5, retry_max_s=4.0)
    delays = []

    def wait(delay):
        delays.append(delay)
        return len(delays) >= 6

    reader.loop._stopping.wait = wait
    reader.run(lambda read: None)
    reader.close()
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_glob_and_two_links_to_one_node_resolve_once(tmp_path):
    node = tmp_path / "event9"
    node.touch()
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    (by_id / "usb-Reader-event-kbd").symlink_to(node)
    (by_id / "usb-Reader-if01-event-kbd").symlink_to(node)
    assert len(resolve_paths([str(by_id / "usb-Reader*-event-kbd")])) == 1


def test_missing_node_is_not_resolved(tmp_path):
    assert resolve_paths([str(tmp_path / "event99")]) == []


def test_spec_lists_several_paths():
    reader = open_card_reader("evdev:/dev/input/event3,/dev/input/by-id/*Reader*-event-kbd")
    try:
        assert reader.paths == ["/dev/input/event3", "/dev/input/by-id/*Reader*-event-kbd"]
    finally:
        reader.close()
