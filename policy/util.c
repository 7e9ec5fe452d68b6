/* policy/: arena allocator and string builder (no I/O). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"

#define ARENA_BLOCK 16384u

struct skt_arena_block {
    skt_arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

void skt_arena_init(skt_arena *a)
{
    a->head = NULL;
    a->total = 0;
    a->borrowed = NULL;
}

void skt_arena_init_buf(skt_arena *a, void *buf, size_t size)
{
    skt_arena_init(a);
    const uintptr_t align = (uintptr_t) _Alignof(max_align_t);
    uintptr_t at = ((uintptr_t)buf + align - 1) & ~(align - 1);
    size_t lost = (size_t)(at - (uintptr_t)buf);
    if (size < lost + sizeof(skt_arena_block) + 64)
        return;
    skt_arena_block *b = (skt_arena_block *)at;
    b->next = NULL;
    b->used = 0;
    b->cap = size - lost - sizeof(*b);
    a->head = a->borrowed = b;
}

void skt_arena_free(skt_arena *a)
{
    skt_arena_block *b = a->head;
    while (b != NULL) {
        skt_arena_block *n = b->next;
        if (b != a->borrowed)
            free(b);
        b = n;
    }
    a->head = NULL;
    a->total = 0;
    a->borrowed = NULL;
}

/* n bytes (not zeroed), 16-byte aligned. */
static void *arena_take(skt_arena *a, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0)
        n = 16;
    if (n > SIZE_MAX / 2)
        return NULL;
    skt_arena_block *b = a->head;
    if (b == NULL || b->cap - b->used < n) {
        /* blocks grow from 1 KiB to ARENA_BLOCK: small policies stay cheap */
        size_t want = b == NULL ? 1024u : (b->cap * 2 > ARENA_BLOCK ? ARENA_BLOCK : b->cap * 2);
        size_t cap = n > want ? n : want;
        skt_arena_block *nb = malloc(sizeof(*nb) + cap);
        if (nb == NULL)
            return NULL;
        nb->used = 0;
        nb->cap = cap;
        if (b != NULL && n > ARENA_BLOCK) {
            /* big one-off block: keep the current block in front */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    a->total += n;
    return p;
}

void *skt_arena_alloc(skt_arena *a, size_t n)
{
    void *p = arena_take(a, n);
    if (p != NULL)
        memset(p, 0, n);
    return p;
}

void *skt_arena_alloc_raw(skt_arena *a, size_t n)
{
    return arena_take(a, n);
}

char *skt_arena_strndup(skt_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = arena_take(a, n + 1); /* every byte written below */
    if (p == NULL)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *skt_arena_strdup(skt_arena *a, const char *s)
{
    return skt_arena_strndup(a, s, strlen(s));
}

char *skt_arena_printf(skt_arena *a, const char *fmt, ...)
{
    va_list ap;
    char tmp[512];
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    if ((size_t)n < sizeof(tmp))
        return skt_arena_strndup(a, tmp, (size_t)n);
    char *p = skt_arena_alloc(a, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void skt_sb_init(skt_sb *b, size_t limit)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->limit = limit;
    b->failed = 0;
}

void skt_sb_free(skt_sb *b)
{
    free(b->data);
    skt_sb_init(b, b->limit);
}

void skt_sb_put(skt_sb *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (n > b->limit || b->len > b->limit - n) {
        b->failed = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void skt_sb_str(skt_sb *b, const char *s)
{
    skt_sb_put(b, s, strlen(s));
}

void skt_sb_printf(skt_sb *b, const char *fmt, ...)
{
    va_list ap;
    char tmp[1024];
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof(tmp)) {
        skt_sb_put(b, tmp, (size_t)n);
        return;
    }
    char *p = malloc((size_t)n + 1);
    if (p == NULL) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    skt_sb_put(b, p, (size_t)n);
    free(p);
}

void skt_sb_json_str(skt_sb *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    /* 1: a byte written as an escape ('"', '\\', control bytes, DEL) */
    static const unsigned char esc_byte[128] = {
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    };
    skt_sb_put(b, "\"", 1);
    size_t run = 0; /* start of the bytes not written yet */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || !esc_byte[c])
            continue;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t elen = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
        }
        skt_sb_put(b, s + run, i - run);
        skt_sb_put(b, esc, elen);
        run = i + 1;
    }
    skt_sb_put(b, s + run, n - run);
    skt_sb_put(b, "\"", 1);
}

size_t skt_put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
