"""Every UI string in the web templates has an English translation."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

import wangge

PACKAGE = Path(wangge.__file__).parent
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")


def template_strings() -> dict[str, str]:
    found = {}
    for template in (PACKAGE / "web" / "templates").rglob("*.html"):
        for match in TRANSLATE_TAG.finditer(template.read_text(encoding="utf-8")):
            # Django looks a literal "%" up as "%%" (django.template.base.Variable).
            found[match.group(2).replace("%", "%%")] = template.name
    return found


def test_templates_use_translatable_strings():
    assert len(template_strings()) >= 10


def test_every_template_string_has_an_english_translation():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string}
    missing = {text: where for text, where in template_strings().items() if text not in translated}
    assert not missing, f"add these to {CATALOGUE.relative_to(PACKAGE.parent)}: {missing}"
