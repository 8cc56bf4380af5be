"""Synthetic knowledge-gap questions: paraphrases of 40 CX topics in English and German, made by code.

Each topic has a few English and German wordings of one ask; a question is one wording in one of several
everyday frames ("quick question: ...", "... thanks!"), sometimes in lower case. The topic index is the
true group, so a grouping can be scored against it (bench/gaps_bench.py). `log_question` logs one as
the ask feature does (the user only hashed).
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime

import sqlalchemy as sa

from bot.ask.store import AskedQuestion
from bot.db.engine import Database

TOPICS: list[tuple[list[str], list[str]]] = [
    (["how long do customers have to ask for a refund", "what is the deadline for refund requests",
      "until when can a customer get their money back"],
     ["wie lange haben Kunden Zeit für eine Rückerstattung", "bis wann kann ein Kunde sein Geld zurückverlangen"]),
    (["how do I escalate a complaint to second level", "who handles escalated complaints",
      "what is the escalation path for a customer complaint"],
     ["wie eskaliere ich eine Beschwerde an den Second Level", "wer bearbeitet eskalierte Beschwerden"]),
    (["when is the NPS survey sent to customers", "how often do we send the net promoter score survey",
      "at what point do customers get the NPS questionnaire"],
     ["wann wird die NPS-Umfrage an Kunden verschickt", "wie oft verschicken wir die Net-Promoter-Score-Umfrage"]),
    (["how is CSAT calculated", "what formula do we use for customer satisfaction score",
      "how do we compute the CSAT percentage"],
     ["wie wird der CSAT berechnet", "mit welcher Formel berechnen wir die Kundenzufriedenheit"]),
    (["how does a customer get a return label", "where can customers print a returns label",
      "can we email a return shipping label"],
     ["wie bekommt ein Kunde ein Retourenetikett", "wo können Kunden den Rücksendeschein ausdrucken"]),
    (["how do I file a warranty claim for a broken device", "what is the process for warranty claims",
      "customer device broke within warranty, what now"],
     ["wie melde ich einen Garantiefall für ein defektes Gerät", "wie läuft eine Garantieabwicklung ab"]),
    (["how can a customer reset their account password", "customer forgot password to the portal",
      "steps to reset a customer login password"],
     ["wie kann ein Kunde sein Passwort zurücksetzen", "Kunde hat sein Passwort für das Portal vergessen"]),
    (["how do I send a customer a copy of their invoice", "where do I find an old invoice for a customer",
      "customer needs a duplicate invoice"],
     ["wie schicke ich einem Kunden eine Rechnungskopie", "wo finde ich eine alte Rechnung eines Kunden"]),
    (["do we compensate customers for late deliveries", "what compensation is there for a shipping delay",
      "customer parcel is two weeks late, do we offer anything"],
     ["bekommen Kunden eine Entschädigung bei verspäteter Lieferung", "was bieten wir bei Lieferverzug an"]),
    (["how does a customer cancel their subscription", "what is the notice period to cancel a subscription",
      "customer wants to end the subscription, how"],
     ["wie kündigt ein Kunde sein Abonnement", "welche Kündigungsfrist gilt für das Abo"]),
    (["can a customer change the delivery address after ordering", "how to update the shipping address of an order",
      "order already placed, customer moved, new address possible"],
     ["kann ein Kunde die Lieferadresse nach der Bestellung ändern", "wie ändere ich die Versandadresse einer Bestellung"]),
    (["what are the opening hours of the live chat", "when is the support chat available",
      "is the chat open on weekends"],
     ["wann ist der Live-Chat erreichbar", "welche Öffnungszeiten hat der Support-Chat"]),
    (["how do we handle a GDPR data deletion request", "customer wants all personal data deleted",
      "what is the process for right to be forgotten requests"],
     ["wie bearbeiten wir einen DSGVO-Löschantrag", "Kunde möchte, dass alle personenbezogenen Daten gelöscht werden"]),
    (["what is the maximum goodwill voucher I can give", "how much goodwill credit may an agent grant",
      "limit for goodwill gestures without approval"],
     ["wie hoch darf ein Kulanzgutschein maximal sein", "bis zu welchem Betrag darf ich Kulanz gewähren"]),
    (["what is the hotline number for business customers", "which phone number do B2B clients call",
      "support phone line for corporate accounts"],
     ["welche Hotline-Nummer haben Geschäftskunden", "unter welcher Telefonnummer erreichen B2B-Kunden den Support"]),
    (["how do I calm down a very angry customer on the phone", "de-escalation tips for aggressive callers",
      "what do I say when a customer is shouting at me"],
     ["wie beruhige ich einen sehr wütenden Kunden am Telefon", "Tipps zur Deeskalation bei aggressiven Anrufern"]),
    (["what is our first response time target for emails", "how fast must we reply to a customer email",
      "SLA for answering email tickets"],
     ["wie schnell müssen wir auf Kunden-E-Mails antworten", "welche Reaktionszeit gilt für E-Mail-Tickets"]),
    (["what do the ticket priority levels mean", "when is a ticket priority one",
      "how do I choose the right priority for a ticket"],
     ["was bedeuten die Ticket-Prioritäten", "wann ist ein Ticket Priorität eins"]),
    (["what are early warning signs that a customer will churn", "how do we spot churn risk",
      "which signals show a customer is about to leave"],
     ["woran erkennt man, dass ein Kunde abwandern will", "welche Signale deuten auf Kündigungsrisiko hin"]),
    (["when do we schedule the onboarding call for new customers", "how soon after signing is the onboarding call",
      "who books the kickoff call with a new client"],
     ["wann planen wir den Onboarding-Call für Neukunden", "wer vereinbart das Kickoff-Gespräch mit einem neuen Kunden"]),
    (["how should we respond to complaints on social media", "customer complained publicly on twitter, what do we do",
      "guidelines for answering negative posts on facebook"],
     ["wie reagieren wir auf Beschwerden in sozialen Medien", "Kunde hat sich öffentlich auf Instagram beschwert, was tun"]),
    (["does the customer need to send a photo of a damaged parcel", "what proof do we need for a damaged delivery",
      "package arrived broken, what evidence is required"],
     ["braucht der Kunde ein Foto vom beschädigten Paket", "welchen Nachweis brauchen wir bei einer beschädigten Lieferung"]),
    (["can customers pay in installments", "do we offer payment by instalments",
      "is there a monthly payment plan for large orders"],
     ["können Kunden in Raten zahlen", "bieten wir Ratenzahlung an"]),
    (["do we have a price match guarantee", "customer found it cheaper elsewhere, do we match the price",
      "price matching policy against competitors"],
     ["haben wir eine Preisgarantie", "Kunde hat es woanders günstiger gefunden, passen wir den Preis an"]),
    (["when do loyalty points expire", "how long are bonus points valid",
      "customer lost their reward points, do they expire"],
     ["wann verfallen Treuepunkte", "wie lange sind Bonuspunkte gültig"]),
    (["how does the renewal of a B2B contract work", "when do we start talks about contract renewal with business clients",
      "process for renewing an enterprise contract"],
     ["wie läuft die Verlängerung eines B2B-Vertrags", "wann beginnen wir Gespräche zur Vertragsverlängerung mit Firmenkunden"]),
    (["can we get customer letters translated", "who translates a complaint written in french",
      "is there a translation service for customer letters"],
     ["können wir Kundenbriefe übersetzen lassen", "wer übersetzt eine Beschwerde auf Französisch"]),
    (["how do we handle accessibility requests from customers", "customer is blind and needs documents in braille",
      "what accommodations do we offer for customers with disabilities"],
     ["wie gehen wir mit Anfragen zur Barrierefreiheit um", "welche Unterstützung bieten wir Kunden mit Behinderung"]),
    (["do we need consent to record customer calls", "is call recording allowed without asking",
      "what must I say before recording a phone call"],
     ["brauchen wir eine Einwilligung für Gesprächsaufzeichnungen", "darf ich Anrufe ohne Zustimmung aufzeichnen"]),
    (["where is the voice of the customer report", "who publishes the monthly VoC report",
      "how do I get access to the voice of customer insights"],
     ["wo finde ich den Voice-of-Customer-Bericht", "wer veröffentlicht den monatlichen VoC-Report"]),
    (["what is the customer effort score", "how do we measure customer effort",
      "how is CES different from CSAT"],
     ["was ist der Customer Effort Score", "wie messen wir den Kundenaufwand"]),
    (["how do we do a root cause analysis of complaints", "method to find the underlying cause of recurring complaints",
      "who analyses why the same complaint keeps coming back"],
     ["wie machen wir eine Ursachenanalyse von Beschwerden", "wie finden wir die Ursache wiederkehrender Beschwerden"]),
    (["is there a template to inform customers about an outage", "how do we communicate a service outage",
      "what message do we send when the system is down"],
     ["gibt es eine Vorlage, um Kunden über einen Ausfall zu informieren", "wie kommunizieren wir eine Störung an Kunden"]),
    (["how do I request a new knowledge base article", "who writes new help center articles",
      "can I suggest an article for the knowledge base"],
     ["wie beantrage ich einen neuen Artikel in der Wissensdatenbank", "wer schreibt neue Hilfe-Artikel"]),
    (["who updates the customer journey map", "when was the customer journey map last revised",
      "where is the current customer journey map"],
     ["wer aktualisiert die Customer Journey Map", "wo finde ich die aktuelle Customer Journey"]),
    (["how do we treat VIP customers", "is there a special process for premium key accounts",
      "what extra service do top tier customers get"],
     ["wie behandeln wir VIP-Kunden", "gibt es einen besonderen Ablauf für Premium-Kunden"]),
    (["how can a customer request a callback", "customer wants us to call them back, how do I book that",
      "is there a callback option in the hotline"],
     ["wie kann ein Kunde einen Rückruf anfordern", "Kunde möchte zurückgerufen werden, wie buche ich das"]),
    (["how can we improve our survey response rate", "why do so few customers answer our surveys",
      "tips to get more survey responses"],
     ["wie können wir die Rücklaufquote unserer Umfragen erhöhen", "warum beantworten so wenige Kunden unsere Umfragen"]),
    (["when does the chatbot hand over to a human agent", "how does the bot transfer a chat to a person",
      "customer asked the bot for a human, what happens"],
     ["wann übergibt der Chatbot an einen Mitarbeiter", "wie leitet der Bot einen Chat an einen Menschen weiter"]),
    (["who covers support during the christmas holidays", "how is the support team staffed over public holidays",
      "holiday rota for the customer service team"],
     ["wer übernimmt den Support über Weihnachten", "wie ist das Support-Team an Feiertagen besetzt"]),
]

FRAMES_EN = ["{q}?", "quick question: {q}?", "{q}? thanks!", "hi all, {q}?", "{q}? (asking for a customer)",
             "does anyone know: {q}?", "{q}"]
FRAMES_DE = ["{q}?", "kurze Frage: {q}?", "{q}? danke!", "hallo zusammen, {q}?", "{q}? (für einen Kunden)",
             "weiß jemand: {q}?", "{q}"]


def questions(n: int = 500, seed: int = 7) -> list[tuple[str, int, str]]:
    """`n` questions as (text, topic index, language), topics and languages spread evenly."""
    rnd = random.Random(seed)
    out: list[tuple[str, int, str]] = []
    for i in range(n):
        topic = i % len(TOPICS)
        en, de = TOPICS[topic]
        lang = "de" if rnd.random() < 0.4 else "en"
        core = rnd.choice(de if lang == "de" else en)
        text = rnd.choice(FRAMES_DE if lang == "de" else FRAMES_EN).format(q=core)
        if rnd.random() < 0.5:
            text = text[0].upper() + text[1:]
        out.append((text, topic, lang))
    return out


def log_question(db: Database, text: str, at: datetime, *, answered: bool = False, feedback: int | None = None,
                 user_hash: str = "5f0c-user-hash", conversation: str = "slack:C0GAPS") -> str:
    qid = uuid.uuid4().hex
    with db.engine.begin() as conn:
        conn.execute(sa.insert(AskedQuestion), {
            "id": qid, "asked_at": at, "platform": "slack", "conversation": conversation, "user_hash": user_hash,
            "question": text, "answered": answered, "top_source": None, "feedback": feedback,
        })
    return qid
