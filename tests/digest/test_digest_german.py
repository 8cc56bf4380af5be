"""A German digest subscription posts German digests with German numbers and dates; the language is
stored with the subscription (migration digest_0003), so an English channel next to it stays English."""

from __future__ import annotations

import re

from bot.app import build_services
from bot.core.model import Card, Context, Conversation, Fields, Image, Inbound, InboundKind, Text, User
from bot.digest.card import digest_markdown
from bot.digest.store import Subscription
from bot.kpi.demo import generate
from bot.kpi.weeks import label, parse_label
from bot.settings import Settings
from testkit.ports import RecordingPort

W47 = parse_label("2026-W47")


def subscription(services_db, key: str) -> Subscription:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    with services_db.session() as s:
        return s.scalars(select(Subscription).where(Subscription.conversation_key == key)).one()


async def test_a_german_channel_gets_a_german_digest(settings: Settings) -> None:
    generate(settings.data_dir / "demo", W47)
    services = build_services(settings)
    port = RecordingPort()
    de, en = Conversation("slack", "CDE"), Conversation("slack", "CEN")

    async def say(conv: Conversation, text: str, language: str | None = None) -> Text:
        inbound = Inbound(InboundKind.COMMAND, conv, User("slack", "U1"), text=text, language=language)
        await services.router.dispatch(inbound, port)
        out = port.pop()
        assert isinstance(out, Text)
        return out

    named = await say(de, "digest subscribe fr 16:30 Europe/Berlin de")  # named; the asker is English
    assert "Fridays at 16:30 (Europe/Berlin)" in named.text
    from_asker = await say(en, "digest subscribe montag 9:00", language="de")  # German asker, German words
    assert from_asker.text == "Abonniert: Der CX-Digest kommt hier montags um 09:00 (UTC)."
    assert "unbekannte Zeitzone `Mars/Base`" in (await say(en, "digest subscribe Mars/Base", language="de")).text
    await say(en, "digest subscribe monday 9:00 en")
    feature = services.features.digest
    german = feature.make(subscription(services.db, "slack:CDE"), label(W47 + 1))
    english = feature.make(subscription(services.db, "slack:CEN"), label(W47 + 1))
    assert isinstance(german, Card) and isinstance(english, Card)
    assert german.title == "CX-Digest · Woche 2026-W47" and english.title == "CX digest · week 2026-W47"
    assert german.blocks[0] == Context("16.–22. Nov. 2026")
    assert english.blocks[0] == Context("Nov 16\u2009–\u200922, 2026")
    (de_fields,) = [b for b in german.blocks if isinstance(b, Fields)]
    shown = dict(de_fields.pairs)
    assert re.fullmatch(r"\d+\u00a0% [↑↓→] · [+-]\d+ Pkt\. ggü\. Vorwoche · [+-]\d+ Pkt\. ggü\. 4-Wo\.-Schnitt", shown["CSAT"])
    assert re.match(r"\d+,\d\u00a0h ", shown["Median der Erstreaktion"])
    (en_fields,) = [b for b in english.blocks if isinstance(b, Fields)]
    assert re.match(r"\d+\.\d\u00a0h ", dict(en_fields.pairs)["Median first response"])
    assert "Datenqualität" in german.blocks[-1].text or german.blocks[-1].text == "Alle Zeilen verwertbar."  # type: ignore[union-attr]
    assert any(isinstance(b, Image) and b.title == "KPI-Verlauf" and b.data for b in german.blocks)
    services.close()


def test_the_preview_follows_cxbot_language(settings_factory) -> None:  # type: ignore[no-untyped-def]
    settings = settings_factory(CXBOT_LANGUAGE="de")
    generate(settings.data_dir / "demo", W47)
    from bot.digest.service import DigestService

    md = digest_markdown(DigestService(settings).digest(W47), None)
    assert md.startswith("# CX-Digest · Woche 2026-W47\n\n_16.–22. Nov. 2026_")
    assert "| KPI | diese Woche | ggü. Vorwoche | ggü. 4-Wochen-Schnitt |" in md
