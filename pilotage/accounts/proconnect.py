"""ProConnect, the State's OpenID Connect login for agents, through mozilla-django-oidc.

Configured by the environment (settings.PROCONNECT): without `PROCONNECT_CLIENT_ID` the button is hidden and
the ProConnect URLs answer 404. The endpoints come from `PROCONNECT_DISCOVERY_URL` (fetched on first use,
kept an hour) unless given one by one.

Accounts are provisioned by the platform, because a role and an organisation are needed to see anything:
ProConnect logs in an existing, active account whose e-mail matches the `email` claim (case-insensitive), and
refuses otherwise with a French message. An `email_verified` claim set to false is refused (ProConnect does
not send the claim: its identity providers verify addresses). Beyond mozilla-django-oidc's checks (state,
nonce, signature against the provider's JWKS, expiry), the id_token's audience and issuer are verified, and
the userinfo's `sub` must be the id_token's.
"""

import logging
import time
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

security_log = logging.getLogger("pilotage.security")

#: how long a discovery document is trusted (seconds)
DISCOVERY_TTL = 3600
_discovery_cache: dict[str, tuple[float, dict]] = {}

MESSAGES = {
    "unknown": "Vous êtes bien identifié par ProConnect, mais aucun compte actif de la plateforme ne correspond à "
    "l'adresse {email}. Les comptes sont ouverts par l'administration de la plateforme (un rôle et une "
    "organisation sont nécessaires) : demandez l'ouverture du vôtre à votre correspondant DGEFP ou DREETS, "
    "ou connectez-vous avec votre mot de passe.",
    "unverified": "ProConnect n'a pas confirmé votre adresse électronique : la connexion est refusée.",
    "invalid": "La connexion par ProConnect a échoué (réponse invalide ou expirée) : recommencez.",
    "unavailable": "ProConnect ne répond pas pour le moment : réessayez plus tard ou connectez-vous avec votre "
    "mot de passe.",
    "cancelled": "La connexion par ProConnect a été interrompue : recommencez.",
}


class ProConnectUnavailable(Exception):
    pass


def proconnect_enabled() -> bool:
    config = settings.PROCONNECT
    return bool(config.get("CLIENT_ID") and (config.get("DISCOVERY_URL") or config.get("AUTHORIZATION_ENDPOINT")))


def _discovery(url: str) -> dict:
    cached = _discovery_cache.get(url)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
        return cached[1]
    try:
        response = requests.get(url, timeout=settings.PROCONNECT["TIMEOUT"])
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProConnectUnavailable(str(error)) from error
    _discovery_cache[url] = (time.monotonic(), document)
    return document


def endpoints() -> dict:
    """issuer and endpoints: each explicit setting, else the discovery document's value."""
    config = settings.PROCONNECT
    document = _discovery(config["DISCOVERY_URL"]) if config.get("DISCOVERY_URL") else {}
    names = {
        "ISSUER": "issuer",
        "AUTHORIZATION_ENDPOINT": "authorization_endpoint",
        "TOKEN_ENDPOINT": "token_endpoint",
        "USERINFO_ENDPOINT": "userinfo_endpoint",
        "JWKS_ENDPOINT": "jwks_uri",
        "END_SESSION_ENDPOINT": "end_session_endpoint",
    }
    values = {key: config.get(key) or document.get(name, "") for key, name in names.items()}
    if not all(values[key] for key in ("AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT", "JWKS_ENDPOINT")):
        raise ProConnectUnavailable("authorization, token or JWKS endpoint missing")
    return values


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's settings, read from settings.PROCONNECT (and the discovery) when asked."""
    config = settings.PROCONNECT
    direct = {
        "OIDC_RP_CLIENT_ID": config["CLIENT_ID"],
        "OIDC_RP_CLIENT_SECRET": config["CLIENT_SECRET"],
        "OIDC_RP_SIGN_ALGO": config["SIGN_ALGO"],
        "OIDC_RP_SCOPES": config["SCOPES"],
        "OIDC_TIMEOUT": config["TIMEOUT"],
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:proconnect_callback",
        "OIDC_USE_NONCE": True,
        "OIDC_VERIFY_SSL": True,
    }
    if attr in direct:
        return direct[attr]
    from_endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT": "TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT": "USERINFO_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT": "JWKS_ENDPOINT",
    }
    if attr in from_endpoints:
        return endpoints()[from_endpoints[attr]]
    return import_from_settings(attr, *default)


def _refuse(request, reason: str, **details) -> None:
    """Remember why the login failed, for the callback view's message."""
    if request is not None:
        request.proconnect_refusal = (reason, details)


class ProConnectBackend(OIDCAuthenticationBackend):
    """Logs in an existing active account through ProConnect; does nothing for any other `authenticate`."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads (and here would discover) its endpoints when the backend is built, that is
        # on every `authenticate` of any kind: read them only for a ProConnect callback.
        self.UserModel = get_user_model()

    def get_user(self, user_id):
        # Django's rule (ModelBackend), which mozilla-django-oidc's version skips: a deactivated account's
        # session ends at its next request.
        return ModelBackend.get_user(self, user_id)

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not proconnect_enabled():
            return None  # a password login, or ProConnect is off
        try:
            config = endpoints()
        except ProConnectUnavailable:
            _refuse(request, "unavailable")
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = config["TOKEN_ENDPOINT"]
        self.OIDC_OP_USER_ENDPOINT = config["USERINFO_ENDPOINT"]
        self.OIDC_OP_JWKS_ENDPOINT = config["JWKS_ENDPOINT"]
        self.issuer = config["ISSUER"]
        self.OIDC_RP_CLIENT_ID = settings.PROCONNECT["CLIENT_ID"]
        self.OIDC_RP_CLIENT_SECRET = settings.PROCONNECT["CLIENT_SECRET"]
        self.OIDC_RP_SIGN_ALGO = settings.PROCONNECT["SIGN_ALGO"]
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as error:
            security_log.warning("Connexion ProConnect refusée : %s", error)
            _refuse(request, "invalid")
        except requests.RequestException as error:
            security_log.warning("ProConnect injoignable : %s", error)
            _refuse(request, "unavailable")
        return None

    def _verify_jws(self, payload, key):
        """The signature with the expected algorithm, then the expiry, the audience and the issuer."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"JWT illisible : {error}") from error
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"algorithme {algorithm!r} au lieu de {self.OIDC_RP_SIGN_ALGO!r}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer or None,
                options={"verify_iss": bool(self.issuer)},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"JWT refusé : {error}") from error

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            self.id_token_payload = payload
        return payload

    def verify_claims(self, claims):
        if not claims.get("email"):
            return False
        if claims.get("email_verified") is False:
            _refuse(self.request, "unverified")
            return False
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claims["email"].strip(), is_active=True)

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("le « sub » de userinfo diffère de celui de l'id_token")
        if not self.verify_claims(user_info):
            if not hasattr(self.request, "proconnect_refusal"):
                _refuse(self.request, "invalid")
            security_log.warning("Connexion ProConnect refusée : adresse absente ou non vérifiée.")
            return None
        users = list(self.filter_users_by_claims(user_info)[:2])
        if len(users) != 1:
            _refuse(self.request, "unknown", email=user_info["email"])
            security_log.warning(
                "Connexion ProConnect refusée : aucun compte actif (ou plusieurs) pour %s.", user_info["email"]
            )
            return None
        return users[0]


def end_session_url(request, id_token: str) -> str | None:
    """ProConnect's logout URL for this session, back to our login page; None if it has none."""
    try:
        endpoint = endpoints()["END_SESSION_ENDPOINT"]
    except ProConnectUnavailable:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": get_random_string(32),
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login")),
        }
    )
    return f"{endpoint}?{query}"


@method_decorator(login_not_required, name="dispatch")
class ProConnectLoginView(OIDCAuthenticationRequestView):
    """The button's target: a state and a nonce in the session, then off to ProConnect's authorize page."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)  # endpoints are read in get()

    def get(self, request):
        if not proconnect_enabled():
            raise Http404("ProConnect n'est pas configuré.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints()["AUTHORIZATION_ENDPOINT"]
        except ProConnectUnavailable as error:
            security_log.warning("ProConnect injoignable : %s", error)
            messages.error(request, MESSAGES["unavailable"])
            return redirect("accounts:login")
        self.OIDC_RP_CLIENT_ID = settings.PROCONNECT["CLIENT_ID"]
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class ProConnectCallbackView(OIDCAuthenticationCallbackView):
    """ProConnect sends the browser back here with a code and the state; mozilla-django-oidc checks the state
    against the session, exchanges the code, checks the nonce and the signatures, then our backend finds the
    account."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not proconnect_enabled():
            raise Http404("ProConnect n'est pas configuré.")
        try:
            return super().get(request)
        except SuspiciousOperation as error:  # a state that is not this session's
            security_log.warning("Connexion ProConnect refusée : %s", error)
            _refuse(request, "invalid")
            return self.login_failure()

    def login_failure(self):
        reason, details = getattr(self.request, "proconnect_refusal", ("invalid", {}))
        if self.request.GET.get("error"):
            reason = "cancelled"
        messages.error(self.request, MESSAGES[reason].format(**details))
        return HttpResponseRedirect(reverse("accounts:login"))

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or reverse(settings.LOGIN_REDIRECT_URL)
