"""Schemathesis over the whole schema, every default check, positive and negative data, as two roles (the DGEFP,
national, and a departmental council): 0 failures. Bounded here (`SCHEMATHESIS_EXAMPLES`, 5 by default, per
operation, mode and role); `make check-api` runs it longer. Each failure Schemathesis finds is a bug of the API
or of its schema.

The operations are run by a plain loop over `schema.get_all_operations()` (Schemathesis's pytest plugin and its
lazy fixtures do not run under pytest 9), each one as a Hypothesis test on `operation.as_strategy(mode)`; every
failure is collected, then all are reported at once."""

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from pilotage.core.roles import Role
from pilotage.funding.models import FundingLine
from pilotage.wsgi import application
from tests.api.helpers import new_token
from tests.funding.conftest import funded  # noqa: F401  (fixture: lines and conventions to read)
from tests.network import user_of

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))


def hypothesis_test(operation, mode, headers: dict, excluded: list):
    """One operation in one data mode as a Hypothesis test: each generated case sent, its response checked."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.target])  # fmt: skip
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    return check


@contextmanager
def connection_kept_across_requests():
    """The WSGI application closes the database connection when a request ends (`close_old_connections`); inside
    the test's transaction, on PostgreSQL, every later request then fails. Django's test client disconnects it:
    so do we, for the requests Schemathesis sends straight to the application."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run_schema(token: str, unsatisfiable: set | None = None) -> list[str]:
    """Every operation in both modes as the token's account; `unsatisfiable` (shared between the roles' runs) holds
    the (operation, mode) for which no data exists: the data is drawn from the schema alone, whoever the account, and
    Hypothesis makes some 460 vain draws before it says so (no request is sent: nothing to check)."""
    with connection_kept_across_requests():
        return _run_schema(token, set() if unsatisfiable is None else unsatisfiable)


def _run_schema(token: str, unsatisfiable: set) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    headers = {"Authorization": f"Token {token}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # the pushes validate their content against the reference (an unknown Mission Locale, a file that is not a
        # zip…): a schema-valid body may be refused, with its reason (tests/api/test_push.py,
        # tests/api/test_submission_push.py)
        pushed = operation.path.endswith("/import/") or operation.method.upper() == "POST"
        excluded = [positive_data_acceptance] if pushed else []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if (operation.label, mode) in unsatisfiable:
                continue
            try:
                hypothesis_test(operation, mode, headers, excluded)()
            except Unsatisfiable:
                unsatisfiable.add((operation.label, mode))
                continue  # no negative data exists for this operation (no parameter, or any text accepted)
            except BaseException as error:  # noqa: BLE001  (each failure is collected, then reported)
                if isinstance(error, (KeyboardInterrupt, SystemExit)):
                    raise
                failures.append(f"{operation.label} ({mode.value}): {str(error)[:2000]}")
    return failures


#: a line the DGEFP may push in the test network: the stateful run's pushes succeed, so that their links are followed
PUSHED = {"code_ml": "ML13S00", "annee": 2025, "financeur_type": "etat", "financeur_code": "",
          "categorie": "fonctionnement", "theme": ""}  # fmt: skip


def run_stateful(token: str, **kwargs) -> list[tuple]:
    with connection_kept_across_requests():  # the schema's own request too
        return _run_stateful(token, **kwargs)


def _run_stateful(token: str, *, path_regex: str | None = None, examples: int = EXAMPLES) -> list[tuple]:
    """Schemathesis's stateful run over the schema's links (pilotage/api/schema.py `LINKS`): a line pushed, read in
    its list (`LignesEnvoyees`) then alone (`PremiereLigne`); a list's first row read in detail; a Mission Locale
    read then patched; every check of every step. Bounded: `examples` scenarios of at most 6 steps. Returns the
    steps, (method, path, status)."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    if path_regex:
        schema = schema.include(path_regex=path_regex)
    headers = {"Authorization": f"Token {token}"}
    steps = []

    @schema.hook
    def map_case(context, case):
        positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
        if positive and case.operation.path.endswith("/import/") and isinstance(case.body, list):
            case.body = [dict(PUSHED, montant=f"{100 * len(case.body)}.00")]  # a valid push, the amount varying
        return case

    class Scenario(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def after_call(self, response, case):
            super().after_call(response, case)
            steps.append((case.operation.method.upper(), case.formatted_path, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            excluded = [positive_data_acceptance] if case.operation.method.upper() in {"POST", "PATCH"} else []
            case.validate_response(response, excluded_checks=excluded, headers=headers, recorder=self.recorder)

    Scenario.run(settings=settings(max_examples=examples, stateful_step_count=6, deadline=None, database=None,
                                   suppress_health_check=list(HealthCheck), phases=[Phase.generate]))  # fmt: skip
    return steps


@pytest.mark.slow
def test_stateful_links_push_a_line_read_it_and_see_it_in_its_list(network, funded):  # noqa: F811
    token = new_token(user_of(Role.NATIONAL_ADMIN, network))
    steps = run_stateful(token, path_regex="^/api/v1/lignes-financement/", examples=max(EXAMPLES, 10))
    pushed = [i for i, step in enumerate(steps) if step[:2] == ("POST", "/api/v1/lignes-financement/import/")
              and step[2] == 200]  # fmt: skip
    assert pushed, steps
    assert FundingLine.objects.filter(mission_locale__code="ML13S00", year=2025, funder_type="etat").exists()
    followed = steps[pushed[0] + 1 :]
    assert ("GET", "/api/v1/lignes-financement/", 200) in followed, steps
    assert any(method == "GET" and path.rstrip("/").split("/")[-1].isdigit() and status == 200
               for method, path, status in followed), steps  # fmt: skip


@pytest.mark.slow
def test_stateful_links_of_the_whole_schema(network, funded):  # noqa: F811
    steps = run_stateful(new_token(user_of(Role.NATIONAL_ADMIN, network)))
    assert len(steps) >= EXAMPLES


@pytest.mark.slow
def test_the_api_keeps_its_schemas_promises(network, funded):  # noqa: F811
    """As the DGEFP (national), then as a departmental council; one test, so that the second run skips the
    operations and modes for which the first found that no data exists."""
    unsatisfiable = set()
    failures = [
        f"[{role.label}] {failure}"
        for role in (Role.NATIONAL_ADMIN, Role.DEPARTMENTAL_COUNCIL)
        for failure in run_schema(new_token(user_of(role, network)), unsatisfiable)
    ]
    assert not failures, "\n\n".join(failures)
