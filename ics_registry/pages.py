"""Site-wide pages: home and the list of source documents."""

from django.shortcuts import render

from .models import SourceDocument


def home(request):
    from organisations.selectors import system_list  # the URL layer wires the apps together

    return render(request, "home.html", {"systems": list(system_list().order_by("name"))})


def sources(request):
    return render(request, "sources.html", {"documents": list(SourceDocument.objects.order_by("code"))})
