/* libFuzzer target: the FLE form codec (crypto/fle_form.c).
 * Properties: no crash or leak; a body that parses serialises back to the
 * same bytes; setting every value to its own decoded value gives a body
 * that parses to the same names and values.  The lenient parse accepts
 * every body, serialises it back to the same bytes, and agrees with the
 * strict parse (every field strict) on what the strict parse accepts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "seckit/fle.h"
#include "seckit/version.h"
#include "seckit/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lenient(const uint8_t *data, size_t size, int strict_ok, const seckit_form *strict)
{
    seckit_error err;
    seckit_form *l = NULL;
    char *out = NULL;
    size_t n = 0;
    if (seckit_form_parse_ex(&l, data, size, 0, SECKIT_FORM_LENIENT, &err) != 0) {
        if (err.code != SECKIT_ENOMEM && err.code != SECKIT_ELIMIT)
            abort();
        return;
    }
    if (seckit_form_serialize(l, &out, &n, &err) != 0 || n != size ||
        (size > 0 && memcmp(out, data, size) != 0))
        abort();
    seckit_secret_free(out);
    size_t count = seckit_form_count(l);
    for (size_t i = 0; i < count; i++) {
        const char *raw;
        size_t rl, nrl, bad = (size_t)-1;
        if (seckit_form_field_raw(l, &raw, &rl, &nrl, i) != 0 || nrl > rl)
            abort();
        int st = seckit_form_field_is_strict(l, &bad, i);
        if (!st && (bad >= size || (strict_ok && strict != NULL)))
            abort();
        if (strict_ok) {
            const char *a, *b, *c, *d;
            size_t al, bl, cl, dl;
            /* Every index below the count can be read. */
            if (seckit_form_field(l, &a, &al, &b, &bl, NULL, i) != 0 ||
                seckit_form_field(strict, &c, &cl, &d, &dl, NULL, i) != 0)
                abort();
            if (al != cl || bl != dl || memcmp(a, c, al) != 0 || memcmp(b, d, bl) != 0)
                abort();
        }
    }
    if (strict_ok && count != seckit_form_count(strict))
        abort();
    seckit_form_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seckit_error err;
    seckit_form *f = NULL, *g = NULL;
    char *out = NULL, *out2 = NULL;
    size_t n = 0, n2 = 0;
    if (seckit_form_parse(&f, data, size, 0, &err) != 0) {
        lenient(data, size, 0, NULL);
        return 0;
    }
    lenient(data, size, 1, f);
    if (seckit_form_serialize(f, &out, &n, &err) != 0 || n != size ||
        (size > 0 && memcmp(out, data, size) != 0))
        abort();
    seckit_secret_free(out);
    size_t count = seckit_form_count(f);
    for (size_t i = 0; i < count; i++) {
        const char *v;
        size_t vl;
        int has;
        if (seckit_form_field(f, NULL, NULL, &v, &vl, &has, i) != 0)
            abort();
        if (!has)
            continue;
        /* v is replaced by the call; copy it first. */
        char *copy = malloc(vl + 1);
        if (copy == NULL)
            break;
        memcpy(copy, v, vl);
        if (seckit_form_set_value(f, i, copy, vl, &err) != 0)
            abort();
        free(copy);
    }
    if (seckit_form_serialize(f, &out2, &n2, &err) != 0)
        abort();
    if (seckit_form_parse(&g, out2, n2, n2 + 1, &err) != 0 || seckit_form_count(g) != count)
        abort();
    for (size_t i = 0; i < count; i++) {
        const char *a, *b, *c, *d;
        size_t al, bl, cl, dl;
        if (seckit_form_field(f, &a, &al, &b, &bl, NULL, i) != 0 ||
            seckit_form_field(g, &c, &cl, &d, &dl, NULL, i) != 0)
            abort();
        if (al != cl || bl != dl || memcmp(a, c, al) != 0 || memcmp(b, d, bl) != 0)
            abort();
    }
    seckit_secret_free(out2);
    seckit_form_free(g);
    seckit_form_free(f);
    return 0;
}
