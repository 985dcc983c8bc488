"""Markdown made into HTML by cmark-gfm through our own calls (markdown.to_html), which free what cmark
allocates: the same HTML as cmarkgfm's own function, and no memory kept from one story to the next."""

from __future__ import annotations

import sys

import cmarkgfm
import pytest
from conftest import ROOT

from memorial import markdown

TEXTS = [
    "",
    "One line.",
    "He said \"we will meet at noon\" -- and left... It's his brother's account.",
    "# A heading\n\nA paragraph with *emphasis*, **strength**, `code` and a [link](https://example.org).\n",
    "| day | what |\n|---|:--|\n| 5 January | detained |\n| 6 January | *released* |\n",
    "- one\n  - nested\n    1. deeper\n\n> a quote\n> > within a quote\n",
    '<script>alert(1)</script><em>kept</em><a href="javascript:x">raw HTML</a>\n',
    "Кириллица: «кавычки» — и тире. Қазақша: ә, ғ, қ, ң, ө, ұ, ү, һ, і.\n",
    "```\ncode block\n```\n\n    indented\n\nhard  \nbreak\n",
]


def test_the_html_is_cmarkgfms_own():
    stories = [*TEXTS, *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*.md")))]
    for text in stories:
        options = markdown.Markdown.OPTIONS
        assert markdown.to_html(text, options) == cmarkgfm.markdown_to_html_with_extensions(text, options=options, extensions=["table"])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process's memory in /proc")
def test_converting_stories_keeps_no_memory():
    """cmarkgfm's own function keeps the document and its HTML of every call (1.9 GB over these 20,000,
    measured; 7 KB a story of the benchmark's corpus); ours frees them."""
    assert markdown._FREEING is not None  # (cmark's functions found: not the fallback to cmarkgfm's call)

    def resident_kb() -> int:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

    story = "\n\n".join(
        f"Paragraph {i}: *he* was **detained** on 5 January, according to [his brother](https://example.org)." for i in range(40)
    )
    markdown.to_html(story, markdown.Markdown.OPTIONS)
    before = resident_kb()
    for _ in range(20_000):
        markdown.to_html(story, markdown.Markdown.OPTIONS)
    assert resident_kb() - before < 20_000
