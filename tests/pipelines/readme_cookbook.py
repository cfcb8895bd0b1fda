#!/usr/bin/env python3
"""Runs every ```console block of the README's Cookbook on the demo data and checks that each
command prints what the README shows under it, so the README cannot drift from what runs.

    readme_cookbook.py README DEMO_DIR            check (exit 1 on any difference)
    readme_cookbook.py README DEMO_DIR --update   rewrite the shown outputs from real runs

In a block, a line starting with "$ " is a command; the lines after it are its output. A last
output line of "…" means the real output goes on: only the lines shown are compared, and
--update keeps showing that many.
"""
import difflib
import re
import subprocess
import sys

ELLIPSIS = "…"


def cookbook_span(text):
    start = text.index("\n## Cookbook\n")
    end = text.find("\n## ", start + 1)
    return start, (len(text) if end < 0 else end)


def parse_block(lines):
    """[(command, [output lines], truncated)] for the lines inside one console block."""
    runs = []
    for line in lines:
        if line.startswith("$ "):
            runs.append([line[2:], [], False])
        elif runs:
            runs[-1][1].append(line)
    for run in runs:
        if run[1] and run[1][-1] == ELLIPSIS:
            run[1].pop()
            run[2] = True
    return runs


def run(command, demo_dir):
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=demo_dir,
                          capture_output=True, text=True, errors="replace", timeout=120)
    if proc.returncode != 0 or proc.stderr:
        raise RuntimeError(f"`{command}` exited {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout.splitlines()


def main():
    readme, demo_dir = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    text = open(readme, encoding="utf-8").read()
    start, end = cookbook_span(text)
    section = text[start:end].split("\n")
    out, failures, checked = [], 0, 0
    i = 0
    while i < len(section):
        out.append(section[i])
        if section[i] != "```console":
            i += 1
            continue
        j = section.index("```", i + 1)
        for command, shown, truncated in parse_block(section[i + 1:j]):
            checked += 1
            try:
                got = run(command, demo_dir)
            except RuntimeError as error:
                print(f"FAIL: {error}", file=sys.stderr)
                failures += 1
                got = shown
            want = got[:len(shown)] if truncated else got
            if want != shown and not update:
                failures += 1
                print(f"FAIL: README shows other output for `{command}`:", file=sys.stderr)
                sys.stderr.writelines(line + "\n" for line in difflib.unified_diff(
                    shown, want, "README", "actual", lineterm="", n=1))
            out.append("$ " + command)
            out.extend(want)
            if truncated:
                out.append(ELLIPSIS)
        out.append("```")
        i = j + 1
    if update:
        with open(readme, "w", encoding="utf-8") as f:
            f.write(text[:start] + "\n".join(out) + text[end:])
    if checked == 0:
        print("FAIL: no console blocks in the README's Cookbook", file=sys.stderr)
        return 1
    print(f"readme_cookbook: {checked} commands, {failures} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
