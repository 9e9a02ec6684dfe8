from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "admin"


class Command(BaseCommand):
    help = "Make sure the local development admin account exists, and say how to log in."

    def add_arguments(self, parser):
        # `make run` passes the HOST and PORT it serves on, so the address printed is the one
        # the server answers at.
        parser.add_argument(
            "--host", default="127.0.0.1", help="Host the server runs on (default 127.0.0.1)."
        )
        parser.add_argument(
            "--port", default="8000", help="Port the server runs on (default 8000)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a local admin account with a known password while DEBUG is "
                "off. Use `manage.py createsuperuser` instead."
            )
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=USERNAME, defaults={"email": "admin@localhost"}
        )
        if created:
            user.set_password(PASSWORD)
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
        host = options["host"]
        if ":" in host:  # an IPv6 address goes in brackets
            host = f"[{host.strip('[]')}]"
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: http://{host}:{options['port']}/admin/  "
                f"user {USERNAME!r}, password {PASSWORD!r}"
                + ("" if created else " (unless you changed it)")
            )
        )
