"""The demo's base data: valid identifiers, every category present, encrypted at rest."""

from django.db import connection

from tests.demo.conftest import SMALL_GRIDS
from wangge.basedata import models as m
from wangge.basedata import protection
from wangge.basedata.validators import parse_credit_code, parse_id_number
from wangge.demo.basedata import load_demo_basedata
from wangge.demo.builder import build_demo


def test_the_demo_holds_valid_base_data_in_every_grid(db):
    build_demo(grids=SMALL_GRIDS)
    counts = load_demo_basedata(houses_per_grid=3)
    assert m.House.objects.count() == 3 * SMALL_GRIDS == counts.houses
    assert m.Person.objects.count() == counts.people >= 3 * SMALL_GRIDS
    assert m.Person.objects.values("grid").distinct().count() == SMALL_GRIDS
    for person in m.Person.objects.exclude(id_number_index="")[:50]:
        number = protection.decrypt(person.id_number_cipher, "id_number")
        parsed = parse_id_number(number)
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex)
        assert person.house.grid_id == person.grid_id
    for code in m.Organization.objects.values_list("credit_code", flat=True):
        assert parse_credit_code(code) == code
    assert counts.organizations and counts.key_places and counts.disputes and counts.schools
    assert m.Dispute.objects.filter(status="resolved").exists()
    with_phone = m.Person.objects.exclude(phone_cipher="").first()
    sample = protection.decrypt(with_phone.phone_cipher, "phone")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM basedata_person")
        assert sample not in repr(cursor.fetchall())


def test_rebuilding_the_demo_replaces_its_base_data(db):
    build_demo(grids=SMALL_GRIDS)
    first = m.Person.objects.count()
    build_demo(grids=SMALL_GRIDS)
    assert m.Person.objects.count() == first
