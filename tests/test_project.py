"""Project hygiene that CI enforces through the test command: migrations and lint."""

import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    result = subprocess.run([ruff, "check", "kefu", "tests", "bench", "quickstart.py"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pure_cores_do_not_import_django():
    code = ("import sys, kefu.workcal, kefu.qa_engine; "
            "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_asset_is_loaded_from_outside():
    offenders = []
    for path in (ROOT / "kefu").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "src=\"http" in text or "href=\"http" in text or "src='http" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
