"""Envelope encryption: data keys (DEKs) encrypt data with AES-256-GCM; key-encryption keys (KEKs) held
by a KeyProvider (a 0600 key file or a PKCS#11 token) wrap the data keys. No database, no web here."""
