from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q


class Command(BaseCommand):
    help = "Create a staff user in the curators group and print a one-time password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="Email address; it is also the username.")

    def handle(self, *args, email: str, **options) -> None:
        User = get_user_model()
        email = User.objects.normalize_email(email.strip())
        try:
            validate_email(email)
            # An address can be valid and still not fit the username rules (length, characters).
            User._meta.get_field(User.USERNAME_FIELD).run_validators(email)
        except ValidationError as exc:
            raise CommandError(
                f"{email!r} is not a usable email address: {exc.messages[0]}"
            ) from None
        if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise CommandError(f"A user with the email {email} already exists.")
        try:
            group = Group.objects.get(name="curators")
        except Group.DoesNotExist:
            raise CommandError("The curators group is missing; run `manage.py migrate`.") from None

        password = secrets.token_urlsafe(16)
        with transaction.atomic():
            user = User.objects.create_user(
                username=email, email=email, password=password, is_staff=True
            )
            user.groups.add(group)

        self.stdout.write(f"Created curator {email}.")
        self.stdout.write(f"One-time password: {password}")
        self.stdout.write(
            "It is shown only once: change it after the first login, at /admin/password_change/."
        )
