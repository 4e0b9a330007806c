from django import template

from pilotage.animation.models.programmes import takes_part_in_animation as _takes_part

register = template.Library()


@register.filter
def takes_part_in_animation(user) -> bool:
    """The menu entry "Animation régionale" is shown to those who see programmes."""
    return _takes_part(user)
