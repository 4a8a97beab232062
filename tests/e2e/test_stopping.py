"""SIGTERM and SIGINT stop every HallQ process cleanly: ``queue-server serve`` and ``demo``,
``kiosk-agent`` and ``led-agent`` with its keypads, alone and as one process group (what systemd
and docker send). Each exits 0, within a generous deadline (the tests never assert how fast),
with no traceback in its log; the kiosk's journal lock is free afterwards and the server's port
closed. A process that hangs is killed at the end of the deadline and the test fails."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import socketio

from kiosk.journal import PrintJournal
from tests.e2e.agentproc import agent_command
from tests.e2e.serverproc import REPO_ROOT, cli_command, free_port, run_cli

pytestmark = pytest.mark.e2e

EXIT_DEADLINE_S = 60.0  # far beyond the processes' own 10 s grace: a busy machine is not a hang
STOP_SIGNALS = [signal.SIGTERM, signal.SIGINT]


def until(predicate, what: str, timeout: float = 60.0, proc: "Proc | None" = None):
    """Waits generously (the whole suite shares two cores); on a timeout the message carries
    the log of the process waited for."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    detail = f":\n{proc.log()[-4000:]}" if proc is not None else ""
    raise AssertionError(f"timed out waiting for {what}{detail}")


class Proc:
    """A process with its output in a log file."""

    def __init__(self, args, env, cwd: Path, name: str, group: int | None = None):
        self.log_path = cwd / f"{name}.log"
        self.name = name
        with open(self.log_path, "ab") as log:
            options = ({"start_new_session": True} if group is None else {"process_group": group})
            self.process = subprocess.Popen(args, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, **options)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def exit_status(self) -> int:
        """The exit status once the process has ended; fails (after ``kill -9``) if it has not
        ended within the deadline."""
        try:
            return self.process.wait(EXIT_DEADLINE_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(30)
            pytest.fail(f"{self.name} still ran {EXIT_DEADLINE_S} s after the signal:\n"
                        f"{self.log()[-4000:]}")

    def assert_stopped_cleanly(self) -> None:
        status = self.exit_status()
        assert status == 0, f"{self.name} exited {status}:\n{self.log()[-4000:]}"
        assert "Traceback" not in self.log(), self.log()[-4000:]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)


def agent_env(deployment, token: str, cwd: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALLQ_")}
    env.update(PYTHONPATH=str(REPO_ROOT), HALLQ_KIOSK_TOKEN=token,
               XDG_STATE_HOME=str(cwd / "state"))
    return env


def start_kiosk_agent(deployment, cwd: Path, server: str | None = None, group=None) -> Proc:
    args = agent_command() + ["--server", server or deployment.url, "--printer",
                              f"file:{cwd / 'printer.bin'}", "--journal",
                              str(cwd / "kiosk.journal"), "--log-level", "INFO"]
    return Proc(args, agent_env(deployment, deployment.hall.kiosk_token, cwd), cwd,
                "kiosk-agent", group)


def start_led_agent(deployment, cwd: Path, server: str | None = None, group=None) -> Proc:
    """``led-agent`` with a ``file:`` sign and fake caller and evaluator keypads (the keypad
    bridge, with its own Socket.IO connection to ``/evaluator``)."""
    code, env = deployment.hall.code, deployment.env
    caller = _device(env, cwd, "caller", code, 1)
    evaluator = _device(env, cwd, "evaluator", code, 1)
    args = [sys.executable, "-c", "import sys; from display.led_agent import main; "
            "sys.exit(main())", "--server", server or deployment.url, "--hall", code,
            "--window", "1",
            "--sign", f"file:{cwd / 'sign.bin'}", "--caller-keypad", "fake", f"--caller-token={caller}",
            "--evaluator-keypad", "fake", f"--evaluator-token={evaluator}"]  # a token may start with "-"
    return Proc(args, agent_env(deployment, "", cwd), cwd, "led-agent", group)


def _device(env, cwd, kind, hall, window) -> str:
    name = f"{kind}-{cwd.name}"
    out = run_cli(["device", "add", name, "--kind", kind, "--hall", hall, "--window",
                   str(window)], env, cwd)
    return out.strip().splitlines()[-1]


def kiosk_agent_connected(proc: Proc) -> bool:
    return "connected to" in proc.log()


def journal_held_in_group(path: Path, group: int) -> bool:
    """Is the journal's lock held by a live process of ``group`` (read from the lock file,
    without taking the lock: that could turn the starting agent away)?"""
    try:
        holder = int(Path(f"{path}.lock").read_text().strip() or 0)
        return holder > 0 and os.getpgid(holder) == group
    except (OSError, ValueError):
        return False


def journal_is_free(cwd: Path) -> bool:
    PrintJournal.open(cwd / "kiosk.journal").close()  # raises JournalBusy while it is held
    return True


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
    return True


@pytest.fixture(scope="module")
def deployment(hallq_module):
    """One hall for the module (provisioning is the slow part); the tests that stop a server
    start servers of their own on its database."""
    return hallq_module.deploy(hallq_module.sqlite())


def start_server(deployment, cwd: Path, port: int | None = None, group=None) -> tuple[Proc, str]:
    """``queue-server serve`` on the deployment's database; returns it and its URL once it
    answers. With ``group=0`` it leads a new process group in this session (agents can join)."""
    port = port or free_port()
    args = cli_command() + ["serve", "--host", "127.0.0.1", "--port", str(port)]
    name = f"server-{port}-{time.monotonic_ns()}"
    server = Proc(args, deployment.env, cwd, name, group)
    try:
        until(lambda: _healthy(port) or server.process.poll() is not None, "the server", 120)
    except AssertionError:
        server.kill()
        raise
    assert server.process.poll() is None, server.log()
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture
def procs():
    started: list[Proc] = []
    yield started
    for proc in started:
        proc.kill()


def display_client(url: str, hall: str) -> socketio.Client:
    client = socketio.Client(reconnection=True, reconnection_delay=0.2,
                             reconnection_delay_max=1, handle_sigint=False)
    client.connect(url, namespaces=["/display"], transports=["websocket"],
                   auth={"hall": hall}, wait_timeout=30)
    return client


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_the_server_stops_cleanly_and_its_clients_reconnect_to_the_next(deployment, tmp_path,
                                                                         procs, signum):
    """An open Socket.IO connection does not hold the stop up, and is dropped as by a network
    cut: the client reconnects by itself to the server started next on the same port."""
    port = free_port()
    server, url = start_server(deployment, tmp_path, port)
    procs.append(server)
    client = display_client(url, deployment.hall.code)
    try:
        server.process.send_signal(signum)
        server.assert_stopped_cleanly()
        assert port_is_free(port)
        until(lambda: not client.connected, "the client to see the server go")
        procs.append(start_server(deployment, tmp_path, port)[0])
        until(lambda: client.connected, "the client to reconnect to the next server")
    finally:
        client.shutdown()


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_the_kiosk_agent_stops_cleanly_and_frees_its_journal(deployment, tmp_path, procs, signum):
    agent = start_kiosk_agent(deployment, tmp_path)
    procs.append(agent)
    until(lambda: kiosk_agent_connected(agent), "the agent to connect", proc=agent)
    ticket = requests.post(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/tickets",
                           json={"service": "A"}, timeout=30,
                           headers={"Authorization": "Bearer " + deployment.hall.kiosk_token})
    assert ticket.status_code == 201, ticket.text
    until(lambda: "printed" in (tmp_path / "kiosk.journal").read_text(), "the ticket's print")
    agent.process.send_signal(signum)
    agent.assert_stopped_cleanly()
    assert journal_is_free(tmp_path)
    lines = [json.loads(line) for line in (tmp_path / "kiosk.journal").read_text().splitlines()]
    assert any(line["event"] == "printed" for line in lines)


def test_the_kiosk_agent_stops_while_it_cannot_reach_the_server(deployment, tmp_path, procs):
    agent = start_kiosk_agent(deployment, tmp_path, server=f"http://127.0.0.1:{free_port()}")
    procs.append(agent)
    until(lambda: "cannot reach" in agent.log(), "the agent to retry")
    agent.process.send_signal(signal.SIGTERM)
    agent.assert_stopped_cleanly()
    assert journal_is_free(tmp_path)


def test_a_second_signal_while_the_kiosk_agent_stops_changes_nothing(deployment, tmp_path,
                                                                     procs):
    """The demo's agent gets two SIGTERMs at once (its process group's and its parent-death
    signal): that deadlocked the old signal handler in 2 of 3 tries, so try several times."""
    for attempt in range(3):
        agent = start_kiosk_agent(deployment, tmp_path)
        procs.append(agent)
        until(lambda: kiosk_agent_connected(agent), "the agent to connect", proc=agent)
        agent.process.send_signal(signal.SIGTERM)
        agent.process.send_signal(signal.SIGTERM)
        agent.assert_stopped_cleanly()
        agent.log_path.rename(tmp_path / f"kiosk-agent-{attempt}.log")


def threads_blocking_stop_signals(pid: int) -> dict[str, bool]:
    """For each thread of the process (Linux /proc): are SIGTERM and SIGINT blocked in it, or
    is it taking them in sigtimedwait (which unblocks them while it waits)?"""
    wanted = (1 << (signal.SIGTERM - 1)) | (1 << (signal.SIGINT - 1))
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = dict(line.split(":\t", 1) for line in (task / "status").read_text()
                      .splitlines() if ":\t" in line)
        waiting = "sigtimedwait" in (task / "wchan").read_text()
        found[task.name] = waiting or int(fields["SigBlk"], 16) & wanted == wanted
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_no_thread_of_the_agents_can_be_interrupted_by_a_stop_signal(deployment, tmp_path,
                                                                     procs):
    """The cause of the kiosk agent's hang: a Python handler interrupting the client's code in
    the main thread. Every thread, the main one and the Socket.IO client's, blocks the signals;
    the main thread takes them with sigtimedwait."""
    procs.append(kiosk := start_kiosk_agent(deployment, tmp_path))
    procs.append(led := start_led_agent(deployment, tmp_path))
    until(lambda: kiosk_agent_connected(kiosk), "the kiosk agent to connect", proc=kiosk)
    until(lambda: (tmp_path / "sign.bin").exists(), "the LED agent to connect", proc=led)
    for agent in (kiosk, led):
        threads = threads_blocking_stop_signals(agent.process.pid)
        assert len(threads) > 2 and all(threads.values()), (agent.name, threads)
        agent.process.send_signal(signal.SIGTERM)
        agent.assert_stopped_cleanly()


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_the_led_agent_with_its_keypads_stops_cleanly(deployment, tmp_path, procs, signum):
    agent = start_led_agent(deployment, tmp_path)
    procs.append(agent)
    until(lambda: (tmp_path / "sign.bin").exists() and (tmp_path / "sign.bin").stat().st_size,
          "the sign's first text")
    agent.process.send_signal(signum)
    agent.assert_stopped_cleanly()


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_process_group_stops_cleanly(deployment, tmp_path, procs, signum):
    """Server, kiosk agent and LED agent in one process group, signalled together."""
    server, url = start_server(deployment, tmp_path, group=0)
    procs.append(server)
    group = server.process.pid
    procs.append(kiosk := start_kiosk_agent(deployment, tmp_path, server=url, group=group))
    procs.append(led := start_led_agent(deployment, tmp_path, server=url, group=group))
    until(lambda: kiosk_agent_connected(kiosk), "the kiosk agent to connect", proc=kiosk)
    until(lambda: (tmp_path / "sign.bin").exists(), "the LED agent to connect", proc=led)
    os.killpg(group, signum)
    server.assert_stopped_cleanly()
    kiosk.assert_stopped_cleanly()
    led.assert_stopped_cleanly()
    assert journal_is_free(tmp_path)


def test_the_demo_and_its_kiosk_agent_stop_together(tmp_path):
    """``queue-server demo`` starts a kiosk agent in its process group; SIGTERM to the group,
    then SIGINT (Ctrl-C in a terminal) to the next demo in the same directory, stop both, and
    each next demo starts on the journal the last one left."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALLQ_")}
    env.update(PYTHONPATH=str(REPO_ROOT), HALLQ_PORT=str(port), HALLQ_LOG_LEVEL="INFO",
               HALLQ_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    for signum in STOP_SIGNALS:
        demo = Proc(cli_command() + ["demo"], env, tmp_path, f"demo-{signum}")
        try:
            until(lambda: "is ready" in demo.log() and _healthy(port), "the demo", 120)
            assert "Listening on     127.0.0.1 only" in demo.log()
            journal = tmp_path / "instance" / "kiosk-agent.journal"
            until(lambda: journal_held_in_group(journal, demo.process.pid),
                  "the demo's kiosk agent")
            os.killpg(demo.process.pid, signum)
            demo.assert_stopped_cleanly()
            until(lambda: _group_gone(demo.process.pid), "the demo's kiosk agent to exit")
            PrintJournal.open(journal).close()
        finally:
            _kill_group(demo.process.pid)


def _healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _group_gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


def _kill_group(group: int) -> None:
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        pass
