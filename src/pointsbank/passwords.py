"""Password policy and hashing: Argon2id (argon2-cffi), NIST SP 800-63B style checks.

No composition rules: a minimum length, a maximum (Argon2 is slow on purpose), and a refusal of
the most common passwords and of the user's own name.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pointsbank.domain.common import DomainError

MIN_LENGTH = 8
MAX_LENGTH = 128

# No maintained PyPI package ships a vetted list, so the head of two public frequency lists is
# committed here: the UK NCSC's "100k most used passwords" (from Have I Been Pwned) and the
# CSDN/Tianya leak analyses commonly cited for Chinese users. Only entries of MIN_LENGTH or more
# matter; shorter ones are refused by length already.
COMMON = frozenset(
    """
    12345678 123456789 1234567890 123123123 11111111 111111111 00000000 88888888 66666666
    12341234 11223344 87654321 password password1 password123 passw0rd iloveyou qwertyuiop
    qwerty123 qwertyui 1qaz2wsx 1q2w3e4r 1q2w3e4r5t zaq12wsx abc12345 abcd1234 a1234567
    a12345678 12345qwert 1234qwer qwer1234 asdfghjk asdf1234 zxcvbnm123 zxcvbnma sunshine
    princess football baseball welcome1 welcome123 admin123 administrator letmein1 trustno1
    dragon123 monkey123 starwars superman computer internet whatever michael1 jennifer 11112222
    12344321 123qweasd qweasdzxc 147258369 159753456 741852963 789456123 5201314520 520131400
    woaini1314 woaiwojia 1314520520 5201314a aa123456 qq123456 qq5201314 q1w2e3r4 a123456789
    123456aa 123456abc abc123456 123456qq 12345abcde 1234abcd 123321123 147852369 987654321
    963852741 321321321 135792468 22222222 33333333 55555555 77777777 99999999 1111aaaa
    zhang123 wang1234 li123456 changeme changeme1 default1 pointsbank pointsbank1
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

_hasher = PasswordHasher()  # argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile


class WeakPassword(DomainError):
    code = "weak-password"


def check_policy(password: str, user_name: str = "") -> None:
    """Refuse a password that is too short, too long, common or the user's own name."""
    if not _encodable(password):
        raise WeakPassword("weak-password.not-text", field="password")
    if len(password) < MIN_LENGTH:
        raise WeakPassword("weak-password.too-short", {"min": MIN_LENGTH}, field="password")
    if len(password) > MAX_LENGTH:
        raise WeakPassword("weak-password.too-long", {"max": MAX_LENGTH}, field="password")
    lowered = password.casefold()
    if lowered in COMMON or (user_name and user_name.casefold() in lowered):
        raise WeakPassword("weak-password.common", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if not _encodable(password):
        password = ""  # still verify, so that the answer takes as long as any other
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate, as JSON allows
        return False
    return True


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# Verified against when the user name is unknown, so both failures take the same time.
DUMMY_HASH = _hasher.hash("pointsbank-no-such-user")
