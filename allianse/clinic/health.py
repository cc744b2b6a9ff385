from django.http import HttpResponse


def healthz(request):
    """Liveness probe for load balancers and the benchmark's baseline: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")
