/* Atomic file writes, whole-file reads and key-file permission checks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/base/guard.h"
#include "seckit/file.h"
#include "seckit/version.h"
#include "seckit/secret.h"

struct seckit_atomic_file {
    char *path;     /* destination */
    char *tmp_path; /* temporary file beside it */
    int fd;
    unsigned flags;
};

static int errno_code(int e)
{
    switch (e) {
    case ENOENT: return SECKIT_ENOENT;
    case EEXIST: return SECKIT_EEXIST;
    case EACCES:
    case EPERM: return SECKIT_EPERM;
    case ENOMEM: return SECKIT_ENOMEM;
    default: return SECKIT_EIO;
    }
}

static int io_error(seckit_error *err, const char *what, const char *path, int e)
{
    return seckit_error_set(err, errno_code(e), "%s %s: %s", what, path, strerror(e));
}

/* The folder of path, as a malloc'd string. */
static char *dir_of(const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return NULL;
    char *d = strdup(dirname(copy));
    free(copy);
    return d;
}

int seckit_atomic_open(seckit_atomic_file **out, const char *path, mode_t mode, unsigned flags,
                       seckit_error *err)
{
    *out = NULL;
    SKT_ENSURE(!(path == NULL || path[0] == '\0'), err, SECKIT_EINVAL, "no output file name given");
    struct stat st;
    SKT_ENSURE(!(!(flags & SECKIT_FILE_OVERWRITE) && lstat(path, &st) == 0), err, SECKIT_EEXIST,
               "%s already exists (use --force to overwrite it)", path);
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return seckit_error_set(err, SECKIT_EIO, "%s is a directory", path);

    seckit_atomic_file *f = calloc(1, sizeof(*f));
    SKT_ENSURE(f != NULL, err, SECKIT_ENOMEM, "out of memory");
    f->fd = -1;
    f->flags = flags;
    f->path = strdup(path);
    size_t n = strlen(path) + 32;
    f->tmp_path = malloc(n);
    if (f->path == NULL || f->tmp_path == NULL) {
        seckit_atomic_abort(f);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    /* A hidden name beside the destination, so rename() stays on one file
     * system; O_EXCL with a fresh name per try. */
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(f->tmp_path, n, "%s.tmp-%ld-%d", path, (long)getpid(), attempt);
        f->fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
        if (f->fd >= 0 || errno != EEXIST)
            break;
    }
    if (f->fd < 0) {
        int e = errno;
        free(f->tmp_path);
        f->tmp_path = NULL; /* nothing to remove */
        seckit_atomic_abort(f);
        return io_error(err, "cannot create a temporary file beside", path, e);
    }
    /* The umask may have narrowed the mode; set exactly what was asked. */
    if (fchmod(f->fd, mode & 07777) != 0) {
        int e = errno;
        seckit_atomic_abort(f);
        return io_error(err, "cannot set the mode of", path, e);
    }
    *out = f;
    return 0;
}

int seckit_atomic_write(seckit_atomic_file *f, const void *p, size_t n, seckit_error *err)
{
    const unsigned char *b = p;
    while (n > 0) {
        ssize_t w = write(f->fd, b, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return io_error(err, "cannot write", f->path, errno);
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

int seckit_atomic_fd(const seckit_atomic_file *f)
{
    return f->fd;
}

int seckit_atomic_commit(seckit_atomic_file *f, seckit_error *err)
{
    int rc = 0;
    if (fsync(f->fd) != 0) {
        rc = io_error(err, "cannot flush", f->path, errno);
        goto fail;
    }
    if (close(f->fd) != 0) {
        f->fd = -1;
        rc = io_error(err, "cannot close", f->path, errno);
        goto fail;
    }
    f->fd = -1;
    if (!(f->flags & SECKIT_FILE_OVERWRITE)) {
        /* link() fails if the destination appeared meanwhile: no silent overwrite. */
        if (link(f->tmp_path, f->path) != 0) {
            int e = errno;
            SKT_ENSURE_GOTO(e != EEXIST, err, rc, fail, SECKIT_EEXIST,
                            "%s already exists (use --force to overwrite it)", f->path);
            if (rename(f->tmp_path, f->path) != 0) { /* file systems without hard links */
                rc = io_error(err, "cannot rename into", f->path, errno);
                goto fail;
            }
        } else {
            unlink(f->tmp_path);
        }
    } else if (rename(f->tmp_path, f->path) != 0) {
        rc = io_error(err, "cannot rename into", f->path, errno);
        goto fail;
    }
    free(f->tmp_path);
    f->tmp_path = NULL;
    /* Make the rename itself durable. */
    char *dir = dir_of(f->path);
    if (dir != NULL) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    seckit_atomic_abort(f);
    return 0;
fail:
    seckit_atomic_abort(f);
    return rc;
}

void seckit_atomic_abort(seckit_atomic_file *f)
{
    if (f == NULL)
        return;
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp_path != NULL) {
        unlink(f->tmp_path);
        free(f->tmp_path);
    }
    free(f->path);
    free(f);
}

int seckit_file_write_atomic(const char *path, const void *p, size_t n, mode_t mode, unsigned flags,
                             seckit_error *err)
{
    seckit_atomic_file *f;
    int rc = seckit_atomic_open(&f, path, mode, flags, err);
    SKT_GUARD(rc);
    rc = seckit_atomic_write(f, p, n, err);
    if (rc != 0) {
        seckit_atomic_abort(f);
        return rc;
    }
    return seckit_atomic_commit(f, err);
}

/* Read fd to the end into buf (allocated by alloc, released by release). */
static int read_all(int fd, const char *path, size_t max, int secret, uint8_t **out,
                    size_t *out_len, seckit_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return io_error(err, "cannot read", path, errno);
    SKT_ENSURE(!S_ISDIR(st.st_mode), err, SECKIT_EIO, "%s is a directory", path);
    if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max)
        return seckit_error_set(err, SECKIT_ELIMIT, "%s is larger than the limit of %zu bytes",
                                path, max);
    /* Regular files are read into a buffer of their size; pipes grow. */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 4096;
    if (cap > max + 1)
        cap = max + 1;
    uint8_t *buf = secret ? seckit_secret_alloc(cap) : malloc(cap);
    SKT_ENSURE(buf != NULL, err, SECKIT_ENOMEM, "out of memory");
    size_t len = 0;
    for (;;) {
        if (len + 1 >= cap) {
            if (len >= max) {
                /* Full at the limit: over it only if there is more to read. */
                uint8_t probe;
                ssize_t r;
                do
                    r = read(fd, &probe, 1);
                while (r < 0 && errno == EINTR);
                if (r == 0)
                    break;
                secret ? seckit_secret_free(buf) : free(buf);
                if (r < 0)
                    return io_error(err, "cannot read", path, errno);
                return seckit_error_set(err, SECKIT_ELIMIT,
                                        "%s is larger than the limit of %zu bytes", path, max);
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            uint8_t *nb = secret ? seckit_secret_alloc(ncap) : malloc(ncap);
            if (nb == NULL) {
                secret ? seckit_secret_free(buf) : free(buf);
                return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            }
            memcpy(nb, buf, len);
            secret ? seckit_secret_free(buf) : free(buf);
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            secret ? seckit_secret_free(buf) : free(buf);
            return io_error(err, "cannot read", path, e);
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

static int read_path(const char *path, size_t max, int secret, uint8_t **out, size_t *out_len,
                     seckit_error *err)
{
    *out = NULL;
    *out_len = 0;
    SKT_ENSURE(path != NULL, err, SECKIT_EINVAL, "no file name given");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return io_error(err, "cannot open", path, errno);
    int rc = read_all(fd, path, max, secret, out, out_len, err);
    close(fd);
    return rc;
}

int seckit_file_read(uint8_t **out, size_t *out_len, const char *path, size_t max,
                     seckit_error *err)
{
    return read_path(path, max, 0, out, out_len, err);
}

int seckit_keyfile_check_fd(int fd, const char *path, int allow_insecure, seckit_error *err)
{
    struct stat st;
    if (path == NULL)
        path = "(key file)";
    if (fstat(fd, &st) != 0)
        return io_error(err, "cannot read key file", path, errno);
    SKT_ENSURE(S_ISREG(st.st_mode), err, SECKIT_EPERM, "key file %s is not a regular file", path);
    if (allow_insecure)
        return 0;
    SKT_ENSURE(!(st.st_uid != 0 && st.st_uid != geteuid()), err, SECKIT_EPERM,
               "key file %s is owned by another user (uid %lu); it must be "
               "owned by you or root (or pass --allow-insecure-key-file)",
               path, (unsigned long)st.st_uid);
    SKT_ENSURE((st.st_mode & (S_IRWXG | S_IRWXO)) == 0, err, SECKIT_EPERM,
               "key file %s is accessible by group or others (mode %04o); "
               "run 'chmod 600 %s' (or pass --allow-insecure-key-file)",
               path, (unsigned)(st.st_mode & 07777), path);
    return 0;
}

/* One folder on the way to a key file: owned by root or the user, and not
 * writable by others unless sticky (as /tmp, or a Kubernetes secret
 * volume), so nobody else can swap a key file or a symlink in it. */
static int check_one_dir(const char *dir, const char *shown, seckit_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return io_error(err, "cannot check the folder", dir, errno);
    SKT_ENSURE(S_ISDIR(st.st_mode), err, SECKIT_EPERM, "%s is not a folder", dir);
    SKT_ENSURE(!(st.st_uid != 0 && st.st_uid != geteuid()), err, SECKIT_EPERM,
               "folder %s (holding %s) is owned by another user (uid %lu), "
               "who could swap the key; it must be owned by you or root (or "
               "pass --allow-insecure-key-file)",
               dir, shown, (unsigned long)st.st_uid);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
        return seckit_error_set(err, SECKIT_EPERM,
                                "folder %s (holding %s) is writable by group or others (mode "
                                "%04o), so someone else could swap the key; run 'chmod go-w "
                                "%s' (or pass --allow-insecure-key-file)",
                                dir, shown, (unsigned)(st.st_mode & 07777), dir);
    return 0;
}

/* dir (an absolute path without symlinks) and every folder above it. */
static int check_dir_chain(const char *dir, const char *shown, seckit_error *err)
{
    char *p = strdup(dir);
    SKT_ENSURE(p != NULL, err, SECKIT_ENOMEM, "out of memory");
    int rc = 0;
    for (;;) {
        if ((rc = check_one_dir(p[0] ? p : "/", shown, err)) != 0)
            break;
        char *slash = strrchr(p, '/');
        if (slash == NULL || p[0] == '\0' || (slash == p && p[1] == '\0'))
            break;
        if (slash == p)
            slash[1] = '\0'; /* "/x" -> "/" */
        else
            *slash = '\0';
    }
    free(p);
    return rc;
}

/* The folders of `path` (the one it is named in, resolved) and of the file
 * fd actually is (after any symlinks), with all the folders above them. */
static int check_key_dirs(int fd, const char *path, seckit_error *err)
{
    char *copy = strdup(path);
    SKT_ENSURE(copy != NULL, err, SECKIT_ENOMEM, "out of memory");
    char *named = realpath(dirname(copy), NULL);
    free(copy);
    if (named == NULL)
        return io_error(err, "cannot resolve the folder of", path, errno);
    int rc = check_dir_chain(named, path, err);
    free(named);
    SKT_GUARD(rc);
    /* The file that was opened (Linux names it in /proc); else by path. */
    char link[64], target[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    char *real = NULL;
    if (n > 0 && (size_t)n < sizeof(target) - 1 && target[0] == '/') {
        target[n] = '\0';
        real = strdup(target);
    } else {
        real = realpath(path, NULL);
    }
    if (real == NULL)
        return io_error(err, "cannot resolve", path, errno);
    char *slash = strrchr(real, '/');
    if (slash == real)
        slash[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    rc = check_dir_chain(real, path, err);
    free(real);
    return rc;
}

int seckit_keydir_check(const char *dir, seckit_error *err)
{
    SKT_ENSURE(dir != NULL, err, SECKIT_EINVAL, "no keys folder given");
    char *real = realpath(dir, NULL);
    if (real == NULL)
        return io_error(err, "cannot open the keys folder", dir, errno);
    int rc = check_dir_chain(real, dir, err);
    free(real);
    return rc;
}

/* Open a key file once; everything is checked on what was opened. */
static int keyfile_open(const char *path, int allow_insecure, int *out_fd, seckit_error *err)
{
    *out_fd = -1;
    SKT_ENSURE(path != NULL, err, SECKIT_EINVAL, "no key file name given");
    /* O_NONBLOCK: a FIFO put in place of the key must not hang the open. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return io_error(err, "cannot open key file", path, errno);
    int rc = seckit_keyfile_check_fd(fd, path, allow_insecure, err);
    if (rc == 0 && !allow_insecure)
        rc = check_key_dirs(fd, path, err);
    if (rc == 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
            rc = io_error(err, "cannot read key file", path, errno);
    }
    if (rc != 0) {
        close(fd);
        return rc;
    }
    *out_fd = fd;
    return 0;
}

int seckit_keyfile_check(const char *path, int allow_insecure, seckit_error *err)
{
    int fd;
    int rc = keyfile_open(path, allow_insecure, &fd, err);
    if (rc == 0)
        close(fd);
    return rc;
}

int seckit_keyfile_read(uint8_t **out, size_t *out_len, const char *path, int allow_insecure,
                        size_t max, seckit_error *err)
{
    *out = NULL;
    *out_len = 0;
    int fd;
    int rc = keyfile_open(path, allow_insecure, &fd, err);
    SKT_GUARD(rc);
    rc = read_all(fd, path, max, 1, out, out_len, err);
    close(fd);
    return rc;
}
