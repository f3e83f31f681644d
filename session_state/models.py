from django.conf import settings
from django.db import models

from . import keys


class UserTag(models.Model):
    """
    The opaque value that names a user's keys in Redis (session_state.keys):
    their sessions, their index of sessions and their cart share its hash
    slot. Random and kept here rather than derived from the user id, so
    that it names nothing and never changes, whatever secret is rotated.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="session_tag"
    )
    tag = models.CharField(max_length=keys.TAG_LENGTH, unique=True, default=keys.new_tag, editable=False)

    def __str__(self):
        return f"{self.user}: {self.tag}"

    @classmethod
    def existing(cls, user_id) -> str | None:
        """The user's tag, if they have one (those who never logged in have none, and no keys)."""
        return cls.objects.filter(user_id=user_id).values_list("tag", flat=True).first()
