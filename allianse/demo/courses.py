"""Demo of the MBT-G course of seed 002: the 2026 course with its eight meetings, the day plan with
its overlap left for the leader to settle, twelve participants and two on the waiting list, a
rota, characters, preparation in several states, meetings held with attendance, videos shown,
supervision notes, and the scoring exercise of meeting 7 rated by every participant against the
leader's reference (on the consented group recording's segments)."""

from __future__ import annotations

from datetime import date, time, timedelta

from allianse.accounts.models import Role, User
from allianse.courses import services
from allianse.courses.models import Attendance, Course, DayBlock, Meeting, MeetingRole, Participant, Reading
from allianse.courses.models import SupervisionNote as Note
from allianse.demo.clinic import DEMO_PASSWORD, DemoContext, demo_user
from allianse.demo.group_recordings import CONSENTED_TITLE, consented_segments
from allianse.instruments import registry as instruments
from allianse.rating import services as rating
from allianse.rating.models import Assignment, Rating, Recording

SEED_GOALS = (
    "«Mentaliseringsbasert gruppeterapi 2026» er i hovedsak et teknisk terapeutisk kurs. Fremste læringsmål er at "
    "deltakerne erverver seg bedre tekniske ferdigheter i MBT-G og evner å praktisere en mentaliserende holdning i "
    "grupper. Kurset inkluderer både psykoedukativ og dynamisk MBT. Andre læringsmål er teoretisk forståelse av "
    "mentalisering og allmenne prinsipper for MBT, gruppedynamikk og intersubjektivitet ved alvorlig "
    "personlighetspatologi. Det er også et mål at deltakerne lærer å anvende MBT vurderingsskala for gruppeterapi."
)
PSYCHOEDUCATIONAL, DYNAMIC = Meeting.Mode.PSYCHOEDUCATIONAL, Meeting.Mode.DYNAMIC
# (date, title, theme, mode, role play topic, theory, items, scoring of a video sequence): seed 002.
MEETINGS = [
    (
        date(2026, 2, 6),
        "Struktur, allianse, terapeutens ansvar og gruppen som treningsarena for mentalisering",
        "Introduksjon. Presentasjonsrunde. Generelt orienterende. Om psykoedukativ gruppeterapi.",
        PSYCHOEDUCATIONAL,
        "Temperament og følelser",
        "«Holding environment», teamsamarbeid, allianse, hovedoppgave for MBT-G, eksplisitte forventninger til "
        "pasienter, terapeutens ansvar for gruppen som helhet, skriving av referat, kontinuitet og "
        "gruppesammenheng. Terapeuten som gruppens dynamiske leder. Koterapi. Forskjeller og likheter mellom "
        "psykodynamisk og mentaliseringsbasert gruppeterapi med vekt på terapeutens ansvar. Gruppen som "
        "treningsarena for mentalisering. Håndtering av gruppemøtets forskjellige faser med spesiell vekt på "
        "åpningsfasen. Kasusbeskrivelse for pasienter i gruppeterapi.",
        [],
        False,
    ),
    (
        date(2026, 3, 13),
        "Turtaking, fokus på interpersonlige hendelser og terapeutens ansvar for klargjøring av interpersonlige "
        "hendelser",
        "",
        PSYCHOEDUCATIONAL,
        "Mentalisering og mentaliserende holdning – hva er det?",
        "Balansert mentaliserende turntaking. Betydningen av narrativ og identifisere en scene. Fokus på "
        "interpersonlige hendelser. Ansvar for klargjøring av relevante hendelser. Hva teller som en «hendelse». "
        "Identifisering av mentaliseringssvikt. Engasjering av medlemmene i mentalisering av eksterne hendelser.",
        [],
        False,
    ),
    (
        date(2026, 4, 17),
        "Terapeutens ansvar for mentalisering av hendelser i gruppen. Pendling mellom der og da og her og nå",
        "",
        DYNAMIC,
        "",
        "Terapeutens ansvar for mentalisering av hendelser i gruppen. Pendling mellom der og da og her og nå. "
        "Ledd i MBT-G vurderingsskala: en mentaliserende holdning.",
        ["i10", "i11", "i12"],
        False,
    ),
    (
        date(2026, 5, 29),
        "Håndtering av psykisk ekvivalens og pseudomentalisering i grupper",
        "",
        DYNAMIC,
        "",
        "Ledd 16: Håndtering av psykisk ekvivalens i grupper. Ledd 15: Håndtering av pseudomentalisering i grupper.",
        ["i16", "i15"],
        False,
    ),
    (
        date(2026, 8, 21),
        "Normdannelse, påskjønning av god mentalisering og regulering av spenningsnivå",
        "",
        DYNAMIC,
        "",
        "Ledd 8: Stimulere og bistå gruppen i diskusjoner om grupperelevante tema (spesielt normdannelse). "
        "Ledd 13: Regulering av spenningsnivå. Ledd 14: Påskjønning av god mentalisering.",
        ["i08", "i13", "i14"],
        False,
    ),
    (
        date(2026, 10, 2),
        "Omsorg for gruppen, håndheving av autoritet, tilknytning og fokus på følelser",
        "",
        DYNAMIC,
        "",
        "Ledd 6: Omsorg for gruppen og hvert enkelt medlem. Ledd 7: Håndheving av autoritet. Om å knytte seg til "
        "gruppen. Ledd 17: Fokus på følelser. Ledd 18: Stopp og spol tilbake.",
        ["i06", "i07", "i17", "i18"],
        False,
    ),
    (
        date(2026, 10, 30),
        "Håndtering av overføring og motoverføring og skåring av video-sekvens",
        "",
        DYNAMIC,
        "",
        "Ledd 19: Fokus på forholdet mellom terapeuter og pasienter. Håndtering av overføring og motoverføring. "
        "Skåring av video-sekvens i henhold til MB vurderingsskala for grupper.",
        ["i19"],
        True,
    ),
    (
        date(2026, 12, 4),
        "«Constructing and mentalizing the matrix» og skåring av video-sekvens",
        "",
        DYNAMIC,
        "",
        "Om matrixbegrepet i gruppeanalysen og dets forhold til mentaliseringsteori og en mentaliserende praksis. "
        "Skåring av video-sekvens i henhold til MB vurderingsskala for grupper.",
        [],
        True,
    ),
]
# The seed's "Generell struktur", with its overlap of supervision and lunch (12.00-12.15) as written.
DAY_PLAN = [
    (time(9, 0), time(10, 30), DayBlock.Kind.ROLE_PLAY, "Rollespill om psykoedukativ, senere dynamisk gruppeterapi"),
    (time(10, 45), time(11, 25), DayBlock.Kind.THEORY, "Teori og videodemonstrasjon"),
    (
        time(11, 30),
        time(12, 15),
        DayBlock.Kind.SUPERVISION,
        "Veiledning og undervisning basert på video, rollespill eller referat",
    ),
    (time(12, 0), time(12, 45), DayBlock.Kind.LUNCH, "Lunsj"),
    (
        time(12, 45),
        time(16, 0),
        DayBlock.Kind.SUPERVISION,
        "Veiledning og undervisning basert på video, rollespill eller referat",
    ),
]
PARTICIPANTS = [
    ("deltaker01", "Mari", "Solberg"),
    ("deltaker02", "Thomas", "Lie"),
    ("deltaker03", "Nora", "Aas"),
    ("deltaker04", "Henrik", "Moe"),
    ("deltaker05", "Sara", "Eide"),
    ("deltaker06", "Ola", "Brekke"),
    ("deltaker07", "Kristin", "Fjeld"),
    ("deltaker08", "Anders", "Vold"),
    ("deltaker09", "Ida", "Rønning"),
    ("deltaker10", "Petter", "Lunde"),
    ("deltaker11", "Eva", "Sund"),
]
CHARACTERS = [
    (
        "Lise",
        "28 år, sterke svingninger i humør, redd for å bli forlatt; går ofte ut av rommet når det blir vanskelig.",
    ),
    ("Kenneth", "35 år, konfronterende og rask til sinne, kritiserer terapeutene, men møter alltid opp."),
    ("Hanna", "22 år, smiler og er enig med alle, sier lite om seg selv; skader seg når hun er alene."),
    ("Rune", "41 år, snakker lenge og generelt om «folk flest», unngår her og nå."),
    ("Tiril", "30 år, idealiserer gruppa den ene uka og vil slutte den neste."),
    ("Morten", "26 år, kommer ofte for sent, blir stille når noen gir ham tilbakemelding."),
    ("Stine", "33 år, tar ansvar for de andre og glemmer seg selv; blir lett krenket."),
    ("Jonas", "29 år, ruser seg i helgene, bagatelliserer det i gruppa."),
    ("Vilde", "24 år, opplever at de andre ser ned på henne; tolker blikk og pauser som avvisning."),
    ("Geir", "45 år, kontrollerende, vil ha faste regler for alt i gruppa."),
    ("Amalie", "27 år, sterke følelser, vanskelig å sette ord på dem; får raseriutbrudd."),
    ("Ole", "38 år, trekker seg unna, svarer «vet ikke» på det meste."),
]
LONG_DESCRIPTION = " ".join(
    ["Pasienten har lang behandlingshistorikk med flere innleggelser og skiftende terapeuter."] * 12
)
# How each participant's ratings lean (points on the 1-7 scale) in the scoring exercise.
RATER_BIAS = [0.0, 0.6, -0.5, 0.3, -0.2, 0.8, 0.1, -0.7, 0.4, -0.1, 0.2, -0.4]
HELD = 7  # meetings 1-7 have been held; meeting 8 is ahead


def build(context: DemoContext) -> None:
    leader = demo_user("kursleder", Role.COURSE_LEADER, "Wenche", "Kvalheim")
    supervisor = User.objects.filter(username="supervisor").first()
    course = Course.objects.create(
        title="Mentaliseringsbasert gruppeterapi (MBT-G) 2026",
        organiser="Institutt for Mentalisering",
        venue="Holbergs kurs- og konferansesenter, Oslo",
        language="nb",
        learning_goals=SEED_GOALS,
        capacity=12,
        attendance_threshold=75,
        preparation_due=date(2026, 1, 23),
    )
    course.leaders.add(leader)
    if supervisor is not None:
        course.supervisors.add(supervisor)
    meetings = _meetings(course)
    for starts, ends, kind, description in DAY_PLAN:
        services.add_block(course=course, starts=starts, ends=ends, kind=kind, description=description)
    for title in (
        "Kasusformulering i gruppeterapi (artikkel 1)",
        "Kasusformulering ved personlighetsforstyrrelser (artikkel 2)",
    ):
        Reading.objects.create(course=course, title=title, reference="Sendes ut av kursleder før kursstart")
    people = _participants(context, course)
    _absent(meetings[7], people[3], Attendance.Status.ANNOUNCED)
    services.propose_rota(course=course)
    _presenters(meetings, people)
    _preparation(people)
    for meeting in meetings[:HELD]:
        _attendance(meeting, people, context)
    _videos(meetings, people, leader)
    _notes(meetings, people, leader, supervisor)
    _scoring(context, meetings[6], people, leader)
    context.say(
        "Course: 'kursleder' leads the MBT-G course 2026 (Courses in the menu): 8 meetings, the day plan's overlap"
        f" of supervision and lunch flagged, 12 participants (deltaker01-09 and therapist1-3), 2 on the waiting list,"
        f" {HELD} meetings held, the scoring exercise of meeting 7 with agreement and calibration. Password:"
        f" {DEMO_PASSWORD}."
    )


def _meetings(course: Course) -> list[Meeting]:
    return [
        Meeting.objects.create(
            course=course,
            number=number,
            date=day,
            title=title,
            theme=theme,
            mode=mode,
            role_play_topic=topic,
            theory=theory,
            items=items,
            scores_video=scores,
        )
        for number, (day, title, theme, mode, topic, theory, items, scores) in enumerate(MEETINGS, start=1)
    ]


def _participants(context: DemoContext, course: Course) -> list[Participant]:
    """therapist1-3 (with their groups in Allianse) and nine others; two more wait for a place."""
    others = [demo_user(username, Role.THERAPIST, first, last) for username, first, last in PARTICIPANTS]
    people = []
    for index, user in enumerate([*context.therapists, *others]):
        place = services.enrol(course=course, user=user)
        if place.status != Participant.Status.ENROLLED:
            continue
        group = user.therapy_groups.filter(ended_on__isnull=True).order_by("pk").first()
        place.group = group
        if group is None:
            place.group_declaration = (
                f"MBT-gruppe ved DPS-poliklinikk, {6 + index % 3} pasienter, ukentlig 90 minutter."
            )
        place.aims_at_mbt_g = index != 8
        place.character_name, place.character_description = CHARACTERS[len(people)]
        place.save()
        people.append(place)
    return people


def _absent(meeting: Meeting, participant: Participant, status: str) -> None:
    services.record_attendance(meeting=meeting, statuses={participant: status})


def _presenters(meetings: list[Meeting], people: list[Participant]) -> None:
    for index, meeting in enumerate(meetings):
        clinical = [people[(2 * index + 5) % len(people)]]
        theory = [people[(index + 9) % len(people)]]
        services.set_role(meeting=meeting, role=MeetingRole.Role.CLINICAL, participants=clinical)
        services.set_role(meeting=meeting, role=MeetingRole.Role.THEORY, participants=theory)


def _preparation(people: list[Participant]) -> None:
    """Complete and sent (from the group in Allianse where there is one), one with a description
    longer than the course asks, one begun and not sent, two not begun."""
    readings = list(people[0].course.readings.all())
    for index, participant in enumerate(people[:9]):
        members = services.current_members(participant.group)
        descriptions = [(m.patient.code, m.description or "Kort beskrivelse.", m) for m in members] or [
            (
                f"Pasient {n}",
                "Kvinne i 20-årene med emosjonelt ustabil personlighetsforstyrrelse, i gruppa i ett år.",
                None,
            )
            for n in range(1, 7)
        ]
        if index == 8:
            descriptions[0] = (descriptions[0][0], LONG_DESCRIPTION, descriptions[0][2])
        account = services.group_frame(participant.group) if participant.group else participant.group_declaration
        services.save_preparation(
            participant=participant,
            group_account=account,
            case_formulation="Utkast: mønster av tilknytning og mentaliseringssvikt under stress, med hypotese om "
            "hva som skjer i gruppa når pasienten føler seg oversett.",
            descriptions=descriptions,
            send=True,
        )
        for reading in readings[: 2 if index < 7 else 1]:
            services.mark_read(participant=participant, reading=reading, read=True)
    services.save_preparation(
        participant=people[9],
        group_account=people[9].group_declaration,
        case_formulation="",
        descriptions=[],
        send=False,
    )


def _attendance(meeting: Meeting, people: list[Participant], context: DemoContext) -> None:
    playing = set(services.people_in(meeting, MeetingRole.Role.CO_THERAPIST))
    statuses = {}
    for participant in people:
        away = participant not in playing and context.rng.random() < 0.12
        statuses[participant] = Attendance.Status.ABSENT if away else Attendance.Status.PRESENT
    services.record_attendance(meeting=meeting, statuses=statuses)


def _videos(meetings: list[Meeting], people: list[Participant], leader: User) -> None:
    recording = Recording.objects.filter(title=CONSENTED_TITLE).first()
    for index, participant in enumerate(people[:6]):
        of_own_group = recording is not None and recording.group_session.group_id == participant.group_id
        own = recording if of_own_group else None
        services.record_video(
            participant=participant,
            meeting=meetings[2 + index],
            by=leader,
            recording=own,
            consent_confirmed=own is None,
            note="Utdrag fra åpningsfasen" if index % 2 else "Utdrag med en interpersonlig hendelse",
        )


def _notes(meetings: list[Meeting], people: list[Participant], leader: User, supervisor: User | None) -> None:
    texts = [
        (
            Note.Basis.ROLE_PLAY,
            "Godt fokus på en hendelse; husk å invitere de andre medlemmene inn før du oppsummerer.",
        ),
        (Note.Basis.RECORDING, "Fin, nysgjerrig holdning. Sjekk om stopp og spol tilbake kunne vært brukt tidligere."),
        (Note.Basis.SUMMARY, "Referatet viser tydelig faseinndeling; beskriv mentaliseringssvikten mer konkret."),
    ]
    for index, participant in enumerate(people[:8]):
        basis, text = texts[index % len(texts)]
        by = supervisor if supervisor is not None and index % 2 else leader
        services.add_supervision_note(
            participant=participant, meeting=meetings[1 + index % 5], basis=basis, text=text, by=by
        )


def _scoring(context: DemoContext, meeting: Meeting, people: list[Participant], leader: User) -> None:
    """Every participant but the last two has rated the group recording's first sequence; the
    leader's rating is the reference."""
    segments = consented_segments()
    if not segments:
        return
    study = services.start_scoring_exercise(meeting=meeting, segment=segments[0], by=leader)
    scale = instruments.get(study.instrument_key)
    truth = {item.id: context.rng.uniform(2.5, 5.5) for item in scale.items if item.type == "scale"}
    when = context.now - timedelta(days=30)
    reference = study.assignments.get(rater=leader, kind=Assignment.Kind.EXPERT)
    _rate(reference, truth, 0.0, 0.3, context, when)
    for participant, bias in zip(people[:-2], RATER_BIAS, strict=False):
        assignment = study.assignments.get(rater=participant.user, kind=Assignment.Kind.RATER)
        _rate(assignment, truth, bias, 0.8, context, when + timedelta(minutes=5))


def _rate(assignment: Assignment, truth: dict[str, float], bias: float, noise: float, context, when) -> None:
    answers = {key: round(min(7, max(1, value + bias + context.rng.gauss(0, noise)))) for key, value in truth.items()}
    entered = rating.RatingInput(answers=answers)
    submitted = rating.submit_rating(assignment=assignment, entered=entered, by=assignment.rater).rating
    Rating.objects.filter(pk=submitted.pk).update(submitted_at=when)
