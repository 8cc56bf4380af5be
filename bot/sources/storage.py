"""Confluence storage format (XHTML with `ac:`/`ri:` macros) turned into plain HTML the loader reads.

Headings, paragraphs, lists and tables stay as they are; code macros become `<pre>`; panels (info,
note, warning, expand...) keep their rich-text body; links keep their text (or the linked page's
title); images, emoticons and macro parameters carry no text and are dropped.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Tag

CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
DROP = ("ac:parameter", "ac:image", "ac:emoticon", "ac:placeholder", "ac:task-id", "ac:task-status", "ri:attachment",
        "ri:url", "ri:user")


def storage_to_html(title: str, storage: str) -> str:
    """A whole HTML document: the page title as `<title>`, then the converted body."""
    text = CDATA.sub(lambda m: html.escape(m.group(1)), storage)
    soup = BeautifulSoup(f"<div>{text}</div>", "html.parser")
    for name in DROP:
        for tag in soup.find_all(name):
            if isinstance(tag, Tag) and not (name.startswith("ri:") and tag.parent and tag.parent.name == "ac:link"):
                tag.decompose()
    for link in soup.find_all("ac:link"):
        if not isinstance(link, Tag):
            continue
        body = link.find(["ac:plain-text-link-body", "ac:link-body"])
        target = link.find(["ri:page", "ri:blog-post", "ri:space"])
        label = body.get_text(" ", strip=True) if body else ""
        if not label and isinstance(target, Tag):
            label = str(target.get("ri:content-title") or target.get("ri:space-key") or "")
        link.replace_with(label)
    for macro in soup.find_all("ac:structured-macro"):
        if not isinstance(macro, Tag):
            continue
        plain = macro.find("ac:plain-text-body")
        rich = macro.find("ac:rich-text-body")
        if plain is not None:
            pre = soup.new_tag("pre")
            pre.string = plain.get_text()
            macro.replace_with(pre)
        elif rich is not None:
            rich.name = "div"
            macro.replace_with(rich)
        else:
            macro.decompose()
    for tag in soup.find_all(["ac:task-list"]):
        if isinstance(tag, Tag):
            tag.name = "ul"
    for tag in soup.find_all(["ac:task"]):
        if isinstance(tag, Tag):
            tag.name = "li"
    for tag in soup.find_all(re.compile(r"^(ac|ri):")):
        if isinstance(tag, Tag):
            tag.unwrap()
    root = soup.div
    inner = root.decode_contents() if root is not None else ""
    safe = html.escape(title)
    return f"<html><head><title>{safe}</title></head><body>{inner}</body></html>"
