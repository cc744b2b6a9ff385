"""The site's menu in the header of every staff page (base.html)."""

from django import template

from allianse.home.menu import menu

register = template.Library()


@register.inclusion_tag("home/_menu.html", takes_context=True)
def main_menu(context) -> dict:
    request = context["request"]
    return {"links": menu(request.user), "path": request.path}
