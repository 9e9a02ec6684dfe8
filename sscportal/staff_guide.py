"""The staff guide (docs/staff.md in the repository) as a page of the admin, for every member of
staff: the same text that is read beside the code, rendered from Markdown."""

from functools import lru_cache

import markdown
from django.conf import settings
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

GUIDE = settings.BASE_DIR / "docs" / "staff.md"
# The files the guide links to under examples/, served beside it: {name: content type}.
EXAMPLES_DIR = GUIDE.parent / "examples"
EXAMPLES = {
    "case-studies.csv": "text/csv; charset=utf-8",
    "case-studies.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "README.md": "text/plain; charset=utf-8",
}


@lru_cache(maxsize=1)
def rendered(modified):
    """(title, body as HTML) of the guide: its first line is the page's one heading, which the
    admin's layout shows; the rest is rendered from Markdown. The text is the repository's own,
    so it is trusted as the templates are. Headings get ids (the table of contents links to
    them). Cached per version of the file."""
    first, _newline, rest = GUIDE.read_text(encoding="utf-8").partition("\n")
    title = first.removeprefix("# ").strip()
    return title, markdown.markdown(
        rest,
        extensions=["tables", "toc", "fenced_code"],
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )


def guide_view(request):
    from django.contrib import admin

    title, html = rendered(GUIDE.stat().st_mtime_ns)
    context = {
        **admin.site.each_context(request),
        "title": title,
        "guide": mark_safe(html),  # noqa: S308 - the repository's own text, see rendered()
    }
    return TemplateResponse(request, "admin/staff_guide.html", context)


def example_view(request, name):
    """An example file the guide links to (docs/examples/), downloaded as it is in the
    repository; any other name is not found."""
    content_type = EXAMPLES.get(name)
    if content_type is None:
        raise Http404(name)
    attachment = not content_type.startswith("text/plain")
    return FileResponse(
        (EXAMPLES_DIR / name).open("rb"),
        as_attachment=attachment,
        filename=name,
        content_type=content_type,
    )
