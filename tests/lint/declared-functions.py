# Prints "HEADER NAME" for every function the public headers in DIR
# (include/seckit; version.h.in read as version.h) declare: comments,
# preprocessor lines, typedefs and function-pointer declarations left out.  Used by test-man-covers-api.sh
# and test-exported-symbols.sh.
import os, re, sys
d = sys.argv[1]
names = os.listdir(d)
for f in sorted(names):
    # version.h is made by configure from version.h.in (in the build tree,
    # or beside it in an in-tree build): read the template once.
    if f.endswith('.h.in'):
        h = f[:-3]
    elif f.endswith('.h') and f + '.in' not in names:
        h = f
    else:
        continue
    t = open(os.path.join(d, f), encoding='utf-8').read()
    t = re.sub(r'/\*.*?\*/', ' ', t, flags=re.S)
    t = re.sub(r'//[^\n]*', ' ', t)
    t = re.sub(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', ' ', t, flags=re.M)
    for stmt in re.split(r'[;{}]', t):
        if re.search(r'\btypedef\b', stmt):
            continue
        m = re.search(r'\b(seckit_\w+)\s*\(', stmt)
        if m and not re.search(r'\(\s*\*\s*seckit_\w+\s*\)', stmt):
            print(h, m.group(1))
