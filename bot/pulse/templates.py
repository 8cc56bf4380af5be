"""Pulse templates: YAML data files (`knowledge/pulses/*.yaml`) loaded and validated with clear errors.

A template names its statements in one or more languages (the default one in English and German) and
the rating scale. Evangelists add templates by dropping a file next to the default; `cxbot pulse
templates` lists them and reports every problem with file and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_TEMPLATE = "customer-centricity"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
MIN_STATEMENTS, MAX_STATEMENTS = 1, 10
MAX_SCALE_POINTS = 10


class TemplateError(ValueError):
    """A template file that cannot be used; the message says which file and field."""


@dataclass(frozen=True)
class Template:
    """A validated pulse template. Texts are dicts by language code."""

    id: str
    title: dict[str, str]
    intro: dict[str, str]
    statements: tuple[dict[str, str], ...]
    scale_min: int
    scale_max: int
    labels: dict[str, tuple[str, ...]]
    path: str = ""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.title)

    def lang(self, wanted: str) -> str:
        """The language to use: `wanted` if the template has it, else its first one."""
        return wanted if wanted in self.title else self.languages[0]


def _texts(raw: Any, where: str, langs: tuple[str, ...] | None) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        raise TemplateError(f"{where}: expected texts by language, e.g. {{en: ..., de: ...}}")
    out: dict[str, str] = {}
    for lang, text in raw.items():
        if not isinstance(lang, str) or not re.fullmatch(r"[a-z]{2}", lang):
            raise TemplateError(f"{where}: {lang!r} is not a two-letter language code")
        if not isinstance(text, str) or not text.strip():
            raise TemplateError(f"{where}.{lang}: expected non-empty text")
        out[lang] = text.strip()
    if langs is not None and set(out) != set(langs):
        raise TemplateError(f"{where}: needs exactly the languages of the title ({', '.join(langs)})")
    return out


def parse_template(data: Any, source: str = "<template>") -> Template:
    """Validate one template's parsed YAML; raise TemplateError naming `source` and the field."""
    if not isinstance(data, dict):
        raise TemplateError(f"{source}: expected a mapping with id, title, scale and statements")
    tid = data.get("id")
    if not isinstance(tid, str) or not ID_RE.match(tid):
        raise TemplateError(f"{source}: id: expected lower-case letters, digits and dashes (got {tid!r})")
    title = _texts(data.get("title"), f"{source}: title", None)
    langs = tuple(title)
    intro = _texts(data["intro"], f"{source}: intro", langs) if "intro" in data else {}
    scale = data.get("scale", {"min": 1, "max": 5})
    if not isinstance(scale, dict):
        raise TemplateError(f"{source}: scale: expected {{min: 1, max: 5}}")
    lo, hi = scale.get("min", 1), scale.get("max", 5)
    if not (isinstance(lo, int) and isinstance(hi, int)) or isinstance(lo, bool) or isinstance(hi, bool):
        raise TemplateError(f"{source}: scale: min and max must be whole numbers")
    if not 0 <= lo < hi or hi - lo + 1 > MAX_SCALE_POINTS:
        raise TemplateError(f"{source}: scale: need 0 <= min < max and at most {MAX_SCALE_POINTS} points")
    labels: dict[str, tuple[str, ...]] = {}
    raw_labels = scale.get("labels", {})
    if not isinstance(raw_labels, dict):
        raise TemplateError(f"{source}: scale.labels: expected lists by language")
    for lang, items in raw_labels.items():
        if lang not in langs:
            raise TemplateError(f"{source}: scale.labels.{lang}: language not in the title")
        if not isinstance(items, list) or len(items) != hi - lo + 1 or not all(isinstance(i, str) for i in items):
            raise TemplateError(f"{source}: scale.labels.{lang}: expected {hi - lo + 1} texts, one per point")
        labels[lang] = tuple(items)
    raw_statements = data.get("statements")
    if not isinstance(raw_statements, list) or not MIN_STATEMENTS <= len(raw_statements) <= MAX_STATEMENTS:
        raise TemplateError(f"{source}: statements: expected a list of {MIN_STATEMENTS}-{MAX_STATEMENTS} statements")
    statements = []
    for n, item in enumerate(raw_statements, 1):
        texts = dict(item) if isinstance(item, dict) else item
        if isinstance(texts, dict):
            texts.pop("dimension", None)
        statements.append(_texts(texts, f"{source}: statements[{n}]", langs))
    return Template(tid, title, intro, tuple(statements), lo, hi, labels, source)


def load_file(path: Path) -> Template:
    """Read and validate one template file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read ({exc})") from exc
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML ({exc})") from exc
    return parse_template(data, str(path))


def load_dir(folder: Path) -> tuple[dict[str, Template], list[str]]:
    """Every valid template in `folder` by id, and the error messages of the invalid ones."""
    templates: dict[str, Template] = {}
    errors: list[str] = []
    if not folder.is_dir():
        return templates, [f"{folder}: no such template folder"]
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            template = load_file(path)
        except TemplateError as exc:
            errors.append(str(exc))
            continue
        if template.id in templates:
            errors.append(f"{path}: id: {template.id!r} is already used by {templates[template.id].path}")
            continue
        templates[template.id] = template
    return templates, errors
