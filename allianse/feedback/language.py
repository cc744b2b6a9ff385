"""Language for people who answer without an account (patients, group members)."""

from django.utils import translation


def respondent_language(request, default: str) -> str:
    """The language of a respondent without an account: `?lang=` or the form's `lang`, else the
    language recorded for them; activated for the rest of the request."""
    language = request.GET.get("lang") or request.POST.get("lang") or default
    language = language if language in ("nb", "en") else "nb"
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language
