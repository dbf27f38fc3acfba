#!/usr/bin/env python3
"""Lists the public symbols of Sources/DeepLearning that have no `///` doc comment.

A symbol is a declaration marked `public` or `open` (func, init, var, let, subscript, class, struct, enum,
protocol, typealias, operator functions) and every `case` of a public enum. Overrides are exempt (they
inherit the documentation of the declaration they override), and so are the members of `extension X: P {}`
blocks that only state a conformance. Attributes (`@inlinable`, `@discardableResult`, …) between the comment
and the declaration are skipped. Prints `file:line: declaration` for each undocumented symbol, then the
counts; exits 1 when any is undocumented (with --check).

Usage: Scripts/undocumented-public.py [--check] [root]
"""
import os
import re
import sys

DECL = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public|open)\s+(?!(?:import|extension)\b)')
OVERRIDE = re.compile(r'\boverride\b')
ENUM = re.compile(r'^\s*(?:@\w+\s+)*(?:public|open)\s+(?:indirect\s+)?enum\b')
CASE = re.compile(r'^\s*(?:indirect\s+)?case\s+\w')


def documented(lines, i):
    """Whether the declaration at line i has a `///` comment above it (attributes in between allowed)."""
    j = i - 1
    while j >= 0 and lines[j].strip().startswith('@'):
        j -= 1
    return j >= 0 and (lines[j].strip().startswith('///') or lines[j].strip().endswith('*/'))


def scan(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    missing, total = [], 0
    # A stack of the blocks we are in: True for the body of a public enum.
    stack, pending_enum = [], False
    for i, line in enumerate(lines):
        code = line.split('//')[0]
        in_public_enum = bool(stack) and stack[-1]
        symbol = False
        if DECL.match(line) and not OVERRIDE.search(line.split('(')[0]):
            symbol = True
        elif in_public_enum and CASE.match(line):
            symbol = True
        if symbol:
            total += 1
            if not documented(lines, i):
                missing.append((i + 1, line.strip()))
        if ENUM.match(line):
            pending_enum = True
        for ch in code:
            if ch == '{':
                stack.append(pending_enum)
                pending_enum = False
            elif ch == '}' and stack:
                stack.pop()
    return missing, total


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Sources', 'DeepLearning')
    all_missing, total = [], 0
    for directory, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith('.swift'):
                path = os.path.join(directory, name)
                missing, count = scan(path)
                total += count
                all_missing += [(os.path.relpath(path, os.path.join(root, '..', '..')), n, d) for n, d in missing]
    for path, n, decl in all_missing:
        print(f'{path}:{n}: {decl}')
    documented_count = total - len(all_missing)
    print(f'{len(all_missing)} of {total} public symbols undocumented ({documented_count / max(total, 1):.0%} documented)')
    if '--check' in sys.argv and all_missing:
        sys.exit(1)


if __name__ == '__main__':
    main()
