from __future__ import annotations

from pathlib import Path

import pytest

from bot.pulse.templates import DEFAULT_TEMPLATE, TemplateError, load_dir, load_file, parse_template

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "id": "team-check", "title": {"en": "Team check", "de": "Teamcheck"},
    "statements": [{"en": "We listen.", "de": "Wir hören zu."}],
}


def test_the_default_template_is_bilingual_with_four_to_six_statements_on_a_five_point_scale() -> None:
    t = load_file(ROOT / "knowledge" / "pulses" / f"{DEFAULT_TEMPLATE}.yaml")
    assert t.id == DEFAULT_TEMPLATE
    assert set(t.languages) == {"en", "de"}
    assert 4 <= len(t.statements) <= 6
    assert (t.scale_min, t.scale_max) == (1, 5)
    assert all(set(s) == {"en", "de"} for s in t.statements)
    assert len(t.labels["de"]) == 5


def test_a_valid_template_parses_with_default_scale() -> None:
    t = parse_template(GOOD, "x.yaml")
    assert (t.scale_min, t.scale_max) == (1, 5)
    assert t.lang("de") == "de" and t.lang("fr") == "en"


@pytest.mark.parametrize(("change", "message"), [
    ({"id": "Bad Id"}, "x.yaml: id:"),
    ({"title": "Team"}, "x.yaml: title: expected texts by language"),
    ({"statements": []}, "x.yaml: statements: expected a list of 1-10"),
    ({"statements": [{"en": "Only English"}]}, "x.yaml: statements[1]: needs exactly the languages of the title"),
    ({"scale": {"min": 1, "max": 5, "labels": {"en": ["a", "b"]}}}, "x.yaml: scale.labels.en: expected 5 texts"),
    ({"scale": {"min": 3, "max": 2}}, "x.yaml: scale: need 0 <= min < max"),
    ({"scale": {"min": 1, "max": 20}}, "at most 10 points"),
])
def test_invalid_templates_name_the_file_and_the_field(change: dict[str, object], message: str) -> None:
    with pytest.raises(TemplateError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_template({**GOOD, **change}, "x.yaml")


def test_a_folder_loads_the_good_templates_and_reports_the_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("id: good\ntitle: {en: Good}\nstatements: [{en: Fine.}]\n")
    (tmp_path / "twin.yaml").write_text("id: good\ntitle: {en: Twin}\nstatements: [{en: Fine.}]\n")
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n")
    templates, errors = load_dir(tmp_path)
    assert list(templates) == ["good"]
    assert any("broken.yaml: not valid YAML" in e for e in errors)
    assert any("twin.yaml: id: 'good' is already used" in e for e in errors)
