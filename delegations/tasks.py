"""Background jobs of the delegations app. Tasks are thin: they take ids, call a service, record
their run in the job-run table, and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ics_registry.as_at import today
from ics_registry.models import JobRun
from organisations.models import Organisation

from .choices import DelegationStatus
from .models import Delegation
from .services import delegations_end_with_holder, sord_import_run


def _finish(run: JobRun, state: str, summary: dict) -> None:
    JobRun.objects.filter(pk=run.pk).update(state=state, finished_at=timezone.now(), summary=summary)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1200, soft_time_limit=1140)
def run_sord_import(import_id: int) -> dict:
    """Import an uploaded scheme of delegation (sord_import_run). Running it again for an import
    that has finished changes nothing."""
    run = JobRun.objects.create(task="delegations.tasks.run_sord_import")
    try:
        sord_import = sord_import_run(import_id)
    except Exception as exc:
        _finish(run, JobRun.State.FAILED, {"import": import_id, "error": str(exc)})
        raise
    report = sord_import.report or {}
    summary = {
        "import": import_id,
        "file_name": sord_import.file_name,
        "state": sord_import.state,
        "rows_total": sord_import.rows_total,
        "created": report.get("created", {}),
        "errors": len(report.get("errors", [])),
    }
    # The job ran to its end even when the import refused the file: the import's state says which.
    _finish(run, JobRun.State.SUCCEEDED, summary)
    return summary


def _runs_past_closure():
    """Delegations an organisation made that run past its closing day (and that took effect)."""
    return (
        Delegation.objects.filter(delegator_organisation=OuterRef("pk"))
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("end_date")))
        .exclude(status=DelegationStatus.REVOKED, end_date__isnull=True)
    )


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=300, soft_time_limit=240)
def end_delegations_of_closed_holders() -> dict:
    """When a holder closes (a CCG on 30 June 2022), its delegations end with it: end, on its
    closing day, those of every closed organisation that still run past it. Safe to run any number
    of times: an organisation whose delegations have ended is not touched again."""
    run = JobRun.objects.create(task="delegations.tasks.end_delegations_of_closed_holders")
    on = today()
    summary: dict = {"date": on.isoformat(), "organisations": [], "delegations_ended": 0, "refused": {}}
    try:
        closed = (
            Organisation.objects.filter(end_date__lt=on)
            .filter(Exists(_runs_past_closure()))
            .order_by("name", "pk")
        )
        for organisation in closed:
            try:
                ended = delegations_end_with_holder(holder=organisation, actor=None)
            except ValidationError as exc:
                # One organisation's refusal does not stop the others; staff see it in the run.
                summary["refused"][organisation.name] = exc.messages
                continue
            summary["organisations"].append(organisation.name)
            summary["delegations_ended"] += len(ended)
    except Exception as exc:
        _finish(run, JobRun.State.FAILED, {**summary, "error": str(exc)})
        raise
    _finish(run, JobRun.State.SUCCEEDED, summary)
    return summary
