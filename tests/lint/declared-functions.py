# Prints "HEADER NAME" for every function the public headers in DIR
# (include/seckit) declare: comments, preprocessor lines, typedefs and
# function-pointer declarations left out.  Used by test-man-covers-api.sh
# and test-exported-symbols.sh.
import os, re, sys
d = sys.argv[1]
for h in sorted(os.listdir(d)):
    if not h.endswith('.h'):
        continue
    t = open(os.path.join(d, h), encoding='utf-8').read()
    t = re.sub(r'/\*.*?\*/', ' ', t, flags=re.S)
    t = re.sub(r'//[^\n]*', ' ', t)
    t = re.sub(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', ' ', t, flags=re.M)
    for stmt in re.split(r'[;{}]', t):
        if re.search(r'\btypedef\b', stmt):
            continue
        m = re.search(r'\b(seckit_\w+)\s*\(', stmt)
        if m and not re.search(r'\(\s*\*\s*seckit_\w+\s*\)', stmt):
            print(h, m.group(1))
