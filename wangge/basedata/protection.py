"""Protection of personal data: SM4-GCM at rest, a keyed SM3-HMAC index, masking.

Ciphertext layout (text, so it fits any column): "<key id>$<base64(nonce[12] | ct | tag[16])>".
The key id travels with every value, so `wangge rotate-keys` re-encrypts only values not yet
under the current key and old keys can be dropped once none is left. The associated data is
the kind of value ("id_number", "phone", ...): a ciphertext moved to a field of another kind
fails authentication instead of decrypting.

Exact search never decrypts: `blind_index` is HMAC-SM3 under a separate index key over the
normalised value, stored beside the ciphertext and indexed by the database.
"""

import base64
import hmac
import logging
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import AEADEncryptionContext, Cipher, algorithms, modes
from django.conf import settings

try:  # the Rust constructor behind `Cipher(...).encryptor()`, without its Python checks
    from cryptography.hazmat.bindings._rust import openssl as _rust_openssl

    _create_encryptor = _rust_openssl.ciphers.create_encryption_ctx
except (ImportError, AttributeError):  # a cryptography without it: the public API
    _create_encryptor = None

NONCE_BYTES = 12
TAG_BYTES = 16
INDEX_HEX_CHARS = 32  # 128 bits of the SM3-HMAC: collisions are out of reach at any scale
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class KeyConfigError(RuntimeError):
    """WANGGE_SM4_KEYS or WANGGE_INDEX_KEY cannot be used."""


class TamperedCiphertext(ValueError):
    """A stored ciphertext failed authentication (altered, truncated or of another kind)."""


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, algorithms.SM4]
    index_key: bytes
    # HMAC-SM3 with the key already absorbed: `.copy()` per value skips re-keying, which
    # is about a third of the cost of a one-shot `hmac.digest` (measured in bench_basedata).
    index_mac: "hmac.HMAC" = field(compare=False, repr=False)


def parse_sm4_keys(raw: str) -> tuple[str, dict[str, bytes]]:
    """'k2:<32 hex>,k1:<32 hex>': the first key encrypts, every key decrypts."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in raw.split(",") if part.strip()):
        key_id, sep, hex_key = item.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise KeyConfigError("WANGGE_SM4_KEYS 格式应为 id:32位十六进制[,id:...]。")
        try:
            key = bytes.fromhex(hex_key)
        except ValueError as exc:
            raise KeyConfigError(f"SM4 key {key_id} is not hexadecimal") from exc
        if len(key) != 16:
            raise KeyConfigError(f"SM4 key {key_id} must be 16 bytes (32 hex digits)")
        if key_id in keys:
            raise KeyConfigError(f"SM4 key id {key_id} appears twice")
        keys[key_id] = key
    if not keys:
        raise KeyConfigError("WANGGE_SM4_KEYS holds no key")
    return next(iter(keys)), keys


@lru_cache(maxsize=4)
def keyring_for(sm4_keys: str, index_key: str) -> Keyring:
    """The keyring of these settings values (cached: building it checks and parses keys)."""
    if len(index_key) < 32:
        raise KeyConfigError("WANGGE_INDEX_KEY must be at least 32 characters")
    current, keys = parse_sm4_keys(sm4_keys)
    return Keyring(
        current,
        {kid: algorithms.SM4(key) for kid, key in keys.items()},
        index_key.encode(),
        hmac.new(index_key.encode(), digestmod="sm3"),
    )


def keyring() -> Keyring:
    """Read from settings on every call (cached per value), so tests can switch keys."""
    return keyring_for(settings.WANGGE_SM4_KEYS, settings.WANGGE_INDEX_KEY)


def encrypt(plain: str, kind: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = _gcm_encryptor(ring.keys[ring.current], nonce)
    encryptor.authenticate_additional_data(kind.encode())
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    token = base64.b64encode(nonce + body + encryptor.tag).decode("ascii")
    return f"{ring.current}${token}"


def _gcm_encryptor(key: algorithms.SM4, nonce: bytes) -> AEADEncryptionContext:
    """A fresh SM4-GCM encryption context for this nonce.

    `Cipher(key, GCM(nonce)).encryptor()` re-checks the algorithm, mode and nonce in Python
    on every call, as much CPU as OpenSSL's own setup (about 3 µs of an import's 7 µs per
    value); our key and 12-byte nonce are checked once, so the Rust constructor behind it
    is called directly where this cryptography has it (same context, same output: the
    known-answer and cross tests in tests/basedata/test_protection.py check both paths)."""
    if _create_encryptor is None:
        return Cipher(key, modes.GCM(nonce)).encryptor()
    return _create_encryptor(key, modes.GCM(nonce))


def key_id_of(stored: str) -> str:
    return stored.partition("$")[0]


def decrypt(stored: str, kind: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    key_id, sep, token = stored.partition("$")
    if not sep or key_id not in ring.keys:
        raise TamperedCiphertext(f"unknown key id {key_id!r}")
    try:
        raw = base64.b64decode(token, validate=True)
    except ValueError as exc:
        raise TamperedCiphertext("ciphertext is not base64") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise TamperedCiphertext("ciphertext is truncated")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    return sm4_gcm_open(ring.keys[key_id], nonce, body, tag, kind.encode()).decode()


def sm4_gcm_open(key: algorithms.SM4, nonce: bytes, body: bytes, tag: bytes, aad: bytes) -> bytes:
    """SM4-GCM decryption with authentication (the primitive the known-answer test checks)."""
    decryptor = Cipher(key, modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise TamperedCiphertext("ciphertext failed authentication") from exc


def blind_index(value: str, kind: str, ring: Keyring | None = None) -> str:
    """HMAC-SM3 of the normalised value; the kind keeps equal phones and IDs apart."""
    ring = ring or keyring()
    mac = ring.index_mac.copy()
    mac.update(f"{kind}:{value}".encode())
    return mac.hexdigest()[:INDEX_HEX_CHARS]


# Masks. One function per kind of value; every list, detail, export and log uses them.


def mask_id_number(value: str) -> str:
    """211421********1234: region and the last four, never the birth date."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for mobiles, 0429-***4567 for fixed lines."""
    if value.startswith("0") and "-" in value:
        area, _, rest = value.partition("-")
        return f"{area}-{'*' * max(len(rest) - 4, 0)}{rest[-4:]}"
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张** : the family name only."""
    return value[:1] + "*" * (len(value) - 1) if value else value


MASKS = {"id_number": mask_id_number, "phone": mask_phone, "name": mask_name}

# Patterns for log lines: 18-character ID numbers and 11-digit mobiles not inside longer runs.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_FIXED_IN_TEXT = re.compile(r"(?<!\d)(0\d{2,3}-)\d{3,4}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(2)[-4:], text)
    text = _MOBILE_IN_TEXT.sub(r"\1****\2", text)
    return _FIXED_IN_TEXT.sub(r"\1****\2", text)


class MaskingFilter(logging.Filter):
    """Installed on every handler: no log record leaves with an ID number or phone in clear."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True
