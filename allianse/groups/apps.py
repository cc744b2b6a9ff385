from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "allianse.groups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse.ruptures import extensions

        from . import member_ruptures

        extensions.register_attention_source(member_ruptures.attention_items)
        extensions.register_episode_details(member_ruptures.episode_context)
