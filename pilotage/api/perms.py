"""Who may revoke an API token: its owner, and the DGEFP (who administers the platform's access)."""

import rules

from pilotage.reference.perms import is_national_admin


@rules.predicate
def owns_token(user, token=None) -> bool:
    return token is not None and user.is_active and token.user_id == user.pk


rules.add_perm("api.revoke_apitoken", owns_token | is_national_admin)
rules.add_perm("api.view_all_apitokens", is_national_admin)
