"""A pure-Python HTML check for tests: WHATWG parse errors plus the conformance rules auditors trip on.

The parser is tinyhtml5 (html5lib's maintained fork, already installed for WeasyPrint); it reports
every parse error of the WHATWG algorithm: stray or unclosed tags, duplicate attributes, a
``<form>`` inside a ``<p>`` (the paragraph is closed early, its ``</p>`` then stands alone)…
On the parsed tree we add what the Nu checker reports and a parser cannot: duplicate ids, labels
and ARIA references that point nowhere, ``select required`` without an empty first option, form
fields without an accessible name, list items outside lists, interactive content nested in
interactive content.
"""
from __future__ import annotations

from collections import Counter

from tinyhtml5.parser import HTMLParser

NS = "{http://www.w3.org/1999/xhtml}"
#: Parse errors that the HTML standard allows (the parser reports them for legacy reasons).
ALLOWED_PARSE_ERRORS = {"expected-doctype-but-got-start-tag"}
LABELABLE = {"input", "select", "textarea", "button", "meter", "output", "progress"}
INTERACTIVE = {"a", "button", "select", "textarea", "label", "details", "iframe"}
NAMELESS_INPUTS = {"hidden", "submit", "button", "reset", "image"}


def _tag(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.removeprefix(NS)


def _line(html: str, position) -> str:
    line, column = position if isinstance(position, tuple) else (0, 0)
    text = html.splitlines()[line - 1].strip() if 0 < line <= len(html.splitlines()) else ""
    return f"line {line}: {text[:120]}"


def problems(html: str) -> list[str]:
    """Every conformance problem of a page, one line each; an empty list for valid HTML."""
    parser = HTMLParser()
    document = parser.parse(html)
    found = [f"parse error {code} {data or ''} at {_line(html, position)}"
             for position, code, data in parser.errors if code not in ALLOWED_PARSE_ERRORS]
    if not html.lstrip().lower().startswith("<!doctype html>"):
        found.append("no <!doctype html>")

    parents = {child: parent for parent in document.iter() for child in parent}
    elements = [e for e in document.iter() if isinstance(e.tag, str)]
    ids = Counter(e.get("id") for e in elements if e.get("id") is not None)
    found += [f"id {name!r} used {count} times" for name, count in ids.items() if count > 1]
    found += [f"empty or spaced id {name!r}" for name in ids if not name or any(c.isspace() for c in name)]
    by_id = {e.get("id"): e for e in elements if e.get("id")}
    labelled = set()

    for element in elements:
        tag = _tag(element)
        where = f"<{tag}{' id=' + repr(element.get('id')) if element.get('id') else ''}>"
        for attribute in ("aria-labelledby", "aria-describedby", "aria-controls"):
            for ref in (element.get(attribute) or "").split():
                if ref not in by_id:
                    found.append(f"{where} {attribute} points to missing id {ref!r}")
        if tag == "label" and element.get("for") is not None:
            target = by_id.get(element.get("for"))
            if target is None or _tag(target) not in LABELABLE:
                found.append(f"<label for={element.get('for')!r}> has no form field with that id")
            else:
                labelled.add(target)
        if tag == "label":
            labelled.update(e for e in element.iter() if _tag(e) in LABELABLE)
        if tag == "li" and _tag(parents.get(element)) not in ("ul", "ol", "menu"):
            found.append(f"<li> inside <{_tag(parents.get(element))}>")
        if tag == "select" and element.get("required") is not None and element.get("multiple") is None \
                and int(element.get("size") or 1) <= 1:
            options = [e for e in element.iter() if _tag(e) == "option"]
            if options and (options[0].get("value") if options[0].get("value") is not None
                            else (options[0].text or "")).strip():
                found.append(f"{where} is required but its first option is not empty")
        if tag == "img" and element.get("alt") is None:
            found.append(f"<img src={element.get('src')!r}> without alt")
        if tag in INTERACTIVE or (tag == "input" and element.get("type") != "hidden"):
            ancestor = parents.get(element)
            while ancestor is not None:
                outer = _tag(ancestor)
                if outer in INTERACTIVE and (outer != "label" or tag == "label"):
                    found.append(f"{where} inside <{outer}>")
                    break
                ancestor = parents.get(ancestor)
        if tag == "form" and any(_tag(e) == "form" for e in element.iter() if e is not element):
            found.append("<form> inside <form>")

    for element in elements:
        tag = _tag(element)
        if tag not in ("input", "select", "textarea") or element.get("type") in NAMELESS_INPUTS:
            continue
        if element in labelled or element.get("aria-label") or element.get("aria-labelledby") \
                or element.get("title"):
            continue
        found.append(f"<{tag} name={element.get('name')!r}> has no accessible name")
    return found
