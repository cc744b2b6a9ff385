"""The demo groups' stories: who joins and leaves, how each member answers, what happens in the
group, and what the therapists write. Plain data; `allianse.demo.groups` turns it into a year of
history. Texts are in Norwegian, as the therapists of a Norwegian clinic would write them."""

from __future__ import annotations

from dataclasses import dataclass, field

from allianse.core.groups import ICD10, ICD11
from allianse.groups.models import Membership, TherapyGroup

BORDERLINE = ((ICD10, "F60.31"),)
OTHER_FACTORS = ("universality", "information", "altruism", "family", "socializing", "imitation", "existential")


@dataclass(frozen=True)
class Member:
    description: str
    diagnoses: tuple[tuple[str, str], ...]
    joins: int = 1  # the first session
    leaves: int | None = None  # the last session
    reason: str = ""
    note: str = ""
    cohesion: float = 4.3  # the member's usual level (0-6)
    absent: frozenset[int] = frozenset()  # sessions missed with notice
    withdraws_from: int | None = None  # cohesion falls from here, absences without notice follow
    answers_when_withdrawn: float = 0.55  # the chance of answering a check once withdrawing
    formulation: str = ""
    individual_patient: bool = False  # also in individual therapy with the group's therapist
    language: str = "nb"


@dataclass(frozen=True)
class Event:
    members: tuple[int, ...]  # indexes into the story's members
    what: str
    failure: str
    intervention: str
    note: str = ""


@dataclass(frozen=True)
class Story:
    name: str
    kind: str
    admission: str
    max_size: int
    sessions: int
    days_since_last: int
    factors_every: int
    therapists: tuple[int, int]
    members: tuple[Member, ...]
    themes: tuple[str, ...]
    summaries_from: int
    drafts: int  # the latest this many summaries are drafts
    conflict: frozenset[int] = frozenset()
    events: dict[int, tuple[Event, ...]] = field(default_factory=dict)
    addenda: dict[int, str] = field(default_factory=dict)
    factor_profile: dict[str, float] = field(default_factory=dict)
    highlights: str = ""
    themes_text: str = "Tema medlemmene kom med (der og da): {theme}\nTema i rommet (her og nå): {here_and_now}"


PHASES = (
    "Åpning: Runde der alle sa kort hvordan uka hadde vært. Stille start.\n"
    "Arbeidsfase: Gruppa holdt seg lenge ved ett tema og klarte å utforske det sammen.\n"
    "Avslutning: Terapeutene oppsummerte, alle fikk si ett ord om timen.",
    "Åpning: Sen start fordi to kom for sent; terapeutene tok opp rammene.\n"
    "Arbeidsfase: Vekslende fokus, flere korte fortellinger uten at noen ble utforsket i dybden.\n"
    "Avslutning: Rolig, noen takket for tilbakemeldinger.",
    "Åpning: Et medlem tok raskt ordet og fortalte om en krangel hjemme.\n"
    "Arbeidsfase: Gruppa spurte nysgjerrig; terapeutene hjalp med å identifisere scenen.\n"
    "Avslutning: Kort oppsummering, avtale om å følge opp neste gang.",
)
AGREEMENTS = (
    "Avtalt til neste gang: fortsette med temaet fra i dag.\nFølge opp med et medlem: spørre hvordan uka har vært.",
    "Avtalt til neste gang: ta opp fraværet i gruppa.\nFølge opp med et medlem: ringe dersom hun ikke kommer.",
    "Avtalt til neste gang: ingen særskilte avtaler.\nFølge opp med et medlem: –",
)

# What the therapists wrote at each stage of the withdrawal path: (strategies tried, note).
WITHDRAWAL_NOTES = (
    (
        [],
        "Han sitter lenger ut i ringen, svarer kort og har vært borte uten å melde fra. Samholdet hans har "
        "falt flere ganger på rad, og han sa at han holdt noe tilbake.",
    ),
    (
        ["metacommunication", "acknowledge_own_part"],
        "Tok det opp i gruppa: sa at vi terapeuter har brukt mye tid på konflikten mellom to andre, og kanskje "
        "mistet ham av syne. Han trakk på skuldrene, men ble sittende og lytte.",
    ),
    (
        ["invite_feelings", "validate_reaction"],
        "Samtale med ham før gruppa (se tillegget til referatet fra møte 23). Han sa at det er utrygt når det "
        "krangles, og at ingen ville merket om han ble borte. Vi sa at vi hadde merket det.",
    ),
)
LATE_WITHDRAWAL_NOTES = (
    ([], "Hun har vært stillere siden de nye medlemmene kom, og svarer kort når hun blir spurt."),
    (
        ["metacommunication", "acknowledge_own_part"],
        "Sa i gruppa at vi terapeuter har vært mye opptatt av de nye, og spurte hvordan det har vært for henne. "
        "Hun sa at hun ikke vil være til bry. Vi følger opp neste gang.",
    ),
)
EARLIER_NOTES = (
    (
        ["metacommunication"],
        "Samholdet falt for dette medlemmet. Vi spurte i gruppa hvordan det var å være her nå, og "
        "medlemmet kunne si litt om det.",
    ),
)

PSYCHOEDUCATIONAL = Story(
    name="Psykoedukativ MBT-gruppe, høst",
    kind=TherapyGroup.Kind.PSYCHOEDUCATIONAL,
    admission=TherapyGroup.Admission.CLOSED,
    max_size=10,
    sessions=10,
    days_since_last=1,
    factors_every=6,
    therapists=(0, 1),
    themes=(
        "Temperament og følelser",
        "Hva er mentalisering?",
        "Følelser og hvordan de reguleres",
        "Mentalisering og mentaliserende holdning – hva er det?",
        "Tilknytning",
        "Tilknytning og mentalisering",
        "Personlighet og personlighetsforstyrrelser",
        "Hva er borderline personlighetsforstyrrelse?",
        "Når mentaliseringen svikter: psykisk ekvivalens, late-som og teleologisk modus",
        "Angst, skam og sinne",
    ),
    summaries_from=1,
    drafts=1,
    highlights="4 of 8 current members have a borderline diagnosis, exactly half: not eligible for certification.",
    themes_text="Tema for undervisningen: {theme}\nEksempler medlemmene kom med: {here_and_now}",
    factor_profile={"information": 4.3, "universality": 4.1, "hope": 3.8, "interpersonal_learning": 2.8},
    members=(
        Member(
            "Kvinne, 24 år, student. Raske svingninger i stemningsleie, selvskading i perioder.\n"
            "Søker mye kontakt og blir lett avvist. Motivert for gruppe.",
            BORDERLINE,
            cohesion=4.6,
        ),
        Member(
            "Mann, 31 år, i arbeid. Sinneutbrudd i nære relasjoner, skam etterpå.\n"
            "Skeptisk til gruppe, men vil forstå seg selv bedre.",
            ((ICD10, "F60.3"),),
            cohesion=3.9,
        ),
        Member(
            "Kvinne, 28 år, sykmeldt. Tilbaketrukket, lett overveldet av følelser.\n"
            "Har vanskelig for å snakke i grupper.",
            ((ICD10, "F33.1"),),
            cohesion=3.6,
        ),
        Member("Kvinne, 35 år, to barn. Ustabile relasjoner, sterk frykt for å bli forlatt.", BORDERLINE, cohesion=4.4),
        Member(
            "Mann, 22 år, arbeidsledig. Impulsivitet, rusmisbruk tidligere.\nØnsker struktur og kunnskap.",
            ((ICD10, "F60.30"),),
            cohesion=4.0,
        ),
        Member(
            "Kvinne, 41 år. Langvarig angst og unngåelse, mange avbrutte behandlinger.",
            ((ICD10, "F41.1"),),
            cohesion=4.2,
            absent=frozenset({4}),
        ),
        Member(
            "Mann, 26 år, student. Tomhetsfølelse og ensomhet, vansker med å stole på andre.",
            ((ICD10, "F34.1"),),
            cohesion=4.1,
        ),
        Member("Kvinne, 30 år, i arbeid. Perfeksjonisme og kritisk indre stemme.", ((ICD10, "F32.1"),), cohesion=4.5),
        Member(
            "Kvinne, 29 år. Kom til gruppa fra et annet behandlingssted.",
            BORDERLINE,
            cohesion=4.0,
            leaves=5,
            reason=Membership.EndReason.TRANSFERRED,
            note="Flyttet til Bergen; henvist videre.",
        ),
    ),
)

DYNAMIC = Story(
    name="Dynamisk MBT-gruppe, tirsdag",
    kind=TherapyGroup.Kind.DYNAMIC,
    admission=TherapyGroup.Admission.SLOW_OPEN,
    max_size=9,
    sessions=40,
    days_since_last=2,
    factors_every=8,
    therapists=(0, 2),
    themes=(
        "å bli oversett av en venninne",
        "konflikt med sjefen om en vakt",
        "savn etter en avdød bestemor",
        "en krangel med en samboer",
        "å være alene i helgene",
        "mor som ringer for ofte",
        "jobbintervju og frykt for å bli vurdert",
    ),
    summaries_from=20,
    drafts=2,
    highlights="members joined and left, a conflict phase in sessions 21-25, a member withdrew and dropped out "
    "(his rupture episode worked through and closed as dropout) and another is withdrawing now (an open episode "
    "at stage 2); summaries signed (one with an addendum) and two drafts; 5 of 7 with a borderline diagnosis: "
    "eligible.",
    conflict=frozenset(range(21, 26)),
    factor_profile={"interpersonal_learning": 4.2, "cohesion": 4.0, "catharsis": 3.7, "hope": 3.6, "information": 2.6},
    members=(
        Member(
            "Kvinne, 27 år, barnehageassistent. Selvskading og suicidale kriser tidligere.\n"
            "Sterke reaksjoner på avvisning; blir lett sint og angrer etterpå.\n"
            "Har gått i psykoedukativ gruppe. Også i individualterapi.",
            ((ICD10, "F60.31"),),
            cohesion=4.2,
            individual_patient=True,
            formulation="Hovedmønster: når hun opplever seg oversett, blir følelsen av å være verdiløs sann "
            "(psykisk ekvivalens), og hun angriper før hun selv blir avvist. I gruppa viser det seg når "
            "andre får oppmerksomhet. Mål: stoppe opp, sette ord på følelsen og undersøke hva de andre "
            "faktisk mente.",
        ),
        Member(
            "Mann, 34 år, snekker. Eksplosivt sinne, har mistet flere jobber.\n"
            "Snakker gjerne om andre, sjeldnere om seg selv.",
            ((ICD11, "6D10.1&6D11.5"),),
            cohesion=4.0,
        ),
        Member(
            "Kvinne, 45 år, sykepleier. Tilbakevendende depresjon, lite borderlineproblematikk.\n"
            "Tar ofte en omsorgsrolle i gruppa.",
            ((ICD10, "F33.1"),),
            cohesion=4.8,
            leaves=16,
            reason=Membership.EndReason.COMPLETED,
            note="Avsluttet etter plan.",
        ),
        Member(
            "Kvinne, 23 år, student. Ustabilt selvbilde, kaotiske relasjoner.\n"
            "Intellektualiserer når det blir vanskelig (late-som-modus).",
            ((ICD10, "F60.3"),),
            cohesion=4.1,
            absent=frozenset({9, 31}),
        ),
        Member(
            "Mann, 29 år, lagerarbeider. Trakk seg unna venner det siste året.\nUsikker på om gruppe er noe for ham.",
            ((ICD10, "F60.31"),),
            cohesion=4.0,
            withdraws_from=22,
            leaves=28,
            reason=Membership.EndReason.DROPOUT,
            note="Kom ikke tilbake etter konfliktfasen; svarte ikke på telefon.",
        ),
        Member(
            "Kvinne, 38 år, frisør. Kronisk tomhetsfølelse og impulsivitet.\nMye skam knyttet til oppveksten.",
            ((ICD11, "6D10.2&6D11.5"),),
            cohesion=4.3,
            leaves=12,
            reason=Membership.EndReason.TRANSFERRED,
            note="Flyttet til Trondheim.",
        ),
        Member(
            "Mann, 25 år, butikkansatt. Unnvikende, mye angst i sosiale situasjoner.",
            ((ICD10, "F40.1"),),
            cohesion=3.8,
            individual_patient=True,
            language="en",
        ),
        Member(
            "Kvinne, 32 år, lærer. Intense, korte forelskelser og brudd; selvskading i perioder.",
            ((ICD10, "F60.31"),),
            joins=18,
            cohesion=3.9,
            withdraws_from=34,
            answers_when_withdrawn=0.93,  # she still answers; her answers show it
        ),
        Member(
            "Kvinne, 26 år. Henvist fra DPS etter innleggelse. Mye mistillit til behandlere.",
            ((ICD10, "F60.3"),),
            joins=30,
            cohesion=3.7,
        ),
        Member(
            "Mann, 40 år, ufør. Tilbakevendende depresjon og misbruk i remisjon.",
            ((ICD10, "F33.2"),),
            joins=33,
            cohesion=3.9,
        ),
    ),
    events={
        21: (
            Event(
                (0, 4),
                "Hun ble sint da han kom 20 minutter for sent, og sa at han 'ikke bryr seg om gruppa'. "
                "Han ble taus resten av timen.",
                "psychic_equivalence",
                "stop_and_rewind",
                "Vi stoppet og gikk tilbake til øyeblikket før hun ble sint; hun kunne etter hvert si at hun ble redd "
                "for at gruppa skulle gå i oppløsning.",
            ),
        ),
        22: (
            Event(
                (1,),
                "Han forklarte lenge og abstrakt hvorfor konflikter 'alltid handler om barndommen', uten å "
                "kjenne på noe selv.",
                "pretend_mode",
                "focus_on_affect",
                "Spurte hva han kjente akkurat nå; han ble usikker, men mindre belærende.",
            ),
        ),
        23: (
            Event(
                (0, 1),
                "De to beskyldte hverandre for å ta over gruppa. Resten av gruppa ble stille.",
                "psychic_equivalence",
                "regulate_arousal",
                "Senket tempoet, snakket om hvor høyt spenningsnivået var, og inviterte de stille inn.",
            ),
            Event(
                (4,),
                "Han sa at han vurderer å slutte fordi 'det ikke er noe poeng'.",
                "teleological",
                "explore",
                "Spurte nysgjerrig hva som skulle til for at det ble et poeng; han ville ikke si mer.",
            ),
        ),
        24: (
            Event(
                (0, 3),
                "Den ene forsvarte den andre ved å si at hun 'bare er sånn'; hun følte seg gjort mindre.",
                "psychic_equivalence",
                "challenge",
            ),
        ),
        25: (
            Event(
                (0, 1),
                "De to klarte å snakke om forrige ukes krangel og hva de hver for seg hadde tenkt.",
                "unclear",
                "acknowledge",
                "Roste at de kunne se saken fra hverandres side.",
            ),
        ),
        34: (
            Event(
                (7, 8),
                "Det nye medlemmet spurte om gruppa 'snakker om meg når jeg ikke er her'.",
                "teleological",
                "relationship",
                "Snakket om hvordan det er å være ny, og om terapeutenes ansvar for rammene.",
            ),
        ),
    },
    addenda={
        23: "Tillegg: Medlemmet som ville slutte, ringte dagen etter og sa at han vil komme neste gang. "
        "Terapeutene avtalte en samtale med ham før gruppa.",
    },
)
