"""encrypt_authenticators: every authenticator secret encrypted with the first key."""

from django.core.management.base import BaseCommand

from portal.services.authenticators import authenticators_encrypt


class Command(BaseCommand):
    help = (
        "Encrypts the authenticator secrets (TOTP keys, recovery-code seeds) of every user: "
        "those stored in plain text before encryption at rest, and those encrypted with an "
        "older key of MFA_ENCRYPTION_KEY, which the first key then replaces. Safe to repeat."
    )

    def handle(self, *args, **options):
        counts = authenticators_encrypt()
        self.stdout.write(
            f"Đã mã hóa {counts['encrypted']} khóa xác thực lưu dạng rõ và mã hóa lại "
            f"{counts['rekeyed']} khóa bằng khóa mới."
        )
