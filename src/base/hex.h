#ifndef SECKIT_BASE_HEX_H
#define SECKIT_BASE_HEX_H
/* One hex digit's value, either case; -1 for anything else (a negative char
 * included).  Inline: every parser of percent escapes and hex strings calls
 * it per character. */
static inline int skt_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
