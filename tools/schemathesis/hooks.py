"""Hooks of the contract run (test/e2e/openapi-contract.test.ts passes this file as SCHEMATHESIS_HOOKS)."""

import schemathesis


def _poisons_prototypes(value):
    """Whether a JSON value holds a `__proto__` key or a `constructor` with `prototype`, at any depth."""
    if isinstance(value, dict):
        constructor = value.get("constructor")
        if "__proto__" in value or (isinstance(constructor, dict) and "prototype" in constructor):
            return True
        return any(_poisons_prototypes(child) for child in value.values())
    if isinstance(value, list):
        return any(_poisons_prototypes(child) for child in value)
    return False


@schemathesis.hook
def filter_body(context, body):
    # The API's JSON parser refuses these keys anywhere in a body (prototype poisoning), which no
    # JSON Schema of a body that takes unknown keys can say at every depth: such bodies are not sent.
    return not _poisons_prototypes(body)
