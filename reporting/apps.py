from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Monthly reporting")

    def ready(self):
        from django.utils import timezone

        from indicators.hooks import inputs_changed

        # The Celery tasks, registered in every process: a web process queues the roll-up by
        # name, and Celery's autodiscovery only runs in workers (without this, gunicorn could
        # not queue one and every roll-up waited for the sweep).
        from reporting import tasks  # noqa: F401
        from reporting.services.staleness import province_inputs_changed

        def mark_stale(sender, province_ids, since, **kwargs):
            province_inputs_changed(province_ids, since=since, now=timezone.now())

        # Framework data changed (targets, tasks, units, results): the months it feeds are
        # marked stale in the same transaction, and recomputed after the commit.
        inputs_changed.connect(mark_stale, weak=False, dispatch_uid="reporting-inputs-changed")

        from django.db.models.signals import post_delete, post_save

        from par_portal.cache import bump, user_scope
        from reporting.models import Notice

        def bell_changed(sender, instance, **kwargs):
            bump([user_scope(instance.user_id)])  # the header's unread count, cached per user

        for signal in (post_save, post_delete):
            signal.connect(bell_changed, sender=Notice, dispatch_uid=f"bell-{signal}")

        from indicators.hooks import illustrative_tree_replaced
        from reporting.services.assessments import scores_of_scheme_delete

        def tree_replaced(sender, scheme_id, **kwargs):
            scores_of_scheme_delete(scheme_id=scheme_id)

        illustrative_tree_replaced.connect(
            tree_replaced, weak=False, dispatch_uid="reporting-illustrative-tree-replaced"
        )
