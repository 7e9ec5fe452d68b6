/* Baseline for tests/bench/bench-policy.sh: read every *.json file under the
 * folders given (recursively, as `seckit policy lint` walks them) and parse
 * each with cJSON, nothing else.  Prints "N files, N bytes, N parsed".
 * Built by the benchmark script itself; not part of `make`. */
#define _DEFAULT_SOURCE
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long files, parsed;
static unsigned long long bytes;

static void parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
        fclose(f);
        return;
    }
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len + 1);
    if (buf == NULL || fread(buf, 1, len, f) != len) {
        free(buf);
        fclose(f);
        return;
    }
    fclose(f);
    buf[len] = '\0';
    cJSON *doc = cJSON_ParseWithLength(buf, len);
    files++;
    bytes += len;
    if (doc != NULL)
        parsed++;
    cJSON_Delete(doc);
    free(buf);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void walk(const char *dir)
{
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, by_name);
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        char path[4096];
        struct stat st;
        if (name[0] != '.' &&
            (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path) &&
            stat(path, &st) == 0) {
            size_t l = strlen(name);
            if (S_ISDIR(st.st_mode))
                walk(path);
            else if (l > 5 && strcmp(name + l - 5, ".json") == 0)
                parse_file(path);
        }
        free(ents[i]);
    }
    free(ents);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            walk(argv[i]);
        else
            parse_file(argv[i]);
    }
    printf("%lu files, %llu bytes, %lu parsed\n", files, bytes, parsed);
    return parsed == files ? 0 : 1;
}
