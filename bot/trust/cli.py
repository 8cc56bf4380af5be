"""`cxbot forget USER`: delete one person's stored data."""

from __future__ import annotations

from typing import Annotated

import typer


def forget(
    user: Annotated[str, typer.Argument(help="User id: U0123ABC, slack:U0123ABC or teams:<aad object id>")],
) -> None:
    """Delete one person's questions, pulse votes, shareable private answers and escalations."""
    from bot.db.engine import Database
    from bot.settings import Settings
    from bot.trust.privacy import forget as forget_user
    from bot.trust.privacy import parse_user

    try:
        parse_user(user)
    except ValueError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    settings = Settings()
    db = Database(settings).migrate()
    try:
        done = forget_user(settings, db, user)
    finally:
        db.dispose()
    typer.echo(f"Deleted {done.questions} questions, {done.votes} pulse votes, "
               f"{done.private_answers} shareable private answers, {done.escalations} questions passed to experts, "
               f"{done.dashboard} dashboard sign-ins, "
               f"{done.thread_exchanges} thread exchanges.")
