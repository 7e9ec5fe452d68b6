# Out-parameters first (libseckit(3), API AND ABI): in every function the
# public headers in DIR declare (include/seckit; version.h.in read as
# version.h), no output parameter follows an input.  Prints
# "HEADER FUNCTION: OUTPUT after INPUT" for each one that does, and the
# number of declarations read on stderr.  Used by test-out-first.sh.
#
# The rule, parameter by parameter (seckit_error * last is neither):
#   output  a parameter named out or *_out; a pointer to a pointer that may
#           be written (T **, const T **, T *const **); a non-const pointer
#           to data (char *, size_t *, uint8_t *, unsigned *, a result
#           structure; not void * or FILE *); a non-const array (char etag[130]);
#   input   a const pointer (const char *, const T *, const char *const *),
#           void * and FILE *, a function pointer, and a value (int, size_t,
#           an enum) -- except a value right after an output, which is that
#           buffer's size (char *out, size_t cap);
#   neither the first parameter when it points to a seckit_ type: the object
#           the call acts on (seckit_aws *, a decryptor, a report), which
#           comes before the outputs.
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from public_decls import headers, declarations


def split_params(s):
    out, depth, cur = [], 0, ''
    for c in s:
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        if c == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
        else:
            cur += c
    if cur.strip():
        out.append(cur.strip())
    return out


def kind(i, p, prev):
    """'out', 'in' or '' for parameter number i, p its text, prev the kind
    of the one before it."""
    if '(' in p:
        return 'in'  # a function pointer
    if p in ('...', 'void'):
        return ''
    array = re.search(r'\[[^\]]*\]\s*$', p) is not None
    q = re.sub(r'\[[^\]]*\]\s*$', '', p).strip()
    m = re.search(r'(\w+)$', q)
    name = m.group(1) if m else ''
    decl = q[:m.start()] if m else q
    stars = decl.count('*')
    lead_const = re.match(r'\s*const\b', decl) is not None
    base = ' '.join(re.sub(r'\bconst\b|\bstruct\b|\*', ' ', decl).split())
    if base == 'seckit_error':
        return ''
    if name == 'out' or name.endswith('_out'):
        return 'out'
    if array:
        return 'in' if lead_const else 'out'
    if stars >= 2:
        last = decl.rfind('*')
        between = decl[decl.rfind('*', 0, last) + 1:last]
        return 'in' if 'const' in between else 'out'
    if stars == 1:
        if base in ('void', 'FILE'):
            return 'in'
        if base.startswith('seckit_') and i == 0:
            return ''
        return 'in' if lead_const else 'out'
    return '' if prev == 'out' else 'in'


def check(text, header):
    """The violations in one header's text, and how many functions it declares."""
    bad, seen = [], 0
    for name, _, params in declarations(text):
        seen += 1
        first_in, prev = None, ''
        for i, p in enumerate(split_params(params)):
            k = kind(i, p, prev)
            if k == 'out' and first_in is not None:
                bad.append('%s %s: %s after %s' % (header, name, p, first_in))
            if k == 'in' and first_in is None:
                first_in = p
            prev = k
    return bad, seen


total = 0
for h, text in headers(sys.argv[1]):
    bad, seen = check(text, h)
    total += seen
    for b in bad:
        print(b)
print(total, file=sys.stderr)
