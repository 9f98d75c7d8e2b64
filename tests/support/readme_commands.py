"""The commands of a guide in docs/, as an operator copies them: the ```sh blocks of a
``docs/<name>.md`` file, cut into single commands (a command goes on over a line ending in
``\\``, over a quote left open, over a here-document and over a ``for ... done`` loop). Like
tests/support/nginx_server.py does for the nginx block: the tests run what the docs say.
"""

import re

from tests.support.paths import ROOT

DOCS = ROOT / "docs"


def document(name):
    """The text of ``docs/<name>.md``, e.g. ``document("deploying")``."""
    path = DOCS / f"{name}.md"
    assert path.is_file(), f"docs/{name}.md does not exist"
    return path.read_text(encoding="utf-8")


def blocks(text, language):
    """The fenced blocks of ``language`` in ``text``, in order (indented ones too, as in lists)."""
    found = re.findall(rf"(?ms)^( *)```{language}\n(.*?)^\1```", text)
    return ["".join(line[len(indent) :] + "\n" for line in body.splitlines()) for indent, body in found]


def _scan(line, quote):
    """(the open quote after ``line``, or "", and the line without its trailing comment), given
    the quote open before it."""
    code = []
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                code.append(char)
                index += 1
                char = line[index] if index < len(line) else ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            break
        elif char == "\\":
            code.append(char)
            index += 1
            char = line[index] if index < len(line) else ""
        code.append(char)
        index += 1
    return quote, "".join(code).rstrip()


def commands(block):
    """The commands of one shell block, each as written (its lines joined by newlines); lines
    that are only a comment (or the output a block shows after ``#``) are left out."""
    found, current, quote, heredoc, loops = [], [], "", None, 0
    for line in block.splitlines():
        if heredoc is not None:
            current.append(line)
            if line.strip() == heredoc:
                heredoc = None
        else:
            quote, code = _scan(line, quote)
            if not current and not code:
                continue
            current.append(line)
            if not quote:
                marker = re.search(r"<<-?\s*'?(\w+)'?", code)
                if marker:
                    heredoc = marker.group(1)
                loops += len(re.findall(r"^\s*(?:for|while|until)\b", code))
                loops -= len(re.findall(r"(?:^|;)\s*done\b", code))
        if heredoc is None and not quote and loops == 0 and not current[-1].rstrip().endswith("\\"):
            found.append("\n".join(current))
            current = []
    assert not current, f"a command does not end: {current}"
    return found


def document_commands(name):
    """Every command of the ```sh blocks of ``docs/<name>.md``, in order."""
    return [command for block in blocks(document(name), "sh") for command in commands(block)]
