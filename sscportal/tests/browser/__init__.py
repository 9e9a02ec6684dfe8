"""Browser tests (Playwright driving Debian's Chromium) and the page types they share with the
HTML validity check.

PAGE_TYPES names every kind of public page once: the address to open and the status it answers
with. The accessibility tests open each one in a browser; test_html_validity renders each one
with Django's test client. Both expect the starting content (`load_portal_content`).
"""

PAGE_TYPES = {
    "home": ("/", 200),
    "about": ("/about/", 200),
    "list": ("/initiatives/", 200),
    "list-filtered": ("/initiatives/?region=africa&sdg=3", 200),
    "list-form-error": ("/initiatives/?sdg=99&year_to=1800", 200),
    "list-bad-number": ("/initiatives/?year_from=abc", 200),
    "list-no-results": ("/initiatives/?q=xylophone", 200),
    "detail": ("/initiatives/cambodia-colombia-demining-experts/", 200),
    "not-found": ("/initiatives/no-such-case-study/", 404),
    "ar-home": ("/ar/", 200),
    "ar-list": ("/ar/initiatives/", 200),
}
