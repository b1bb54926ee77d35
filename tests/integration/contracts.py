"""Checks JSON responses against the schemas in proto/ (OpenAPI 3.1 components are JSON
Schema 2020-12)."""

import json
import pathlib

import jsonschema
import yaml

PROTO = pathlib.Path(__file__).resolve().parents[2] / "proto"

_openapi = yaml.safe_load((PROTO / "openapi.yaml").read_text())
_mention = json.loads((PROTO / "mention.schema.json").read_text())
_base = (PROTO / "openapi.yaml").as_uri()
_store = {_mention["$id"]: _mention, (PROTO / "mention.schema.json").as_uri(): _mention}
_checker = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _validator(schema):
    resolver = jsonschema.RefResolver(base_uri=_base, referrer=_openapi, store=_store)
    return jsonschema.Draft202012Validator(schema, resolver=resolver, format_checker=_checker)


def check(component, value):
    """Raises jsonschema.ValidationError unless value matches components.schemas[component]."""
    _validator(_openapi["components"]["schemas"][component]).validate(value)


def check_mention_input(value):
    jsonschema.Draft202012Validator(_mention, format_checker=_checker).validate(value)
