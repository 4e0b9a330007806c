from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def api_token_rotate(*, user) -> str:
    """Replace the user's API token by a new one and return its key (the old one stops working)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key
