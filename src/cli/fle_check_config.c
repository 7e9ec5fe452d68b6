/* seckit fle check-config: every problem of the configuration files. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/cli/cmd_fle.h"

/* ---- check-config */

int fle_run_check_config(int argc, char **argv)
{
    if (cli_help_asked(argc, argv, fle_usage))
        return EXIT_OK_;
    fle_config_files cf = {.n = 0};
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error(sub, "check-config takes FILE.json... and no option '%s'",
                                   argv[i]);
        if (fle_add_config_path(&cf, argv[i]) != 0)
            return EXIT_USAGE;
    }
    if (cf.n == 0)
        return cli_usage_error(sub, "check-config takes one or more FILE.json");
    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_config *cfg = NULL;
    size_t n_prob = 0;
    /* Every problem is printed as it is found; then a count. */
    int rc = fle_load_configs(&cf, 1, &cfg, NULL, &n_prob, &err);
    if (rc != 0) {
        if (n_prob == 0) /* a file could not be read: nothing was printed yet */
            return cli_fail(sub, &err);
        if (n_prob > 1)
            cli_message(sub, "%zu problems found", n_prob);
        return cli_exit_code(rc);
    }
    for (size_t i = 0; i < cf.n; i++)
        printf("%s%s", i ? ", " : "", cf.path[i]);
    printf(": valid: %zu profile%s (", seckit_fle_config_profile_count(cfg),
           seckit_fle_config_profile_count(cfg) == 1 ? "" : "s");
    for (size_t i = 0; i < seckit_fle_config_profile_count(cfg); i++)
        printf("%s%s", i ? ", " : "", seckit_fle_config_profile_name(cfg, i));
    printf(")%s\n", seckit_fle_config_has_config(cfg) ? ", with a FieldLevelEncryptionConfig"
                                                      : ", no FieldLevelEncryptionConfig");
    seckit_fle_config_free(cfg);
    return EXIT_OK_;
}
