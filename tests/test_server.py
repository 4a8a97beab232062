"""The server entry point: eventlet set-up."""


def test_eventlet_import_does_not_break_a_warnings_as_errors_run(tmp_path):
    import subprocess
    import sys

    code = ("from queue_server.server import _patch_eventlet\n"
            "from queue_server.settings import load_settings\n"
            "_patch_eventlet(load_settings({'secret_key': 'x', 'database_url': 'sqlite://'}))\n")
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
