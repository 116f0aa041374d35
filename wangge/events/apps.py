from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "wangge.events"
    label = "events"
    verbose_name = "事件与流程"

    def ready(self) -> None:
        # Cache invalidation, not domain logic: the reference rows are also written by the
        # admin and by fixtures, and a stale copy would route or time events wrongly.
        from django.db.models.signals import post_delete, post_save

        from wangge.events.reference import WATCHED_MODELS, invalidate_reference

        for model in WATCHED_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(invalidate_reference, sender=model, dispatch_uid=f"ref-{model}")
