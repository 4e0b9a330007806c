import logging
from urllib.parse import unquote

from pilotage.audit.models import ExportLog

logger = logging.getLogger("pilotage.audit")


class ExportLogMiddleware:
    """Logs every file sent as an attachment — list and indicator exports (CSV, XLSX, JSON), survey answers,
    documents, signed conventions — with who, what (the address asked, the file) and when: one place for every
    export of personal or masked data, whichever view produced it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.headers.get("Content-Disposition", "")
        if disposition.startswith("attachment") and response.status_code == 200:
            user = getattr(request, "user", None)
            user = user if user is not None and user.is_authenticated else None
            filename = unquote(disposition.partition("filename")[2].lstrip("*=").removeprefix("utf-8''").strip('"'))
            entry = ExportLog.objects.create(
                user=user,
                user_email=user.email if user else "",
                path=request.get_full_path()[:2000],
                filename=filename[:300],
                status=response.status_code,
            )
            logger.info("Export %s par %s : %s", entry.filename, entry.user_email or "anonyme", entry.path)
        return response
