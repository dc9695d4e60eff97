"""Typed REST requests: bodies as pydantic models, query and path parameters with their bounds.

Every bound here exists so that a wrong or outsized value is a clear 4xx at the edge instead of an
error deep in the store (an integer too large for a column, a search too large for the SQL parser)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictStr, StringConstraints

from lionrock.access.model import OrgKind, Role

Name = Annotated[
    StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
]
"""An organisation, sharing group or token name (the columns hold 200 characters)."""

MAX_QUERY_WORDS = 20
MAX_QUERY_CHARS = 500
MAX_TYPES = 50
DB_INT_MAX = 2**31 - 1  # integer columns (tokens.id) on PostgreSQL are 32-bit


class AudienceBody(BaseModel):
    """Who receives a publication: the community, sharing groups or named organisations, by name."""

    model_config = ConfigDict(extra="forbid")
    community: StrictBool = False
    groups: Annotated[list[Name], Field(max_length=100)] = []
    orgs: Annotated[list[Name], Field(max_length=1000)] = []


class BundleBody(BaseModel):
    """A STIX 2.1 bundle; its objects are checked one by one by the publish use case."""

    model_config = ConfigDict(extra="allow")
    type: Literal["bundle"]
    id: Annotated[StrictStr, StringConstraints(max_length=300)] | None = None
    objects: list[Any]


class PublishBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bundle: BundleBody
    audience: AudienceBody | None = Field(default=None, description='default {"community": true}')
    tlp: Annotated[StrictStr, StringConstraints(max_length=20)] | None = Field(
        default=None, description="clear, green, amber, amber+strict or red; default: the objects' own markings"
    )
    anonymous: StrictBool = False


class OrgBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    kind: OrgKind


class GroupBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    members: Annotated[list[Name], Field(max_length=1000)] = []


class TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    org: Name | None = Field(default=None, description="default: your own organisation")
    role: Role = Role.READER
    name: Name | None = None
    expires_days: Annotated[StrictFloat, Field(gt=0, le=36_500)] | None = Field(
        default=None, description="days until it expires (at most 100 years); default: never"
    )


def _few_words(text: str | None) -> str | None:
    if text is not None and len(text.split()) > MAX_QUERY_WORDS:
        raise ValueError(f"search at most {MAX_QUERY_WORDS} words at a time")
    return text


def _few_types(types: list[str] | None) -> list[str] | None:
    if types is not None and (len(types) > MAX_TYPES or any(len(t) > 250 for t in types)):
        raise ValueError(f"give at most {MAX_TYPES} STIX types of at most 250 characters each")
    return types


SearchText = Annotated[
    str | None,
    Query(
        max_length=MAX_QUERY_CHARS, description=f"free text in name, description, pattern (≤ {MAX_QUERY_WORDS} words)"
    ),
    AfterValidator(_few_words),
]
Types = Annotated[list[str] | None, Query(description="STIX type(s)"), AfterValidator(_few_types)]
ObservableValue = Annotated[str | None, Query(max_length=2000, description="observable value (IP, domain, hash, …)")]
Timestamp = Annotated[str | None, Query(max_length=40, description="STIX timestamp")]
Cursor = Annotated[str | None, Query(description="the cursor of the previous page")]
StixId = Annotated[str, Path(min_length=1, max_length=300, description="a STIX id such as indicator--<uuid>")]
TokenId = Annotated[int, Path(ge=1, le=DB_INT_MAX)]
