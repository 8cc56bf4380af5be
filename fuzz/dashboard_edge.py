"""The dashboard as an HTTP edge: any method, path, query, cookie, CSRF token and body under /dashboard.

A third of the inputs carry a live session (made through the real sign-in link store), some of those
with the session's CSRF token; the rest no cookie or a forged one. A 5xx, a broken connection or an
exception logged by cxbot is a crash; every answer must be 2xx, 3xx or 4xx.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

PATHS = ["/dashboard", "/dashboard/", "/dashboard/pulses", "/dashboard/digests", "/dashboard/knowledge",
         "/dashboard/gaps", "/dashboard/gaps.csv", "/dashboard/gaps/addressed", "/dashboard/signin",
         "/dashboard/signout", "/dashboard/login/", "/dashboard/static/dashboard.css", "/dashboard/static/",
         "/dashboard/static/..%2f..%2fsettings.py", "/dashboard/nope", "/dashboard//pulses", "/dashboard/pulses/"]
QUERY_KEYS = ["weeks", "marked", "signed_out", "csrf", "group", "token", ""]
odd = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60) | st.sampled_from(
    ["0", "-1", "53", "52", "1e9", "99999999999999999999", "\x00", "%00", "../../", "<script>", "' OR 1=1 --"])


@dataclass(frozen=True)
class DashReq:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    cookie: str  # "none" | "live" | "forged"
    csrf: str  # "none" | "live" | "forged"
    form: tuple[tuple[str, str], ...]
    raw: bytes | None  # a body that is not a form

    def describe(self) -> str:
        return f"{self.method} {self.path}?{self.query!r} cookie={self.cookie} csrf={self.csrf} form={self.form!r}"[:300]


def dashboard_requests() -> st.SearchStrategy[DashReq]:
    path = st.sampled_from(PATHS) | st.sampled_from(PATHS).flatmap(
        lambda p: odd.map(lambda t: p.rstrip("/") + "/" + urllib.parse.quote(t, safe="")))
    login = odd.map(lambda t: "/dashboard/login/" + urllib.parse.quote(t, safe=""))
    return st.builds(
        DashReq,
        method=st.sampled_from(["GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"]),
        path=path | login,
        query=st.lists(st.tuples(st.sampled_from(QUERY_KEYS), odd), max_size=3).map(tuple),
        cookie=st.sampled_from(["none", "live", "live", "forged"]),
        csrf=st.sampled_from(["none", "live", "forged"]),
        form=st.lists(st.tuples(st.sampled_from(["csrf", "group", "weeks", "x", ""]), odd), max_size=3).map(tuple),
        raw=st.none() | st.binary(max_size=300),
    )


def dashboard_check(run: Any) -> Any:
    """The check for the dashboard edge against a running harness (`fuzz/harness.py`)."""
    from bot.dashboard.sessions import Sessions, Who

    sessions = Sessions(run.services.db, run.services.settings.hash_key.get_secret_value())

    def live() -> str:
        token = sessions.redeem(sessions.issue_link(Who("f" * 64, "slack", "Fuzz")))
        assert token is not None
        return token

    def check(req: DashReq) -> str:
        from edges import Crash

        headers: dict[str, str] = {}
        token = live() if req.cookie == "live" else ""
        if req.cookie == "live":
            headers["Cookie"] = f"cxbot_dashboard={token}"
        elif req.cookie == "forged":
            headers["Cookie"] = "cxbot_dashboard=" + urllib.parse.quote("forged" + req.path[-20:], safe="")
        form = list(req.form)
        if req.csrf == "live" and token:
            form.append(("csrf", sessions.csrf(token)))
        elif req.csrf == "forged":
            form.append(("csrf", "0" * 64))
        if req.raw is not None and req.method == "POST":
            body, headers["Content-Type"] = req.raw, "application/x-www-form-urlencoded"
        else:
            body = urllib.parse.urlencode(form).encode() if req.method == "POST" else b""
            if body:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        query = ("?" + urllib.parse.urlencode(req.query)) if req.query else ""
        status = run.request(req.method, req.path + query, body, headers)
        if status >= 500 or status < 0:
            raise Crash(f"HTTP {status} for {req.describe()}")
        return str(status)

    return check
