/* Atomic writes, reads and key-file checks. */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seckit/file.h"
#include "seckit/version.h"
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
    CHECK_OK(seckit_file_read(p, 100, &data, &len, &err), &err);
    CHECK(len == 6 && memcmp(data, "secret", 6) == 0 && data[6] == '\0');
    free(data);
    CHECK_OK(seckit_file_write_atomic(p, "other", 5, 0600, SECKIT_FILE_OVERWRITE, &err), &err);
    CHECK_OK(seckit_file_read(p, 100, &data, &len, &err), &err);
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
    CHECK_OK(seckit_file_read(path_in("c.out"), 100, &data, &len, &err), &err);
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
    CHECK_RC(seckit_file_read(path_in("big"), 9, &data, &len, &err), SECKIT_ELIMIT);
    CHECK_OK(seckit_file_read(path_in("big"), 10, &data, &len, &err), &err);
    CHECK(len == 10);
    free(data);
    CHECK_RC(seckit_file_read(path_in("missing"), 10, &data, &len, &err), SECKIT_ENOENT);
    CHECK(data == NULL);
    CHECK_RC(seckit_file_read(dir, 10, &data, &len, &err), SECKIT_EIO);
}

static void test_read_pipe(void)
{
    /* Non-regular files grow their buffer as they are read. */
    seckit_error err;
    uint8_t *data;
    size_t len;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "mkfifo '%s/fifo' && (head -c 10000 /dev/zero > '%s/fifo' &)",
             dir, dir);
    if (system(cmd) != 0) {
        SKIP("test_read_pipe", "mkfifo failed");
        return;
    }
    CHECK_OK(seckit_file_read(path_in("fifo"), 20000, &data, &len, &err), &err);
    CHECK(len == 10000);
    free(data);
    snprintf(cmd, sizeof(cmd), "(head -c 10000 /dev/zero > '%s/fifo' &)", dir);
    CHECK(system(cmd) == 0);
    CHECK_RC(seckit_file_read(path_in("fifo"), 5000, &data, &len, &err), SECKIT_ELIMIT);
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
    CHECK_OK(seckit_keyfile_read(p, 0, 100, &data, &len, &err), &err);
    CHECK(len == 3 && memcmp(data, "KEY", 3) == 0);
    seckit_secret_free(data);
    CHECK(chmod(p, 0640) == 0);
    CHECK_RC(seckit_keyfile_check(p, 0, &err), SECKIT_EPERM);
    CHECK(strstr(err.message, "chmod 600") != NULL);
    CHECK(strstr(err.message, "0640") != NULL);
    CHECK_RC(seckit_keyfile_read(p, 0, 100, &data, &len, &err), SECKIT_EPERM);
    CHECK_OK(seckit_keyfile_check(p, 1, &err), &err);
    CHECK(chmod(p, 0604) == 0);
    CHECK_RC(seckit_keyfile_check(p, 0, &err), SECKIT_EPERM);
    CHECK_RC(seckit_keyfile_check(dir, 1, &err), SECKIT_EPERM);
    CHECK_RC(seckit_keyfile_check(path_in("nope"), 0, &err), SECKIT_ENOENT);
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
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("FAIL cleanup: %s\n", cmd);
    TEST_EXIT();
}
