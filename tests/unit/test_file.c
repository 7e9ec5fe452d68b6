/* Atomic writes, reads and key-file checks. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seckit/file.h"
#include "seckit/version.h"
#include "seckit/secret.h"
#include "testlib.h"

static char dir[256];

static const char *path_in(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

static int count_entries(void)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p != NULL) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void test_atomic_write_and_mode(void)
{
    seckit_error err;
    struct stat st;
    const char *p = path_in("a.pem");
    mode_t old = umask(0);
    CHECK_OK(seckit_file_write_atomic(p, "secret", 6, 0600, 0, &err), &err);
    umask(old);
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == 6);
    CHECK(count_entries() == 1); /* no temporary file left behind */
}

static void test_refuses_overwrite(void)
{
    seckit_error err;
    const char *p = path_in("a.pem");
    uint8_t *data;
    size_t len;
    CHECK_RC(seckit_file_write_atomic(p, "other", 5, 0600, 0, &err), SECKIT_EEXIST);
    CHECK(strstr(err.message, "--force") != NULL);
    CHECK_OK(seckit_file_read(&data, &len, p, 100, &err), &err);
    CHECK(len == 6 && memcmp(data, "secret", 6) == 0 && data[6] == '\0');
    free(data);
    CHECK_OK(seckit_file_write_atomic(p, "other", 5, 0600, SECKIT_FILE_OVERWRITE, &err), &err);
    CHECK_OK(seckit_file_read(&data, &len, p, 100, &err), &err);
    CHECK(len == 5 && memcmp(data, "other", 5) == 0);
    free(data);
}

static void test_abort_leaves_nothing(void)
{
    seckit_error err;
    seckit_atomic_file *f;
    int before = count_entries();
    CHECK_OK(seckit_atomic_open(&f, path_in("b.out"), 0644, 0, &err), &err);
    CHECK_OK(seckit_atomic_write(f, "partial", 7, &err), &err);
    CHECK(count_entries() == before + 1);
    CHECK(access(path_in("b.out"), F_OK) != 0); /* not visible under its name */
    seckit_atomic_abort(f);
    CHECK(count_entries() == before);
    seckit_atomic_abort(NULL);
}

static void test_commit_refuses_racing_file(void)
{
    seckit_error err;
    seckit_atomic_file *f;
    CHECK_OK(seckit_atomic_open(&f, path_in("c.out"), 0644, 0, &err), &err);
    CHECK_OK(seckit_atomic_write(f, "new", 3, &err), &err);
    CHECK_OK(seckit_file_write_atomic(path_in("c.out"), "first", 5, 0644, 0, &err), &err);
    CHECK_RC(seckit_atomic_commit(f, &err), SECKIT_EEXIST);
    uint8_t *data;
    size_t len;
    CHECK_OK(seckit_file_read(&data, &len, path_in("c.out"), 100, &err), &err);
    CHECK(len == 5 && memcmp(data, "first", 5) == 0);
    free(data);
}

static void test_write_errors(void)
{
    seckit_error err;
    CHECK_RC(seckit_file_write_atomic("/nonexistent-dir/x", "a", 1, 0600, 0, &err), SECKIT_ENOENT);
    CHECK(strstr(err.message, "/nonexistent-dir/x") != NULL);
    CHECK_RC(seckit_file_write_atomic(dir, "a", 1, 0600, SECKIT_FILE_OVERWRITE, &err), SECKIT_EIO);
    CHECK_RC(seckit_file_write_atomic("", "a", 1, 0600, 0, &err), SECKIT_EINVAL);
}

static void test_read_limits(void)
{
    seckit_error err;
    uint8_t *data;
    size_t len;
    CHECK_OK(seckit_file_write_atomic(path_in("big"), "0123456789", 10, 0644, 0, &err), &err);
    CHECK_RC(seckit_file_read(&data, &len, path_in("big"), 9, &err), SECKIT_ELIMIT);
    CHECK_OK(seckit_file_read(&data, &len, path_in("big"), 10, &err), &err);
    CHECK(len == 10);
    free(data);
    CHECK_RC(seckit_file_read(&data, &len, path_in("missing"), 10, &err), SECKIT_ENOENT);
    CHECK(data == NULL);
    CHECK_RC(seckit_file_read(&data, &len, dir, 10, &err), SECKIT_EIO);
}

static void test_read_pipe(void)
{
    /* Non-regular files grow their buffer as they are read. */
    seckit_error err;
    uint8_t *data;
    size_t len;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "mkfifo '%s/fifo' && (head -c 10000 /dev/zero > '%s/fifo' &)", dir,
             dir);
    if (system(cmd) != 0) {
        SKIP("test_read_pipe", "mkfifo failed");
        return;
    }
    CHECK_OK(seckit_file_read(&data, &len, path_in("fifo"), 20000, &err), &err);
    CHECK(len == 10000);
    free(data);
    snprintf(cmd, sizeof(cmd), "(head -c 10000 /dev/zero > '%s/fifo' &)", dir);
    CHECK(system(cmd) == 0);
    CHECK_RC(seckit_file_read(&data, &len, path_in("fifo"), 5000, &err), SECKIT_ELIMIT);
    unlink(path_in("fifo"));
}

static void test_keyfile_check(void)
{
    seckit_error err;
    const char *p = path_in("key.pem");
    uint8_t *data;
    size_t len;
    CHECK_OK(seckit_file_write_atomic(p, "KEY", 3, 0600, 0, &err), &err);
    CHECK_OK(seckit_keyfile_check(p, 0, &err), &err);
    CHECK_OK(seckit_keyfile_read(&data, &len, p, 0, 100, &err), &err);
    CHECK(len == 3 && memcmp(data, "KEY", 3) == 0);
    seckit_secret_free(data);
    CHECK(chmod(p, 0640) == 0);
    CHECK_RC(seckit_keyfile_check(p, 0, &err), SECKIT_EPERM);
    CHECK(strstr(err.message, "chmod 600") != NULL);
    CHECK(strstr(err.message, "0640") != NULL);
    CHECK_RC(seckit_keyfile_read(&data, &len, p, 0, 100, &err), SECKIT_EPERM);
    CHECK_OK(seckit_keyfile_check(p, 1, &err), &err);
    CHECK(chmod(p, 0604) == 0);
    CHECK_RC(seckit_keyfile_check(p, 0, &err), SECKIT_EPERM);
    CHECK_RC(seckit_keyfile_check(dir, 1, &err), SECKIT_EPERM);
    CHECK_RC(seckit_keyfile_check(path_in("nope"), 0, &err), SECKIT_ENOENT);
}

static const char *path2(const char *a, const char *b)
{
    static char buf[768];
    snprintf(buf, sizeof(buf), "%s/%s/%s", dir, a, b);
    return buf;
}

static int write_key(const char *p, const char *text, mode_t mode)
{
    seckit_error err;
    return seckit_file_write_atomic(p, text, strlen(text), mode, SECKIT_FILE_OVERWRITE, &err);
}

/* The checks are made on the open descriptor: a mode or a file changed
 * after the open is what is checked, and what is read is what was checked. */
static void test_keyfile_fd_checks(void)
{
    seckit_error err;
    const char *p = path_in("fd.pem");
    CHECK(write_key(p, "GOOD", 0600) == 0);
    int fd = open(p, O_RDONLY);
    CHECK(fd >= 0);
    CHECK_OK(seckit_keyfile_check_fd(fd, p, 0, &err), &err);
    /* Swapped by path after the open: the descriptor still is the checked
     * file, and reading it gives the checked bytes. */
    char evil[512];
    snprintf(evil, sizeof(evil), "%s", path_in("evil.pem"));
    CHECK(write_key(evil, "EVIL", 0644) == 0);
    CHECK(rename(evil, p) == 0);
    CHECK_OK(seckit_keyfile_check_fd(fd, p, 0, &err), &err);
    char buf[8] = {0};
    CHECK(read(fd, buf, sizeof(buf) - 1) == 4 && strcmp(buf, "GOOD") == 0);
    close(fd);
    /* ... and the path now names the insecure file, refused by path too. */
    CHECK_RC(seckit_keyfile_check(p, 0, &err), SECKIT_EPERM);
    /* A mode changed on the open file is seen through the descriptor. */
    CHECK(write_key(p, "KEY", 0600) == 0);
    fd = open(p, O_RDONLY);
    CHECK(fd >= 0 && fchmod(fd, 0640) == 0);
    CHECK_RC(seckit_keyfile_check_fd(fd, p, 0, &err), SECKIT_EPERM);
    CHECK(strstr(err.message, "0640") != NULL);
    CHECK_OK(seckit_keyfile_check_fd(fd, p, 1, &err), &err);
    /* Owned by another user (needs root to arrange). */
    if (geteuid() == 0) {
        CHECK(fchmod(fd, 0600) == 0 && fchown(fd, 65534, 65534) == 0);
        CHECK_RC(seckit_keyfile_check_fd(fd, p, 0, &err), SECKIT_EPERM);
        CHECK(strstr(err.message, "owned by another user (uid 65534)") != NULL);
        CHECK_RC(seckit_keyfile_check(p, 0, &err), SECKIT_EPERM);
    } else {
        printf("# not root: the other-owner case is not tested\n");
    }
    close(fd);
    unlink(p);
    /* Not a regular file: refused even when insecure files are allowed,
     * and a FIFO does not hang the open. */
    CHECK(mkfifo(path_in("fifo.pem"), 0600) == 0);
    CHECK_RC(seckit_keyfile_check(path_in("fifo.pem"), 1, &err), SECKIT_EPERM);
    CHECK(strstr(err.message, "not a regular file") != NULL);
    unlink(path_in("fifo.pem"));
    CHECK_RC(seckit_keyfile_check_fd(-1, p, 0, &err), SECKIT_EIO);
}

/* Folders: refused when another user could swap the key (as OpenSSH's
 * StrictModes), with sticky folders, symlinks and Kubernetes' layout kept
 * working. */
static void test_keyfile_folders(void)
{
    seckit_error err;
    uint8_t *data = NULL;
    size_t len = 0;
    char d[512], p[768];
    snprintf(d, sizeof(d), "%s", path_in("keys"));
    CHECK(mkdir(d, 0755) == 0);
    snprintf(p, sizeof(p), "%s", path2("keys", "k.pem"));
    CHECK(write_key(p, "KEY", 0600) == 0);
    CHECK_OK(seckit_keyfile_read(&data, &len, p, 0, 100, &err), &err);
    seckit_secret_free(data);
    CHECK_OK(seckit_keydir_check(d, &err), &err);
    /* Group-writable folder: refused, for the file and the folder. */
    CHECK(chmod(d, 0775) == 0);
    CHECK_RC(seckit_keyfile_read(&data, &len, p, 0, 100, &err), SECKIT_EPERM);
    CHECK(data == NULL);
    CHECK(strstr(err.message, "is writable by group or others (mode 0775)") != NULL);
    CHECK(strstr(err.message, "chmod go-w") != NULL);
    CHECK_RC(seckit_keydir_check(d, &err), SECKIT_EPERM);
    CHECK_OK(seckit_keyfile_check(p, 1, &err), &err); /* --allow-insecure-key-file */
    /* World-writable with the sticky bit (as /tmp): accepted. */
    CHECK(chmod(d, 01777) == 0);
    CHECK_OK(seckit_keyfile_check(p, 0, &err), &err);
    CHECK_OK(seckit_keydir_check(d, &err), &err);
    /* Owned by another user: refused (needs root to arrange). */
    CHECK(chmod(d, 0755) == 0);
    if (geteuid() == 0) {
        CHECK(chown(d, 65534, 65534) == 0);
        CHECK_RC(seckit_keyfile_check(p, 0, &err), SECKIT_EPERM);
        CHECK(strstr(err.message, "owned by another user") != NULL);
        CHECK(chown(d, 0, 0) == 0);
    }
    CHECK_OK(seckit_keyfile_check(p, 0, &err), &err);
    /* A symlink to a key in a safe folder: what counts is the file opened. */
    CHECK(symlink(p, path_in("link.pem")) == 0);
    CHECK_OK(seckit_keyfile_read(&data, &len, path_in("link.pem"), 0, 100, &err), &err);
    CHECK(len == 3 && memcmp(data, "KEY", 3) == 0);
    seckit_secret_free(data);
    /* ... but the target's folder counts too. */
    CHECK(chmod(d, 0777) == 0);
    CHECK_RC(seckit_keyfile_check(path_in("link.pem"), 0, &err), SECKIT_EPERM);
    CHECK(chmod(d, 0755) == 0);
    /* ... and so does the folder the symlink is in (the link could be swapped). */
    char open_dir[512], lnk[768];
    snprintf(open_dir, sizeof(open_dir), "%s", path_in("open"));
    CHECK(mkdir(open_dir, 0755) == 0 && chmod(open_dir, 0770) == 0);
    snprintf(lnk, sizeof(lnk), "%s", path2("open", "k.pem"));
    CHECK(symlink(p, lnk) == 0);
    CHECK_RC(seckit_keyfile_check(lnk, 0, &err), SECKIT_EPERM);
    CHECK(strstr(err.message, "mode 0770") != NULL);

    /* Kubernetes secret volume: a sticky root folder, the files in a
     * timestamped folder, "..data" -> it, and each key -> ..data/key. */
    char k8s[512], ts[768], tsdir[800], tp[1024];
    snprintf(k8s, sizeof(k8s), "%s", path_in("k8s"));
    CHECK(mkdir(k8s, 0755) == 0 && chmod(k8s, 01777) == 0);
    snprintf(ts, sizeof(ts), "%s/..2026_12_07_02_00_00.123456789", k8s);
    CHECK(mkdir(ts, 0755) == 0);
    snprintf(tsdir, sizeof(tsdir), "%s/FLEDemo", ts);
    CHECK(mkdir(tsdir, 0755) == 0);
    snprintf(tp, sizeof(tp), "%s/DemoPublicKey.pem", tsdir);
    CHECK(write_key(tp, "K8S", 0400) == 0);
    snprintf(tp, sizeof(tp), "%s/..data", k8s);
    CHECK(symlink("..2026_12_07_02_00_00.123456789", tp) == 0);
    snprintf(tp, sizeof(tp), "%s/FLEDemo", k8s);
    CHECK(symlink("..data/FLEDemo", tp) == 0);
    snprintf(tp, sizeof(tp), "%s/FLEDemo/DemoPublicKey.pem", k8s);
    CHECK_OK(seckit_keyfile_read(&data, &len, tp, 0, 100, &err), &err);
    CHECK(len == 3 && memcmp(data, "K8S", 3) == 0);
    seckit_secret_free(data);
    CHECK_OK(seckit_keydir_check(k8s, &err), &err);
    CHECK_RC(seckit_keydir_check(path_in("none"), &err), SECKIT_ENOENT);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "%s/seckit-file-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(dir) == NULL) {
        printf("FAIL setup: mkdtemp\n");
        return 1;
    }
    TEST(test_atomic_write_and_mode);
    TEST(test_refuses_overwrite);
    TEST(test_abort_leaves_nothing);
    TEST(test_commit_refuses_racing_file);
    TEST(test_write_errors);
    TEST(test_read_limits);
    TEST(test_read_pipe);
    TEST(test_keyfile_check);
    TEST(test_keyfile_fd_checks);
    TEST(test_keyfile_folders);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("FAIL cleanup: %s\n", cmd);
    TEST_EXIT();
}
