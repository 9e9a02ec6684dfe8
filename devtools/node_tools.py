"""The npm packages the quality checks use (axe-core, vnu-jar, Lighthouse), as `make node-tools`
(scripts/node-tools) installs them in node_modules/.

Only a finished `npm ci` leaves node_modules/.installed; when the install could not be done,
node_modules/.unavailable says why. A file counts as installed only next to the first.
"""

from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"


class NodeToolMissing(Exception):
    """A package file is not installed; the message says why, for a skip or an exit."""


def node_tool(relative_path, node_modules=NODE_MODULES):
    """The path of node_modules/<relative_path> from a finished `make node-tools`; raises
    NodeToolMissing otherwise."""
    path = node_modules / relative_path
    name = Path(relative_path).name
    unavailable = node_modules / ".unavailable"
    if unavailable.exists():
        reason = unavailable.read_text(encoding="utf-8").strip()
        raise NodeToolMissing(f"{name} not installed: {reason}")
    if not (node_modules / ".installed").exists():
        raise NodeToolMissing(
            f"{name} not installed (`make node-tools` has not finished): run `make node-tools`"
        )
    if not path.exists():
        raise NodeToolMissing(f"{name} not found at {path}: run `make node-tools`")
    return path
