"""The demo's research project: its datasets can be exported at once from /research/."""

from allianse.research.models import ResearchProject

from .clinic import DemoContext


def build(context: DemoContext) -> None:
    ResearchProject.objects.create(
        name="Allianse og frafall",
        description="Demo: brudd, reparasjon og frafall i klinikkens egne data (pseudonymisert).",
        created_by=context.administrator,
    )
    context.say("Research: a project with pseudonymised exports (CSV, XLSX, SPSS, Stata) at /research/ for admin.")
