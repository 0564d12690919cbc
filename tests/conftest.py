"""Shared fixtures: a small project in a temporary folder, built from tests/fixtures/project
with the real templates and stylesheet of this repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lingopress.config import Config, load_config

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_project(target: Path) -> Path:
    """Copy the sample project and this repository's templates, static files and tasks.py to ``target``."""
    shutil.copytree(FIXTURES / "project", target, dirs_exist_ok=True)
    shutil.copytree(REPO / "source" / "templates", target / "source" / "templates", dirs_exist_ok=True)
    shutil.copytree(REPO / "source" / "static", target / "source" / "static", dirs_exist_ok=True)
    shutil.copy(REPO / "tasks.py", target / "tasks.py")  # it calls the installed package
    return target


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def project(project_dir: Path) -> Config:
    return load_config(project_dir)
