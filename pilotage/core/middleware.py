from django.conf import settings


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: a strict Content-Security-Policy and a Permissions-Policy.

    The DSFR and our pages load nothing from outside; inline styles are allowed for the DSFR's components.
    """

    CSP = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
        "form-action 'self'{form_action_extra}; worker-src 'self' blob:"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A form may also lead to ProConnect (logout → its end_session endpoint), when it is configured.
        extra = "".join(f" {origin}" for origin in settings.CSP_FORM_ACTION_EXTRA)
        response.headers.setdefault("Content-Security-Policy", self.CSP.format(form_action_extra=extra))
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
