#!/usr/bin/env python3
"""Mutation testing: `make mutants` (see docs/testing.md).

Each line of tools/mutants.txt names a small mistake (a flipped comparison,
a dropped call, an index off by one, swapped colour channels, an ignored
dash, opacity or width) and the tests that should notice it. Every mistake
is made alone in a scratch copy of the tree, the copy is rebuilt, and the
tests are run; a mutant is caught when one of them fails (or hangs). The
score is the share caught.

    tools/mutants.py [--jobs N] [--list FILE] [WORD...]

WORDs keep only the mutants whose description contains one of them.
Prints one line a mutant and the score, writes the same to
build/mutants.txt, and exits 1 below 90 %.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOAL = 90.0
TIMEOUT = 300  # seconds for one test; longer counts as a hang, so caught


def read_list(path):
    mutants = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = line.split(" :: ")
            if len(cells) != 5:
                sys.exit(f"{path}:{number}: want 5 cells separated by ' :: ', "
                         f"found {len(cells)}")
            name, file, old, new, tests = cells
            mutants.append({
                "line": number, "name": name.strip(), "file": file.strip(),
                "old": old.replace("\\n", "\n"), "new": new.replace("\\n", "\n"),
                "tests": tests.split()})
    return mutants


def copy_tree(dest):
    """The working tree's files (tracked and new) and its build, with their
    times, so the copy rebuilds only what a mutant touches."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    names = [f.decode() for f in files if f and os.path.exists(os.path.join(ROOT, f.decode()))]
    names += ["build", "controlmap"]
    tar = subprocess.Popen(["tar", "-C", ROOT, "-cf", "-", "--null", "-T", "-"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    untar = subprocess.Popen(["tar", "-C", dest, "-xf", "-"], stdin=tar.stdout)
    tar.stdin.write("\0".join(names).encode())
    tar.stdin.close()
    tar.stdout.close()
    if untar.wait() or tar.wait():
        sys.exit("cannot copy the tree")


def targets(tests):
    out = {"controlmap"}
    for t in tests:
        if t.startswith("test_"):
            out.add(f"build/tests/{t}")
        else:  # a command-line script: the tool and its helpers
            out.update({"build/tests/mkfixtures", "build/tests/test_svg"})
    return sorted(out)


def run_test(tree, test):
    env = dict(os.environ, CONTROLMAP="./controlmap", BUILD="build")
    env.pop("CI", None)
    cmd = [f"build/tests/{test}"] if test.startswith("test_") else ["sh", f"tests/{test}.sh"]
    try:
        r = subprocess.run(cmd, cwd=tree, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=TIMEOUT)
        return r.returncode
    except subprocess.TimeoutExpired:
        return "hang"


def try_mutant(tree, m):
    path = os.path.join(tree, m["file"])
    with open(path, encoding="utf-8") as f:
        original = f.read()
    count = original.count(m["old"])
    if count != 1:
        return "stale", f"the text is found {count} times in {m['file']}"
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original.replace(m["old"], m["new"]))
        built = subprocess.run(["make", "-s"] + targets(m["tests"]), cwd=tree,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if built.returncode:
            return "stale", "does not build"
        for t in m["tests"]:
            rc = run_test(tree, t)
            if rc:
                return "caught", t + (" (hangs)" if rc == "hang" else "")
        return "survived", "by " + " ".join(m["tests"])
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("MUTANT_JOBS", "2")))
    ap.add_argument("--list", default=os.path.join(ROOT, "tools", "mutants.txt"))
    ap.add_argument("words", nargs="*")
    args = ap.parse_args()
    mutants = read_list(args.list)
    if args.words:
        mutants = [m for m in mutants if any(w in m["name"] for w in args.words)]
    if not mutants:
        sys.exit("no mutants")
    if subprocess.run(["make", "-s", "tests"], cwd=ROOT).returncode:
        sys.exit("the tree does not build")
    scratch = tempfile.mkdtemp(prefix="controlmap-mutants-")
    jobs = max(1, min(args.jobs, len(mutants)))
    trees = []
    for j in range(jobs):
        tree = os.path.join(scratch, f"tree{j}")
        os.mkdir(tree)
        copy_tree(tree)
        trees.append(tree)
    start = time.time()
    results = [None] * len(mutants)

    def worker(j):
        for i in range(j, len(mutants), jobs):
            results[i] = try_mutant(trees[j], mutants[i])
            m = mutants[i]
            print(f"{results[i][0]:8} {m['name']} ({m['file']}): {results[i][1]}", flush=True)

    try:
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            list(pool.map(worker, range(jobs)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    caught = sum(r[0] == "caught" for r in results)
    survived = [m for m, r in zip(mutants, results) if r[0] == "survived"]
    stale = [m for m, r in zip(mutants, results) if r[0] == "stale"]
    scored = caught + len(survived)
    score = 100.0 * caught / scored if scored else 0.0
    lines = [f"{r[0]:8} {m['name']} ({m['file']}): {r[1]}" for m, r in zip(mutants, results)]
    summary = (f"{len(mutants)} mutants: {caught} caught, {len(survived)} survived, "
               f"{len(stale)} stale; score {score:.1f} % (goal {GOAL:.0f} %), "
               f"{time.time() - start:.0f} s")
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "mutants.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines + [summary]) + "\n")
    for m in survived:
        print(f"survivor: {m['name']} (tools/mutants.txt:{m['line']})")
    for m in stale:
        print(f"stale: {m['name']} (tools/mutants.txt:{m['line']}): fix its line")
    print(summary)
    return 0 if score >= GOAL and not stale else 1


if __name__ == "__main__":
    sys.exit(main())
