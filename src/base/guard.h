/* Internal guard macros (s2n-tls style) used across libseckit.
 * Not installed; include as "src/base/guard.h". */
#ifndef SECKIT_GUARD_H
#define SECKIT_GUARD_H

#include "seckit/error.h"

/* Evaluate x (an int-returning call); return its code if negative. */
#define SKT_GUARD(x)                                                                               \
    do {                                                                                           \
        int skt_guard_rc_ = (x);                                                                   \
        if (skt_guard_rc_ < 0)                                                                     \
            return skt_guard_rc_;                                                                  \
    } while (0)

/* Evaluate x; return its value if it is not 0.  Only for callees that also
 * return a positive status that must travel up as well (crypto/fle_config.c's
 * REPORTED: "the problem was already reported"); SKT_GUARD would drop it. */
#define SKT_GUARD_NONZERO(x)                                                                       \
    do {                                                                                           \
        int skt_guard_rc_ = (x);                                                                   \
        if (skt_guard_rc_ != 0)                                                                    \
            return skt_guard_rc_;                                                                  \
    } while (0)

/* Evaluate x; on a negative code store it in rc and jump to label (cleanup). */
#define SKT_GUARD_GOTO(x, rc, label)                                                               \
    do {                                                                                           \
        (rc) = (x);                                                                                \
        if ((rc) < 0)                                                                              \
            goto label;                                                                            \
    } while (0)

/* Unless cond holds, set err and return code. */
#define SKT_ENSURE(cond, err, code, ...)                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return seckit_error_set((err), (code), __VA_ARGS__);                                   \
    } while (0)

/* Unless cond holds, set err, store code in rc and jump to label. */
#define SKT_ENSURE_GOTO(cond, err, rc, label, code, ...)                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            (rc) = seckit_error_set((err), (code), __VA_ARGS__);                                   \
            goto label;                                                                            \
        }                                                                                          \
    } while (0)

/* Argument checks at public entry points. */
#define SKT_ENSURE_ARG(cond, err)                                                                  \
    SKT_ENSURE((cond), (err), SECKIT_EINVAL, "%s: invalid argument (%s)", __func__, #cond)

#define SKT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
