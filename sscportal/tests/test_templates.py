"""Every template can be read on one screen: no line is longer than MAX_LINE characters.

Where a long run of inline markup cannot be broken without changing what a reader sees, the
logic goes into a template filter or tag instead (the apps' templatetags modules)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

MAX_LINE = 150


def template_folders():
    """The project's template folders: TEMPLATES' DIRS and its own apps' templates/ (not those
    of Django's apps, such as the admin's, or of other installed packages)."""
    base = Path(settings.BASE_DIR).resolve()
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    folders = {folder.resolve() for folder in folders if folder.is_dir()}
    return sorted(
        folder
        for folder in folders
        if folder.is_relative_to(base) and "site-packages" not in folder.parts
    )


def template_files():
    base = Path(settings.BASE_DIR).resolve()
    for folder in template_folders():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                yield path.relative_to(base).as_posix(), path


def long_lines(name, path):
    text = path.read_text(encoding="utf-8")
    return [
        f"{name}:{number}: {len(line)} characters"
        for number, line in enumerate(text.splitlines(), start=1)
        if len(line) > MAX_LINE
    ]


def test_the_templates_are_found():
    names = {name for name, _path in template_files()}
    assert "templates/base.html" in names
    assert "templates/events/email/registration.txt" in names


def test_no_template_line_is_longer_than_one_screen():
    too_long = [line for name, path in template_files() for line in long_lines(name, path)]
    if too_long:
        pytest.fail(f"lines over {MAX_LINE} characters:\n" + "\n".join(too_long), pytrace=False)
