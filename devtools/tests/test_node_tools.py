"""`make node-tools` (scripts/node-tools) when npm cannot do its work, and how the checks that
need the npm packages find them (devtools/node_tools.py)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from devtools.node_tools import NodeToolMissing, node_tool

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "node-tools"

# A stand-in for npm, as npm behaves with a registry that refuses connections: the ping fails at
# once; `npm ci` leaves part of a package behind before it gives up.
UNREACHABLE_NPM = """#!/bin/sh
case "$1" in
  config) echo http://127.0.0.1:9/ ;;
  ping) echo "npm error code ECONNREFUSED" >&2; exit 1 ;;
  ci) mkdir -p node_modules/axe-core && echo half > node_modules/axe-core/axe.min.js
      echo "npm error code ECONNREFUSED" >&2; exit 1 ;;
esac
"""

# A registry that answers the ping with an error it does not implement, then fails `npm ci`
# half-way for another reason.
FAILING_NPM = """#!/bin/sh
case "$1" in
  config) echo https://registry.example.org/ ;;
  ping) echo "npm error code E404" >&2; exit 1 ;;
  ci) mkdir -p node_modules/vnu-jar && echo half > node_modules/vnu-jar/vnu.jar
      echo "npm error code EINTEGRITY" >&2
      echo "npm error A complete log of this run can be found in: /tmp/npm-debug.log" >&2
      exit 1 ;;
esac
"""

WORKING_NPM = """#!/bin/sh
case "$1" in
  config) echo https://registry.npmjs.org/ ;;
  ping) exit 0 ;;
  ci) mkdir -p node_modules/axe-core && echo "axe" > node_modules/axe-core/axe.min.js
      mkdir -p node_modules/@mdn/mdn-http-observatory/conf
      echo "$@" > npm-ci-arguments
      echo "added 1 package" ;;
esac
"""


def run_script(tmp_path, npm, **env):
    """scripts/node-tools in a copy of the repository's layout at tmp_path, with `npm` as the
    given shell script (or none at all)."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "node-tools")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "sed", "head", "tail", "mkdir", "mktemp", "rm", "touch", "cat", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    if npm is not None:
        (bin_dir / "npm").write_text(npm)
        (bin_dir / "npm").chmod(0o755)
    return subprocess.run(
        [shutil.which("bash"), str(tmp_path / "scripts" / "node-tools")],
        capture_output=True,
        text=True,
        env={"PATH": str(bin_dir), "HOME": str(tmp_path), **env},
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("npm", "reason"),
    [
        (UNREACHABLE_NPM, "npm cannot reach its registry http://127.0.0.1:9/ (ECONNREFUSED)"),
        (FAILING_NPM, "npm ci failed (EINTEGRITY; log: /tmp/npm-debug.log)"),
        (None, "npm not found"),
    ],
    ids=["unreachable registry", "failed install", "no npm"],
)
def test_without_the_packages_one_line_says_why_and_the_checks_skip_with_it(tmp_path, npm, reason):
    finished = run_script(tmp_path, npm)

    assert finished.returncode == 0
    assert finished.stdout == (
        f"{reason}: the accessibility, HTML validity and security header checks will skip.\n"
    )
    # Nothing half installed is left behind, only the reason.
    assert sorted(os.listdir(tmp_path / "node_modules")) == [".unavailable"]
    with pytest.raises(NodeToolMissing) as missing:
        node_tool("axe-core/axe.min.js", tmp_path / "node_modules")
    assert str(missing.value) == f"axe.min.js not installed: {reason}"


def test_ci_can_require_the_packages(tmp_path):
    finished = run_script(tmp_path, UNREACHABLE_NPM, NODE_TOOLS_REQUIRED="1")

    assert finished.returncode == 1


def test_a_finished_install_is_used(tmp_path):
    finished = run_script(tmp_path, WORKING_NPM)

    assert finished.returncode == 0
    node_modules = tmp_path / "node_modules"
    assert node_tool("axe-core/axe.min.js", node_modules) == node_modules / "axe-core/axe.min.js"


def test_no_install_script_runs_and_the_scanner_gets_an_hsts_list_without_the_network(tmp_path):
    # No node on this PATH: the scanner's download of the preload list cannot run.
    finished = run_script(tmp_path, WORKING_NPM)

    assert finished.returncode == 0
    assert "--ignore-scripts" in (tmp_path / "npm-ci-arguments").read_text().split()
    assert "HSTS preload list could not be downloaded" in finished.stdout
    scanner_conf = tmp_path / "node_modules" / "@mdn" / "mdn-http-observatory" / "conf"
    assert (scanner_conf / "hsts-preload.json").read_text() == "{}\n"


def test_package_files_without_a_finished_install_are_not_used(tmp_path):
    # What an interrupted `npm ci` leaves: some files, no .installed.
    (tmp_path / "axe-core").mkdir()
    (tmp_path / "axe-core" / "axe.min.js").write_text("half")

    with pytest.raises(NodeToolMissing, match="has not finished"):
        node_tool("axe-core/axe.min.js", tmp_path)
