"""Pkcs11Provider: KEKs as non-extractable AES-256 keys on a PKCS#11 token (an HSM; SoftHSM2 in tests).

Data keys are wrapped with CKM_AES_KEY_WRAP (RFC 3394) inside the token: the KEK never leaves it.
Each KEK is a token object labelled with its reference. One session per call, serialised: PKCS#11
sessions are not shared across threads."""

from __future__ import annotations

import contextlib
import secrets
import threading
from typing import Any

from lionrock.crypto.provider import KeyGone, KeyProviderError


class Pkcs11Provider:
    name = "pkcs11"

    def __init__(self, library: str, token_label: str, pin: str) -> None:
        try:
            import pkcs11
        except ImportError as exc:  # pragma: no cover - the package is a dependency
            raise KeyProviderError("the python-pkcs11 package is not installed") from exc
        self._p11 = pkcs11
        try:
            self._token = pkcs11.lib(library).get_token(token_label=token_label)
        except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
            raise KeyProviderError(f"cannot open the PKCS#11 token {token_label!r} with {library}: {exc!r}") from exc
        self._pin = pin
        self._lock = threading.Lock()

    def _session(self) -> Any:
        try:
            return self._token.open(user_pin=self._pin, rw=True)
        except self._p11.PKCS11Error as exc:
            raise KeyProviderError(f"cannot log in to the PKCS#11 token (wrong PIN?): {exc!r}") from exc

    def create_kek(self, purpose: str) -> str:
        p = self._p11
        kek_id = f"pkcs11-{secrets.token_hex(16)}"
        with self._lock, self._session() as session:
            session.generate_key(
                p.KeyType.AES,
                256,
                label=kek_id,
                store=True,
                capabilities=p.MechanismFlag.WRAP | p.MechanismFlag.UNWRAP,
                template={p.Attribute.EXTRACTABLE: False, p.Attribute.SENSITIVE: True},
            )
        return kek_id

    def import_kek(self, purpose: str, material: bytes) -> str:
        """C_CreateObject of a token AES key, sensitive and non-extractable from the moment it exists."""
        p = self._p11
        a = p.Attribute
        if len(material) != 32:
            raise KeyProviderError("a KEK is 32 bytes")
        kek_id = f"pkcs11-{secrets.token_hex(16)}"
        with self._lock, self._session() as session:
            try:
                session.create_object(
                    {
                        a.CLASS: p.ObjectClass.SECRET_KEY,
                        a.KEY_TYPE: p.KeyType.AES,
                        a.VALUE: material,
                        a.LABEL: kek_id,
                        a.TOKEN: True,
                        a.PRIVATE: True,
                        a.SENSITIVE: True,
                        a.EXTRACTABLE: False,
                        a.WRAP: True,
                        a.UNWRAP: True,
                        a.ENCRYPT: False,
                        a.DECRYPT: False,
                    }
                )
            except p.PKCS11Error as exc:
                raise KeyProviderError(f"the token refused the imported key: {exc!r}") from exc
        return kek_id

    def wrap(self, kek_id: str, dek: bytes) -> bytes:
        p = self._p11
        a = p.Attribute
        with self._lock, self._session() as session:
            kek = self._find(session, kek_id)
            data_key = session.create_object(
                {
                    a.CLASS: p.ObjectClass.SECRET_KEY,
                    a.KEY_TYPE: p.KeyType.AES,
                    a.VALUE: dek,
                    a.TOKEN: False,
                    a.EXTRACTABLE: True,
                    a.SENSITIVE: False,
                }
            )
            wrapped: bytes = kek.wrap_key(data_key, mechanism=p.Mechanism.AES_KEY_WRAP)
            data_key.destroy()
            return wrapped

    def unwrap(self, kek_id: str, wrapped: bytes) -> bytes:
        p = self._p11
        a = p.Attribute
        with self._lock, self._session() as session:
            kek = self._find(session, kek_id)
            try:
                data_key = kek.unwrap_key(
                    p.ObjectClass.SECRET_KEY,
                    p.KeyType.AES,
                    wrapped,
                    mechanism=p.Mechanism.AES_KEY_WRAP,
                    store=False,
                    template={a.SENSITIVE: False, a.EXTRACTABLE: True},
                )
            except p.PKCS11Error as exc:
                raise KeyProviderError(f"the data key does not unwrap under {kek_id} (wrong key or tampered)") from exc
            value: bytes = data_key[a.VALUE]
            data_key.destroy()
            return value

    def destroy(self, kek_id: str) -> None:
        with self._lock, self._session() as session, contextlib.suppress(KeyGone):
            self._find(session, kek_id).destroy()

    def _find(self, session: Any, kek_id: str) -> Any:
        p = self._p11
        try:
            return session.get_key(label=kek_id, object_class=p.ObjectClass.SECRET_KEY)
        except p.NoSuchKey as exc:
            raise KeyGone(f"the key {kek_id} is not on the token (destroyed, or the wrong token)") from exc
