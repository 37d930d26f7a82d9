"""Visitors see the app, not the tooling: no Deploy button, no Rerun or Clear cache in the app menu.

The repo's .streamlit/config.toml sets client.toolbarMode = "viewer". Under
Streamlit's default ("auto") a visitor on localhost gets the developer
options; the control below starts a server with "developer" to show that the
locators used here do find them when they are there.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from servers import start_server
from streamlit_page import open_view

pytestmark = pytest.mark.browser

DEVELOPER_ITEMS = ("Rerun", "Clear cache", "Deploy")


def menu_items(page: Page) -> list[str]:
    """The labels of the app menu (top right), or [] when there is no menu."""
    button = page.get_by_test_id("stMainMenu")
    if not button.count():
        return []
    button.click()
    popover = page.get_by_test_id("stMainMenuPopover")
    expect(popover).to_be_visible()
    labels = [t.strip() for t in popover.get_by_test_id("stMainMenuItemLabel").all_inner_texts()]
    page.keyboard.press("Escape")
    return labels


def developer_tooling(page: Page) -> list[str]:
    """What a developer would see and a visitor should not, as visible in the page."""
    found = [f"menu: {label}" for label in menu_items(page) if label.startswith(DEVELOPER_ITEMS)]
    if page.get_by_test_id("stAppDeployButton").count():
        found.append("Deploy button")
    return found


def test_a_visitor_sees_no_deploy_button_or_developer_menu(page, server):
    open_view(page, server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    assert developer_tooling(page) == []


def test_the_check_sees_the_developer_options_when_they_are_on(page):
    developer = start_server("toolbar-developer", ["--client.toolbarMode", "developer"])
    try:
        open_view(page, developer.url)
        found = developer_tooling(page)
    finally:
        developer.stop()
    assert "Deploy button" in found
    assert any(item.startswith("menu: Rerun") for item in found), found
