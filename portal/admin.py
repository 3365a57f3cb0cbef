"""The admin: authenticators listed without their secrets."""

from allauth.mfa.models import Authenticator
from django.contrib import admin

# allauth's own admin shows and edits the stored data (the TOTP secret, the recovery seed).
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Who signs in in two steps and since when; an administrator may delete an authenticator
    (a lost phone: its owner sets up a new one), never read or write its secret."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__username",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False
