"""What part of the territory a user may see: the one vocabulary every `visible_to(user)` reads.

The scope is computed once per user from their role and organisation (see
`pilotage.accounts.scopes.scope_for`) and cached on the user object.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    #: regions seen as a whole (their page, their departments, their Missions Locales)
    region_codes: frozenset[str] = field(default_factory=frozenset)
    #: departments seen as a whole (includes the departments of `region_codes`)
    department_codes: frozenset[str] = field(default_factory=frozenset)
    #: Missions Locales seen one by one (own Mission Locale, a municipality's partners)
    mission_locale_ids: frozenset[int] = field(default_factory=frozenset)
    #: regions the user belongs to without seeing them whole (their ARML, DREETS, council are visible)
    related_region_codes: frozenset[str] = field(default_factory=frozenset)
    #: the user's own funder organisation (a municipality sees itself)
    funder_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.department_codes or self.mission_locale_ids)


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_of(user) -> Scope:
    """The scope of a user; anonymous or inactive users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    return user.scope
