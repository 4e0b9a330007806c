"""No domain queries another's tables (ARCHITECTURE.md, « The rule »; issue 13 point 2).

A module of one app that reaches the manager of another domain's model (`Model.objects`, `_default_manager`,
`_base_manager`, `history`), or one of the reverse managers a shared model carries into another domain
(`mission_locale.funding_lines`), may only call what the owner publishes on it: the methods its own QuerySet or
manager class declares (`visible_to`, `cpo_covering`, `totals_by`, …, read from the classes, so the owner
publishes a read by writing it, with its docstring, in its own package), then fetch the result (`FETCH`).
A `filter`, `values_list`, `annotate`, `update`, … on another domain's rows is the owner's work, not the caller's.
The check reads the source (AST), follows a queryset kept in a local name, and resolves imported names to the
models they are, so an alias or a module import does not hide a model.
"""

import ast
import importlib
import textwrap
from functools import cache
from pathlib import Path

from django.apps import apps
from django.db import models

import pilotage

PACKAGE = Path(pilotage.__file__).parent

#: the floors below the domains (core, territories and organisations, users): the keys every domain's foreign
#: keys point to, read by any floor above (through `visible_to` where a person's territory matters)
SHARED = {"core", "reference", "accounts"}
#: not checked: `demo` writes every domain's demonstration data, as the test factories do, and nothing reads it
NOT_CHECKED = {"demo"}
#: the front door: the REST API serves each domain's objects as the domain's own pages do, from a method the owner
#: publishes (`visible_to`) or `none` (the schema's empty queryset), then filtered by its documented parameters
FRONT_DOORS = {"api"}
#: Django's methods allowed after the owner's: they fetch the rows the owner selected and name no column
FETCH = {"first", "count", "exists"}
#: the attributes of a model that are its managers
MANAGERS = {"objects", "_default_manager", "_base_manager", "history"}


def app_of(module_name: str) -> str | None:
    parts = module_name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "pilotage" else None


def is_model(obj) -> bool:
    return isinstance(obj, type) and issubclass(obj, models.Model) and not obj._meta.abstract


@cache
def published(model) -> frozenset[str]:
    """The public methods the owner's package declares on the model's QuerySet and manager classes."""
    owner = app_of(model.__module__)
    classes = [*type(model._default_manager.all()).__mro__, *type(model._default_manager).__mro__]
    return frozenset(
        name
        for cls in classes
        if app_of(cls.__module__) == owner
        for name, value in vars(cls).items()
        if callable(value) and not name.startswith("_")
    )


@cache
def reverse_managers() -> dict[str, type]:
    """{accessor: model}: the reverse managers that a shared model carries into a domain's table
    (`MissionLocale.funding_lines` → FundingLine)."""
    result = {}
    for model in apps.get_models():
        if app_of(model.__module__) not in SHARED:
            continue
        for field in model._meta.get_fields():
            related = field.related_model
            owner = app_of(related.__module__) if related else None
            if field.auto_created and not field.concrete and owner is not None and owner not in SHARED:
                result[field.get_accessor_name()] = related
    return result


def _name(field) -> str:
    accessor = field.get_accessor_name() if hasattr(field, "get_accessor_name") else None
    return accessor or field.name


@cache
def own_names(app: str) -> frozenset[str]:
    """The fields and accessors of an app's own models (a name also used by the app itself is its own)."""
    models_of_app = [model for model in apps.get_models() if app_of(model.__module__) == app]
    return frozenset(_name(field) for model in models_of_app for field in model._meta.get_fields())


def _bindings(tree: ast.Module, module_name: str) -> dict[str, object]:
    """The objects the module's imports bind (models and modules), by local name."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(module_name.split(".")[: -node.level] + ([base] if base else []))
            if not base.startswith("pilotage"):
                continue
            module = importlib.import_module(base)
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if value is None:
                    try:
                        value = importlib.import_module(f"{base}.{alias.name}")
                    except ImportError:
                        continue
                bound[alias.asname or alias.name] = value
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pilotage"):
                    if alias.asname:
                        bound[alias.asname] = importlib.import_module(alias.name)
                    else:
                        bound["pilotage"] = pilotage
    return bound


def _resolve(node, bound):
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        value = _resolve(node.value, bound)
        return getattr(value, node.attr, None) if value is not None and not is_model(value) else None
    return None


def _chain(node, parents) -> tuple[list[str], ast.AST]:
    """The methods called on `node` (`.a(…).b(…)`), and the outermost expression of the chain."""
    names, current = [], node
    while isinstance(parent := parents.get(current), ast.Attribute) and parent.value is current:
        names.append(parent.attr)
        current = parent
        if isinstance(call := parents.get(current), ast.Call) and call.func is current:
            current = call
    return names, current


def _returns_queryset(model, method: str) -> bool:
    """Whether a method called on a manager gives a queryset: not a fetch (`FETCH`), not one of the owner's
    methods annotated with what else it returns (`totals_by -> list[tuple]`, `cpo_years -> range | None`)."""
    if method in FETCH or method in {"get", "aggregate", "in_bulk", "update", "delete", "create", "get_or_create"}:
        return False
    function = getattr(type(model._default_manager.all()), method, None)
    return "return" not in getattr(function, "__annotations__", {})


def _scope_of(node, parents):
    while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
        node = parents.get(node)
    return node


def violations_in(source: str, module_name: str, path: str = "<source>") -> list[str]:
    """The queries of another domain's tables in one module's source."""
    caller = app_of(module_name)
    if caller is None or caller in NOT_CHECKED:
        return []
    tree = ast.parse(source)
    bound = _bindings(tree, module_name)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    front_door = caller in FRONT_DOORS
    found = []

    def check(model, what: str, names: list[str], lineno: int, first: bool) -> None:
        # what follows a fetch, or an owner's method giving something else than a queryset, is not a query
        end = next((i for i, name in enumerate(names) if not _returns_queryset(model, name)), len(names) - 1)
        names = names[: end + 1]
        allowed = published(model)
        if front_door:
            bad = [] if not first or (names and names[0] in allowed | {"none"}) else names[:1] or ["(the manager)"]
        else:
            bad = [n for n in names if n not in allowed | FETCH] or ([] if names else ["(the manager)"])
            if first and names and names[0] in FETCH:
                bad = bad or [names[0]]
        if bad:
            owner = app_of(model.__module__)
            message = f"{what}.{'.'.join(names)} queries the table of {owner} ({model.__name__}) with {', '.join(bad)}"
            found.append((lineno, f"{path}:{lineno}: {message}: not a method {owner} publishes"))

    def follow(model, what: str, outer, methods: list[str], seen: set) -> None:
        """A queryset kept in a local name: its later uses in the same function are checked too."""
        assign = parents.get(outer)
        if not (isinstance(assign, ast.Assign | ast.AnnAssign) and assign.value is outer):
            return
        if methods and not _returns_queryset(model, methods[-1]):
            return
        targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
        scope = _scope_of(assign, parents)
        names = {t.id for t in targets if isinstance(t, ast.Name)} - seen
        seen |= names
        for node in ast.walk(scope):
            if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
                later_methods, later = _chain(node, parents)
                if later_methods:
                    check(model, f"{what}…{node.id}", later_methods, node.lineno, first=False)
                    follow(model, what, later, later_methods, seen)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr in MANAGERS and is_model(model := _resolve(node.value, bound)):
            what = f"{ast.unparse(node.value)}.{node.attr}"
        elif (
            node.attr in reverse_managers()
            and node.attr not in own_names(caller)
            and _resolve(node.value, bound) is None  # an instance (not a module's `targets`)
        ):
            model, what = reverse_managers()[node.attr], ast.unparse(node)
        else:
            continue
        owner = app_of(model.__module__)
        if owner in SHARED or owner == caller:
            continue
        names, outer = _chain(node, parents)
        check(model, what, names, node.lineno, first=True)
        follow(model, what, outer, names, set())
    return [message for _, message in sorted(found)]


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        if "migrations" in relative.parts:
            continue
        name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        yield path, name


def test_no_domain_queries_another_domains_tables():
    found = []
    for path, name in modules():
        found += violations_in(path.read_text(), name, str(path.relative_to(PACKAGE.parent)))
    assert not found, "\n".join(found)


def test_the_check_sees_a_query_of_another_domain():
    """The oracle of the check itself: what it must refuse and what it must let through, as if in dialogue."""
    source = textwrap.dedent("""
        from pilotage.funding import models as funding_models
        from pilotage.funding.models import Convention, FundingLine as Lines
        from pilotage.indicators.models import Target
        from pilotage.reference.models import MissionLocale

        def read(user, ml, year):
            MissionLocale.objects.filter(code="13001S00")  # shared floor
            Lines.objects.visible_to(user).of_mission_locales([ml]).totals_by("year")  # published
            Convention.objects.cpo_covering(ml, year).with_amendments().first().guardrail()  # published, fetched
            years = Convention.objects.cpo_years()  # published, gives a range
            years.start
            Lines.objects.filter(year=year)  # 1
            funding_models.Amendment.objects.visible_to(user).values_list("year")  # 2
            targets = Target.objects.of(ml, year)
            targets.count()
            targets.filter(ratio="R1")  # 3
            ml.funding_lines.aggregate()  # 4
            Target.objects.count()  # 5: a count of all the table is a query of its own
            Target.history.filter(year=year)  # 6
    """)
    found = violations_in(source, "pilotage.dialogue.example")
    assert [line.split(": ", 2)[1].split(" queries")[0] for line in found] == [
        "Lines.objects.filter",
        "funding_models.Amendment.objects.visible_to.values_list",
        "Target.objects…targets.filter",
        "ml.funding_lines.aggregate",
        "Target.objects.count",
        "Target.history.filter",
    ], found
    assert violations_in(source, "pilotage.demo.example") == []
    api = "from pilotage.funding.models import FundingLine\nFundingLine.objects.visible_to(u).filter(year=1)\n"
    assert violations_in(api, "pilotage.api.example") == []
    assert len(violations_in(api.replace("visible_to(u)", "all()"), "pilotage.api.example")) == 1
