"""Bring your own key: an organisation's own 256-bit material, imported into the key file or as a
sensitive, non-extractable key on a PKCS#11 token, seals its data; withdrawn, that data answers 410
while others' still opens. Weak or wrong-length material is refused without being echoed."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from lionrock.cli.main import main
from lionrock.crypto.material import parse_key_material
from lionrock.crypto.provider import KeyProviderError
from lionrock.errors import Gone, Invalid, NotFound
from lionrock.hub import Hub, intake
from lionrock.hub import keys as hub_keys
from lionrock.settings import Settings
from lionrock.store import audit
from lionrock.store.engine import read_transaction
from tests.conftest import World
from tests.crypto.softhsm import Token

REPORT = b"The crew ran its C2 at 203.0.113.50 and hxxps://pay-hk[.]example-bank.com/login."


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        audit_key_file=str(tmp_path / "keys" / "audit-key"),
        key_file=str(tmp_path / "keys" / "hub.keys"),
    )


def _upload(hub: Hub, world: World, who: str) -> str:
    job = intake.submit(hub, world.principals[who], REPORT, "report.txt", wait=True)
    assert intake.view(hub, world.principals[who], job)["status"] == "done"
    return job


def _byok_round_trip(hub: Hub, world: World, material: bytes) -> None:
    theirs = _upload(hub, world, "bank-b")
    row = hub_keys.import_key(hub, "intake", "bank-a", material)
    mine = _upload(hub, world, "bank-a")
    with read_transaction(hub.engine) as conn:
        entries = [e for e in audit.entries(conn, limit=1000) if e.action == "key.import"]
    assert entries and material.hex() not in str(entries[0])
    assert intake.view(hub, world.principals["bank-a"], mine)["status"] == "done"  # opens under the import
    hub_keys.destroy(hub, row.id, force=True)  # the organisation withdraws it
    with pytest.raises(Gone):
        intake.view(hub, world.principals["bank-a"], mine)
    assert intake.view(hub, world.principals["bank-b"], theirs)["status"] == "done"


def test_data_sealed_under_an_imported_key_opens_and_after_withdrawal_is_gone(world: World, settings: Settings) -> None:
    material = os.urandom(32)
    _byok_round_trip(world.hub, world, material)
    assert material.hex() not in Path(settings.key_file).read_text()  # withdrawn from the key file too


def test_byok_on_a_softhsm2_token_is_a_sensitive_non_extractable_key(
    world: World, settings: Settings, softhsm: Token
) -> None:
    hsm = replace(
        settings,
        key_provider="pkcs11",
        key_pkcs11_library=softhsm.library,
        key_pkcs11_token=softhsm.label,
        key_pkcs11_pin=softhsm.pin,
    )
    hub = Hub(hsm, world.hub.engine)
    row = hub_keys.import_key(hub, "probe", "bank-c", os.urandom(32).hex().encode())
    assert row.provider == "pkcs11"
    import pkcs11

    token = pkcs11.lib(softhsm.library).get_token(token_label=softhsm.label)
    with token.open(user_pin=softhsm.pin) as session:
        key = session.get_key(label=row.provider_ref, object_class=pkcs11.ObjectClass.SECRET_KEY)
        assert key[pkcs11.Attribute.SENSITIVE] and not key[pkcs11.Attribute.EXTRACTABLE]
    _byok_round_trip(hub, world, os.urandom(32))


# fixed material (not os.urandom at collection: pytest-xdist workers must collect the same ids)
_RANDOMISH = bytes.fromhex("5f3a9c27e1b04d86a2c95e7f1038b6d4c27e95a0f31b68d4e7a2095c3fb81d6e")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        _RANDOMISH[:31],
        _RANDOMISH + b"\x42",
        _RANDOMISH[:16].hex().encode(),
        b"0" * 64,
        bytes(32),
        bytes(range(32)),
        b"ab" * 32,
        b"zz" + _RANDOMISH[:31].hex().encode(),
        _RANDOMISH * 313,
    ],
    ids=[
        "empty",
        "31-bytes",
        "33-bytes",
        "32-hex-digits",
        "zero-hex",
        "zero-bytes",
        "counting",
        "repeated",
        "not-hex",
        "10k",
    ],
)
def test_wrong_length_or_weak_material_is_refused(data: bytes) -> None:
    with pytest.raises(KeyProviderError) as refused:
        parse_key_material(data)
    assert data.hex()[:16] not in str(refused.value) or not data


def test_hex_with_a_newline_and_raw_bytes_both_load() -> None:
    raw = os.urandom(32)
    assert parse_key_material(raw.hex().encode() + b"\n") == raw
    assert parse_key_material(raw) == raw


def test_import_refuses_unknown_organisations_and_bad_purposes(world: World) -> None:
    with pytest.raises(NotFound):
        hub_keys.import_key(world.hub, "intake", "no-such-bank", os.urandom(32))
    with pytest.raises(Invalid):
        hub_keys.import_key(world.hub, "Bad Purpose", "bank-a", os.urandom(32))
    with pytest.raises(Invalid, match="weak"):
        hub_keys.import_key(world.hub, "intake", "bank-a", bytes(32))
    assert not [k for k in hub_keys.list_keys(world.hub) if k.owner == "bank-a"]


def test_the_import_cli_warns_on_a_readable_key_file(world: World, settings: Settings, tmp_path: Path) -> None:
    env = {"LIONROCK_AUDIT_KEY_FILE": settings.audit_key_file, "LIONROCK_KEY_FILE": settings.key_file}
    key_file = tmp_path / "bank-a.key"
    key_file.write_text(os.urandom(32).hex())
    key_file.chmod(0o644)
    args = ["--database", settings.database_url, "keys", "import", "intake", "--org", "bank-a", "--file", str(key_file)]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0 and "readable by others" in result.stderr
    key_id = int(result.stdout.strip())
    assert next(k for k in hub_keys.list_keys(world.hub) if k.key.id == key_id).owner == "bank-a"
    key_file.write_bytes(bytes(32))
    key_file.chmod(0o600)
    weak = CliRunner().invoke(main, args, env=env)
    assert weak.exit_code != 0 and "weak" in weak.stderr and "readable by others" not in weak.stderr
