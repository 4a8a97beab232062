"""The deployment kit's files are valid for the tools that read them (nginx, systemd, sh)."""

import os
import re
import subprocess

import pytest

from tests.deploy import kit


def require(tool: str | None, name: str) -> str:
    if tool:
        return tool
    if os.environ.get("HALLQ_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not installed (.ci/run installs it)")
    pytest.skip(f"{name} is not installed")


def test_nginx_accepts_the_shipped_site(tmp_path):
    require(kit.nginx_binary(), "nginx")
    site = kit.site_for_test(tmp_path, 18080, 18443, [15001, 15002])
    done = kit.nginx_test(kit.main_config(tmp_path, site))
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_nginx_refuses_a_broken_site(tmp_path):
    """The check above can fail: the same rewrite with one directive broken is refused."""
    require(kit.nginx_binary(), "nginx")
    site = kit.site_for_test(tmp_path, 18080, 18443, [15001])
    site.write_text(site.read_text(encoding="utf-8").replace("proxy_pass", "proxy_passs", 1),
                    encoding="utf-8")
    done = kit.nginx_test(kit.main_config(tmp_path, site))
    assert done.returncode != 0
    assert "proxy_passs" in done.stderr


def test_the_site_serves_only_tls_and_upgrades_websockets():
    site = kit.NGINX_SITE.read_text(encoding="utf-8")
    plain = site.split("listen 443")[0]
    assert "return 301 https://" in plain
    assert "proxy_pass" not in plain
    assert "proxy_set_header Upgrade $http_upgrade" in site
    assert re.search(r"hash \$remote_addr consistent;", site)
    assert "Strict-Transport-Security" in site


def systemd_analyze() -> str | None:
    import shutil
    return shutil.which("systemd-analyze")


def test_systemd_verifies_every_unit(tmp_path):
    tool = require(systemd_analyze(), "systemd-analyze")
    units = kit.units_for_test(tmp_path)
    names = [u.name.replace("@.service", "@5001.service") for u in units]
    done = subprocess.run([tool, "verify", "--man=no", *names], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # Unknown keys and bad values are only warnings for systemd: none may appear.
    assert done.stderr.strip() == "", done.stderr


def test_systemd_verify_reports_a_mistake(tmp_path):
    tool = require(systemd_analyze(), "systemd-analyze")
    units = kit.units_for_test(tmp_path)
    server = next(u for u in units if u.name == "hallq@.service")
    server.write_text(server.read_text(encoding="utf-8").replace("Restart=", "Restartt="),
                      encoding="utf-8")
    done = subprocess.run([tool, "verify", "--man=no", "hallq@5001.service"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert "Restartt" in done.stderr


def test_every_server_process_runs_behind_the_proxy_only():
    unit = (kit.SYSTEMD_DIR / "hallq@.service").read_text(encoding="utf-8")
    assert "Environment=HALLQ_HOST=127.0.0.1" in unit
    assert "Requires=hallq-migrate.service" in unit


def test_redis_is_private_and_needs_a_password():
    conf = (kit.DEPLOY / "redis" / "hallq-redis.conf").read_text(encoding="utf-8")
    assert re.search(r"^bind 127\.0\.0\.1", conf, re.M)
    assert re.search(r"^protected-mode yes", conf, re.M)
    assert re.search(r"^requirepass \S+", conf, re.M)


@pytest.mark.parametrize("script", ["hallq-backup.sh", "hallq-restore-drill.sh"])
def test_backup_scripts_parse(script):
    path = kit.DEPLOY / "backup" / script
    assert os.access(path, os.X_OK)
    done = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
