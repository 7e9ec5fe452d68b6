/* The error model: codes, categories and the caller-owned seckit_error. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "seckit/error.h"

void seckit_error_clear(seckit_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof(*err));
}

/* Messages are one line: control characters (newlines from a formatted
 * value, say) become spaces. */
static void flatten(char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            *s = ' ';
    }
}

static int set_va(seckit_error *err, int code, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;
static int set_va(seckit_error *err, int code, const char *fmt, va_list ap)
{
    if (err == NULL)
        return code;
    seckit_error_clear(err);
    err->code = code;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    flatten(err->message);
    return code;
}

int seckit_error_set(seckit_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_va(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int seckit_error_set_at(seckit_error *err, int code, seckit_position at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_va(err, code, fmt, ap);
    va_end(ap);
    if (err != NULL)
        err->position = at;
    return code;
}

void seckit_error_set_public(seckit_error *err, const char *fmt, ...)
{
    if (err == NULL || fmt == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->public_message, sizeof(err->public_message), fmt, ap);
    va_end(ap);
    flatten(err->public_message);
}

const char *seckit_error_public_message(const seckit_error *err)
{
    if (err == NULL || err->code == 0)
        return "";
    if (err->public_message[0] != '\0')
        return err->public_message;
    switch (seckit_error_category(err->code)) {
    case SECKIT_CAT_INPUT:
    case SECKIT_CAT_FORMAT: return "the request is malformed or not acceptable";
    case SECKIT_CAT_CRYPTO: return "the request could not be decrypted";
    default: return "the request could not be processed";
    }
}

void seckit_error_prefix(seckit_error *err, const char *context)
{
    char tmp[SECKIT_ERROR_MESSAGE_MAX];
    if (err == NULL || context == NULL || context[0] == '\0')
        return;
    /* Truncation of an over-long message is intended. */
    size_t n = strlen(context);
    if (n > sizeof(tmp) - 3)
        n = sizeof(tmp) - 3;
    memcpy(tmp, context, n);
    memcpy(tmp + n, ": ", 2);
    size_t room = sizeof(tmp) - n - 3;
    size_t m = strnlen(err->message, room);
    memcpy(tmp + n + 2, err->message, m);
    tmp[n + 2 + m] = '\0';
    memcpy(err->message, tmp, sizeof(tmp));
    flatten(err->message);
}

seckit_category seckit_error_category(int code)
{
    if (code == 0)
        return SECKIT_CAT_OK;
    switch (-code / 100) {
    case 1: return SECKIT_CAT_INPUT;
    case 2: return SECKIT_CAT_FORMAT;
    case 3: return SECKIT_CAT_CRYPTO;
    case 4: return SECKIT_CAT_IO;
    case 5: return SECKIT_CAT_NETWORK;
    case 6: return SECKIT_CAT_AWS;
    default: return SECKIT_CAT_INTERNAL;
    }
}

static const struct {
    int code;
    const char *name;
    const char *text;
} codes[] = {
    {SECKIT_OK, "SECKIT_OK", "success"},
    {SECKIT_EINVAL, "SECKIT_EINVAL", "invalid argument"},
    {SECKIT_ELIMIT, "SECKIT_ELIMIT", "limit exceeded"},
    {SECKIT_ENOTFOUND, "SECKIT_ENOTFOUND", "not found"},
    {SECKIT_EPOLICY, "SECKIT_EPOLICY", "refused by policy"},
    {SECKIT_EFORMAT, "SECKIT_EFORMAT", "malformed input"},
    {SECKIT_ETRUNCATED, "SECKIT_ETRUNCATED", "input ends early"},
    {SECKIT_EUNSUPPORTED, "SECKIT_EUNSUPPORTED", "not supported"},
    {SECKIT_EAUTH, "SECKIT_EAUTH", "authentication failed"},
    {SECKIT_ECRYPTO, "SECKIT_ECRYPTO", "cryptographic library failure"},
    {SECKIT_EIO, "SECKIT_EIO", "input/output error"},
    {SECKIT_ENOENT, "SECKIT_ENOENT", "no such file"},
    {SECKIT_EEXIST, "SECKIT_EEXIST", "file exists"},
    {SECKIT_EPERM, "SECKIT_EPERM", "permission problem"},
    {SECKIT_ENETWORK, "SECKIT_ENETWORK", "network failure"},
    {SECKIT_ETIMEOUT, "SECKIT_ETIMEOUT", "timed out"},
    {SECKIT_EAWS, "SECKIT_EAWS", "AWS service error"},
    {SECKIT_EAWSAUTH, "SECKIT_EAWSAUTH", "AWS credentials missing or invalid"},
    {SECKIT_EINTERNAL, "SECKIT_EINTERNAL", "internal error"},
    {SECKIT_ENOMEM, "SECKIT_ENOMEM", "out of memory"},
};

const char *seckit_strerror(int code)
{
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].code == code)
            return codes[i].text;
    return "unknown error";
}

const char *seckit_error_name(int code)
{
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].code == code)
            return codes[i].name;
    return "SECKIT_E?";
}
