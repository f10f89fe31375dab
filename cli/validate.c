/* cli/validate.c — `caresim validate FILE [--set key=value ...]`: resolve a scenario and
 * print every key with its value, unit and origin (exit 0), or every problem (exit 2).
 * Also the scenario-loading helper the other subcommands share. Reads the scenario files;
 * writes only stdout and stderr.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/runner.h"
#include "models/care.h"
#include "models/params.h"
#include "models/reform.h"

void cli_print_diags(const struct sim_cfg *cfg, const char *path, FILE *out)
{
    size_t shown = sim_cfg_diag_count(cfg), total = sim_cfg_error_count(cfg);
    for (size_t i = 0; i < shown; i++)
        fprintf(out, "%s\n", sim_cfg_diag(cfg, i)->text);
    if (total == 0)
        return;
    fprintf(out, "caresim: %zu error%s in %s", total, total == 1 ? "" : "s", path);
    if (shown < total)
        fprintf(out, " (first %zu shown)", shown);
    fputc('\n', out);
}

struct sim_cfg *cli_load_scenario(const char *path, const char *const *sets, size_t nsets,
                                  FILE *err)
{
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    struct sim_cfg *cfg = sim_cfg_create(params_schema(), &e);
    if (!cfg) {
        fprintf(err, "caresim: %s\n", sim_err_format(&e, buf, sizeof buf));
        return NULL;
    }
    int rc = sim_cfg_resolve(cfg, path, sets, nsets, &e);
    if (rc == SIM_ENOMEM) {
        fprintf(err, "caresim: out of memory while reading %s\n", path);
    } else if (rc != 0 || sim_cfg_error_count(cfg) > 0) {
        cli_print_diags(cfg, path, err);
    } else {
        return cfg;
    }
    sim_cfg_destroy(cfg);
    return NULL;
}

static void validate_usage(FILE *out)
{
    fprintf(out, "usage: caresim validate FILE [--set key.path=value ...]\n"
                 "Checks a scenario file (with its chain of base files and any --set\n"
                 "overrides) and prints every key: value, unit and where it came from.\n"
                 "Exit status 0 when valid; 2 with every problem listed on stderr.\n");
}

int cli_validate(int argc, char **argv)
{
    const char *path = NULL;
    const char **sets = calloc((size_t)(argc > 0 ? argc : 1), sizeof *sets);
    size_t nsets = 0;
    int rc = CLI_EXIT_USAGE;
    if (!sets) {
        fprintf(stderr, "caresim validate: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            validate_usage(stdout);
            rc = CLI_EXIT_OK;
            goto out;
        } else if (strcmp(a, "--set") == 0 || strcmp(a, "-s") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caresim validate: %s needs key.path=value\n", a);
                goto usage;
            }
            sets[nsets++] = argv[++i];
        } else if (strncmp(a, "--set=", 6) == 0) {
            sets[nsets++] = a + 6;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "caresim validate: unknown option '%s'\n", a);
            goto usage;
        } else if (path) {
            fprintf(stderr, "caresim validate: one scenario file at a time (got '%s' and '%s')\n",
                    path, a);
            goto usage;
        } else {
            path = a;
        }
    }
    if (!path) {
        fprintf(stderr, "caresim validate: missing scenario file\n");
        goto usage;
    }
    /* Loaded as run loads it, so a reform.scenario file is checked too. */
    struct cli_scenario sc;
    rc = cli_scenario_load(&sc, "validate", path, sets, nsets);
    /* What the key ranges cannot check: combinations of keys (the model's own checks) and
     * the disease calibration (prevalence curves must not fall with age...). */
    if (rc == CLI_EXIT_OK) {
        struct sim_err e;
        char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
        sim_err_clear(&e);
        if (care_check_params(&sc.par, &e) != 0 ||
            (sc.reform_cfg && reform_check_params(&sc.par, &sc.reform_par, &e) != 0)) {
            fprintf(stderr, "caresim validate: %s: %s\n", path, sim_err_format(&e, buf, sizeof buf));
            rc = CLI_EXIT_USAGE;
        } else {
            rc = cli_scenario_prepare(&sc, "validate");
        }
    }
    int prc = rc == CLI_EXIT_OK ? sim_cfg_print(sc.cfg, stdout) : 0;
    if (prc != 0) {
        fprintf(stderr, "caresim validate: printing the scenario: %s\n",
                prc == SIM_EIO ? "write error" : sim_strerror(prc));
        rc = CLI_EXIT_FAIL;
    }
    if (rc == CLI_EXIT_OK && sc.reform_cfg)
        printf("reform.scenario: %s is valid\n", sc.par.reform.scenario);
    cli_scenario_fini(&sc);
    goto out;
usage:
    validate_usage(stderr);
out:
    free(sets);
    return rc;
}
