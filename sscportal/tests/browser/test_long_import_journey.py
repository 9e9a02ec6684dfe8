"""A long spreadsheet in a real browser: an editor uploads 12 case studies (more than the
background threshold), follows the check on the import's page as its bar moves by itself,
confirms, and sees what was written. The task worker's steps are run by the test, between the
page's own refreshes. At 1280 px, as the other journeys; locators by role and label."""

from django.core.cache import cache

from initiatives.models import Initiative
from publishing.models import ImportState, SpreadsheetImport, Status
from publishing.spreadsheet_jobs import check_spreadsheet, import_spreadsheet, progress_key
from taxonomy.models import Source

from .assertions import expect
from .test_review_journey import log_in, member


def rows(source):
    header = "title,summary,modality,provider countries,beneficiary countries,sources\n"
    return header + "".join(
        f"Long file case {number},Summary {number}.,bilateral,Brazil,Kenya,{source}\n"
        for number in range(1, 13)
    )


def test_an_editor_follows_a_long_import_to_its_end(
    new_context, portal_content, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PORTAL_IMPORT_BACKGROUND_ROWS = 5
    member("Editors", "edna")
    sheet = tmp_path / "long.csv"
    sheet.write_text(rows(Source.objects.order_by("pk").first().title), encoding="utf-8")

    page = new_context().new_page()
    log_in(page, "edna")
    page.goto("/admin/initiatives/initiative/import/")
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(sheet))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_text("Checking the rows")).to_be_visible()
    bar = page.get_by_role("progressbar", name="Rows checked")
    expect(bar).to_be_visible()
    job = SpreadsheetImport.objects.get()

    # The worker has got half way: the bar and the figures follow without a reload.
    cache.set(progress_key(job.pk), 6)
    expect(page.get_by_text("6 of 12 rows")).to_be_visible(timeout=8000)
    expect(bar).to_have_js_property("value", 6)

    # Checked: the page shows the preview and the confirm button by itself.
    assert check_spreadsheet.call(job.pk) == ImportState.READY, (
        SpreadsheetImport.objects.get().report
    )
    expect(page.get_by_text("12 new, 0 changed, 0 unchanged.")).to_be_visible(timeout=8000)
    expect(page.get_by_role("cell", name="Long file case 12")).to_be_visible()
    assert not Initiative.objects.filter(title__startswith="Long file case").exists()
    page.get_by_role("button", name="Confirm import").click()

    expect(page.get_by_role("progressbar", name="Rows imported")).to_be_visible()
    assert import_spreadsheet.call(job.pk) == ImportState.IMPORTED
    expect(page.get_by_text("Written: 12 new, 0 changed, 0 unchanged.")).to_be_visible(timeout=8000)
    page.get_by_role("link", name="See the records in review").click()
    expect(page.get_by_role("link", name="Long file case 12")).to_be_visible()
    imported = Initiative.objects.filter(title__startswith="Long file case")
    assert set(imported.values_list("status", flat=True)) == {Status.IN_REVIEW}
