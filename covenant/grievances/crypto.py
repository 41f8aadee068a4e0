"""The grievance mechanism's cryptography, on libsodium (PyNaCl). No Django here.

See docs/grievance-protocol.md for the protocol as a whole. In short:

- every case has its own random 32-byte key; each piece of content is sealed with
  XChaCha20-Poly1305 under it, bound by associated data to the case and the field;
- each recipient organisation has an X25519 key pair; the case key is sealed
  (``crypto_box_seal``) to the public key of every organisation that may read the case;
- an organisation's private key is stored twice, wrapped under a key derived from its
  passphrase (Argon2id) and under a one-time recovery key shown once at set-up;
- a 16-digit receipt goes through one Argon2id derivation (salted with a server secret)
  giving 64 bytes: the first 32 are the stored lookup hash, the last 32 wrap the case key
  and are never stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass

from nacl import bindings
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id

KEY_BYTES = 32
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
RECEIPT_DIGITS = 16

# Receipt derivation: Argon2id with 3 passes over 32 MiB (about 50 ms on one core).
# Memory-hard enough that a stolen database (which lacks the server secret) is of no use
# and that on-line guessing is bounded by the throttle, cheap enough for 5,000
# submissions over two cores.
RECEIPT_OPSLIMIT = 3
RECEIPT_MEMLIMIT = 32 * 1024 * 1024

# Organisation passphrases: libsodium's "moderate" limits (3 passes, 256 MiB).
PASSPHRASE_OPSLIMIT = argon2id.OPSLIMIT_MODERATE
PASSPHRASE_MEMLIMIT = argon2id.MEMLIMIT_MODERATE

_WRAP_MAGIC = b"CVG1"


class DecryptionError(Exception):
    """A ciphertext did not open: wrong key, wrong case, or tampered with."""


# --- Symmetric sealing (case content) ------------------------------------------------------


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """nonce (24 bytes) || XChaCha20-Poly1305 ciphertext with tag."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, nonce, key)


def decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionError("ciphertext too short")
    try:
        return bytes(
            bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(blob[NONCE_BYTES:], aad, blob[:NONCE_BYTES], key)
        )
    except CryptoError as exc:
        raise DecryptionError("ciphertext did not open") from exc


# --- Organisation key pairs ----------------------------------------------------------------


@dataclass(frozen=True)
class OrgKeys:
    public_key: bytes
    by_passphrase: bytes
    by_recovery: bytes
    recovery_key: str  # shown once, never stored


def _wrap(key: bytes, secret: bytes, aad: bytes, header: bytes = b"") -> bytes:
    return _WRAP_MAGIC + header + encrypt(key, secret, aad + header)


def _passphrase_key(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return bytes(argon2id.kdf(KEY_BYTES, passphrase.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit))


def wrap_with_passphrase(
    private_key: bytes,
    passphrase: str,
    *,
    opslimit: int = PASSPHRASE_OPSLIMIT,
    memlimit: int = PASSPHRASE_MEMLIMIT,
) -> bytes:
    """``CVG1 || ops (u32) || mem (u32) || salt (16) || sealed private key``."""
    salt = secrets.token_bytes(argon2id.SALTBYTES)
    header = struct.pack(">II", opslimit, memlimit) + salt
    key = _passphrase_key(passphrase, salt, opslimit, memlimit)
    return _wrap(key, private_key, b"org-private-key/passphrase", header)


def unwrap_with_passphrase(blob: bytes, passphrase: str) -> bytes:
    header_len = 8 + argon2id.SALTBYTES
    if not blob.startswith(_WRAP_MAGIC) or len(blob) < 4 + header_len:
        raise DecryptionError("not a wrapped key")
    header = blob[4 : 4 + header_len]
    opslimit, memlimit = struct.unpack(">II", header[:8])
    key = _passphrase_key(passphrase, header[8:], opslimit, memlimit)
    return decrypt(key, blob[4 + header_len :], b"org-private-key/passphrase" + header)


def format_recovery_key(raw: bytes) -> str:
    text = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    padded = compact + "=" * (-len(compact) % 8)
    try:
        raw = base64.b32decode(padded)
    except ValueError as exc:
        raise DecryptionError("not a recovery key") from exc
    if len(raw) != KEY_BYTES:
        raise DecryptionError("not a recovery key")
    return raw


def wrap_with_recovery_key(private_key: bytes, recovery_key: str) -> bytes:
    return _wrap(parse_recovery_key(recovery_key), private_key, b"org-private-key/recovery")


def unwrap_with_recovery_key(blob: bytes, recovery_key: str) -> bytes:
    if not blob.startswith(_WRAP_MAGIC):
        raise DecryptionError("not a wrapped key")
    return decrypt(parse_recovery_key(recovery_key), blob[4:], b"org-private-key/recovery")


def new_org_keys(
    passphrase: str, *, opslimit: int = PASSPHRASE_OPSLIMIT, memlimit: int = PASSPHRASE_MEMLIMIT
) -> OrgKeys:
    private = PrivateKey.generate()
    raw_private = bytes(private)
    recovery = format_recovery_key(secrets.token_bytes(KEY_BYTES))
    return OrgKeys(
        public_key=bytes(private.public_key),
        by_passphrase=wrap_with_passphrase(raw_private, passphrase, opslimit=opslimit, memlimit=memlimit),
        by_recovery=wrap_with_recovery_key(raw_private, recovery),
        recovery_key=recovery,
    )


def public_key_of(private_key: bytes) -> bytes:
    return bytes(PrivateKey(private_key).public_key)


def seal_to(public_key: bytes, case_key: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public_key)).encrypt(case_key))


def open_sealed(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(private_key)).decrypt(sealed))
    except CryptoError as exc:
        raise DecryptionError("sealed key did not open") from exc


# --- Receipts ------------------------------------------------------------------------------


def new_receipt() -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(RECEIPT_DIGITS))


def normalize_digits(text: str) -> str:
    """Any script's decimal digits as ASCII digits (other characters kept)."""
    out = []
    for ch in text.strip():
        if ch.isdecimal():
            out.append(str(int(ch)))
        else:
            out.append(ch)
    return "".join(out)


def normalize_receipt(text: str) -> str | None:
    """Digits only (people write spaces and dashes); any script's digits count."""
    digits = ""
    for ch in text:
        if ch.isdigit():
            try:
                digits += str(int(ch))
            except ValueError:
                return None
        elif not (ch.isspace() or ch in "-."):
            return None
    return digits if len(digits) == RECEIPT_DIGITS else None


def format_receipt(receipt: str) -> str:
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


@dataclass(frozen=True)
class ReceiptKeys:
    lookup: bytes  # stored (unique index)
    wrap_key: bytes  # never stored: wraps the case key


def receipt_salt(server_secret: bytes) -> bytes:
    return hashlib.blake2b(server_secret, digest_size=argon2id.SALTBYTES, person=b"covenant-rcpt").digest()


def derive_receipt_keys(
    receipt: str, salt: bytes, *, opslimit: int = RECEIPT_OPSLIMIT, memlimit: int = RECEIPT_MEMLIMIT
) -> ReceiptKeys:
    out = bytes(argon2id.kdf(64, receipt.encode("ascii"), salt, opslimit=opslimit, memlimit=memlimit))
    return ReceiptKeys(lookup=out[:32], wrap_key=out[32:])


# --- Keyed hashes (conversation keys, replay ids, throttle keys) ------------------------------


def keyed_hash(secret: bytes, purpose: str, value: str | bytes) -> str:
    data = value.encode("utf-8") if isinstance(value, str) else value
    return hmac.new(secret, purpose.encode() + b"\x00" + data, hashlib.sha256).hexdigest()


def derived_key(secret: bytes, purpose: str, value: str) -> bytes:
    """A 32-byte key that only someone holding both ``secret`` and ``value`` can compute."""
    return hmac.new(secret, b"key\x00" + purpose.encode() + b"\x00" + value.encode("utf-8"), hashlib.sha256).digest()


# --- Remediation: what suppliers and members read and write --------------------------------------


def remediation_key(case_key: bytes) -> bytes:
    """The key of a case's remediation texts (corrective actions): derived from the case key, so
    whoever holds the case key holds it too, while a supplier given only this key reads the
    actions and nothing the reporter wrote."""
    return derived_key(case_key, "remediation", "v1")


def case_box_private(case_key: bytes) -> bytes:
    """The private half of the case's drop box: derived from the case key, so only those holding
    the case key (handlers, the reporter, a member given the full case) open what was put in it."""
    return derived_key(case_key, "case-box", "v1")


def case_box_public(case_key: bytes) -> bytes:
    return public_key_of(case_box_private(case_key))


def seal_for_case(box_public: bytes, aad: bytes, plaintext: bytes) -> bytes:
    """Seal text to a case's drop box: anyone can write it (members and suppliers hold no case
    key), only holders of the case key read it. A sealed box has no associated data, so the
    binding to the case and the field travels inside and is checked on opening."""
    return seal_to(box_public, len(aad).to_bytes(2, "big") + aad + plaintext)


def open_for_case(case_key: bytes, aad: bytes, sealed: bytes) -> bytes:
    opened = open_sealed(case_box_private(case_key), sealed)
    size = int.from_bytes(opened[:2], "big")
    if opened[2 : 2 + size] != aad:
        raise DecryptionError("sealed text belongs to another case or field")
    return opened[2 + size :]
