/* tests/fuzz/fuzz_scenario.c — fuzz target for the scenario loader: the input is written as a
 * scenario file and loaded the way `caresim validate` and `run` load it (cli_scenario_load:
 * libconfig parse, the key table's checks, the `base` chain, reform.scenario,
 * run.warm_start; then care_check_params and the disease tables of cli_scenario_prepare).
 * Lines of the input that start with "#--set " (comments to libconfig) give --set
 * assignments, as on the command line.
 * Every distribution-valued key is then sampled as psa and sweep sample it (quantiles and
 * random draws stored back into the parameters), and a valid scenario gets a tiny model run.
 *
 * The input lives in a private temporary directory (and its parent) that hold symbolic links
 * to every entry of ./scenarios and to ./scenarios, ./tests and ./build themselves, so
 * `base = "base.cfg"` of a gallery file, `"../base.cfg"` of a teaching one and `base =
 * "scenarios/teaching/base.cfg"` all resolve: run from the repository root.
 *
 * Building the disease tables (the calibration) takes most of a second under the
 * sanitizers, far more than everything else, so the tables of the last valid scenario are
 * kept and reused while the input leaves what they are built from (disease, mortality and
 * utility: models/disease.c reads nothing else) unchanged; any change rebuilds them through
 * cli_scenario_prepare.
 *
 * The model run is clamped so that one input stays well under a second: at most
 * FUZZ_PERSONS persons, a horizon of FUZZ_HORIZON_YEARS and no warm-up, a reform's switch
 * (reform.at_years) moved in proportion to the horizon. A scenario with a warm
 * start keeps its size and is only created, not run: the end state it starts from was
 * checked against its own population, which the clamp would change. The standard streams are left alone: the libFuzzer
 * driver silences them (-close_fd_mask), the regression test redirects them.
 */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "cli/cli.h"
#include "cli/runner.h"
#include "models/care.h"
#include "models/disease.h"
#include "models/model.h"
#include "models/params.h"
#include "sim/config.h"
#include "sim/err.h"

#define FUZZ_PERSONS 20          /* most persons of the clamped run */
#define FUZZ_HORIZON_YEARS 0.05  /* horizon of the clamped run (about 18 days) */
#define FUZZ_MAX_DIST_KEYS 256   /* distribution keys sampled per input */
#define FUZZ_MAX_SETS 8          /* --set assignments taken from the input */

/* The private directory, its subdirectory the input is written to, and the input's path,
 * made once per process. */
static char fz_dir[PATH_MAX];
static char fz_sub[PATH_MAX + 8];
static char fz_input[PATH_MAX + 32];

/* Removes the links (and the input) in dir, then dir. */
static void fz_empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        char p[PATH_MAX + 256];
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static void fz_remove_dir(void)
{
    fz_empty_dir(fz_sub);
    fz_empty_dir(fz_dir);
}

/* Links dir/name to target (an absolute path); existing names are kept. */
static void fz_link(const char *dir, const char *target, const char *name)
{
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    if (symlink(target, p) != 0 && access(p, F_OK) != 0)
        perror("fuzz_scenario: symlink");
}

/* Links in dir every entry of cwd/scenarios, and cwd's scenarios, tests and build. */
static void fz_link_all(const char *dir, const char *cwd)
{
    char target[2 * PATH_MAX];
    static const char *const top[] = {"scenarios", "tests", "build"};
    for (size_t i = 0; i < sizeof top / sizeof *top; i++) {
        snprintf(target, sizeof target, "%s/%s", cwd, top[i]);
        fz_link(dir, target, top[i]);
    }
    snprintf(target, sizeof target, "%s/scenarios", cwd);
    DIR *d = opendir(target);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(target, sizeof target, "%s/scenarios/%s", cwd, de->d_name);
        fz_link(dir, target, de->d_name);
    }
    if (d)
        closedir(d);
}

/* The directory and its subdirectory s/ (the input's), both linked, so that a parent named
 * "../base.cfg" (as scenarios/teaching/base.cfg names it) resolves too. */
static int fz_setup(void)
{
    if (fz_dir[0])
        return 0;
    char cwd[PATH_MAX];
    const char *tmp = getenv("TMPDIR");
    if (!getcwd(cwd, sizeof cwd))
        return -1;
    snprintf(fz_dir, sizeof fz_dir, "%s/caresim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fz_dir)) {
        perror("fuzz_scenario: mkdtemp");
        fz_dir[0] = '\0';
        return -1;
    }
    snprintf(fz_sub, sizeof fz_sub, "%s/s", fz_dir);
    mkdir(fz_sub, 0700);
    atexit(fz_remove_dir);
    fz_link_all(fz_dir, cwd);
    fz_link_all(fz_sub, cwd);
    snprintf(fz_input, sizeof fz_input, "%s/input.cfg", fz_sub);
    return 0;
}

static int fz_write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(fz_input, "wb");
    if (!f)
        return -1;
    size_t put = fwrite(data, 1, size, f);
    return fclose(f) == 0 && put == size ? 0 : -1;
}

/* Samples every distribution key of cfg as psa (quantiles at the ends, the middle and a
 * probability taken from the input) and as a random draw, storing each value into a copy
 * of par as a PSA draw does. */
static void fz_sample(const struct sim_cfg *cfg, const struct model_params *par, double u)
{
    static size_t keys[FUZZ_MAX_DIST_KEYS];
    size_t n = sim_cfg_dist_keys(cfg, keys, FUZZ_MAX_DIST_KEYS);
    if (n > FUZZ_MAX_DIST_KEYS)
        n = FUZZ_MAX_DIST_KEYS;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    struct model_params *draw = malloc(sizeof *draw);
    if (!rng || !draw)
        goto out;
    *draw = *par;
    const double probs[] = {0.0, 0.025, 0.5, 0.975, 1.0, u};
    for (size_t i = 0; i < n; i++) {
        struct sim_err e;
        sim_err_clear(&e);
        for (size_t j = 0; j < sizeof probs / sizeof *probs; j++)
            sim_cfg_params_set_float(sim_cfg_schema(cfg), keys[i], draw,
                                     sim_cfg_quantile(cfg, keys[i], probs[j]), &e);
        sim_cfg_params_set_float(sim_cfg_schema(cfg), keys[i], draw,
                                 sim_cfg_draw(cfg, keys[i], rng), &e);
    }
    struct sim_err e;
    sim_err_clear(&e);
    care_check_params(draw, &e);
out:
    free(draw);
    if (rng)
        gsl_rng_free(rng);
}

/* What the disease tables are built from, and the tables of the last scenario prepared. */
struct fz_tables_key {
    struct mortality_params mortality;
    struct disease_params disease;
    struct utility_params utility;
};
static struct fz_tables_key fz_key;
static struct dis_tables *fz_tables;

/* cli_scenario_prepare, or the kept tables when they were built from the same inputs. The
 * tables stay owned by the cache: fz_release gives them back before cli_scenario_fini. */
static int fz_prepare(struct cli_scenario *s)
{
    static struct fz_tables_key key;
    memset(&key, 0, sizeof key);
    key.mortality = s->par.mortality;
    key.disease = s->par.disease;
    key.utility = s->par.utility;
    if (fz_tables && memcmp(&key, &fz_key, sizeof key) == 0) {
        s->tables = fz_tables;
        return CLI_EXIT_OK;
    }
    int rc = cli_scenario_prepare(s, "fuzz");
    if (rc == CLI_EXIT_OK) {
        dis_tables_destroy(fz_tables);
        fz_tables = s->tables;
        fz_key = key;
    }
    return rc;
}

static void fz_release(struct cli_scenario *s)
{
    if (s->tables == fz_tables)
        s->tables = NULL;
}

/* A tiny replication of the loaded, prepared scenario s. Returns 1 when the model was
 * created (and, clamped, ran), else 0. */
static int fz_run(const struct cli_scenario *s)
{
    struct model_params *par = malloc(sizeof *par);
    if (!par)
        return 0;
    *par = s->par;
    int clamp = !s->warm;
    if (clamp) {
        if (par->run.population > FUZZ_PERSONS)
            par->run.population = FUZZ_PERSONS;
        if (par->run.horizon_years > FUZZ_HORIZON_YEARS)
            par->run.horizon_years = FUZZ_HORIZON_YEARS;
        par->run.warmup_years = 0.0;
        /* The switch must fall inside the horizon: scaled with it. */
        if (par->run.horizon_years < s->par.run.horizon_years)
            par->reform.at_years *= par->run.horizon_years / s->par.run.horizon_years;
    }
    struct sim_err e;
    sim_err_clear(&e);
    struct model *m = cli_scenario_model(s, par, s->tables, 0, &e);
    int ok = m && (!clamp || model_run(m, &e) == 0);
    model_destroy(m);
    free(par);
    return ok;
}

/* The --set assignments of the input: the rest of each line that starts with "#--set " (a
 * comment to libconfig), at most FUZZ_MAX_SETS, copied into buf (size bytes) and pointed
 * to by sets. Returns their number. */
static size_t fz_sets(const uint8_t *data, size_t size, char *buf, const char **sets)
{
    static const char tag[] = "#--set ";
    size_t n = 0, used = 0;
    for (size_t i = 0; i + sizeof tag - 1 <= size && n < FUZZ_MAX_SETS; i++) {
        if ((i > 0 && data[i - 1] != '\n') || memcmp(data + i, tag, sizeof tag - 1) != 0)
            continue;
        i += sizeof tag - 1;
        sets[n++] = buf + used;
        while (i < size && data[i] != '\n' && data[i] != '\0')
            buf[used++] = (char)data[i++];
        buf[used++] = '\0';
    }
    return n;
}

int fuzz_scenario_one(const uint8_t *data, size_t size)
{
    if (fz_setup() != 0 || fz_write_input(data, size) != 0)
        return 0;
    int ran = 0;
    const char *sets[FUZZ_MAX_SETS];
    char *set_text = malloc(size + 1);
    size_t nsets = set_text ? fz_sets(data, size, set_text, sets) : 0;
    struct cli_scenario s;
    int rc = cli_scenario_load(&s, "fuzz", fz_input, sets, nsets);
    if (rc == CLI_EXIT_OK) {
        struct sim_err e;
        sim_err_clear(&e);
        /* A probability for the sampling, from the input's last bytes. */
        double u = size >= 2 ? (double)(data[size - 1] | data[size - 2] << 8) / 65535.0 : 0.5;
        fz_sample(s.cfg, &s.par, u);
        if (care_check_params(&s.par, &e) == 0 &&
            (!s.reform_cfg || care_check_params(&s.reform_par, &e) == 0) &&
            fz_prepare(&s) == CLI_EXIT_OK)
            ran = fz_run(&s);
    }
    fz_release(&s);
    cli_scenario_fini(&s);
    free(set_text);
    unlink(fz_input);
    return ran;
}
