"""The commands of README.md's sections, as an operator copies them: the ```sh blocks of a
``## `` section, cut into single commands (a command goes on over a line ending in ``\\``,
over a quote left open, over a here-document and over a ``for ... done`` loop). Like
tests/nginx_server.py does for the nginx block: the tests run what the README says.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def section(title, readme=None):
    """The text of README's ``## title`` section, up to the next ``## `` heading."""
    text = readme if readme is not None else (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"(?ms)^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text)
    assert found, f"README.md has no section '## {title}'"
    return found.group(1)


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


def section_commands(title, readme=None):
    """Every command of the ```sh blocks of README's ``## title``, in order."""
    return [command for block in blocks(section(title, readme), "sh") for command in commands(block)]
