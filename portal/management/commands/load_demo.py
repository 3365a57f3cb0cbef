"""load_demo: the demo organisation tree, users (password portal-demo) and seed documents."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo.tree import DEMO_PASSWORD, DEMO_TOTP_SECRET
from portal.services.demo import demo_load


class Command(BaseCommand):
    help = (
        "Creates the demo as it lived: the 2024 organisations (Hải Phòng, Đồ Sơn, Ngô Quyền, "
        "Hà Nội, Hai Bà Trưng), the demo users and the four sample documents, published; then "
        "the reorganisation of 1 July 2025 (the districts into their wards) and this month's "
        "bulletins of two wards. Idempotent. "
        "Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Từ chối nạp dữ liệu mẫu khi DEBUG tắt (máy thật); dùng --force nếu chắc chắn."
            )
        counts = demo_load()
        self.stdout.write(
            f"Người phê duyệt đăng nhập hai bước: thêm khóa {DEMO_TOTP_SECRET} vào ứng dụng xác "
            "thực, hoặc lấy mã hiện tại bằng: DEBUG=1 .venv/bin/python manage.py demo_code "
            "hp.approver"
        )
        self.stdout.write(
            f"Dữ liệu mẫu: {counts['organisations']} tổ chức, {counts['users']} người dùng "
            f"(mật khẩu chỉ dùng thử: {DEMO_PASSWORD}), {counts['documents']} văn bản mới nhập."
        )
