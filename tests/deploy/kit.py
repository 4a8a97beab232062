"""The shipped deployment kit (deploy/) made runnable on this machine for the tests.

The nginx site is rewritten for loopback: free ports instead of 80/443, a self-signed
certificate for 127.0.0.1 made with openssl, the given queue-server processes as upstreams, and
a main configuration around it with every path in a temporary folder. Everything else in the
file is tested as shipped. The systemd units get this checkout's virtualenv instead of
/opt/hallq/venv, since `systemd-analyze verify` checks that each command exists.
"""

import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX_SITE = DEPLOY / "nginx" / "hallq.conf"
SYSTEMD_DIR = DEPLOY / "systemd"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60)
    return cert, key


def site_for_test(directory: Path, http_port: int, https_port: int,
                  upstream_ports: list[int]) -> Path:
    """The shipped site with loopback ports, a test certificate and the given upstreams."""
    cert, key = make_certificate(directory)
    site = NGINX_SITE.read_text(encoding="utf-8")
    site = re.sub(r"^\s*listen \[::\]:.*\n", "", site, flags=re.M)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    site = site.replace("/etc/hallq/tls/fullchain.pem", str(cert))
    site = site.replace("/etc/hallq/tls/privkey.pem", str(key))
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n"
                      for p in upstream_ports)
    # both upstreams: Socket.IO's (sticky) and the API's (least busy)
    site, count = re.subn(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", servers, site)
    assert count == 2, "the upstream blocks of deploy/nginx/hallq.conf changed shape"
    path = directory / "hallq.conf"
    path.write_text(site, encoding="utf-8")
    return path


def main_config(directory: Path, site: Path) -> Path:
    """An nginx.conf that includes the site, with every writable path under ``directory``."""
    temp = directory / "temp"
    temp.mkdir(exist_ok=True)
    conf = directory / "nginx.conf"
    conf.write_text(f"""
user root;
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
""", encoding="utf-8")
    return conf


def nginx_test(conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run([nginx_binary(), "-t", "-p", str(conf.parent), "-c", str(conf)],
                          capture_output=True, text=True, timeout=60)


def units_for_test(directory: Path) -> list[Path]:
    """The shipped units with this checkout's virtualenv and deploy/ as their paths."""
    venv_bin = str(Path(sys.executable).parent)
    units = []
    for unit in sorted(SYSTEMD_DIR.iterdir()):
        text = unit.read_text(encoding="utf-8")
        text = text.replace("/opt/hallq/venv/bin", venv_bin)
        text = text.replace("/opt/hallq/deploy", str(DEPLOY))
        target = directory / unit.name
        target.write_text(text, encoding="utf-8")
        units.append(target)
    return units


@dataclass
class RunningNginx:
    process: subprocess.Popen
    http: str
    https: str
    ca: str

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _wait_listening(port: int, process: subprocess.Popen, stderr_path: Path,
                    timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited {process.returncode}: "
                                 f"{stderr_path.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nginx did not listen on {port} within {timeout} s")


def start_nginx(directory: Path, upstream_ports: list[int], http_port: int,
                https_port: int) -> RunningNginx:
    """nginx in the foreground with the shipped site in front of ``upstream_ports``."""
    site = site_for_test(directory, http_port, https_port, upstream_ports)
    conf = main_config(directory, site)
    stderr_path = directory / "stderr.log"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen([nginx_binary(), "-p", str(directory), "-c", str(conf)],
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        _wait_listening(https_port, process, stderr_path)
    except AssertionError:
        process.kill()
        process.wait(timeout=30)
        raise
    return RunningNginx(process, f"http://127.0.0.1:{http_port}",
                        f"https://127.0.0.1:{https_port}", str(directory / "fullchain.pem"))
