"""The package's messages as the code writes them: every ``raise SomeError("...")`` whose message is
written out (a string, an f-string, or those joined with +), as a template for the Welsh catalogue
(data/language/messages_*.yaml, read by strategy.core.interface.message_in). Also the words an
import's preview shows that are not raised (the screens pass them through message_in too): each
problem in a file (``add_problem(row, column, message)``, ``Problem(row, column, message)``), each note
(``preview.notes.append(...)``, ``.insert(i, ...)``), how the file was read (``read_as = ...``) and
the sentences given to ``catalogued(...)`` (strategy.tabular.reading).

``python -m strategy.core.message_sources`` adds the messages the catalogue lacks, with an empty ``cy``
for a translator, and drops those the code no longer raises; tests/test_welsh_messages.py fails while
any message has no Welsh. An f-string's variable parts become {p0}, {p1}... in order."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import yaml

from strategy.core.interface import INTERFACE_FILE, message_catalogue

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The errors whose message is not their first argument: _CellProblem(column, message). (SurveyUnavailable
#: is not listed: its first argument is a reason, and it carries its own Welsh, message_cy.)
MESSAGE_ARGUMENT = {"_CellProblem": 1}
#: The errors whose messages reach a person (strategy.core.errors and their subclasses in the package).
ERROR_NAMES = {
    "WorkbookError",
    "InvalidInput",
    "NotFound",
    "NotAllowed",
    "StorageError",
    "Conflict",
    "ImportRefused",
    "PdfUnavailable",
    "UnknownAgency",
    "AmbiguousQuarter",
    "_CellProblem",
    "TooManyResponses",
    "NeedsConfirmation",
    "IdentifyingDetails",
    "IdentifyingReference",
}


def _template(node: ast.expr, counter: list[int]) -> str | None:
    """The message's text with each variable part as {pN}; None when it is not written out here."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                text += str(part.value)
            else:
                text += f"{{p{counter[0]}}}"
                counter[0] += 1
        return text
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _template(node.left, counter) if _written(node.left) else _part(counter)
        right = _template(node.right, counter) if _written(node.right) else _part(counter)
        return left + right if left is not None and right is not None and _written(node) else None
    return None


def _written(node: ast.expr) -> bool:
    """Whether some of the words are written out here (a string, an f-string, or those joined with +)."""
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return isinstance(node, ast.JoinedStr) or isinstance(node.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _written(node.left) or _written(node.right)
    return False


def _part(counter: list[int]) -> str:
    """A variable part joined to written words (``exc.message + " More."``), as {pN}."""
    counter[0] += 1
    return f"{{p{counter[0] - 1}}}"


def _error_name(call: ast.Call) -> str | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return name if name in ERROR_NAMES else None


#: Calls (not raised) whose argument at this position, or keyword ``message``, is words a screen shows:
#: a problem in an imported file, and a sentence marked with strategy.tabular.reading.catalogued.
SHOWN_CALLS = {"add_problem": 2, "Problem": 2, "problem": 1, "catalogued": 0}
#: The preview's notes: ``X.notes.append(note)`` and ``X.notes.insert(i, note)``.
NOTE_METHODS = {"append": 0, "insert": 1}


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _shown(node: ast.AST) -> ast.expr | None:
    """The words a preview shows, written out at this node (a problem, a note, how the file was read)."""
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name in SHOWN_CALLS:
            keyword = next((k.value for k in node.keywords if k.arg == "message"), None)
            position = SHOWN_CALLS[name]
            return keyword if keyword is not None else node.args[position] if len(node.args) > position else None
        func = node.func
        if (
            name in NOTE_METHODS
            and isinstance(func, ast.Attribute)
            and (
                (isinstance(func.value, ast.Attribute) and func.value.attr == "notes")
                or (isinstance(func.value, ast.Name) and func.value.id == "notes")
            )
            and len(node.args) > NOTE_METHODS[name]
        ):
            return node.args[NOTE_METHODS[name]]
        keyword = next((k.value for k in node.keywords if k.arg == "read_as"), None)
        return keyword
    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "read_as" for t in node.targets):
        return node.value
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == "read_as":
        # read_as += "; more": the words so far are a message of their own, {p0}
        return ast.BinOp(left=ast.Name(id="read_as"), op=ast.Add(), right=node.value)
    return None


def _raised(node: ast.AST) -> ast.expr | None:
    if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
        return None
    call = node.exc
    name = _error_name(call)
    position = MESSAGE_ARGUMENT.get(name or "", 0)
    return call.args[position] if name is not None and len(call.args) > position else None


def _whole_template(node: ast.expr) -> str | None:
    """As _template, with a name standing for words said before (read_as += ...) as {p0}."""
    if isinstance(node, ast.BinOp) and isinstance(node.left, ast.Name) and node.left.id == "read_as":
        rest = _template(node.right, [1])
        return None if rest is None else "{p0}" + rest
    return _template(node, [0])


def _branches(node: ast.expr | None) -> list[ast.expr]:
    """A message, or each message a conditional chooses between (``"a" if x else "b"``)."""
    if node is None:
        return []
    if isinstance(node, ast.IfExp):
        return _branches(node.body) + _branches(node.orelse)
    return [node]


def messages_in_code(package_dir: Path = PACKAGE_DIR) -> dict[str, list[str]]:
    """Each message template the package raises or shows in an import's preview -> the files that
    write it (relative to the project)."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            message = _raised(node) or _shown(node)
            for branch in _branches(message):
                text = _whole_template(branch)
                if text is None or not any(ch.isalpha() for ch in text.replace("{p", "")):
                    continue
                where = str(path.relative_to(package_dir.parent))
                if where not in found[text]:
                    found[text].append(where)
    return dict(found)


def phrases_in_code(package_dir: Path = PACKAGE_DIR) -> set[str]:
    """The words the code fills into its messages: every ``what="..."`` given to a check (and each check's
    default), and the plan kinds' names (a ``KIND_WORDS`` dict, strategy.answers.welsh)."""
    found: set[str] = set()
    for path in sorted(package_dir.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "what":
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    found.add(node.value.value)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                if any(isinstance(target, ast.Name) and target.id == "KIND_WORDS" for target in node.targets):
                    found.update(v.value for v in node.value.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True):
                    if arg.arg == "what" and isinstance(default, ast.Constant) and isinstance(default.value, str):
                        found.add(default.value)
    return found


def catalogue_file_for(where: str) -> Path:
    """messages_LAYER.yaml: the messages of strategy/LAYER/ (the top-level modules' in messages_core)."""
    parts = Path(where).parts
    layer = parts[1] if len(parts) > 2 else "core"
    return INTERFACE_FILE.parent / f"messages_{layer}.yaml"


HEADER = """# The package's messages in Welsh: what a person who chose Cymraeg sees when the workbook refuses
# something or warns. FOR REVIEW BY A WELSH SPEAKER (the same terms as interface.yaml and
# documents.yaml). `en` is the message as the code writes it, each variable part as {p0}, {p1}...;
# `cy` has the same placeholders, in the order Welsh needs. `python -m strategy.core.message_sources`
# adds new messages (with an empty cy) and drops old ones; `where` says which file raises it.
"""


def write_catalogue() -> int:
    """Bring the catalogue files into line with the code; the Welsh already written is kept. Returns how
    many messages still have no Welsh."""
    welsh = {e["en"]: e.get("cy", "") for e in message_catalogue()}
    by_file: dict[Path, list[dict[str, str]]] = defaultdict(list)
    for text, files in messages_in_code().items():
        entry = {"en": text, "cy": welsh.get(text, ""), "where": ", ".join(files)}
        by_file[catalogue_file_for(files[0])].append(entry)
    for old in INTERFACE_FILE.parent.glob("messages_*.yaml"):
        if old not in by_file:
            old.unlink()
    for path, entries in by_file.items():
        body = yaml.safe_dump({"messages": entries}, allow_unicode=True, sort_keys=False, width=110)
        path.write_text(HEADER + body, encoding="utf-8")
    message_catalogue.cache_clear()
    return sum(1 for entries in by_file.values() for e in entries if not e["cy"])


if __name__ == "__main__":
    missing = write_catalogue()
    print(f"{missing} message(s) still need their Welsh.")
    sys.exit(0)
