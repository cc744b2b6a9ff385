"""Language for people who answer without an account (patients, group members)."""

from django.utils import translation


def current_language() -> str:
    """The language of this request's texts ("nb" or "en"), as instruments and stored explanations
    key theirs."""
    return (translation.get_language() or "nb")[:2]


def respondent_language(request, default: str) -> str:
    """The language of a respondent without an account: `?lang=` or the form's `lang`, else the
    language recorded for them; activated for the rest of the request."""
    language = request.GET.get("lang") or request.POST.get("lang") or default
    language = language if language in ("nb", "en") else "nb"
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language
