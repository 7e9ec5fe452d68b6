# The functions the public headers declare, read one way for every lint
# test that needs them (declared-functions.py, out-first.py,
# test-must-check.sh): comments, preprocessor lines, typedefs and
# function-pointer declarations are left out, and version.h.in is read as
# version.h (configure makes version.h from it).
import os, re


def headers(d):
    """(header name, text) for each public header in folder d, by name."""
    names = os.listdir(d)
    for f in sorted(names):
        if f.endswith('.h.in'):
            h = f[:-3]
        elif f.endswith('.h') and f + '.in' not in names:
            h = f
        else:
            continue
        with open(os.path.join(d, f), encoding='utf-8') as fh:
            yield h, fh.read()


def declarations(text):
    """(name, return words, parameter list text) for each function declared."""
    t = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    t = re.sub(r'//[^\n]*', ' ', t)
    t = re.sub(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', ' ', t, flags=re.M)
    for stmt in re.split(r'[;{}]', t):
        if re.search(r'\btypedef\b', stmt):
            continue
        m = re.search(r'\b(seckit_\w+)\s*\(', stmt)
        if not m or re.search(r'\(\s*\*', stmt[:m.start()]):
            continue
        rest = stmt[m.end():]
        depth, j = 1, 0
        while depth and j < len(rest):
            depth += {'(': 1, ')': -1}.get(rest[j], 0)
            j += 1
        yield m.group(1), stmt[:m.start()].split(), ' '.join(rest[:j - 1].split())
