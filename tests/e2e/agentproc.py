"""Real ``kiosk-agent`` processes for the end-to-end tests and the kiosk benchmark."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.serverproc import REPO_ROOT


def agent_command() -> list[str]:
    script = Path(sys.executable).with_name("kiosk-agent")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "kiosk.agent"]


class AgentProcess:
    """``kiosk-agent --server URL --printer SPEC [--card-reader SPEC] [ARGS]``; the token goes in
    the environment (HALLQ_KIOSK_TOKEN), never on a command line other users can read. The print
    journal is at its default place under ``cwd/state`` (XDG_STATE_HOME), not in the home of the
    user running the tests: agents started in one directory for one kiosk share it, as restarts
    on one kiosk computer do."""

    def __init__(self, server_url: str, token: str, printer: str, cwd: Path,
                 card_reader: str = "none", name: str = "agent", args: tuple[str, ...] = ()):
        self.args = ["--server", server_url, "--printer", printer, "--card-reader", card_reader,
                     "--log-level", "INFO", *args]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("HALLQ_")}
        self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT),
                                                               self.env.get("PYTHONPATH")]))
        self.env["HALLQ_KIOSK_TOKEN"] = token
        self.env["XDG_STATE_HOME"] = str(Path(cwd).resolve() / "state")
        self.cwd = cwd
        self.log_path = cwd / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "AgentProcess":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(agent_command() + self.args, env=self.env,
                                            cwd=self.cwd, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def wait_exit(self, timeout: float = 20.0) -> int | None:
        """The process's return code once it has ended by itself (negative: killed by that
        signal), None if it still runs after ``timeout``."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_for(predicate, timeout: float = 20.0, every: float = 0.02, what: str = "",
             log=None):
    """Poll ``predicate`` until it returns something truthy and return that.

    Fails the test (AssertionError naming ``what`` and ending with ``log()``, e.g. an agent's
    log tail) when it is still falsy after ``timeout`` seconds: a caller cannot forget to check.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"\n{log()}" if log is not None else ""
            raise AssertionError(f"timed out after {timeout} s waiting for "
                                 f"{what or predicate!r} (last value {value!r}){detail}")
        time.sleep(every)
