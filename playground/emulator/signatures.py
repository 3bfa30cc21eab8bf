"""Thought signatures of realistic size that the emulator can recognise when they come back.

Google's signatures are base64 of a protobuf that starts with byte 0x12 (field 2,
length-delimited); a 1K 3.1 Flash answer carries 597,616 base64 characters (vercel/ai fixture
google-image-gemini-3.1-flash-image.json), a Pro one about 1,450,544 (derived from the length
prefix `EqCzQgqcs0IB` of a relayed Pro signature). Sizes per `latency_family` are
`EmulatorConfig.signature_chars` (docs/emulator.md "Thought signatures").

Layout: `12 <len> 0a <len> { 0a 10 <nonce> 12 10 <mac> 22 <pad> 1a <len> <filler> }`, where
mac = HMAC-SHA256(key, nonce)[:16] and the key comes from the emulator's seed. Recognising an
issued signature reads only its first 64 characters and compares its length with the one its
header declares — no table of issued values, nothing that grows. The filler is a 3,072-byte
pseudo-random block repeated; its base64 is computed once per size and cached, so a signature
costs an HMAC and a concatenation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from playground.emulator.encoding import Encoded

_BLOCK = b"".join(hashlib.sha256(b"banana-split-signature-%d" % i).digest() for i in range(96))
_HEAD_CHARS = 64  # enough for every header field
#: Text parts and families without a configured size get a small signature (~88 characters).
SMALL_SIGNATURE_CHARS = 88


def signing_key(seed: int) -> bytes:
    """Deterministic per seed, so a restarted emulator still recognises its signatures."""
    return hashlib.sha256(f"banana-split emulator signatures, seed {seed}".encode()).digest()


def issue(key: bytes, nonce_seed: str, chars: int) -> Encoded:
    """A signature of about `chars` base64 characters (at least the ~88 of a small one)."""
    nonce = hashlib.sha256(nonce_seed.encode()).digest()[:16]
    mac = hmac.new(key, nonce, hashlib.sha256).digest()[:16]
    total = max(chars, SMALL_SIGNATURE_CHARS) * 3 // 4
    head, filler_len = _head(nonce, mac, total)
    return Encoded(base64.b64encode(head) + _filler_b64(filler_len))


def is_issued(key: bytes, signature: str) -> bool:
    """True when `signature` is one this key issued and arrived whole."""
    # The SDK sends bytes back URL-safe (google-genai _common.py), the REST answer was standard.
    text = signature[:_HEAD_CHARS].replace("-", "+").replace("_", "/")
    try:
        head = base64.b64decode(text[:len(text) // 4 * 4], validate=True)
        declared = _declared_bytes(head)
        nonce, mac = head[declared[1]:declared[1] + 16], head[declared[1] + 18:declared[1] + 34]
    except (binascii.Error, ValueError, IndexError):
        return False
    expected = hmac.new(key, nonce, hashlib.sha256).digest()[:16]
    return hmac.compare_digest(mac, expected) and _b64_bytes(signature) == declared[0]


def _head(nonce: bytes, mac: bytes, total: int) -> tuple[bytes, int]:
    """The protobuf header up to the filler, padded so its length is a multiple of 3 (its
    base64 then joins the cached filler base64 cleanly); and the filler length."""
    for pad in range(3):
        for overhead in range(44, 60):  # the fixed bytes plus the varints' lengths
            filler = total - overhead - pad
            inner = (b"\x0a\x10" + nonce + b"\x12\x10" + mac + b"\x22" + _varint(pad)
                     + bytes(pad) + b"\x1a" + _varint(filler))
            middle = b"\x0a" + _varint(len(inner) + filler) + inner
            head = b"\x12" + _varint(len(middle) + filler) + middle
            if len(head) + filler == total and len(head) % 3 == 0:
                return head, filler
    raise ValueError(f"cannot lay out a signature of {total} bytes")


def _declared_bytes(head: bytes) -> tuple[int, int]:
    """(total bytes the header declares, offset of the nonce)."""
    if head[0] != 0x12:
        raise ValueError("not a signature")
    outer, pos = _read_varint(head, 1)
    total = pos + outer
    if head[pos] != 0x0A:
        raise ValueError("not a signature")
    _, pos = _read_varint(head, pos + 1)
    if head[pos:pos + 2] != b"\x0a\x10" or head[pos + 18:pos + 20] != b"\x12\x10":
        raise ValueError("not a signature")
    return total, pos + 2


@lru_cache(maxsize=8)
def _filler_b64(length: int) -> bytes:
    repeats, rest = divmod(length, len(_BLOCK))
    return base64.b64encode(_BLOCK * repeats + _BLOCK[:rest])


def _b64_bytes(text: str) -> int:
    """Bytes that base64 text (padded or not) decodes to."""
    pad = 2 if text.endswith("==") else 1 if text.endswith("=") else 0
    return (len(text) - pad) * 3 // 4


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7


class Signer:
    """Issues and recognises the signatures of one emulator (its key and configured sizes)."""

    def __init__(self, seed: int, sizes: dict[str, int]) -> None:
        self.key = signing_key(seed)
        self.sizes = sizes

    def image_signature(self, nonce_seed: str, latency_family: str) -> Encoded:
        return issue(self.key, nonce_seed, self.sizes.get(latency_family, 0))

    def text_signature(self, nonce_seed: str) -> Encoded:
        return issue(self.key, nonce_seed, SMALL_SIGNATURE_CHARS)

    def recognises(self, signature: str) -> bool:
        return is_issued(self.key, signature)
