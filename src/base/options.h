/* Versioned options structures (include/seckit/ *_options): the one check
 * every public function taking one makes, and the one check every
 * seckit_*_options_init() makes.  Not installed; include as
 * "src/base/options.h". */
#ifndef SECKIT_OPTIONS_H
#define SECKIT_OPTIONS_H

#include "seckit/error.h"

/* 0 when opts is NULL (the defaults) or its version member is one this
 * library knows (1 to known); else SECKIT_EINVAL with a message naming the
 * structure (name, e.g. "seckit_esdk_options") and the versions it knows.
 * opts points to the structure, whose first member is `unsigned int
 * version`. */
int skt_options_check(const void *opts, unsigned int known, const char *name, seckit_error *err);

/* For seckit_<name>_options_init(opts, version, err): SECKIT_EINVAL when
 * opts is NULL or version is not one this library knows (1 to known), else
 * 0 and the caller copies its SECKIT_<NAME>_OPTIONS_INIT into *opts. */
int skt_options_init_check(const void *opts, unsigned int version, unsigned int known,
                           const char *name, seckit_error *err);

#endif
