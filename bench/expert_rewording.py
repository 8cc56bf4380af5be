"""Saved expert answers found again: each reply is saved as a verified entry (one file indexed, as
"Save as answer" does), then reworded questions are asked (English and German).

    .venv/bin/python bench/expert_rewording.py [--corpus sample|shared]

Prints, per saved answer, whether the original question abstained before, how long indexing the one
file took, and for each rewording whether it was answered with the saved entry as its first source.
`sample` is the project's own knowledge folder; `shared` the shared corpus (playbooks and trends).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bot.expert import entries
from bot.knowledge import Knowledge
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

# (question, the expert's reply, rewordings)
CASES = [
    ("Can agents take their headsets home after their shift?",
     "Yes. Agents may take their headsets home after a shift, but they must bring them back for the next shift "
     "and report any damage to the IT service desk.",
     ["Are support agents allowed to bring their headset home at the end of the day?",
      "Dürfen Agents ihr Headset nach der Schicht mit nach Hause nehmen?"]),
    ("Who approves refunds above 500 euros?",
     "Refunds above 500 euros need the approval of the team lead on duty; above 2,000 euros the head of "
     "customer service signs off.",
     ["Which person signs off on a refund of more than 500 EUR?",
      "Wer muss Erstattungen über 500 Euro freigeben?"]),
    ("How much can an agent spend on a goodwill gesture without asking?",
     "Each agent may grant goodwill gestures of up to 50 euros per case without approval; above that, ask the "
     "team lead.",
     ["What is the goodwill limit for a single agent?",
      "Bis zu welchem Betrag darf ein Agent eine Kulanzleistung selbst gewähren?"]),
    ("Can we answer customer complaints on WhatsApp?",
     "Not yet: WhatsApp is not an approved channel. Move the customer to email or phone and log the case in "
     "the CRM.",
     ["Is WhatsApp an allowed channel for handling complaints?",
      "Dürfen wir Beschwerden per WhatsApp beantworten?"]),
    ("What is the dress code for on-site customer visits?",
     "Business casual. Wear the company badge visibly and avoid clothing with other brands' logos.",
     ["What should I wear when I visit a customer on site?",
      "Gibt es eine Kleiderordnung für Kundenbesuche vor Ort?"]),
    ("Where are recordings of customer calls stored?",
     "Calls are recorded in Genesys Cloud; recordings are kept there for 90 days and then deleted.",
     ["Which system keeps our support call recordings?",
      "Wo werden Mitschnitte von Kundengesprächen gespeichert?"]),
]


def knowledge_copy(tmp: Path, corpus: str) -> Path:
    target = tmp / "knowledge"
    if corpus == "shared":
        target.mkdir()
        for part in ("playbooks", "trends"):
            shutil.copytree(CORPUS / part, target / part)
    else:
        shutil.copytree(ROOT / "knowledge", target)
    return target


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", choices=["sample", "shared"], default="sample")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = knowledge_copy(tmp, args.corpus)
        cfg = Settings(_env_file=None, CXBOT_DATA_DIR=tmp / "data", CXBOT_KNOWLEDGE_DIR=folder,  # type: ignore[call-arg]
                       CXBOT_EMBED_CACHE=ROOT / ".cxbot" / "test-embeddings.sqlite")
        started = time.perf_counter()
        Knowledge(cfg).indexer().run([folder])
        print(f"index {args.corpus}: {time.perf_counter() - started:.1f} s")
        hits = total = 0
        saves: list[float] = []
        knowledge = Knowledge(cfg)  # one, as in `cxbot serve`: the model and the index stay loaded
        ask = knowledge.ask
        for n, (question, reply, rewordings) in enumerate(CASES, 1):
            before = ask.answer(question)
            path = entries.write(folder, n, question, reply, "Ana Example", date.today(), date.today() + timedelta(180))
            started = time.perf_counter()
            knowledge.indexer().run([path])
            saves.append(time.perf_counter() - started)
            time.sleep(1.05)  # the retriever looks for a new index version at most once a second
            print(f"[{n}] {question!r}: before {'answered' if before.answered else 'abstained'}; "
                  f"indexed in {saves[-1]:.2f} s")
            for wording in rewordings:
                got = ask.answer(wording)
                found = got.answered and bool(got.sources) and entries.is_verified_path(got.sources[0].path) \
                    and got.sources[0].path.endswith(f"-{n}.md")
                hits += found
                total += 1
                print(f"    {'HIT ' if found else 'MISS'} {wording}")
        print(f"rewordings answered from the saved entry: {hits}/{total}; "
              f"indexing one entry: median {sorted(saves)[len(saves) // 2]:.2f} s, max {max(saves):.2f} s")


if __name__ == "__main__":
    main()
