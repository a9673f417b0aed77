"""What a person sees when the server fails unexpectedly: plain Russian, what to do, and a code
that finds the traceback in the log, never a bare «500 Internal Server Error»."""
from __future__ import annotations

import json
import logging
import secrets

from aiohttp import web

from backoffice.web.auth.access import Handler

log = logging.getLogger(__name__)

PAGE = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ошибка — Возврат</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main><h1>Не получилось</h1>
<p class="error" role="alert">{message}</p>
<p><a href="javascript:history.back()">← Вернуться назад</a> · <a href="/">На главную</a></p>
</main></body></html>"""


def explanation(code: str) -> str:
    return ("На сервере произошла непредвиденная ошибка, действие не выполнено. Повторите его "
            "через минуту; если ошибка повторится, сообщите администратору код ошибки "
            f"{code} — по нему он найдёт подробности в журнале.")


@web.middleware
async def unexpected_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        code = secrets.token_hex(4).upper()
        log.exception("error %s on %s %s", code, request.method, request.path)
        if request.path.startswith("/api/"):
            return web.json_response({"error": explanation(code), "code": code}, status=500,
                                     dumps=lambda value: json.dumps(value, ensure_ascii=False))
        return web.Response(text=PAGE.format(message=explanation(code)), status=500,
                            content_type="text/html")
