"""Sign-in customisations: accounts made by administrators, password reset by mail."""

import logging
import smtplib

from allauth.account import views as account_views
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.handoff import person_name

logger = logging.getLogger(__name__)

# What a failed delivery raises: the server refused (SMTPException), or could not be reached,
# timed out or failed TLS (OSError and its subclasses).
MAIL_ERRORS = (smtplib.SMTPException, OSError)
EMAIL_NOT_CONFIGURED = _(
    "Cổng chưa được cấu hình gửi thư điện tử nên không gửi được thư đặt lại mật khẩu. "
    "Xin liên hệ quản trị viên của đơn vị để được đặt lại mật khẩu."
)
MAIL_NOT_SENT = _(
    "Chưa gửi được thư đặt lại mật khẩu: máy chủ thư không nhận thư lúc này. "
    "Xin thử lại sau ít phút, hoặc liên hệ quản trị viên của đơn vị."
)


class NoSignupAccountAdapter(DefaultAccountAdapter):
    """Refuse self sign-up; the organisation's admin creates accounts."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        """The reset mail greets the person by name, family name first."""
        super().send_password_reset_mail(user, email, {**context, "person": person_name(user)})


class PasswordResetView(account_views.PasswordResetView):
    """allauth's reset form, refused with the reason when no mail can leave the portal."""

    def get_context_data(self, **kwargs) -> dict:
        refusal = "" if settings.EMAIL_SENDS else EMAIL_NOT_CONFIGURED
        return {**super().get_context_data(**kwargs), "email_refusal": refusal}

    def form_valid(self, form):
        if not settings.EMAIL_SENDS:
            form.add_error(None, EMAIL_NOT_CONFIGURED)
            return self.form_invalid(form)
        try:
            return super().form_valid(form)
        except MAIL_ERRORS:
            logger.exception("password reset mail not sent")
            form.add_error(None, MAIL_NOT_SENT)
            return self.form_invalid(form)


password_reset = PasswordResetView.as_view()
