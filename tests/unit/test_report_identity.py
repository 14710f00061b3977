"""The run's identity goes into a CSS string on every report page: no text can end it."""

from __future__ import annotations

from harness.report.identity import RunIdentity, css_string, page_margin_css


def test_hostile_text_stays_inside_the_css_string() -> None:
    identity = RunIdentity(
        git="abc1234",
        manifest="0" * 64,
        targets='http://x"; } </style><script>alert(1)</script>',
        period="2026-11-30 00:00 UTC",
    )
    css = page_margin_css(identity)
    inner = css.split('content: "', 1)[1].rsplit('"; font', 1)[0]
    assert '"' not in inner
    assert "<" not in css
    assert "}" not in inner
    assert "0" * 64 in inner  # the manifest's hash is printed as it is
    assert css_string("a·b") == "a\\b7 b"
