"""The base for every request and response shape."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

EmailAddress = Annotated[str, Field(max_length=320, json_schema_extra={"format": "email"})]
"""An email address: the schema says so (`format: email`); the domain checks it (`kit.addresses`)."""


def not_null(schema: dict[str, Any]) -> None:
    """`Field(json_schema_extra=not_null)`: a field that may be left out, but not sent as null, says so.

    The field is typed `X | None = None` so that "left out" can be told from a
    value; a validator refuses an explicit null. The schema then shows `X` alone.
    """
    options = [option for option in schema.pop("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
    schema.pop("default", None)


class Input(BaseModel):
    """A request body: unknown fields are refused, so a body cannot set what an endpoint does not offer.

    NUL characters are refused in every text field: no database stores them
    faithfully (PostgreSQL refuses them outright), and no person types them.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        if isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value):
            raise ValueError("text may not contain NUL characters")
        return value


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)
