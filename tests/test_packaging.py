"""A non-editable install (the wheel, installed elsewhere) can migrate a database: the migrations are packaged."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds the wheel
ROOT = Path(__file__).resolve().parents[1]


def test_an_installed_wheel_runs_db_upgrade(tmp_path: Path) -> None:
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "installed", tmp_path / "elsewhere"
    elsewhere.mkdir()
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w"]
    subprocess.run([*build, str(wheels)], check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("jobfeed-*.whl")
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, capture_output=True, timeout=300)

    # -S: no site processing, so the editable install of this checkout is invisible; the dependencies
    # come from the test environment's site-packages, jobfeed only from the installed wheel.
    path = f"{target}:{sysconfig.get_paths()['purelib']}:{sysconfig.get_paths()['platlib']}"
    script = (
        "import sys, scraper; assert scraper.__file__.startswith(sys.argv[1]), scraper.__file__; "
        "from scraper.cli import main; sys.exit(main(['--database-url', 'sqlite:///db.sqlite', 'db', 'upgrade']))"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", script, str(target)],
        cwd=elsewhere,
        env={"PYTHONPATH": path, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert "migrated from empty to" in result.stderr
    assert (elsewhere / "db.sqlite").is_file()
