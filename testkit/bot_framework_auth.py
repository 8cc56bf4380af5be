"""A stand-in for the Bot Framework's token issuer on loopback: an RSA key made here, its OpenID
metadata and JWKS served over HTTP, and channel tokens signed with it.

botbuilder checks an inbound token against the keys listed at an OpenID metadata URL (for the public
cloud `ChannelValidation.open_id_metadata_endpoint`, else Microsoft's). Point that URL at `metadata_url`
and a token from `token()` passes exactly the checks a real channel token passes: RS256 signature by a
listed key whose endorsements name the channel, issuer, audience (the bot's app id), expiry and the
`serviceurl` claim. The server runs in a thread of its own: botbuilder fetches the keys with blocking
`requests` calls from inside the event loop.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"  # what botbuilder expects of channel tokens in the public cloud


class TokenIssuer:
    """One signing key, listed in the JWKS with the channels it endorses; `fetches` counts key downloads."""

    def __init__(self, endorsements: tuple[str, ...] = ("msteams",)) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        self.endorsements = list(endorsements)
        self.fetches: list[str] = []
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.fetches.append(self.path)
                if self.path == "/.well-known/openidconfiguration":
                    body: dict[str, Any] = {
                        "issuer": ISSUER, "jwks_uri": f"{issuer.root}/keys",
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                    }
                elif self.path == "/keys":
                    body = {"keys": [issuer.jwk()]}
                else:
                    self.send_error(404)
                    return
                raw = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.metadata_url = f"{self.root}/.well-known/openidconfiguration"

    def jwk(self) -> dict[str, Any]:
        key: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**key, "kid": self.kid, "use": "sig", "alg": "RS256", "endorsements": self.endorsements}

    def token(self, app_id: str, service_url: str, *, lifetime: float = 600, **claims: Any) -> str:
        """A channel token for the bot `app_id`, as the Bot Framework sends it with each activity."""
        now = int(time.time())
        body = {"iss": ISSUER, "aud": app_id, "serviceurl": service_url, "nbf": now - 60,
                "exp": now + int(lifetime), **claims}
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": self.kid})


@contextmanager
def serving(issuer: TokenIssuer | None = None) -> Iterator[TokenIssuer]:
    """A running issuer for the duration of the block."""
    issuer = issuer or TokenIssuer()
    thread = threading.Thread(target=issuer.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        issuer.server.shutdown()
        issuer.server.server_close()
