from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "allianse.groups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse.feedback import extensions as feedback_extensions
        from allianse.instruments import registry
        from allianse.ruptures import extensions

        from . import checks, member_ruptures, response_rates, series, signal_store

        registry.require(series.REQUIRED)
        registry.require_build("the group signal rules", signal_store.group_rules)
        extensions.register_attention_source(member_ruptures.attention_items)
        extensions.register_episode_details(member_ruptures.episode_context)
        extensions.register_response_source(response_rates.COLUMN_TITLE, response_rates.member_check_links)
        feedback_extensions.register_short_code_resolver(checks.short_code_target)
