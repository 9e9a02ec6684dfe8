"""Debian's Chromium, as the browser tests and the Lighthouse script start it."""

import os
import shutil

# Headless on a machine with no display, no GPU and a closed network: without the background
# networking flags Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-quic",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium():
    """PORTAL_CHROMIUM if set (a path or a command name), otherwise `chromium` or
    `chromium-browser` on the PATH; None when there is none."""
    configured = os.environ.get("PORTAL_CHROMIUM")
    if configured:
        return shutil.which(configured)
    return shutil.which("chromium") or shutil.which("chromium-browser")
