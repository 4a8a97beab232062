"""No page script of ours over 400 lines (the house limit; vendored libraries excepted): a page
that outgrows it is split by screen, as the kiosk and counter pages are."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIMIT = 400


def test_no_javascript_module_is_over_400_lines():
    scripts = [path for top in ("kiosk", "display", "queue_server") for path in
               (REPO / top).rglob("*.js") if "vendor" not in path.parts]
    too_long = {path.relative_to(REPO).as_posix(): lines for path in scripts
                if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT}
    assert scripts and too_long == {}
