"""Login adapter: accounts are created by administrators, never by sign-up."""

from allauth.account.adapter import DefaultAccountAdapter


class NoSignupAccountAdapter(DefaultAccountAdapter):
    """Refuse self sign-up; the organisation's admin creates accounts."""

    def is_open_for_signup(self, request) -> bool:
        return False
