"""The built web screens (web/dist) served at `/`: the staff app, the widget and its loader.

Routes the app does not know fall back to the staff app's index.html, so `/console` and
`/admin/...` open on reload. Hashed build assets are cached for a year; pages are revalidated.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from supportgraph.api.hardening import page_policy

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
"""Where `npm run build` writes the screens."""

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>supportgraph</title></head><body><main><h1>supportgraph</h1>
<p>The web screens are not built. Run <code>make web</code> (needs Node.js 20.19 or newer),
or <code>make run</code>, which builds them.</p>
<p>The API is served: see <a href="/docs">/docs</a>.</p></main></body></html>"""


class WebApp(StaticFiles):
    """Static files with a fallback to index.html for the app's own client-side routes."""

    def __init__(self, *, directory: Path, widget_origins: tuple[str, ...] = ()) -> None:
        """Serve this build; the widget may be framed by these origins (and the server's own)."""
        super().__init__(directory=directory, html=True)
        self.widget_origins = widget_origins

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file, index.html for an unknown page path, or the 404."""
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or "." in path.rsplit("/", 1)[-1] or _is_api(path):
                raise
            response = await super().get_response("index.html", scope)
        if path.startswith("assets/"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers.setdefault("Cache-Control", "no-cache")
        response.headers["Content-Security-Policy"] = page_policy(path, self.widget_origins)
        return response


def _is_api(path: str) -> bool:
    return path.split("/", 1)[0] in ("api", "support", "docs", "health", "openapi.json")


def web_app(dist: Path = WEB_DIST, *, widget_origins: tuple[str, ...] = ()) -> StaticFiles | None:
    """The screens, or None when they have not been built."""
    if not (dist / "index.html").is_file():
        return None
    return WebApp(directory=dist, widget_origins=widget_origins)


def not_built() -> HTMLResponse:
    """What `/` says when the screens are missing."""
    return HTMLResponse(NOT_BUILT, status_code=503)
