"""demo_code USERNAME: the current two-step sign-in code of a demo approver (demo data only)."""

import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo.tree import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Prints the current authenticator code of a demo approver, whose authenticator app "
        "was set up with the demo key by load_demo. Only with DEBUG on."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("Chỉ dùng với dữ liệu mẫu (DEBUG bật).")
        authenticator = Authenticator.objects.filter(
            user__username=username, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None or decrypt(authenticator.data["secret"]) != DEMO_TOTP_SECRET:
            raise CommandError(f"Tài khoản «{username}» không dùng khóa xác thực mẫu.")
        counter = int(time.time()) // app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
