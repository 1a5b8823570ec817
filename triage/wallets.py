"""Crypto wallet addresses checked by their own checksums: Bitcoin, Ethereum, TRON, Monero (pure).

A string that merely looks like an address is not a wallet: only a checksum that verifies
makes it one, so a typo, a transaction hash or a random token never links two messages.
"""

from __future__ import annotations

import hashlib

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32)}
_BECH32M_CONST = 0x2BC830A3


def wallet_kind(address: str) -> str | None:
    """The kind of a checksum-valid address ('btc', 'eth', 'tron', 'xmr'), else None."""
    if address.startswith(("1", "3")) and _base58check(address, (0x00, 0x05), 25):
        return "btc"
    if address.lower().startswith("bc1") and _segwit(address):
        return "btc"
    if address.startswith("T") and _base58check(address, (0x41,), 25):
        return "tron"
    if address.startswith("0x") and _eth(address):
        return "eth"
    if address[:1] in ("4", "8") and len(address) in (95, 106) and _monero(address):
        return "xmr"
    return None


def canonical(address: str, kind: str) -> str:
    """One spelling per wallet: bech32 and hex are case-insensitive, base58 is not."""
    if kind == "eth" or (kind == "btc" and address.lower().startswith("bc1")):
        return address.lower()
    return address


# -- base58check (Bitcoin legacy and P2SH, TRON) -------------------------------------------


def _b58decode(text: str) -> bytes | None:
    number = 0
    for ch in text:
        digit = _B58_INDEX.get(ch)
        if digit is None:
            return None
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def _base58check(text: str, versions: tuple[int, ...], length: int) -> bool:
    if not 25 <= len(text) <= 35:
        return False
    data = _b58decode(text)
    if data is None or len(data) != length or data[0] not in versions:
        return False
    return hashlib.sha256(hashlib.sha256(data[:-4]).digest()).digest()[:4] == data[-4:]


# -- bech32 / bech32m (BIP-173, BIP-350) --------------------------------------------------


def _polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for bit in range(5):
            check ^= generator[bit] if (top >> bit) & 1 else 0
    return check


def _segwit(text: str) -> bool:
    if text != text.lower() and text != text.upper():
        return False  # mixed case is invalid bech32
    text = text.lower()
    hrp, sep, data_part = text.rpartition("1")
    if hrp != "bc" or not sep or not 8 <= len(data_part) <= 87 or len(text) > 90:
        return False
    data = [_BECH32_INDEX.get(c, -1) for c in data_part]
    if -1 in data:
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    const = _polymod(expanded + data)
    version = data[0]
    if version == 0 and const != 1:
        return False
    if version != 0 and const != _BECH32M_CONST:
        return False
    program = _from_5bit(data[1:-6])
    if program is None or not 2 <= len(program) <= 40 or version > 16:
        return False
    return version != 0 or len(program) in (20, 32)


def _from_5bit(groups: list[int]) -> bytes | None:
    acc, bits, out = 0, 0, bytearray()
    for g in groups:
        acc = (acc << 5) | g
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    if bits >= 5 or (acc << (8 - bits)) & 0xFF:
        return None  # non-zero padding
    return bytes(out)


# -- Ethereum (EIP-55 when mixed case) -----------------------------------------------------


def _eth(text: str) -> bool:
    body = text[2:]
    if len(body) != 40 or any(c not in "0123456789abcdefABCDEF" for c in body):
        return False
    if body == body.lower() or body == body.upper():
        return True  # no checksum to verify in a single-case address
    digest = keccak256(body.lower().encode()).hex()
    return all(
        (c.upper() if int(d, 16) >= 8 else c.lower()) == c
        for c, d in zip(body, digest, strict=False)
        if c.isalpha()
    )


# -- Monero (its own base58 in 8-byte blocks, keccak checksum) ------------------------------

_XMR_BLOCK_CHARS = {0: 0, 2: 1, 3: 2, 5: 3, 6: 4, 7: 5, 9: 6, 10: 7, 11: 8}


def _monero(text: str) -> bool:
    out = bytearray()
    for start in range(0, len(text), 11):
        block = text[start : start + 11]
        size = _XMR_BLOCK_CHARS.get(len(block))
        if size is None:
            return False
        number = 0
        for ch in block:
            digit = _B58_INDEX.get(ch)
            if digit is None:
                return False
            number = number * 58 + digit
        if number >= 1 << (8 * size):
            return False
        out += number.to_bytes(size, "big")
    data = bytes(out)
    if len(data) not in (69, 77) or data[0] not in (18, 19, 42):
        return False
    return keccak256(data[:-4])[:4] == data[-4:]


# -- Keccak-256 (the pre-standard SHA-3 that Ethereum and Monero use) ----------------------

_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]  # fmt: skip
_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61],
        [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]  # fmt: skip
_MASK = (1 << 64) - 1


def keccak256(data: bytes) -> bytes:
    """Keccak-256 with the original 0x01 padding (hashlib's sha3_256 pads differently)."""
    rate = 136
    padded = bytearray(data) + b"\x01" + b"\0" * ((-len(data) - 1) % rate)
    padded[-1] |= 0x80
    state = [[0] * 5 for _ in range(5)]
    for offset in range(0, len(padded), rate):
        block = padded[offset : offset + rate]
        for i in range(rate // 8):
            state[i % 5][i // 5] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _keccak_f(state)
    out = b"".join(state[i % 5][i // 5].to_bytes(8, "little") for i in range(rate // 8))
    return out[:32]


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & _MASK if n else v


def _keccak_f(a: list[list[int]]) -> None:
    for rc in _RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        for x in range(5):
            for y in range(5):
                a[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rotl(a[x][y], _ROT[x][y])
        for x in range(5):
            for y in range(5):
                a[x][y] = b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y])
        a[0][0] ^= rc
