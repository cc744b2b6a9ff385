"""The page the "not validated" note beside a score links to: what it means, and which
instruments it concerns. It shows no patient data, so anyone may read it."""

from django.shortcuts import render

from . import registry


def not_validated(request):
    unvalidated = [instrument for instrument in registry.all_instruments() if not instrument.validated]
    return render(request, "instruments/not_validated.html", {"instruments": unvalidated})
