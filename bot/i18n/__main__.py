"""`python -m bot.i18n update` merges the source's strings into the catalogs; `check` reports gaps."""

from __future__ import annotations

import sys

from bot.i18n.extract import check, update


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "update":
        missing = update()
        for language, messages in missing.items():
            for message in messages:
                sys.stdout.write(f"{language}: untranslated: {message!r}\n")
        sys.stdout.write(f"catalogs updated; {sum(map(len, missing.values()))} strings still need a translation\n")
        return 0
    if command == "check":
        problems = check()
        for kind in ("missing", "untranslated", "stale"):
            for language, messages in getattr(problems, kind).items():
                for message in messages:
                    sys.stdout.write(f"{language}: {kind}: {message!r}\n")
        return 1 if problems else 0
    sys.stderr.write("usage: python -m bot.i18n [update|check]\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
