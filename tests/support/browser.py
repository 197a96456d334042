"""Browser-test helpers: signing in, and axe-core's accessibility findings on a page."""

import re
from pathlib import Path

from playwright.sync_api import expect

AXE = Path(__file__).resolve().parent.parent / "browser" / "assets" / "axe.min.js"


def serious_accessibility_problems(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core's findings of these impacts (serious and critical unless told) on the
    page as it is now. axe is evaluated through the DevTools protocol, so the site's
    Content-Security-Policy (no inline scripts) stays in force while it runs."""
    page.evaluate(AXE.read_text() + "\n;true")
    return page.evaluate(
        "async (impacts) => (await axe.run(document)).violations"
        ".filter(v => impacts.includes(v.impact))"
        ".map(v => v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.target).join(' | '))",
        list(impacts),
    )


def accessibility_violations(page) -> list[str]:
    """Every axe-core finding on the page, whatever its impact."""
    return serious_accessibility_problems(
        page, impacts=("minor", "moderate", "serious", "critical")
    )


PASSWORD = "correct horse battery"  # the factories' password


def log_in(browser, base, email, *, admin=False, viewport=None, color_scheme=None):
    """Sign in on the site's login page; the admin's login page leads there too."""
    options = {"viewport": viewport, "color_scheme": color_scheme}
    context = browser.new_context(**{key: value for key, value in options.items() if value})
    page = context.new_page()
    page.goto(f"{base}/admin/login/" if admin else f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    if admin:
        expect(page).to_have_url(re.compile("/admin/$"))
    else:
        expect(page.get_by_role("button", name=re.compile("Log out"))).to_be_visible()
    return page


def wider_than_the_screen(page) -> bool:
    """Does the page scroll sideways (anything wider than the viewport)?"""
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def too_wide(page) -> list:
    """What reaches past the screen's right edge or overflows it (for a failure's
    message): the last three such elements, then the page's and the screen's width."""
    return page.evaluate(
        """[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth || e.scrollWidth > innerWidth)
        .slice(-3)
        .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
        .concat([document.documentElement.scrollWidth, innerWidth])"""
    )
