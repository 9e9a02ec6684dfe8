"""The bare Django ceiling of the benchmarks (scripts/bench.py): a default project, with the
settings and middleware `django-admin startproject` writes, and one constant view. What Django
itself, under the same gunicorn, can serve on this machine, so that the portal's figures can be
read against it. Settings and URLs in one module:

    DJANGO_SETTINGS_MODULE=devtools.bench_bare gunicorn 'django.core.wsgi:get_wsgi_application()'
"""

from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "bench-bare-django-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = __name__
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
# Never opened by the view; there for the apps that expect a database.
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def ceiling(request):
    return HttpResponse(b"ceiling\n", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling)]
