"""Refusals and missing pages are shown in the product's frame, in the reader's language,
with a way back; the API keeps answering with its JSON error body."""

import pytest
from django.test import Client


@pytest.fixture
def department_client(cast) -> Client:
    client = Client()
    client.force_login(cast["department_handler"])
    return client


def test_a_missing_page_is_framed_in_chinese_with_a_way_back(cast):
    client = Client()
    client.force_login(cast["county_operator"])
    response = client.get("/console/events/999999/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and "返回上一页" in page and 'class="topbar"' in page


def test_a_refused_page_is_framed_in_the_readers_language(department_client):
    department_client.cookies["django_language"] = "en"
    response = department_client.get("/console/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Access denied" in page and "Go back" in page
    assert "403 Forbidden" not in page and "无权访问" not in page


def test_the_api_still_answers_with_its_error_body(department_client):
    response = department_client.get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_language_menu_names_each_language_in_itself(department_client):
    department_client.cookies["django_language"] = "en"
    page = department_client.get("/department/").content.decode()
    assert ">简体中文</option>" in page and ">English</option>" in page
