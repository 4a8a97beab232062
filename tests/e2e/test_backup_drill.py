"""The shipped backup script and restore drill against a real HallQ database on PostgreSQL."""

import os
import secrets
import subprocess

import pytest
import requests

from tests.deploy import kit
from tests.e2e.workload import TIMEOUT_S

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def run_script(name: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(kit.DEPLOY / "backup" / name), *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_backup_restores_in_the_drill(hallq, tmp_path):
    deployment = hallq.deploy(hallq.postgres())
    hall = deployment.hall
    for _ in range(3):
        response = requests.post(
            f"{deployment.url}/api/v1/halls/{hall.code}/tickets", json={"service": "A"},
            headers={"Authorization": "Bearer " + hall.kiosk_token}, timeout=TIMEOUT_S)
        assert response.status_code == 201, response.text
    database = deployment.env["HALLQ_DATABASE_URL"].rsplit("/", 1)[1]
    backups = tmp_path / "backups"
    env = {**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres",
           "HALLQ_BACKUP_DIR": str(backups), "HALLQ_DB_NAME": database,
           "HALLQ_DRILL_DB": "hallq_drill_" + secrets.token_hex(4)}

    backup = run_script("hallq-backup.sh", env)
    assert backup.returncode == 0, backup.stderr
    dumps = list(backups.glob(f"{database}-*.dump"))
    assert len(dumps) == 1
    assert oct(dumps[0].stat().st_mode & 0o777) == "0o600"

    drill = run_script("hallq-restore-drill.sh", env)
    assert drill.returncode == 0, drill.stderr
    assert "1 halls, 3 tickets" in drill.stdout
