"""Keyed hashing of user ids: we can count and forget a person without storing who they are."""

from __future__ import annotations

import hashlib
import hmac


def hash_user(key: str, platform: str, user_id: str, purpose: str = "user") -> str:
    msg = f"{purpose}\x1f{platform}\x1f{user_id}".encode()
    return hmac.new(key.encode(), msg, hashlib.sha256).hexdigest()
