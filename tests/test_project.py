"""Project hygiene that CI enforces through the test command: migrations and lint."""

import os
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


@pytest.mark.django_db
def test_system_checks_with_the_database_say_nothing():
    """What migrate prints at start-up (quickstart): a new user must not see warnings of any database."""
    out, err = StringIO(), StringIO()
    call_command("check", databases=["default"], fail_level="WARNING", stdout=out, stderr=err)
    assert "issue" not in err.getvalue()


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


def test_english_catalog_covers_every_string(tmp_path):
    """New UI strings need English: makemessages on a copy must find nothing untranslated or fuzzy."""
    if not (shutil.which("xgettext") and shutil.which("msgattrib")):
        pytest.skip("GNU gettext (xgettext) is not installed: catalog completeness not checked")
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "kefu", copy / "kefu", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    env = {**os.environ, "KEFU_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(copy)}
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "--extension", "html,py", "-v0"],
                   cwd=copy, env=env, check=True, timeout=300)
    po = copy / "kefu" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    missing = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", str(po)], capture_output=True,
                             text=True, check=True).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)], capture_output=True,
                           text=True, check=True).stdout
    untranslated = [line for line in missing.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    guessed = [line for line in fuzzy.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert untranslated == [] and guessed == [], (untranslated, guessed)
