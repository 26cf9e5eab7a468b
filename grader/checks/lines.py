"""Which line of the student's function to show beside a wrong value.

A wrong value has no traceback, so the line is found in the function's source: the last line
that can have run and that changed the failing quantity (`dx = ...`, `self.dW = ...`,
`grads['W1'] = ...`, `dout[mask] = 0`). Two rules keep it honest: statements after a `return`
(or `raise`, `break`, `continue`) in the same block never ran and are never shown; and where a
quantity is only another name passed on (`dx = dout`), the line shown is the one that changed
that name, since the mistake cannot be in the copy.

Where the quantity is assigned on both sides of a branch, the lines the worker saw run (`ran`,
grader.ran_lines) choose among the candidates found here; without them, no line is claimed.
"""
from __future__ import annotations

import ast

_ENDS_BLOCK = (ast.Return, ast.Raise, ast.Break, ast.Continue)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def line_computing(fn: ast.FunctionDef, quantity: str | None, ran: set[int] | None = None) -> int | None:
    """The line number to show for `quantity` in `fn`, or None when the source cannot tell.
    `ran`: the lines of `fn` that ran in the call that gave the wrong value, when known."""
    statements = _reachable(fn.body)
    if ran:
        # Only what ran can have made the value (the def line itself is not a statement).
        statements = [(node, branch) for node, branch in statements if node.lineno in ran]
    returns = [node for node, _ in statements if isinstance(node, ast.Return)]
    if quantity:
        line = _last_change(statements, quantity)
        if line is not None:
            return line
        # `return dout` after `dout[self.mask] = 0`: the returned name is the quantity here.
        if len(returns) == 1 and isinstance(returns[0].value, ast.Name) and returns[0].value.id != quantity:
            line = _last_change(statements, returns[0].value.id)
            if line is not None:
                return line
    return returns[0].lineno if len(returns) == 1 else None


def _last_change(statements: list, quantity: str, before: int | None = None) -> int | None:
    assigned = [(node, branch) for node, branch in statements
                if _assigns(node, quantity) and (before is None or node.lineno < before)]
    # Assigned on two sides of a branch (one-hot or class labels, say) and nothing says which
    # ran: pointing at one side could blame the wrong one, so say less.
    if not assigned or len({branch for _, branch in assigned}) != 1:
        return None
    node = assigned[-1][0]
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and not all(
            isinstance(t, ast.Name) and t.id == node.value.id for t in node.targets):
        # `dx = dout` or `self.out = out`: only passed on; the value was made where that name was
        return _last_change(statements, node.value.id, before=node.lineno) or node.lineno
    return node.lineno


def _reachable(body: list) -> list:
    """Every statement that can run, each with the branch it sits in (its block's owner)."""
    found: list = []

    def visit(block: list, branch) -> None:
        for node in block:
            found.append((node, branch))
            if not isinstance(node, _SCOPES):
                for part in ("body", "orelse", "finalbody"):
                    inner = getattr(node, part, None)
                    if isinstance(inner, list):
                        visit(inner, (id(node), part))
                for handler in getattr(node, "handlers", []) or []:
                    visit(handler.body, (id(node), id(handler)))
            if _ends(node):
                return  # what follows in this block never runs

    visit(body, None)
    return found


def _ends(node) -> bool:
    if isinstance(node, _ENDS_BLOCK):
        return True
    if isinstance(node, ast.If):
        return bool(node.body and node.orelse) and _ends(node.body[-1]) and _ends(node.orelse[-1])
    return False


def _assigns(node, quantity: str) -> bool:
    if isinstance(node, ast.Assign):
        return any(_names(t, quantity) for t in node.targets)
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return _names(node.target, quantity)
    return False


def _names(target, quantity: str) -> bool:
    if isinstance(target, ast.Name):
        return target.id == quantity
    if isinstance(target, ast.Attribute):
        return target.attr == quantity
    if isinstance(target, ast.Subscript):  # out[mask] = 0, grads['W1'] = ...
        key = target.slice
        return (isinstance(key, ast.Constant) and key.value == quantity) or _names(target.value, quantity)
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_names(t, quantity) for t in target.elts)
    return False
