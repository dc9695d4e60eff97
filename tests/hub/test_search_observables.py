"""Pasted observables: refanged and normalised the way indicators store them."""

from __future__ import annotations

from lionrock.hub.search import observable_forms, text_is_observable


def test_defanged_and_plain_values_give_their_canonical_forms() -> None:
    cases = {
        "1.2.3[.]4": ("ipv4-addr", "1.2.3.4"),
        " [1.2.3.4] ": ("ipv4-addr", "1.2.3.4"),
        "hxxps://Evil[.]Example/a": ("url", "https://evil.example/a"),
        "boss[@]evil[.]example": ("email-addr", "boss@evil.example"),
        "EVIL.example.": ("domain-name", "evil.example"),
        "D41D8CD98F00B204E9800998ECF8427E": ("hash", "d41d8cd98f00b204e9800998ecf8427e"),
        "+852 9123 4567": ("phone-number", "+85291234567"),
        "2001:DB8::1": ("ipv6-addr", "2001:db8::1"),
    }
    for pasted, (kind, canonical) in cases.items():
        found = observable_forms(pasted)
        assert found is not None and found.kind == kind and canonical in found.forms, (pasted, found)


def test_urls_are_also_looked_for_as_written() -> None:
    found = observable_forms("http://evil.example")
    assert found is not None and {"http://evil.example/", "http://evil.example"} <= set(found.forms)


def test_other_values_are_looked_for_as_written() -> None:
    found = observable_forms("012-345678-001")
    assert found is not None and "012-345678-001" in found.forms
    assert observable_forms("   ") is None


def test_free_text_is_an_observable_only_when_it_clearly_is_one() -> None:
    assert text_is_observable("1.2.3.4") is not None
    assert text_is_observable("evil[.]example") is not None  # defanged: clearly an observable
    assert text_is_observable("mimikatz.exe") is None  # a bare word with a dot stays free text
    assert text_is_observable("loader c2") is None
