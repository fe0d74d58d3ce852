"""Site-wide pages: the list of source documents and the background job runs."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .models import JobRun, SourceDocument


def sources(request):
    return render(request, "sources.html", {"documents": list(SourceDocument.objects.order_by("code"))})


@login_required
def jobs(request):
    """The latest runs of the background jobs, for staff to see what ran and how it ended."""
    if not request.user.is_staff:
        raise PermissionDenied
    return render(request, "jobs.html", {"runs": list(JobRun.objects.order_by("-started_at")[:100])})
