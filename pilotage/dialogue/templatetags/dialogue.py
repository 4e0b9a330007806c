from django import template

from pilotage.dialogue.models import is_dialogue_party

register = template.Library()


@register.filter
def takes_part_in_dialogue(user) -> bool:
    """The State services and the Missions Locales hold the management dialogue (menu entry)."""
    return is_dialogue_party(user)
