"""The tests' shared URL builders (tests/helpers/url_builders.py) are Werkzeug's own."""

from __future__ import annotations

from flask import url_for
from werkzeug.routing.rules import Rule


def _code(builder) -> tuple:
    function = builder.__func__
    code = function.__code__
    return code.co_code, code.co_consts, code.co_varnames, function.__defaults__


def test_every_rule_builds_with_the_code_werkzeug_compiles_for_it(app, url_builders_compiled_once):
    assert url_builders_compiled_once, "the tests' apps share compiled builders"
    werkzeugs = Rule._compile_builder.werkzeugs
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 30
    for rule in rules:
        for append_unknown, built in ((False, rule._build), (True, rule._build_unknown)):
            fresh = werkzeugs(rule, append_unknown).__get__(rule, None)
            assert _code(built) == _code(fresh), rule.rule
            assert built.__self__ is rule, rule.rule


def test_urls_with_variables_and_query_strings(app):
    with app.test_request_context():
        assert url_for("listings.index", page=2) == "/listings/?page=2"
        assert url_for("listings.edit", listing_id=7) == "/listings/7"
        assert url_for("static", filename="a b.css") == "/static/a%20b.css"
