from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "admin"


class Command(BaseCommand):
    help = "Make sure the local development admin account exists, and say how to log in."

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
        self.stdout.write(
            self.style.SUCCESS(
                "Admin: http://127.0.0.1:8000/admin/  "
                f"user {USERNAME!r}, password {PASSWORD!r}"
                + ("" if created else " (unless you changed it)")
            )
        )
