"""Deterministic SCO ids against the `stix2` library (the oracle), for every SCO type."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import stix2
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import domains
from stix2.canonicalization.Canonicalize import canonicalize
from stix2.canonicalization.NumberToJson import convert2Es6Format

from lionrock.intake.draft import observable
from lionrock.intake.findings import Finding
from lionrock.stix.ids import SCO_TYPES
from lionrock.stix.sco_ids import REGISTRY, canonical_json, deterministic_id, es6_number, register_sco_type
from lionrock.stix.validate import object_problems

S = st.SearchStrategy
text = st.text(max_size=20)
small = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


def hexes(n: int) -> S[str]:
    return st.text(alphabet="0123456789abcdefABCDEF", min_size=n, max_size=n)


def sco_ref(kind: str) -> S[str]:
    return st.uuids(version=4).map(lambda u: f"{kind}--{u}")


def timestamps() -> S[str]:
    """STIX timestamps with 0 to 6 fraction digits, trailing zeros included."""
    moments = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1))
    return st.tuples(moments, st.integers(0, 6)).map(
        lambda m: m[0].strftime("%Y-%m-%dT%H:%M:%S") + (f".{m[0].microsecond:06d}"[: m[1] + 1] if m[1] else "") + "Z"
    )


HASH_SPECS = [("MD5", 32), ("SHA-1", 40), ("SHA-256", 64), ("SHA-512", 128), ("SHA3-256", 64), ("SHA3-512", 128)]
HASH_SPELLINGS = {"MD5": ["md5"], "SHA-1": ["sha1", "SHA1"], "SHA-256": ["sha256", "sha-256"], "SHA-512": ["sha512"]}


@st.composite
def hashes(draw: st.DrawFn) -> dict[str, str]:
    """One to four hashes, in any order, some under the library's accepted alternative names."""
    chosen = draw(st.lists(st.sampled_from(HASH_SPECS), min_size=1, max_size=4, unique=True))
    out: dict[str, str] = {}
    for name, length in chosen:
        spelled = draw(st.sampled_from([name, *HASH_SPELLINGS.get(name, [])]))
        out[spelled] = draw(hexes(length))
    return out


JSON_LEAF = st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False, allow_infinity=False) | small
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, min_size=1, max_size=3) | st.dictionaries(small, inner, min_size=1, max_size=3),
    max_leaves=8,
)


def props(required: dict[str, S[Any]], optional: dict[str, S[Any]]) -> S[dict[str, Any]]:
    return st.fixed_dictionaries(required, optional=optional)  # type: ignore[arg-type]


def ipv4() -> S[str]:
    plain = st.ip_addresses(v=4).map(str)
    return plain | st.tuples(plain, st.integers(0, 32)).map(lambda p: f"{p[0]}/{p[1]}")


def ipv6() -> S[str]:
    plain = st.ip_addresses(v=6).map(str)
    return plain | st.tuples(plain, st.integers(0, 128)).map(lambda p: f"{p[0]}/{p[1]}")


urls = st.tuples(st.sampled_from(["http", "https", "ftp"]), domains(), st.text("abc/-_.~%09", max_size=15)).map(
    lambda u: f"{u[0]}://{u[1]}/{u[2]}"
)
emails = st.tuples(st.text("abcxyz._-+0123", min_size=1, max_size=10), domains()).map(lambda e: f"{e[0]}@{e[1]}")
macs = st.binary(min_size=6, max_size=6).map(lambda b: ":".join(f"{x:02x}" for x in b))
payloads = st.binary(max_size=30).map(lambda b: base64.b64encode(b).decode())

file_extensions = st.fixed_dictionaries(
    {},
    optional={
        "ntfs-ext": st.fixed_dictionaries(
            {"sid": small},
            optional={"alternate_data_streams": st.lists(props({"name": small}, {"hashes": hashes()}), min_size=1)},
        ),
        "windows-pebinary-ext": props(
            {"pe_type": st.sampled_from(["exe", "dll", "sys"])},
            {
                "time_date_stamp": timestamps(),
                "number_of_sections": st.integers(0, 100),
                "file_header_hashes": hashes(),
                "sections": st.lists(props({"name": small}, {"hashes": hashes(), "size": st.integers(0, 10**9)})),
            },
        ).filter(lambda e: e.get("sections") != []),
        "raster-image-ext": props({"image_height": st.integers(0, 10**5)}, {"bits_per_pixel": st.integers(1, 64)}),
        "extension-definition--a932fcc6-e032-476c-826f-cb970a5a1ade": st.dictionaries(small, JSON, min_size=1),
    },
)
nt_extensions = st.fixed_dictionaries(
    {},
    optional={
        "tcp-ext": props({"src_flags_hex": hexes(2)}, {"dst_flags_hex": hexes(2)}),
        "http-request-ext": props(
            {"request_method": st.sampled_from(["get", "post"]), "request_value": small},
            {"request_version": st.just("http/1.1"), "message_body_length": st.integers(0, 10**6)},
        ),
    },
)


@st.composite
def network_traffic(draw: st.DrawFn) -> dict[str, Any]:
    obj = draw(
        props(
            {"protocols": st.lists(st.sampled_from(["ipv4", "tcp", "udp", "http", "dns"]), min_size=1, unique=True)},
            {
                "src_ref": sco_ref("ipv4-addr"),
                "dst_ref": sco_ref("ipv6-addr"),
                "src_port": st.integers(0, 65535),
                "dst_port": st.integers(0, 65535),
                "start": timestamps(),
                "src_byte_count": st.integers(0, 10**12),
                "extensions": nt_extensions.filter(bool),
            },
        )
    )
    if "src_ref" not in obj and "dst_ref" not in obj:
        obj["dst_ref"] = draw(sco_ref("domain-name"))
    if "start" in obj and draw(st.booleans()):
        obj["end"], obj["is_active"] = obj["start"], False
    return obj


@st.composite
def artifact(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return {"url": draw(urls), "hashes": draw(hashes())}
    return draw(props({"payload_bin": payloads}, {"hashes": hashes(), "mime_type": st.just("application/zip")}))


STRATEGIES: dict[str, S[dict[str, Any]]] = {
    "artifact": artifact(),
    "autonomous-system": props({"number": st.integers(0, 4_294_967_295)}, {"name": small, "rir": small}),
    "directory": props({"path": small}, {"path_enc": st.just("utf-8")}),
    "domain-name": props({"value": domains()}, {}),
    "email-addr": props({"value": emails}, {"display_name": text}),
    "email-message": props(
        {"is_multipart": st.just(False)},
        {"from_ref": sco_ref("email-addr"), "subject": text, "body": text, "message_id": small},
    ),
    "file": props({"name": small}, {"hashes": hashes(), "size": st.integers(0, 10**12)})
    | props(
        {"hashes": hashes()},
        {"name": small, "parent_directory_ref": sco_ref("directory"), "extensions": file_extensions.filter(bool)},
    ),
    "ipv4-addr": props({"value": ipv4()}, {}),
    "ipv6-addr": props({"value": ipv6()}, {}),
    "mac-addr": props({"value": macs}, {}),
    "mutex": props({"name": text.filter(bool)}, {}),
    "network-traffic": network_traffic(),
    "process": props({}, {"pid": st.integers(0, 10**6), "command_line": small}).filter(bool),
    "software": props({"name": small}, {"cpe": small, "swid": small, "vendor": small, "version": small}),
    "url": props({"value": urls}, {}),
    "user-account": props(
        {}, {"user_id": small, "account_login": small, "account_type": st.just("unix"), "display_name": small}
    ).filter(bool),
    "windows-registry-key": props(
        {"key": small.map(lambda k: "HKEY_LOCAL_MACHINE\\Software\\" + k)},
        {
            "values": st.lists(
                props({"name": text}, {"data": small, "data_type": st.sampled_from(["REG_SZ", "REG_DWORD"])}),
                min_size=1,
                max_size=3,
            ),
            "number_of_subkeys": st.integers(0, 1000),
        },
    ),
    "x509-certificate": props(
        {"serial_number": small}, {"hashes": hashes(), "issuer": small, "is_self_signed": st.booleans()}
    ),
}


def test_every_sco_type_has_a_rule_and_a_strategy() -> None:
    assert set(STRATEGIES) == SCO_TYPES
    assert set(REGISTRY) >= SCO_TYPES


def _sco(sco_type: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"type": sco_type, "spec_version": "2.1", **body}


@pytest.mark.parametrize("sco_type", sorted(SCO_TYPES))
def test_sco_ids_equal_stix2_library_for_every_type(sco_type: str) -> None:
    @settings(max_examples=60, deadline=None)
    @given(STRATEGIES[sco_type])
    def check(body: dict[str, Any]) -> None:
        obj = _sco(sco_type, body)
        library_id = stix2.parse(obj, allow_custom=True, version="2.1").id
        ours = deterministic_id(obj)
        if ours is None:  # no contributing property: the library falls back to a UUIDv4
            assert uuid.UUID(library_id.split("--", 1)[1]).version == 4
        else:
            assert ours == library_id
        assert object_problems({**obj, "id": library_id}) == []

    check()


def test_well_known_ids() -> None:
    """Ids published by other STIX tools, so the oracle cannot drift with us."""
    assert deterministic_id({"type": "ipv4-addr", "value": "198.51.100.3"}) == (
        "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"
    )
    assert deterministic_id({"type": "domain-name", "value": "example.com"}) == (
        "domain-name--" + str(uuid.uuid5(uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"), '{"value":"example.com"}'))
    )


def test_sco_ids_prefer_md5_then_sha1_then_sha256_then_sha512() -> None:
    md5, sha1, sha256 = "a" * 32, "b" * 40, "c" * 64
    both = deterministic_id({"type": "file", "hashes": {"SHA-256": sha256, "MD5": md5}})
    assert both == deterministic_id({"type": "file", "hashes": {"MD5": md5}})
    assert deterministic_id({"type": "file", "hashes": {"sha256": sha256, "SHA-1": sha1}}) == deterministic_id(
        {"type": "file", "hashes": {"SHA-1": sha1}}
    )


def test_types_without_contributing_properties_have_no_deterministic_id() -> None:
    assert deterministic_id({"type": "process", "pid": 4}) is None
    assert deterministic_id({"type": "email-message", "is_multipart": False}) is None
    assert deterministic_id({"type": "x-not-registered", "value": "a"}) is None


json_values = st.recursive(
    st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_canonical_json_equals_the_stix2_canonicaliser(value: Any) -> None:
    assert canonical_json(value) == canonicalize(value, utf8=False)


def test_canonical_json_sorts_keys_by_utf16_code_units() -> None:
    value = {"\ue000": 1, "\U0001f600": 2, "a": 0.5, "b": [1e21, 1e-7, True, None]}
    assert canonical_json(value) == canonicalize(value, utf8=False)
    assert canonical_json(value).index("\U0001f600") < canonical_json(value).index("\ue000")


@settings(max_examples=1000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**80), 2**80))
def test_numbers_are_written_as_ecmascript_writes_them(value: float) -> None:
    assert es6_number(value) == convert2Es6Format(value)


def test_registered_extension_sco_types_get_the_library_id() -> None:
    @stix2.v21.CustomObservable(  # type: ignore[misc]
        "x-lionrock-test-account",
        [
            ("bank_code", stix2.properties.StringProperty()),
            ("account_number", stix2.properties.StringProperty(required=True)),
            ("holder", stix2.properties.StringProperty()),
        ],
        id_contrib_props=["bank_code", "account_number"],
    )
    class _Account:
        pass

    register_sco_type("x-lionrock-test-account", ["bank_code", "account_number"])
    register_sco_type("x-lionrock-test-account", ["bank_code", "account_number"])  # the same again is harmless
    obj = {"type": "x-lionrock-test-account", "spec_version": "2.1", "bank_code": "012", "account_number": "345-678"}
    library_id = stix2.parse({**obj, "holder": "Chan"}, allow_custom=True, version="2.1").id
    assert deterministic_id({**obj, "holder": "Chan"}) == library_id
    assert object_problems({**obj, "id": library_id}) == []
    forged = deterministic_id({**obj, "account_number": "999-999"})
    assert any("deterministic id" in p for p in object_problems({**obj, "id": forged}))
    with pytest.raises(ValueError, match="already registered"):
        register_sco_type("x-lionrock-test-account", ["account_number"])


@pytest.mark.parametrize(
    ("finding_type", "value"),
    [
        ("ipv4-addr", "203.0.113.9"),
        ("ipv6-addr", "2001:db8::1"),
        ("cidr", "198.51.100.0/24"),
        ("domain-name", "evil.example"),
        ("url", "https://evil.example/login"),
        ("email-addr", "scam@evil.example"),
        ("sha256", "c" * 64),
        ("md5", "a" * 32),
        ("asn", "AS64500"),
        ("registry-key", "HKEY_LOCAL_MACHINE\\Software\\Evil"),
    ],
)
def test_draft_observables_carry_the_stix2_library_id(finding_type: str, value: str) -> None:
    _, sco = observable(Finding(finding_type, value, value))
    assert sco is not None
    expected = stix2.parse({k: v for k, v in sco.items() if k != "id"}, allow_custom=True, version="2.1").id
    assert sco["id"] == expected
    assert object_problems(sco) == []


def test_timestamps_in_ids_keep_the_library_precision() -> None:
    base = {"type": "network-traffic", "protocols": ["tcp"], "dst_ref": "ipv4-addr--" + str(uuid.uuid4())}
    at = datetime(2026, 1, 1, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert deterministic_id({**base, "start": f"{at}.500Z"}) == deterministic_id({**base, "start": f"{at}.5Z"})
    assert deterministic_id({**base, "start": f"{at}.000Z"}) == deterministic_id({**base, "start": f"{at}Z"})
