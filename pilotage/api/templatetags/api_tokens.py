"""The API tokens of the signed-in account, for pages of lower apps (the account page) that show them."""

from django import template

from pilotage.api.models import ApiToken

register = template.Library()


@register.simple_tag(takes_context=True)
def own_api_tokens(context):
    return ApiToken.objects.filter(user=context["request"].user).order_by("-created")
