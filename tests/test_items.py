"""Every registered practice item: the reference solution is ✅, ``...`` is 未回答, odd answers never raise."""

from __future__ import annotations

import math
import re

import pytest

from dxkit import check as chk
from dxkit import items

ITEMS = sorted(chk.registry())
ID = re.compile(r"[0-9]{2}/[0-9]{2}/[a-z0-9_]+")


def fresh_solution(item: chk.Item):
    """Run setup + solution again in a new namespace (catches solutions that change between runs)."""
    namespace = {"__name__": "__dxkit_item_test__"}
    exec(item.setup, namespace)
    exec(item.solution, namespace)
    return namespace[item.var]


def test_every_items_file_loads():
    assert items.load_errors == {}


@pytest.mark.parametrize("item_id", ITEMS)
def test_metadata(item_id):
    item = chk.get_item(item_id)
    assert ID.fullmatch(item.id), "ID は 05/02/kids_by_district の形にします"
    assert item.title.strip()
    assert item.var.isidentifier()
    assert item.var in item.solution
    assert item.hints and all(isinstance(h, str) and h.strip() for h in item.hints)
    assert item.tol > 0


@pytest.mark.parametrize("item_id", ITEMS)
def test_reference_solution_is_correct(item_id):
    item = chk.get_item(item_id)
    result = chk.check(item_id, fresh_solution(item))
    assert result.status == "correct", repr(result)


@pytest.mark.parametrize("item_id", ITEMS)
def test_ellipsis_and_none_are_unanswered(item_id):
    assert chk.check(item_id, ...).status == "unanswered"
    assert chk.check(item_id, None).status == "unanswered"


@pytest.mark.parametrize("item_id", ITEMS)
def test_odd_answers_never_raise(item_id):
    assert chk.check(item_id, object()).status == "incorrect"
    for odd in (0, -1, math.nan, "", " ", [], {}, True, chk.check):
        result = chk.check(item_id, odd)
        assert result.status in ("correct", "incorrect"), repr(result)
        assert repr(result) and result._repr_html_()


def test_courses_own_their_items():
    for course in chk.courses():
        module = chk.origin("course", course.id)
        assert module == f"dxkit.items.c{course.id}", f"講座 {course.id} は dxkit/items/c{course.id}.py で登録します"
        assert course.slug.startswith(course.id + "_")
        assert len(set(course.exercise_parts)) == len(course.exercise_parts)
    course_modules = {chk.origin("course", c.id): c.id for c in chk.courses()}
    for item_id in ITEMS:
        module = chk.origin("item", item_id)
        if module in course_modules:
            assert item_id.startswith(course_modules[module] + "/"), f"{item_id} is registered in {module}"


def test_items_of_a_course_file_belong_to_a_registered_course():
    course_ids = {c.id for c in chk.courses()}
    for item_id in ITEMS:
        if (chk.origin("item", item_id) or "").startswith("dxkit.items."):
            assert item_id[:2] in course_ids, f"{item_id}: register_course(Course(id={item_id[:2]!r}, ...))"
