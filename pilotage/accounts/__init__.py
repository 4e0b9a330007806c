"""Users, their scope, authentication (floor 2 of ARCHITECTURE.md).

`User` (login by e-mail) with a `Role` and exactly one organisation; `scopes.py::scope_for` turns a user into a
`Scope`, the one rule of who sees what (ADR 0001). Authentication: `lockout.py` (django-axes: one limit per account,
a higher one per client address, the French lockout page), `passwords.py` (the strength validator: repeated
motifs, the demo password, the platform's and the organisation's names, French places + year — `data/cities.txt`
with the reference departments and regions —, then zxcvbn), `sessions.py` (idle and absolute expiry),
`ratelimit.py` (cache counters of the password reset), `proconnect.py` (ProConnect through mozilla-django-oidc:
discovery, a backend matching an existing active account by e-mail, login/callback views, end_session URL).
Accounts' privileges in the admin are a superuser's (`admin.py`, ADR 0014)."""
