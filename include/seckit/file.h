/* seckit/file.h - files that never end up half-written, and key-file checks. */
#ifndef SECKIT_FILE_H
#define SECKIT_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "seckit/export.h"
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

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_atomic_open(seckit_atomic_file **out, const char *path,
                                                       mode_t mode, unsigned flags,
                                                       seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_atomic_write(seckit_atomic_file *f, const void *p,
                                                        size_t n, seckit_error *err);
/* The temporary file's descriptor, for callers that stream into it. */
SECKIT_EXPORT int seckit_atomic_fd(const seckit_atomic_file *f);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_atomic_commit(seckit_atomic_file *f, seckit_error *err);
/* Remove the temporary file and free f (a no-op after commit).  f may be NULL. */
SECKIT_EXPORT void seckit_atomic_abort(seckit_atomic_file *f);

/* Whole-buffer convenience over the above. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_file_write_atomic(const char *path, const void *p,
                                                             size_t n, mode_t mode, unsigned flags,
                                                             seckit_error *err);

/* Read a whole file of at most max bytes into a malloc'd buffer (with a NUL
 * after the data, not counted).  SECKIT_ELIMIT past max. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_file_read(uint8_t **out, size_t *out_len, const char *path, size_t max, seckit_error *err);

/* Key files are opened once, and every check is made on what was opened
 * (fstat of the descriptor, and the folder of the file it really is), so a
 * file swapped after the check is never the one read.  Symlinks are
 * followed (Kubernetes mounts secrets as symlinks into a "..data" folder):
 * what counts is the file opened.  Refused, SECKIT_EPERM with a message
 * saying what to fix, unless allow_insecure is non-zero (then only "not a
 * regular file" is refused):
 *   - not a regular file;
 *   - owned by a user other than the caller (effective uid) or root;
 *   - readable or writable by group or others (`chmod 600 PATH`);
 *   - in a folder that another user could use to swap the key, as
 *     OpenSSH's StrictModes: the folder the file is named in and the folder
 *     it resolves to, and every folder above them, must be owned by the
 *     caller or root and not writable by group or others unless the sticky
 *     bit is set (as /tmp, or a Kubernetes secret volume). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_keyfile_check(const char *path, int allow_insecure,
                                                         seckit_error *err);

/* The file checks above on an open descriptor (regular, owner, mode; no
 * folder checks).  path is only used in messages. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_keyfile_check_fd(int fd, const char *path,
                                                            int allow_insecure, seckit_error *err);

/* The folder checks above for a folder of key files (such as --keys-dir):
 * it and every folder above it (after resolving symlinks). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_keydir_check(const char *dir, seckit_error *err);

/* Open the key file once, make seckit_keyfile_check's checks on the open
 * file, and read it (at most max bytes) into guarded secret memory; free
 * the result with seckit_secret_free(). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_keyfile_read(uint8_t **out, size_t *out_len,
                                                        const char *path, int allow_insecure,
                                                        size_t max, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
