"""A small OpenID Connect provider for the tests, shaped like ProConnect, on a free port of the loopback.

Discovery, authorize (the "person" is whoever `provider.identity` says, no login form), token (an RS256
id_token), JWKS, userinfo (a signed JWT, as ProConnect answers) and end_session. Knobs let a test make it
misbehave: a tampered or foreign-key signature, a wrong nonce, a wrong audience. Every request is recorded.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "pilotage-tests"
CLIENT_SECRET = "secret-du-fournisseur-de-service"
KID = "cle-de-test"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    def __init__(self):
        self.key = new_key()
        self.other_key = new_key()  # a key the provider does not publish
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.reset()

    # --- what the tests set and read -------------------------------------------------------------------
    def reset(self):
        self.identity = {
            "sub": "agent-1",
            "email": "agent@example.gouv.fr",
            "given_name": "Agnès",
            "usual_name": "Test",
        }
        self.tamper = None  # "signature", "other_key", "nonce", "audience", "issuer", "expired", "userinfo_sub"
        self.codes: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, parameters)
        self.issued_id_tokens: list[str] = []

    def requests_to(self, path: str) -> list[dict]:
        return [params for _, p, params in self.requests if p == path]

    @property
    def netloc(self) -> str:
        return urlsplit(self.base).netloc

    def discovery(self) -> dict:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "end_session_endpoint": f"{self.base}/session/end",
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code"],
            "scopes_supported": ["openid", "email", "given_name", "usual_name", "uid", "siret"],
        }

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- tokens ----------------------------------------------------------------------------------------
    def sign(self, claims: dict, *, key=None) -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KID})

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": self.base,
            "sub": grant["identity"]["sub"],
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 60,
            "nonce": grant["nonce"],
            "acr": "eidas1",
            "amr": ["pwd"],
        }
        if self.tamper == "nonce":
            claims["nonce"] = "pas-le-bon-nonce"
        elif self.tamper == "audience":
            claims["aud"] = "un-autre-service"
        elif self.tamper == "issuer":
            claims["iss"] = "http://imposteur.example"
        elif self.tamper == "expired":
            claims["iat"], claims["exp"] = now - 600, now - 300
        token = self.sign(claims, key=self.other_key if self.tamper == "other_key" else None)
        if self.tamper == "signature":
            header, payload, signature = token.split(".")
            forged = json.loads(jwt.utils.base64url_decode(payload))
            forged["sub"] = "quelqu-un-d-autre"
            payload = jwt.utils.base64url_encode(json.dumps(forged).encode()).decode()
            token = f"{header}.{payload}.{signature}"
        self.issued_id_tokens.append(token)
        return token

    def userinfo(self, grant: dict) -> str:
        claims = {**grant["identity"], "iss": self.base, "aud": CLIENT_ID}
        if self.tamper == "userinfo_sub":
            claims["sub"] = "quelqu-un-d-autre"
        return self.sign(claims)

    # --- HTTP ------------------------------------------------------------------------------------------
    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body=b"", content_type="application/json", headers=()):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, data, status=200):
                self._send(status, json.dumps(data).encode())

            def _redirect(self, url):
                self._send(302, headers=[("Location", url)])

            def do_GET(self):
                url = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                provider.requests.append(("GET", url.path, params))
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if url.path == "/jwks":
                    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
                    return self._json({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]})
                if url.path == "/authorize":
                    if params.get("client_id") != CLIENT_ID or params.get("response_type") != "code":
                        return self._json({"error": "invalid_request"}, 400)
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {
                        "nonce": params.get("nonce"),
                        "redirect_uri": params["redirect_uri"],
                        "identity": dict(provider.identity),
                    }
                    query = urlencode({"code": code, "state": params.get("state", "")})
                    return self._redirect(f"{params['redirect_uri']}?{query}")
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    grant = next((g for g in provider.codes.values() if g.get("access_token") == token), None)
                    if grant is None:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._send(200, provider.userinfo(grant).encode(), "application/jwt; charset=utf-8")
                if url.path == "/session/end":
                    target = params.get("post_logout_redirect_uri", "")
                    return self._redirect(f"{target}?{urlencode({'state': params.get('state', '')})}")
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length", 0))
                params = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.requests.append(("POST", url.path, params))
                if url.path != "/token":
                    return self._json({"error": "not_found"}, 404)
                if (params.get("client_id"), params.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                    return self._json({"error": "invalid_client"}, 401)
                grant = provider.codes.get(params.get("code", ""))
                if grant is None or grant.get("used") or grant["redirect_uri"] != params.get("redirect_uri"):
                    return self._json({"error": "invalid_grant"}, 400)
                grant["used"] = True
                grant["access_token"] = secrets.token_urlsafe(16)
                return self._json(
                    {
                        "access_token": grant["access_token"],
                        "token_type": "Bearer",
                        "expires_in": 60,
                        "id_token": provider.id_token(grant),
                    }
                )

        return Handler
