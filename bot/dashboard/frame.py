"""What every dashboard page shares: the Jinja2 environment, the layout, the navigation, who is signed
in and their form token. The Gaps page (`bot.gaps`) renders through the same `Frame`.

A page handler calls `frame.render(request, "page.html", title=..., **values)`; the template extends
`layout.html` and fills `{% block content %}`. Every `<form method="post">` carries
`<input type="hidden" name="csrf" value="{{ csrf }}">` (the middleware refuses a POST without it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe
from aiohttp import web

from bot.core.privacy import scrub_ids
from bot.dashboard.sessions import Sessions, Who

if TYPE_CHECKING:
    from bot.app import Services

from bot.dashboard import PREFIX

NAV = (("pulses", "Pulses"), ("digests", "Digests"), ("knowledge", "Knowledge"), ("gaps", "Gaps"))
WHO: web.RequestKey[Who] = web.RequestKey("dashboard_who", Who)
SESSION: web.RequestKey[str] = web.RequestKey("dashboard_session", str)
PAGE_HEADERS = {
    # inline styles: the charts' SVG carries its styling in style attributes (scripts stay 'self' only)
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in URL never leaves in a Referer header
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def scrub(value: object) -> object:
    """Every value a template prints, with user ids and mentions taken out (our own SVG markup passes)."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return scrub_ids(value)
    return value


@dataclass
class Frame:
    """The dashboard's shared parts, handed to every page module (and to `bot.gaps.dashboard.mount`)."""

    services: Services
    sessions: Sessions
    loaders: list[jinja2.BaseLoader] = field(default_factory=list)
    _env: jinja2.Environment | None = None

    def add_templates(self, package: str, folder: str = "templates") -> None:
        """Let pages of another package (e.g. `bot.gaps`) keep their templates beside their code."""
        self.loaders.append(jinja2.PackageLoader(package, folder))
        self._env = None

    @property
    def env(self) -> jinja2.Environment:
        if self._env is None:
            loader = jinja2.ChoiceLoader([jinja2.PackageLoader("bot.dashboard", "templates"), *self.loaders])
            self._env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                           auto_reload=False, finalize=scrub)
            self._env.filters["svg"] = lambda text: markupsafe.Markup(text)  # our own matplotlib output
        return self._env

    def csrf(self, request: web.Request) -> str:
        token = request.get(SESSION)
        return self.sessions.csrf(token) if token else ""

    def html(self, request: web.Request, template: str, **values: Any) -> str:
        who = request.get(WHO)
        page = self.env.get_template(template)
        return page.render(prefix=PREFIX, nav=NAV, who=who, csrf=self.csrf(request), path=request.path, **values)

    def render(self, request: web.Request, template: str, *, status: int = 200, **values: Any) -> web.Response:
        """The page as an HTML response with the dashboard's security headers."""
        return self.response(self.html(request, template, **values), status)

    @staticmethod
    def response(body: str, status: int = 200) -> web.Response:
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8", headers=PAGE_HEADERS)
