"""The built wheel: every subpackage and the shipped data, importable from a fresh venv.

An editable install maps `supportgraph` onto the checkout, so it proves nothing about the
wheel. Here the wheel is built from a copy of the sources, installed with `--no-deps` into a
new venv that sees the project venv's third-party packages through a `.pth` path line (such
paths are not site directories, so the editable finder's own `.pth` never runs), and imported
from outside the checkout.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
"""The checkout, which is the `supportgraph` package folder."""

NOT_SOURCES = {".git", ".venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"}
NOT_SOURCES |= {".pytest_cache", ".hypothesis", "test-results", "playwright-report"}
NOT_SOURCES |= {".langgraph_api"}
"""Folders a clean clone does not hold, skipped wherever they are when copying the sources."""

ROOT_OUTPUTS = {".data", "build", "dist"}
"""Top-level folders of run-time state and build output, skipped when copying the sources."""

SHIPPED_FOLDERS = ("data", "api/migrations", "evals/datasets", "web/dist")
"""Folders read from disk at run time; every file in them must be in the wheel."""

IMPORT_CHECK = """
import json, sys
import supportgraph, supportgraph.graph, supportgraph.api.db as db
from supportgraph.settings import SHIPPED_DATA_DIR
url = "sqlite:///" + sys.argv[1]
db.upgrade(url)
print(json.dumps({
    "files": [supportgraph.__file__, supportgraph.graph.__file__, db.__file__],
    "users": str(SHIPPED_DATA_DIR / "retail" / "users.json"),
    "users_exist": (SHIPPED_DATA_DIR / "retail" / "users.json").is_file(),
    "revision": db.current_revision(url),
    "head": db.head_revision(),
}))
"""
"""Run by the fresh venv: imports, the shipped data path, and the migrations run to head."""


def _ignore(root: Path) -> Callable[[str, list[str]], set[str]]:
    """A `copytree` filter dropping what a clean clone lacks and what builds leave behind."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder)
        skipped = NOT_SOURCES | (ROOT_OUTPUTS if here == root else set())
        return {
            name
            for name in names
            if (name in skipped or name.endswith(".egg-info")) and (here / name).is_dir()
        }

    return ignore


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command; a failure shows its output in the assertion."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _installer(python: Path) -> list[str]:
    """The command that installs into `python`'s environment: uv when present, else pip."""
    uv = Path(sys.executable).parent / "uv"
    if uv.is_file():
        return [str(uv), "pip", "install", "--offline", "--no-deps", "--python", str(python)]
    return [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index"]


def _site_packages(python: Path) -> Path:
    """The purelib folder of another interpreter's environment."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(_run([str(python), "-c", code]).stdout.strip())


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout as a clean clone (plus `web/dist` when built), to build from."""
    target = tmp_path_factory.mktemp("wheel") / "src"
    shutil.copytree(REPO, target, ignore=_ignore(REPO), symlinks=True)
    return target


@pytest.fixture(scope="module")
def wheel(sources: Path) -> Path:
    """The wheel built from the copied sources, offline, by the project's setuptools."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("setuptools, the build backend in pyproject.toml, is not installed in .venv")
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip, which builds the wheel, is not installed in .venv")
    out = sources.parent / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "-w", str(out), str(sources)]
    )
    (built,) = out.glob("supportgraph-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_python(wheel: Path) -> Path:
    """A new venv holding only the wheel; third-party packages come from the project venv."""
    env = wheel.parent.parent / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env)])
    python = env / "bin" / "python"
    _run(_installer(python) + [str(wheel)])
    deps = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    (_site_packages(python) / "project-deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    return python


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_that_the_wheel_holds_every_subpackage(sources: Path, wheel: Path) -> None:
    packages = {
        path.relative_to(sources).as_posix()
        for path in sources.rglob("__init__.py")
        if path.relative_to(sources).parts[0] not in ("tests", "build")
    }
    assert "graph/nodes/__init__.py" in packages
    missing = {f"supportgraph/{name}" for name in packages} - _names(wheel)
    assert not missing, f"package folders left out of [tool.setuptools] packages: {missing}"


def test_that_the_wheel_holds_the_data_read_at_run_time(sources: Path, wheel: Path) -> None:
    shipped = {
        "supportgraph/" + path.relative_to(sources).as_posix()
        for folder in SHIPPED_FOLDERS
        for path in (sources / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    names = _names(wheel)
    assert "supportgraph/data/retail/users.json" in shipped
    assert "supportgraph/api/migrations/versions/0001_platform_tables.py" in shipped
    assert "supportgraph/evals/thresholds.json" in names
    assert shipped - names == set()


def test_that_the_wheel_leaves_out_tests_and_local_folders(wheel: Path) -> None:
    names = _names(wheel)
    assert "supportgraph/settings.py" in names
    package = {name for name in names if name.startswith("supportgraph/")}
    assert {n for n in package if n.startswith("supportgraph/tests/")} == set()
    local = NOT_SOURCES | {".data", "build", "redteam"}
    assert {n for n in package if local & set(n.split("/")[1:-1])} == set()


def test_that_the_installed_wheel_imports_and_migrates_outside_the_checkout(
    fresh_python: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env |= {"PYTHONSAFEPATH": "1", "HF_HUB_OFFLINE": "1"}
    done = _run(
        [str(fresh_python), "-c", IMPORT_CHECK, str(tmp_path / "platform.db")],
        cwd=elsewhere,
        env=env,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    env_root = fresh_python.parent.parent.resolve()
    for path in report["files"] + [report["users"]]:
        assert Path(path).resolve().is_relative_to(env_root), f"{path} is not from the wheel"
        assert not Path(path).resolve().is_relative_to(REPO)
    assert report["users_exist"]
    assert report["head"] is not None
    assert report["revision"] == report["head"]
