"""Docs that cannot drift: every setting is in the README, every package is in docs/architecture.md.

Both lists are read from the code when the test runs (the settings from `Settings`, the packages
from the folders under src/sameside), so a new setting or a new or renamed package fails here until
the docs say so.
"""

from __future__ import annotations

import re
from pathlib import Path

from sameside.config import Settings

REPOSITORY = Path(__file__).resolve().parents[2]
SOURCE = REPOSITORY / "src" / "sameside"
README = REPOSITORY / "README.md"
ARCHITECTURE = REPOSITORY / "docs" / "architecture.md"


def _section(markdown: str, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, flags=re.MULTILINE | re.DOTALL)
    assert match is not None, f"no '## {heading}' section"
    return match.group(1)


def _variables() -> list[str]:
    """Each setting's environment variable, as pydantic-settings reads it."""
    prefix = Settings.model_config.get("env_prefix", "")
    names = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.append((alias if isinstance(alias, str) else prefix + name).upper())
    return names


def _named(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text) is not None


def test_every_setting_is_in_the_readme() -> None:
    table = _section(README.read_text(encoding="utf-8"), "Configuration")
    variables = _variables()
    assert variables, "Settings has no fields: the test is reading the wrong class"

    missing = [name for name in variables if not _named(table, name)]
    assert not missing, f"settings missing from README.md's Configuration section: {missing}"

    prefix = str(Settings.model_config.get("env_prefix", "")).upper()
    unknown = sorted(set(re.findall(rf"\b{re.escape(prefix)}[A-Z0-9_]+\b", table)) - set(variables))
    assert not unknown, f"README.md's Configuration section names settings that do not exist: {unknown}"


def _top_level() -> list[str]:
    """The packages directly under src/sameside (folders with an __init__.py) and its modules."""
    packages = [p.name for p in SOURCE.iterdir() if (p / "__init__.py").is_file()]
    modules = [p.stem for p in SOURCE.glob("*.py") if not p.name.startswith("_")]
    return sorted(packages + modules)


def test_every_top_level_package_is_in_the_architecture() -> None:
    """Named as `name/`, `sameside.name` or `name` in backticks."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    names = _top_level()
    assert {"config", "kit"} <= set(names), f"not the sameside source folder: {SOURCE}"

    def named(name: str) -> bool:
        n = re.escape(name)
        return re.search(rf"(?<![\w.-]){n}/|\bsameside\.{n}\b|`{n}`", text) is not None

    missing = [name for name in names if not named(name)]
    assert not missing, f"docs/architecture.md does not name these parts of src/sameside: {missing}"
