/* tests/testutil.c — assertion helpers for the cmocka tests. */
#define _GNU_SOURCE /* nftw */
#include "testutil.h"

#include "models/model.h"
#include "models/outcomes.h"
#include "models/params.h"
#include "sim/config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void testutil_assert_near(double actual, double expected, double tol, const char *expr,
                          const char *file, int line)
{
    if (!(fabs(actual - expected) <= tol)) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s = %.9g, expected %.9g within %.3g (off by %.3g)", expr,
                 actual, expected, tol, actual - expected);
        _assert_true(0, msg, file, line);
    }
}

char *testutil_slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n == cap - 1) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    fclose(f);
    if (size)
        *size = n;
    return buf;
}

int testutil_run_captured(int (*cmd)(int, char **), int argc, char **argv,
                          const char *out_path, const char *err_path)
{
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
    int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved_out >= 0 && saved_err >= 0 && fo >= 0 && fe >= 0);
    dup2(fo, STDOUT_FILENO);
    dup2(fe, STDERR_FILENO);
    close(fo);
    close(fe);
    int rc = cmd(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out);
    close(saved_err);
    return rc;
}

void testutil_default_params(struct model_params *par, const char *const *sets, size_t nsets)
{
    struct sim_cfg *cfg = sim_cfg_create(params_schema(), NULL);
    assert_non_null(cfg);
    assert_int_equal(sim_cfg_set(cfg, "name=test", NULL), 0);
    for (size_t i = 0; i < nsets; i++)
        if (sim_cfg_set(cfg, sets[i], NULL) != 0)
            fail_msg("bad override %s", sets[i]);
    assert_int_equal(sim_cfg_finish(cfg, NULL), 0);
    memset(par, 0, sizeof *par);
    assert_int_equal(sim_cfg_fill(cfg, par, sizeof *par, NULL), 0);
    sim_cfg_destroy(cfg);
}

struct model *testutil_run_scenario(int persons, double years, const char *const *extra,
                                    size_t nextra, double *row)
{
    char pop[64], hor[64];
    snprintf(pop, sizeof pop, "run.population=%d", persons);
    snprintf(hor, sizeof hor, "run.horizon_years=%g", years);
    const char *sets[35] = {pop, hor, "run.warmup_years=1"};
    size_t n = 3;
    for (size_t i = 0; i < nextra && n < sizeof sets / sizeof *sets; i++)
        sets[n++] = extra[i];
    struct model_params par;
    testutil_default_params(&par, sets, n);
    struct sim_err err;
    sim_err_clear(&err);
    struct model *m = model_create(&par, 0, &err);
    if (!m)
        fail_msg("model_create: %s", err.msg);
    if (model_run(m, &err) != 0 || outc_collect(m, row, &err) != 0)
        fail_msg("run: %s", err.msg);
    return m;
}

void testutil_disease_only(struct model_params *par)
{
    for (int c = 0; c < PARAMS_CONDITIONS; c++) {
        struct condition_params *cp = &par->disease.condition[c];
        cp->exacerbation_rate = 0.0;
        cp->lapse_rate = 0.0;
        cp->gp_control_probability = 0.0;
        cp->referral_probability = 0.0;
        cp->elective_probability = 0.0;
    }
    for (int b = 0; b < PARAMS_AGE_BANDS; b++)
        par->care_seeking.other_need_rate[b] = 0.0;
    par->hospital.relapse_rate = 0.0;
    par->utility.uncontrolled_multiplier = 1.0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int testutil_remove_tree(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

int testutil_run_args(int (*cmd)(int, char **), const char *name, const char *const *args,
                      const char *out_path, const char *err_path)
{
    char *argv[32];
    int argc = 0;
    if (name)
        argv[argc++] = (char *)name;
    for (; *args && argc < 31; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    return testutil_run_captured(cmd, argc, argv, out_path, err_path);
}

int testutil_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int bad = fputs(text, f) < 0;
    return fclose(f) != 0 || bad ? -1 : 0;
}

void testutil_copy_file(const char *from, const char *to)
{
    size_t n;
    char *data = testutil_slurp(from, &n);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    free(data);
}
