from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import ngettext

from session_state import user_sessions

from .forms import ShopUserChangeForm

User = get_user_model()


class ShopUserAdmin(UserAdmin):
    """
    Django's UserAdmin, plus ending every session of a user (a lost laptop,
    a leaked password); its form refuses an e-mail address another account has.
    """

    form = ShopUserChangeForm
    actions = ("end_all_sessions",)

    @admin.action(description="End all sessions of the selected users")
    def end_all_sessions(self, request, queryset):
        ended = sum(user_sessions.end_all_sessions(user=user) for user in queryset)
        self.message_user(
            request,
            ngettext("Ended %(count)d session.", "Ended %(count)d sessions.", ended) % {"count": ended},
            messages.SUCCESS,
        )


admin.site.unregister(User)
admin.site.register(User, ShopUserAdmin)
