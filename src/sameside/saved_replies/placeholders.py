"""A saved reply's placeholders: `{{ customer.form_of_address }}` and friends, in a sandboxed Jinja2.

A saved reply is written once and sent many times, so every mistake in it is
caught when it is saved, never when an agent sends it on a case: `check`
parses the text and walks the whole template, and refuses, with the
placeholder named, anything that is not one of `PLACEHOLDERS` or not one of
the few constructs a reply needs (`{% if %}`, and a handful of filters such as
`upper`). Only then is rendering certain to succeed, because the values it is
given are always plain strings under exactly those names.

Rendering runs in Jinja2's `SandboxedEnvironment` with `StrictUndefined`,
belt and braces: even text that never went through `check` cannot reach an
object's insides (`{{ ''.__class__ }}` is a `SecurityError`), and any
failure is an `Invalid` with a sentence, never a 500.

Pure: no database. The values come from `queries.placeholder_values`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from sameside.kit.errors import Invalid

PLACEHOLDERS: dict[str, dict[str, str]] = {
    "customer": {
        "name": "the customer's name, as we have it",
        "first_name": "the first word of their name",
        "form_of_address": "how they asked to be addressed (“Ms Okafor”), else their name",
    },
    "case": {
        "number": "the case's number",
        "subject": "the case's subject",
    },
    "agent": {
        "name": "your name",
        "first_name": "your first name",
    },
    "team": {
        "name": "the case's team",
        "typical_wait": "how soon the team usually answers lately: “within 3 hours”, or “as soon as we can”",
    },
}
"""Every placeholder, as `{{ group.name }}`, with what it becomes."""

FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default"})
"""The filters a saved reply may use: casing and a fallback. Nothing that loops, formats or reaches out."""

_ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Const,
    nodes.Filter,
    nodes.If,
    nodes.CondExpr,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.Compare,
    nodes.Operand,
)
_SAID = {
    "For": "{% for %}",
    "Assign": "{% set %}",
    "AssignBlock": "{% set %}",
    "Macro": "{% macro %}",
    "CallBlock": "{% call %}",
    "Call": "calling a function",
    "Getitem": "[…] lookups",
    "Include": "{% include %}",
    "Import": "{% import %}",
    "FromImport": "{% from … import %}",
    "Extends": "{% extends %}",
    "Block": "{% block %}",
    "FilterBlock": "{% filter %}",
    "With": "{% with %}",
    "Test": "“is” tests",
}

_env = SandboxedEnvironment(
    undefined=StrictUndefined,
    autoescape=False,  # a reply is plain text: the page escapes it where it is shown
    keep_trailing_newline=True,
)


def listed() -> list[tuple[str, str]]:
    """Every placeholder as it is typed, with what it becomes, in a stable order (for help beside an editor)."""
    return [(f"{{{{ {g}.{name} }}}}", said) for g, names in PLACEHOLDERS.items() for name, said in names.items()]


def _known() -> str:
    return ", ".join(typed for typed, _ in listed())


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def _placeholder(node: nodes.Getattr | nodes.Name) -> str:
    """The placeholder as written, for a message: `customer.nickname`."""
    if isinstance(node, nodes.Name):
        return node.name
    inner = node.node
    prefix = _placeholder(inner) if isinstance(inner, (nodes.Getattr, nodes.Name)) else "…"
    return f"{prefix}.{node.attr}"


def _check_node(node: nodes.Node, parent: nodes.Node | None) -> None:
    if not isinstance(node, _ALLOWED):
        kind = type(node).__name__
        what = _SAID.get(kind, f"“{kind}”")
        raise Invalid(f"A saved reply may hold placeholders and {{% if %}}, nothing more: {what} is not allowed.")
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        raise Invalid(f"The filter “{node.name}” is not allowed; use one of {', '.join(sorted(FILTERS))}.")
    if isinstance(node, nodes.Getattr):
        group = node.node
        if not isinstance(group, nodes.Name):
            if isinstance(group, nodes.Getattr):
                raise Invalid(f"{{{{ {_placeholder(node)} }}}} is not a placeholder we know. Use one of: {_known()}.")
            raise Invalid("Only placeholders such as {{ customer.name }} may be looked into.")
        if group.name in PLACEHOLDERS and node.attr not in PLACEHOLDERS[group.name]:
            raise Invalid(f"{{{{ {group.name}.{node.attr} }}}} is not a placeholder we know. Use one of: {_known()}.")
    if isinstance(node, nodes.Name):
        if node.name not in PLACEHOLDERS:
            raise Invalid(f"{{{{ {node.name} }}}} is not a placeholder we know. Use one of: {_known()}.")
        if not isinstance(parent, nodes.Getattr):
            detail = next(iter(PLACEHOLDERS[node.name]))
            raise Invalid(f"{{{{ {node.name} }}}} needs a detail, such as {{{{ {node.name}.{detail} }}}}.")


def check(text: str) -> None:
    """Refuse, naming the culprit, a reply that would not render for every case: bad syntax, an unknown
    placeholder, or anything beyond placeholders, `{% if %}` and the allowed filters."""
    try:
        tree = _env.parse(text)
    except TemplateSyntaxError as error:
        raise Invalid(f"The placeholders do not read right on line {error.lineno}: {error.message}.") from None
    parents: dict[int, nodes.Node] = {}
    for node in _walk(tree):
        for child in node.iter_child_nodes():
            parents[id(child)] = node
        _check_node(node, parents.get(id(node)))


def render(text: str, values: Mapping[str, Mapping[str, str]]) -> str:
    """The reply with its placeholders filled in; sandboxed, and strict about anything unknown."""
    try:
        return _env.from_string(text).render(values)
    except SecurityError:
        raise Invalid("This saved reply reaches for something it may not; fix it on the saved replies page.") from None
    except TemplateError as error:
        said = error.message or type(error).__name__
        raise Invalid(f"This saved reply cannot be filled in ({said}); fix it on the saved replies page.") from None


SAMPLE: dict[str, dict[str, str]] = {
    "customer": {"name": "Ana Silva", "first_name": "Ana", "form_of_address": "Ms Silva"},
    "case": {"number": "1042", "subject": "Where is my order?"},
    "agent": {"name": "Dana Reyes", "first_name": "Dana"},
    "team": {"name": "Support", "typical_wait": "within 3 hours"},
}
"""Values for a preview on the saved replies page, where there is no case."""
