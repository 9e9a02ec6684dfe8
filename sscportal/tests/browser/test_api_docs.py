"""The read API's interactive documentation in Chromium: Swagger UI from the portal's own static
files, under the Content Security Policy, with no console error; it reads the schema and a
"Try it out" call answers from the API itself."""

import os

from .assertions import expect
from .test_content_security_policy import Watched


def test_the_api_docs_load_under_the_policy_and_call_the_api(new_context, portal_content):
    watched = Watched(new_context())
    page = watched.page
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    response = page.goto("/api/v1/docs/")

    assert response.status == 200
    expect(page.get_by_text("SSC Portal API", exact=False).first).to_be_visible()
    operation = page.locator("#operations-case-studies-case_studies_list")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda answer: "/api/v1/case-studies/" in answer.url) as answer:
        page.get_by_role("button", name="Execute").click()
    assert answer.value.status == 200
    expect(
        page.locator(".live-responses-table td.response-col_status:not(.col_header)").first
    ).to_contain_text("200")
    if os.environ.get("PORTAL_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["PORTAL_SCREENSHOTS"], "api-docs.png"))
    watched.check("API docs")
    watched.assert_clean()
    assert errors == []
    origin = page.evaluate("location.origin")
    assert all(url.startswith(origin) or url.startswith("data:") for url in requests), requests
