/* seckit/export.h - the attributes of libseckit's public declarations.
 *
 * libseckit.so is built with -fvisibility=hidden: a function is exported
 * only when a public header declares it with SECKIT_EXPORT, so the set of
 * exported symbols is exactly the set of functions include/seckit/ declares
 * (tests/lint/test-exported-symbols.sh checks both directions).
 *
 * SECKIT_MUST_CHECK marks the functions whose result is an error code (or a
 * pointer that is NULL on failure): ignoring it is a warning with gcc and
 * clang.
 */
#ifndef SECKIT_EXPORT_H
#define SECKIT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define SECKIT_EXPORT __attribute__((visibility("default")))
#define SECKIT_MUST_CHECK __attribute__((warn_unused_result))
#else
#define SECKIT_EXPORT
#define SECKIT_MUST_CHECK
#endif

#endif
