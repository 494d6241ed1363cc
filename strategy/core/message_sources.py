"""The package's messages as the code writes them: every ``raise SomeError("...")`` whose message is
written out (a string, an f-string, or those joined with +), as a template for the Welsh catalogue
(data/language/messages_*.yaml, read by strategy.core.interface.message_in).

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
        left = _template(node.left, counter)
        right = _template(node.right, counter) if left is not None else None
        return left + right if left is not None and right is not None else None
    return None


def _error_name(call: ast.Call) -> str | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return name if name in ERROR_NAMES else None


def messages_in_code(package_dir: Path = PACKAGE_DIR) -> dict[str, list[str]]:
    """Each message template the package raises -> the files that raise it (relative to the project)."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            call = node.exc
            name = _error_name(call)
            position = MESSAGE_ARGUMENT.get(name or "", 0)
            if name is None or len(call.args) <= position:
                continue
            text = _template(call.args[position], [0])
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
