/* seckit/file.h - files that never end up half-written, and key-file checks. */
#ifndef SECKIT_FILE_H
#define SECKIT_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags for atomic writes. */
#define SECKIT_FILE_OVERWRITE 0x1u /* replace an existing destination */

/* An atomic file: writes go to a temporary file in the destination's folder
 * (created with the final mode from the start, so a 0600 file is never
 * readable by others, even briefly); commit() fsyncs it, renames it over the
 * destination and fsyncs the folder.  abort() (or free() before commit)
 * removes the temporary file: the destination is never half-written. */
typedef struct seckit_atomic_file seckit_atomic_file;

int seckit_atomic_open(seckit_atomic_file **out, const char *path, mode_t mode,
                       unsigned flags, seckit_error *err);
int seckit_atomic_write(seckit_atomic_file *f, const void *p, size_t n, seckit_error *err);
/* The temporary file's descriptor, for callers that stream into it. */
int seckit_atomic_fd(const seckit_atomic_file *f);
int seckit_atomic_commit(seckit_atomic_file *f, seckit_error *err);
/* Remove the temporary file and free f (a no-op after commit).  f may be NULL. */
void seckit_atomic_abort(seckit_atomic_file *f);

/* Whole-buffer convenience over the above. */
int seckit_file_write_atomic(const char *path, const void *p, size_t n, mode_t mode,
                             unsigned flags, seckit_error *err);

/* Read a whole file of at most max bytes into a malloc'd buffer (with a NUL
 * after the data, not counted).  SECKIT_ELIMIT past max. */
int seckit_file_read(const char *path, size_t max, uint8_t **out, size_t *out_len,
                     seckit_error *err);

/* Refuse a private-key file that is not a regular file or that group or
 * others can read or write (SECKIT_EPERM, with a message saying to run
 * `chmod 600 PATH`), unless allow_insecure is non-zero. */
int seckit_keyfile_check(const char *path, int allow_insecure, seckit_error *err);

/* seckit_keyfile_check, then seckit_file_read into guarded secret memory;
 * free the result with seckit_secret_free(). */
int seckit_keyfile_read(const char *path, int allow_insecure, size_t max, uint8_t **out,
                        size_t *out_len, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
