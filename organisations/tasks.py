"""Background jobs of the registry. Tasks are thin: they call selectors/services and record a run."""

from celery import shared_task
from django.utils import timezone

from ics_registry.as_at import today
from ics_registry.models import JobRun

from .models import Organisation, PostHolding


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def registry_daily_check() -> dict:
    """Record what changed state today (organisations opening or closing, posts falling vacant),
    so staff can see the registry moving with time. Safe to run any number of times."""
    run = JobRun.objects.create(task="organisations.tasks.registry_daily_check")
    on = today()
    try:
        summary = {
            "date": on.isoformat(),
            "organisations_closed_yesterday": list(
                Organisation.objects.filter(end_date=on - timezone.timedelta(days=1)).values_list(
                    "name", flat=True
                )
            ),
            "organisations_established_today": list(
                Organisation.objects.filter(start_date=on).values_list("name", flat=True)
            ),
            "holdings_ended_yesterday": PostHolding.objects.filter(
                end_date=on - timezone.timedelta(days=1)
            ).count(),
        }
    except Exception as exc:
        JobRun.objects.filter(pk=run.pk).update(
            state=JobRun.State.FAILED, finished_at=timezone.now(), summary={"error": str(exc)}
        )
        raise
    JobRun.objects.filter(pk=run.pk).update(
        state=JobRun.State.SUCCEEDED, finished_at=timezone.now(), summary=summary
    )
    return summary
