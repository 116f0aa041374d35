"""The import contract in pyproject.toml ([tool.importlinter]) holds, and it bites.

`./dev test` runs `lint-imports` before the suite; these tests keep the contract honest:
the code as it is keeps it, and a domain module importing the HTTP layer breaks it.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(project: Path) -> subprocess.CompletedProcess:
    """Run the contract on the `wangge` package found in `project` (a copy or the real one)."""
    return subprocess.run(  # noqa: S603 - our own venv's tool, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", str(project / "pyproject.toml")],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": str(LINT_IMPORTS.parent)},
        capture_output=True,
        text=True,
        check=False,
    )


def copy_sources(target: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    for source in (ROOT / "wangge").rglob("*.py"):
        destination = target / source.relative_to(ROOT)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, destination)


def test_the_code_keeps_the_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_domain_module_importing_the_api_breaks_it(tmp_path):
    copy_sources(tmp_path)
    trail = tmp_path / "wangge" / "events" / "trail.py"
    trail.write_text(trail.read_text() + "\nfrom wangge.api.core import api  # noqa\n")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert "wangge.events.trail -> wangge.api.core" in result.stdout


def test_an_app_importing_an_app_above_it_breaks_it(tmp_path):
    copy_sources(tmp_path)
    codes = tmp_path / "wangge" / "regions" / "codes.py"
    codes.write_text(codes.read_text() + "\nimport wangge.events.workflow  # noqa\n")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert "wangge.regions is not allowed to import wangge.events" in result.stdout
