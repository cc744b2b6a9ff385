"""Demo ruptures: the signal rules run over every demo treatment, then the therapists work
through the episodes the way a clinic would, so that the demo shows every signal kind, episodes
at each stage, repaired and unrepaired ones with notes, and a clinic overview with data.

What the therapists do follows the course the data show: an episode whose alliance recovered is
worked through and closed as resolved (the newest one is left open, so the page suggests closing
it); one that did not recover is closed as unresolved or still being worked on; the treatment
that ended in dropout closes its episode as dropout; a rupture only the therapist noticed is
opened by hand ("I noticed a marker").
"""

from __future__ import annotations

from datetime import timedelta

from allianse.feedback.services import THERAPIST_CHECK, latest_response
from allianse.ruptures.models import EpisodeEvent, EpisodeKind, Outcome, Recovery, RuptureEpisode, Signal
from allianse.ruptures.services import (
    add_note,
    change_kind,
    close_episode,
    open_episode,
    stage_count,
)
from allianse.ruptures.updates import observed_kind, update_for_treatment

# What a therapist might write at each stage of each path: (strategies tried, note).
NOTES = {
    "withdrawal": [
        ([], "Korte svar og rask enighet i hele timen. Kjente selv at jeg snakket mer enn vanlig."),
        (
            ["metacommunication", "acknowledge_own_part"],
            "Sa at jeg merket at jeg hadde presset på med hjemmeoppgaven. Pasienten ble stille, så lettet.",
        ),
        (
            ["invite_feelings", "validate_reaction"],
            "Pasienten sa forsiktig at timene kjennes som skole. Tok imot det og ba om å høre mer.",
        ),
        (
            ["explore_avoidance"],
            "Utforsket hva pasienten trodde jeg ville gjøre om hen sa det rett ut: «at du blir lei av meg».",
        ),
        (
            ["change_task_or_goal", "revisit_formulation"],
            "Pasienten ba om å ta eksponeringen i mindre steg. Vi la om planen sammen.",
        ),
    ],
    "confrontation": [
        ([], "Pasienten sa at timene er bortkastet og at jeg ikke skjønner noe."),
        (
            ["name_shared_pattern", "acknowledge_own_part"],
            "Sa at vi virket fastlåst i en dragkamp, og at jeg hadde vært for opptatt av å forklare metoden.",
        ),
        (
            ["validate_reaction", "invite_feelings"],
            "Ga rom for skuffelsen over at det går sakte. Spurte hvordan pasienten opplever min del.",
        ),
        (["explore_self_states"], "La merke til et skifte fra tristhet til sinne og spurte hva som skjedde rett før."),
        (["disclose_own_experience"], "Pasienten fortalte om å aldri ha blitt tatt på alvor. Tok imot det med varme."),
    ],
    "integrative": [
        ([], "Blandede tegn: pasienten kritiserte oppgavene, men sa samtidig at alt var i orden."),
        (
            ["metacommunication", "clarify_misunderstanding"],
            "Snakket om det som skjedde mellom oss og oppklarte en misforståelse om hjemmeoppgaven.",
        ),
        (["explore_avoidance"], "Utforsket hva pasienten ventet skulle skje om hen var direkte med meg."),
        (["change_task_or_goal"], "Pasienten sa hva hen trenger fra timene. Vi justerte målene."),
    ],
}
CLASSIFIED = (EpisodeKind.WITHDRAWAL, EpisodeKind.WITHDRAWAL, EpisodeKind.BOTH, EpisodeKind.UNCLEAR)
REPAIRED_STAGES = (5, 4, 3, 5, 4)


def build(context) -> None:
    for treatment in context.treatments:
        update_for_treatment(treatment=treatment, notify=False, now=context.now)
    _date_automatic_history(context.treatments)
    _open_by_hand(context)
    episodes = list(
        RuptureEpisode.objects.filter(treatment__in=context.treatments)
        .select_related("treatment", "first_session", "last_session", "recovery_session")
        .order_by("first_session__starts_at")
    )
    newest_recovered = max(
        (e for e in episodes if e.recovery == Recovery.RECOVERED), key=lambda e: e.recovery_session.starts_at
    )
    repaired = iter(REPAIRED_STAGES * len(episodes))
    for index, episode in enumerate(episodes):
        if episode.opened_by_id:
            continue
        _classify(context, episode)
        _work_through(context, episode, newest_recovered, repaired, index)
    _acknowledge_old_signals(context)
    context.say(
        f"Ruptures: {Signal.objects.count()} signals, {len(episodes)} rupture episodes "
        f"({RuptureEpisode.objects.filter(status='closed').count()} closed); see 'Needs attention' on the home page."
    )


def _date_automatic_history(treatments) -> None:
    """Signals are computed at once here; date their episodes as if they arrived session by session."""
    for episode in RuptureEpisode.objects.filter(treatment__in=treatments).select_related("first_session"):
        sessions = {s.number: s.starts_at for s in episode.treatment.sessions.all()}
        opened_at = episode.first_session.starts_at + timedelta(hours=2)
        RuptureEpisode.objects.filter(pk=episode.pk).update(opened_at=opened_at)
        for event in episode.events.all():
            at = sessions[event.data["session"]] + timedelta(hours=2)
            EpisodeEvent.objects.filter(pk=event.pk).update(at=at)


def _open_by_hand(context) -> None:
    """A rupture the therapist noticed in a session no episode covers: "I noticed a marker"."""
    for treatment in context.treatments:
        covered = {
            number
            for first, last in treatment.rupture_episodes.values_list("first_session__number", "last_session__number")
            for number in range(first, last + 1)
        }
        for session in treatment.sessions.order_by("number"):
            response = latest_response(session, THERAPIST_CHECK)
            if session.number in covered or response is None or not response.answers.get("rupture"):
                continue
            kind, markers = observed_kind(response)
            open_episode(
                session=session,
                by=response.submitted_by,
                kind=kind,
                markers=markers,
                intensity=response.answers.get("rupture_intensity"),
                note=NOTES["confrontation"][0][1] if kind == EpisodeKind.CONFRONTATION else NOTES["withdrawal"][0][1],
                at=session.starts_at + timedelta(hours=3),
            )


def _classify(context, episode: RuptureEpisode) -> None:
    if episode.kind != EpisodeKind.UNCLEAR:
        return
    kind = context.rng.choice(CLASSIFIED)
    if kind != EpisodeKind.UNCLEAR:
        change_kind(
            episode=episode,
            by=_therapist(episode),
            kind=kind,
            markers=episode.markers,
            intensity=episode.intensity,
            at=episode.first_session.starts_at + timedelta(hours=3),
        )
        episode.refresh_from_db()


def _work_through(context, episode: RuptureEpisode, newest_recovered, repaired, index: int) -> None:
    if episode.treatment.end_reason == "dropout":
        _notes_up_to(episode, 2)
        _close(episode, Outcome.DROPOUT)
    elif episode.recovery == Recovery.NOT_RECOVERED:
        _notes_up_to(episode, 2)
        if episode.recovery_session.starts_at < context.now - timedelta(weeks=4):
            _close(episode, Outcome.UNRESOLVED)
    elif episode == newest_recovered:
        _notes_up_to(episode, 3)
    elif episode.recovery == Recovery.RECOVERED:
        _notes_up_to(episode, min(next(repaired), stage_count(episode.kind)))
        _close(episode, Outcome.RESOLVED if index % 3 else Outcome.PARTLY)


def _notes_up_to(episode: RuptureEpisode, last_stage: int) -> None:
    """A note at each stage, at the sessions following the rupture, moving on after each."""
    texts = NOTES[_path(episode.kind)]
    sessions = list(episode.treatment.sessions.filter(number__gte=episode.first_session.number).order_by("number"))
    for stage in range(1, last_stage + 1):
        strategies, text = texts[stage - 1]
        at = sessions[min(stage - 1, len(sessions) - 1)].starts_at + timedelta(hours=3)
        add_note(
            episode=episode,
            by=_therapist(episode),
            stage=stage,
            strategies=strategies,
            text=text,
            advance=stage < last_stage,
            at=at,
        )


def _close(episode: RuptureEpisode, outcome: str) -> None:
    episode.refresh_from_db()
    last = episode.recovery_session or episode.last_session
    close_episode(episode=episode, by=_therapist(episode), outcome=outcome, at=last.starts_at + timedelta(hours=4))
    episode.signals.update(seen_at=last.starts_at)


def _acknowledge_old_signals(context) -> None:
    """Signals on their own from long ago were read and judged at the time."""
    old = Signal.objects.filter(
        treatment__in=context.treatments, episode__isnull=True, session__starts_at__lt=context.now - timedelta(weeks=4)
    ).select_related("session", "treatment")
    for signal in old:
        therapist = signal.treatment.therapists.order_by("id").first()
        at = signal.session.starts_at + timedelta(days=1)
        Signal.objects.filter(pk=signal.pk).update(acknowledged_at=at, acknowledged_by=therapist, seen_at=at)


def _therapist(episode: RuptureEpisode):
    return episode.treatment.therapists.order_by("id").first()


def _path(kind: str) -> str:
    return {EpisodeKind.WITHDRAWAL: "withdrawal", EpisodeKind.CONFRONTATION: "confrontation"}.get(kind, "integrative")
