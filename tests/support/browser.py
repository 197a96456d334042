"""Browser-test helpers: axe-core's accessibility findings on a page."""

from pathlib import Path

AXE = Path(__file__).resolve().parent.parent / "browser" / "assets" / "axe.min.js"


def serious_accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now. axe is
    evaluated through the DevTools protocol, so the site's Content-Security-Policy
    (no inline scripts) stays in force while it runs."""
    page.evaluate(AXE.read_text() + "\n;true")
    return page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.target).join(' | '))"
    )
