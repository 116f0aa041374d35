"""SM4 known answers, round trip, tampering, key rotation, the keyed index, masks, logs."""

import base64
import logging

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings as django_settings
from django.db import connection

from tests.basedata import samples
from wangge.basedata import protection
from wangge.basedata.models import House, Person
from wangge.basedata.rotation import rotate
from wangge.basedata.search import search

KEY_A = "00112233445566778899aabbccddeeff"
KEY_B = "ffeeddccbbaa99887766554433221100"


def test_sm4_block_cipher_matches_the_gb_t_32907_vector():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 (one block)
    assert encryptor.update(key).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_matches_the_rfc_8998_vector():
    key = algorithms.SM4(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
    plain = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    body = bytes.fromhex(
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    tag = bytes.fromhex("83DE3541E4C2B58177E065A9BF7B62EC")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    assert protection.sm4_gcm_open(key, nonce, body, tag, aad) == plain
    with pytest.raises(protection.TamperedCiphertext):
        protection.sm4_gcm_open(key, nonce, body, bytes(16), aad)


def test_round_trip_and_fresh_nonces():
    first = protection.encrypt(samples.MAN, "id_number")
    second = protection.encrypt(samples.MAN, "id_number")
    assert first != second, "each encryption draws a new nonce"
    assert samples.MAN not in first
    assert protection.decrypt(first, "id_number") == samples.MAN
    assert protection.decrypt(second, "id_number") == samples.MAN


@pytest.mark.parametrize("position", [0, 5, 12, 20, -1])
def test_a_flipped_ciphertext_byte_is_refused(position):
    stored = protection.encrypt(samples.MAN, "id_number")
    key_id, _, token = stored.partition("$")
    raw = bytearray(base64.b64decode(token))
    raw[position] ^= 0x01
    tampered = f"{key_id}${base64.b64encode(bytes(raw)).decode()}"
    with pytest.raises(protection.TamperedCiphertext):
        protection.decrypt(tampered, "id_number")


def test_a_ciphertext_moved_to_another_kind_or_truncated_is_refused():
    stored = protection.encrypt(samples.MOBILE, "phone")
    with pytest.raises(protection.TamperedCiphertext):
        protection.decrypt(stored, "id_number")
    with pytest.raises(protection.TamperedCiphertext):
        protection.decrypt(stored[:20], "phone")
    with pytest.raises(protection.TamperedCiphertext):
        protection.decrypt("nokey$" + stored.partition("$")[2], "phone")


def test_the_keyed_index_is_stable_keyed_and_separates_kinds(settings):
    digest = protection.blind_index(samples.MAN, "id_number")
    assert digest == protection.blind_index(samples.MAN, "id_number")
    assert digest != protection.blind_index(samples.MAN, "phone")
    assert len(digest) == protection.INDEX_HEX_CHARS
    settings.WANGGE_INDEX_KEY = "another-index-key-of-at-least-32-characters"
    assert protection.blind_index(samples.MAN, "id_number") != digest


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "no key"),
        ("k1:abcd", "16 bytes"),
        ("k1:zz", "hexadecimal"),
        (f"k1:{KEY_A},k1:{KEY_B}", "twice"),
    ],
)
def test_bad_key_configuration_fails_loudly(raw, problem):
    with pytest.raises(protection.KeyConfigError, match=problem):
        protection.parse_sm4_keys(raw)


def test_masks():
    assert protection.mask_id_number("211421198506151234") == "211421********1234"
    assert protection.mask_phone("13812345678") == "138****5678"
    assert protection.mask_phone("0429-3123456") == "0429-***3456"
    assert protection.mask_name("张三丰") == "张**"
    assert protection.mask_name("李四") == "李*"


def test_the_log_filter_masks_id_numbers_and_phones():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "lookup %s by %s", (samples.MAN, samples.MOBILE), None
    )
    protection.MaskingFilter().filter(record)
    message = record.getMessage()
    assert samples.MAN not in message and samples.MOBILE not in message
    assert protection.mask_id_number(samples.MAN) in message
    assert "138****5678" in message


def test_every_configured_handler_carries_the_filter():
    handlers = django_settings.LOGGING["handlers"]
    assert all("mask_personal_data" in h.get("filters", []) for h in handlers.values())
    root = logging.getLogger()
    console = [h for h in root.handlers if isinstance(h, logging.StreamHandler)]
    assert any(isinstance(f, protection.MaskingFilter) for h in console for f in h.filters)


def test_the_database_holds_no_clear_id_number_or_phone(person, house):
    with connection.cursor() as cursor:
        for model in (Person, House):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            dump = repr(cursor.fetchall())
            assert samples.MAN not in dump and samples.MOBILE not in dump
            assert samples.MAN[6:14] not in dump, "not even the birth date"


def test_rotation_re_encrypts_under_the_new_key_and_search_still_works(settings, person, cast):
    settings.WANGGE_SM4_KEYS = f"k1:{KEY_A}"
    person.id_number_cipher = protection.encrypt(samples.MAN, "id_number")
    person.phone_cipher = protection.encrypt(samples.MOBILE, "phone")
    person.save()
    settings.WANGGE_SM4_KEYS = f"k2:{KEY_B},k1:{KEY_A}"
    report = rotate(batch=1)
    assert report.current_key == "k2"
    assert report.rewritten >= 2
    person.refresh_from_db()
    assert person.id_number_cipher.startswith("k2$") and person.phone_cipher.startswith("k2$")
    settings.WANGGE_SM4_KEYS = f"k2:{KEY_B}"  # the old key is gone
    assert protection.decrypt(person.id_number_cipher, "id_number") == samples.MAN
    assert rotate().rewritten == 0, "a second run has nothing left to do"
    found = search(cast["county_operator"], samples.MAN)
    assert [r["id"] for r in found] == [person.pk]


def test_the_direct_gcm_context_gives_the_rfc_8998_ciphertext_and_tag():
    """The import's encryption context (cryptography's Rust constructor, called without the
    Python checks of `Cipher`) against the published SM4-GCM vector."""
    key = algorithms.SM4(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
    plain = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    encryptor = protection._gcm_encryptor(key, bytes.fromhex("00001234567800000000ABCD"))
    encryptor.authenticate_additional_data(
        bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    )
    body = encryptor.update(plain) + encryptor.finalize()
    assert body.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert encryptor.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


@pytest.mark.parametrize("direct", [True, False])
def test_either_encryption_path_opens_with_the_public_api(monkeypatch, direct):
    if not direct:
        monkeypatch.setattr(protection, "_create_encryptor", None)
    ring = protection.keyring()
    stored = protection.encrypt(samples.MAN, "id_number", ring)
    key_id, _, token = stored.partition("$")
    raw = base64.b64decode(token)
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(ring.keys[key_id], modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(b"id_number")
    assert (decryptor.update(body) + decryptor.finalize()).decode() == samples.MAN
    assert key_id == ring.current
