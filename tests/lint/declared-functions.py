# Prints "HEADER NAME" for every function the public headers in DIR
# (include/seckit) declare, as public_decls.py reads them.  Used by
# test-man-covers-api.sh and test-exported-symbols.sh.
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from public_decls import headers, declarations

for h, text in headers(sys.argv[1]):
    for name, _, _ in declarations(text):
        print(h, name)
