"""`cxbot dashboard link USER_ID`: print a single-use dashboard sign-in link (admins, tests)."""

from __future__ import annotations

from typing import Annotated

import typer

# Heavy modules (SQLAlchemy, settings) are imported inside the command: see bot/cli.py.
app = typer.Typer(add_completion=False, no_args_is_help=True, help="The CX dashboard served by `cxbot serve`.")


@app.command()
def link(
    user: Annotated[str, typer.Argument(metavar="USER_ID",
                                        help="Who signs in: U0123ABC, slack:U0123ABC or teams:<aad object id>")],
    name: Annotated[str, typer.Option("--name", help="The name the dashboard greets them with")] = "",
) -> None:
    """Print a sign-in link to the dashboard: it works once, for ten minutes, under CXBOT_PUBLIC_URL."""
    from bot.dashboard.feature import ADMIN, link_for, user_hash
    from bot.dashboard.sessions import Sessions, Who
    from bot.db.engine import Database
    from bot.settings import Settings
    from bot.trust.privacy import parse_user

    try:
        ids = parse_user(user)
    except ValueError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    platform, user_id = ids[0] if len(ids) == 1 else (ADMIN, user.strip())
    settings = Settings()
    if settings.evangelist_ids and user_id not in settings.evangelist_ids:
        typer.echo(f"Note: {user_id} is not listed in CXBOT_EVANGELISTS (a group member may still be one).",
                   err=True)
    db = Database(settings).migrate()
    try:
        who = Who(user_hash(settings, platform, user_id), platform, name)
        typer.echo(link_for(settings, Sessions(db, settings.hash_key.get_secret_value()), who))
    finally:
        db.dispose()
