/* tests/fuzz/fuzz_results.c — fuzz targets for the results reader (output/results_read.c)
 * as `caresim report`, `report --html`, `explain` and `export` use it, on files they did not
 * write: results files of other versions, truncated or edited by hand.
 *
 * fuzz_results_raw_one takes the input as the file's bytes. Most inputs then fail in HDF5's
 * own header checks, so the main target, fuzz_results_one, is structure-aware: the input
 * drives the construction of a small HDF5 file in the layout of docs/results.md — which
 * groups, scenarios, comparisons and analyses exist, each table's columns, member types,
 * shape and rows, each attribute's type and shape, and every value (NaN, infinities, huge,
 * negative, strings with odd characters). Choices read 0 when the input runs out, and 0
 * always means "as caresim writes it", so a short input gives a well-formed file and each
 * further byte bends one thing.
 *
 * Files go to a private temporary directory (TMPDIR), which is also made the whole PATH so
 * that report --html finds no gnuplot (it then writes the figures' data and scripts only:
 * running gnuplot would take most of each input's time). Commands print to the standard
 * streams, which the libFuzzer driver silences and the regression test redirects.
 */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <hdf5.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "models/outcomes.h"

#define FZ_MAX_COLS 128 /* most members of a generated table */
#define FZ_STR 24       /* bytes of a fixed-length string member */
#define FZ_NAME 64      /* longest generated name (OUTC_NAME_MAX) */

/* ---- The input as a stream of choices -------------------------------------------------- */

struct fz {
    const uint8_t *p;
    size_t n;
};

static unsigned fz_byte(struct fz *f)
{
    if (f->n == 0)
        return 0;
    f->n--;
    return *f->p++;
}

/* A choice among n (0 when the input is exhausted). */
static unsigned fz_pick(struct fz *f, unsigned n)
{
    return n ? fz_byte(f) % n : 0;
}

/* A value: mostly small whole numbers, else a hard case or 8 raw bytes. */
static double fz_value(struct fz *f)
{
    static const double special[] = {0.0, -0.0, 1.0, -1.0, 0.5, NAN, INFINITY, -INFINITY,
                                     1e308, -1e308, 5e-324, 9.3e18, -9.3e18, 4294967296.0,
                                     2147483648.0, 1e-300};
    unsigned b = fz_byte(f);
    if (b < sizeof special / sizeof *special)
        return special[b];
    if (b == 255) {
        double x;
        uint8_t raw[sizeof x];
        for (size_t i = 0; i < sizeof raw; i++)
            raw[i] = (uint8_t)fz_byte(f);
        memcpy(&x, raw, sizeof x);
        return x;
    }
    return (double)b - 16.0;
}

/* A string into buf (size > 1): a word of the layout, or up to size - 1 input bytes. */
static void fz_string(struct fz *f, char *buf, size_t size)
{
    static const char *const words[] = {"base", "gatekeeping", "integrated_care",
                                        "gatekeeping_vs_base", "GBP", "dominated", "lhs",
                                        "per person", "", "x"};
    unsigned c = fz_pick(f, 4);
    if (c != 3) {
        snprintf(buf, size, "%s", words[fz_pick(f, sizeof words / sizeof *words)]);
        return;
    }
    size_t n = fz_pick(f, (unsigned)size);
    if (n >= size)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)fz_byte(f);
    buf[n] = '\0';
}

/* ---- Writing HDF5 objects ----------------------------------------------------------------- */

/* A fixed-length string type of size bytes, or variable-length. */
static hid_t fz_str_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, size ? size : H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

/* Attribute name on loc: n strings (n = 0: a scalar one), fixed or variable length. */
static void fz_attr_strings(hid_t loc, const char *name, char (*s)[FZ_NAME], size_t n,
                            int scalar, int varlen)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        if (strlen(s[i]) + 1 > len)
            len = strlen(s[i]) + 1;
    hsize_t dim = n;
    hid_t sp = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
    hid_t t = fz_str_type(varlen ? 0 : len);
    hid_t a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0 && n > 0) {
        if (varlen) {
            const char **ptrs = calloc(n, sizeof *ptrs);
            for (size_t i = 0; ptrs && i < n; i++)
                ptrs[i] = s[i];
            if (ptrs)
                H5Awrite(a, t, ptrs);
            free(ptrs);
        } else {
            char *flat = calloc(n, len);
            for (size_t i = 0; flat && i < n; i++)
                memcpy(flat + i * len, s[i], strlen(s[i]));
            if (flat)
                H5Awrite(a, t, flat);
            free(flat);
        }
    }
    if (a >= 0)
        H5Aclose(a);
    H5Tclose(t);
    H5Sclose(sp);
}

/* Attribute name on loc: n doubles (scalar when n == 1 and scalar), as type. */
static void fz_attr_numbers(hid_t loc, const char *name, const double *x, size_t n, int scalar,
                            hid_t type)
{
    hsize_t dim = n;
    hid_t sp = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
    hid_t a = H5Acreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) {
        if (n > 0)
            H5Awrite(a, H5T_NATIVE_DOUBLE, x);
        H5Aclose(a);
    }
    H5Sclose(sp);
}

/* One attribute as the layout has it (kind 's' string, 'f' float, 'i' integer; array: a
 * string array whose correct value is want[0 .. n)), or bent by the input: omitted, the
 * other kind, scalar for array and back, empty, variable-length, other strings. */
static void fz_attr(struct fz *f, hid_t loc, const char *name, char kind, int array,
                    char (*want)[FZ_NAME], size_t n)
{
    static char s[FZ_MAX_COLS + 2][FZ_NAME];
    double x[4] = {fz_value(f), 0, 0, 0};
    unsigned m = fz_pick(f, 12);
    if (m == 1)
        return;
    int numeric = (kind != 's') ^ (m == 2);
    int scalar = !array ^ (m == 3);
    if (numeric) {
        hid_t type = kind == 'i' && m != 4 ? H5T_STD_I64LE : H5T_IEEE_F64LE;
        fz_attr_numbers(loc, name, x, m == 5 ? 0 : scalar ? 1 : 1 + fz_pick(f, 3), scalar,
                        type);
        return;
    }
    size_t count = scalar ? 1 : n;
    if (m == 5)
        count = scalar ? 1 : 0;
    else if (m == 6 && count > 0)
        count--;
    else if (m == 7)
        count += 1 + fz_pick(f, 2);
    if (count > FZ_MAX_COLS + 2)
        count = FZ_MAX_COLS + 2;
    for (size_t i = 0; i < count; i++) {
        if (i < n && m != 8)
            memcpy(s[i], want[i], FZ_NAME);
        else
            fz_string(f, s[i], FZ_NAME);
    }
    fz_attr_strings(loc, name, s, count, scalar, m == 9);
}

/* A scalar string dataset (the config), or an attribute-free wrong object in its place. */
static void fz_config(struct fz *f, hid_t loc, const char *name)
{
    static const char text[] = "name = \"base\";\nrun = { population = 200; };\n";
    char buf[FZ_NAME];
    unsigned m = fz_pick(f, 8);
    if (m == 1)
        return;
    if (m == 2) {
        H5Gclose(H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        return;
    }
    const char *v = text;
    if (m == 3) {
        fz_string(f, buf, sizeof buf);
        v = buf;
    }
    hid_t t = fz_str_type(m == 4 ? 0 : strlen(v) + 1);
    hsize_t two = 2;
    hid_t sp = m == 5 ? H5Screate_simple(1, &two, NULL) : H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d >= 0) {
        if (m == 4)
            H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v);
        else if (m != 5 && m != 6)
            H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
        char desc[1][FZ_NAME] = {"the resolved scenario"};
        fz_attr(f, d, "description", 's', 0, desc, 1);
        H5Dclose(d);
    }
    H5Tclose(t);
    H5Sclose(sp);
}

/* ---- Tables ------------------------------------------------------------------------------- */

/* The columns of a table: "name:t,..." (t: f float, i integer, s string); "@" stands for
 * every outcome column (models/outcomes.h). Returns their number. */
static size_t fz_columns(const char *spec, char (*names)[FZ_NAME], char *types)
{
    size_t n = 0;
    const char *p = spec;
    while (*p && n < FZ_MAX_COLS) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 1 && *p == '@') {
            for (int c = 0; c < OUTC_COUNT && n < FZ_MAX_COLS; c++) {
                struct outc_info info;
                if (outc_column_info(c, &info, NULL) != 0)
                    continue;
                snprintf(names[n], FZ_NAME, "%s", info.name);
                types[n++] = 'f';
            }
        } else if (len >= 3 && len < FZ_NAME + 2) {
            memcpy(names[n], p, len - 2);
            names[n][len - 2] = '\0';
            types[n++] = p[len - 1];
        }
        p = end ? end + 1 : p + len;
    }
    return n;
}

/* The HDF5 type of a member of type t, or the input's replacement for it. */
static hid_t fz_member_type(char t, unsigned bend)
{
    /* H5T_* are function calls, not constants. */
    const hid_t others[] = {H5T_NATIVE_FLOAT, H5T_NATIVE_INT, H5T_STD_I64BE, H5T_NATIVE_UCHAR,
                            H5T_IEEE_F64BE};
    if (bend > 0 && bend <= sizeof others / sizeof *others)
        return H5Tcopy(others[bend - 1]);
    if (bend > sizeof others / sizeof *others || t == 's')
        return fz_str_type(FZ_STR);
    return H5Tcopy(t == 'i' ? H5T_STD_I64LE : H5T_IEEE_F64LE);
}

/* Fills one cell of member type mt at p from the input. */
static void fz_cell(struct fz *f, hid_t mt, unsigned char *p)
{
    if (H5Tget_class(mt) == H5T_STRING) {
        char s[FZ_STR];
        fz_string(f, s, sizeof s);
        memcpy(p, s, strlen(s));
        return;
    }
    double x = fz_value(f);
    H5Tconvert(H5T_NATIVE_DOUBLE, mt, 1, &x, NULL, H5P_DEFAULT);
    memcpy(p, &x, H5Tget_size(mt));
}

/* The table's rows (rank 1, or 2, or scalar, as the input says) written to loc/name. */
static hid_t fz_table_dataset(struct fz *f, hid_t loc, const char *name, hid_t ct, size_t rows)
{
    unsigned shape = fz_pick(f, 10);
    hsize_t dims[2] = {rows, 2}, maxd[2] = {H5S_UNLIMITED, 2}, chunk[2] = {4, 2};
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t sp;
    if (shape == 1) {
        sp = H5Screate(H5S_SCALAR);
        rows = 1;
    } else if (shape == 2) {
        sp = H5Screate_simple(2, dims, NULL);
        rows *= 2;
    } else if (shape == 3 || shape == 4) {
        sp = H5Screate_simple(1, dims, maxd);
        H5Pset_chunk(dcpl, 1, chunk);
        if (shape == 4)
            H5Pset_deflate(dcpl, 4);
    } else {
        sp = H5Screate_simple(1, dims, NULL);
    }
    hid_t d = H5Dcreate2(loc, name, ct, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    size_t size = H5Tget_size(ct);
    unsigned char *buf = calloc(rows ? rows : 1, size);
    if (d >= 0 && buf) {
        int nm = H5Tget_nmembers(ct);
        for (size_t r = 0; r < rows; r++)
            for (int i = 0; i < nm; i++) {
                hid_t mt = H5Tget_member_type(ct, (unsigned)i);
                fz_cell(f, mt, buf + r * size + H5Tget_member_offset(ct, (unsigned)i));
                H5Tclose(mt);
            }
        if (rows > 0)
            H5Dwrite(d, ct, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    }
    free(buf);
    H5Pclose(dcpl);
    H5Sclose(sp);
    return d;
}

/* A table of the layout at loc/name: spec as for fz_columns, extra string-array attributes
 * (comma-separated names) and extra number attributes; bent by the input (omitted, a group
 * or a plain array in its place, a column dropped or retyped, no rows or more). */
static void fz_table(struct fz *f, hid_t loc, const char *name, const char *spec,
                     const char *extra_strings, const char *extra_numbers)
{
    static char names[FZ_MAX_COLS][FZ_NAME];
    static char types[FZ_MAX_COLS];
    unsigned m = fz_pick(f, 16);
    if (m == 1)
        return;
    if (m == 2) {
        H5Gclose(H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        return;
    }
    size_t n = fz_columns(spec, names, types);
    if (m == 3 && n > 0) { /* a column dropped */
        size_t drop = fz_pick(f, (unsigned)n);
        memmove(names[drop], names[drop + 1], (n - drop - 1) * sizeof *names);
        memmove(types + drop, types + drop + 1, n - drop - 1);
        n--;
    }
    size_t bent = m == 4 && n > 0 ? fz_pick(f, (unsigned)n) : n;
    unsigned bend = m == 4 ? 1 + fz_pick(f, 6) : 0;
    size_t rows = m == 5 ? 0 : m == 6 ? 5 + fz_pick(f, 60) : 1 + fz_pick(f, 3);
    hid_t ct;
    if (m == 7) {
        ct = H5Tcopy(H5T_IEEE_F64LE);
    } else {
        size_t size = 0;
        hid_t mts[FZ_MAX_COLS];
        for (size_t i = 0; i < n; i++) {
            mts[i] = fz_member_type(types[i], i == bent ? bend : 0);
            size += H5Tget_size(mts[i]);
        }
        ct = H5Tcreate(H5T_COMPOUND, size ? size : 1);
        for (size_t i = 0, off = 0; i < n; i++) {
            H5Tinsert(ct, names[i], off, mts[i]);
            off += H5Tget_size(mts[i]);
            H5Tclose(mts[i]);
        }
    }
    hid_t d = m == 7 ? -1 : fz_table_dataset(f, loc, name, ct, rows);
    if (m == 7) {
        hsize_t dim = rows;
        hid_t sp = H5Screate_simple(1, &dim, NULL);
        d = H5Dcreate2(loc, name, ct, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Sclose(sp);
    }
    H5Tclose(ct);
    if (d < 0)
        return;
    char desc[1][FZ_NAME] = {"one row per replication"};
    fz_attr(f, d, "description", 's', 0, desc, 1);
    fz_attr(f, d, "columns", 's', 1, names, n);
    fz_attr(f, d, "units", 's', 1, names, n);
    fz_attr(f, d, "column_descriptions", 's', 1, names, n);
    char extra[FZ_NAME];
    for (const char *p = extra_strings; p && *p;) {
        size_t len = strcspn(p, ",");
        snprintf(extra, sizeof extra, "%.*s", (int)len, p);
        fz_attr(f, d, extra, 's', 1, names, n < 4 ? n : 4);
        p += len + (p[len] == ',');
    }
    for (const char *p = extra_numbers; p && *p;) {
        size_t len = strcspn(p, ",");
        snprintf(extra, sizeof extra, "%.*s", (int)len, p);
        fz_attr(f, d, extra, 'f', 0, NULL, 0);
        p += len + (p[len] == ',');
    }
    H5Dclose(d);
}

/* ---- The layout ---------------------------------------------------------------------------- */

#define FZ_SUMMARY "outcome:s,unit:s,n:i,mean:f,sd:f,ci_low:f,ci_high:f"
#define FZ_SERIES                                                                           \
    "replication:f,month:f,year:f,persons:f,deaths:f,gp_visits:f,specialist_visits:f,"      \
    "ed_visits:f,emergency_admissions:f,elective_admissions:f,occupied_beds:f,"             \
    "bed_occupancy:f,boarding:f,mean_wait_gp_days:f,mean_wait_specialist_days:f,"          \
    "elective_list:f,cost_primary:f,cost_outpatient:f,cost_ed:f,cost_inpatient:f,"          \
    "cost_postacute:f,cost_other:f,cost_total:f,spend_payer:f"
#define FZ_GROUPS                                                                           \
    "replication:f,age_lower:f,deprivation_quintile:f,persons_end:f,life_years:f,deaths:f," \
    "gp_visits:f,specialist_visits:f,ed_visits:f,admissions:f,qalys:f,"                     \
    "qalys_per_life_year:f,gp_visits_per_life_year:f,admissions_per_1000_life_years:f,"     \
    "cost_total:f,cost_per_life_year:f"
#define FZ_PERSONS                                                                          \
    "replication:f,person:f,female:f,age_end:f,deprivation_quintile:f,rural:f,practice:f,"  \
    "activation:f,alive:f,death_year:f,conditions:f,n_conditions:f,n_uncontrolled:f,"      \
    "life_years:f,qalys:f,qalys_disc:f,cost:f,cost_disc:f,gp_visits:f,"                     \
    "specialist_visits:f,ed_visits:f,admissions:f"

static const char *const fz_scenario_names[] = {"base", "gatekeeping", "integrated_care",
                                                "x y", ".", "base2"};

/* Root attributes: provenance. */
static void fz_provenance(struct fz *f, hid_t file)
{
    static const char *const strings[] = {"caresim_version", "command_line", "created",
                                          "finished", "git_commit", "host", "started"};
    static const char *const numbers[] = {"format_version", "master_seed", "partial", "ranks",
                                          "threads"};
    char v[1][FZ_NAME] = {"0.1.0"};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        fz_attr(f, file, strings[i], 's', 0, v, 1);
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++)
        fz_attr(f, file, numbers[i], 'i', 0, NULL, 0);
}

/* A group at loc/name (creation order tracked, as caresim's, unless the input says not). */
static hid_t fz_group(struct fz *f, hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (fz_pick(f, 8) != 1)
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g;
}

/* /scenarios/<name>/ with its tables. */
static void fz_scenario(struct fz *f, hid_t scenarios, const char *name)
{
    hid_t g = fz_group(f, scenarios, name);
    if (g < 0)
        return;
    fz_config(f, g, "config");
    fz_table(f, g, "replications", "@", NULL, NULL);
    fz_table(f, g, "summary", FZ_SUMMARY, NULL, "confidence_level");
    static const struct {
        const char *name, *spec, *strings;
    } more[] = {
        {"timeseries", FZ_SERIES, NULL},
        {"by_group", FZ_GROUPS, NULL},
        {"ledger", "replication:f,year:f,from:f,to:f,mechanism:f,amount:f",
         "party_names,mechanism_names"},
        {"end_state", "replication:f,kind:f,unit:f,specialty:f,position:f,count:f,capacity:f",
         "kind_names"},
        {"persons", FZ_PERSONS, NULL},
        {"events", "day:f,year:f,type:f,target:f,what:f", "event_names"},
    };
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        if (fz_pick(f, 2) == 0)
            fz_table(f, g, more[i].name, more[i].spec, more[i].strings, NULL);
    H5Gclose(g);
}

/* Attributes of a group: names[i] of kinds[i]. */
static void fz_group_attrs(struct fz *f, hid_t g, const char *const *names, const char *kinds)
{
    char v[2][FZ_NAME] = {"base", "integrated_care"};
    for (size_t i = 0; names[i]; i++)
        fz_attr(f, g, names[i], kinds[i] == 'S' ? 's' : kinds[i], kinds[i] == 'S', v,
                kinds[i] == 'S' ? 2 : 1);
}

/* /comparisons/<alt>_vs_<base>/ */
static void fz_comparison(struct fz *f, hid_t comparisons, const char *alt, const char *base)
{
    static const char *const attrs[] = {"alt", "base", "confidence_level", "currency", "icer",
                                        "icer_status", "nmb_ci_high", "nmb_ci_low", "nmb_mean",
                                        "replications", "wtp_per_qaly", NULL};
    char name[2 * FZ_NAME + 8];
    snprintf(name, sizeof name, "%s_vs_%s", alt, base);
    hid_t g = fz_group(f, comparisons, name);
    if (g < 0)
        return;
    fz_group_attrs(f, g, attrs, "ssfsfsfffff");
    fz_table(f, g, "differences",
             "outcome:s,unit:s,base_mean:f,alt_mean:f,mean_difference:f,ci_low:f,ci_high:f,"
             "relative_change:f",
             NULL, NULL);
    fz_table(f, g, "replications", "@,net_monetary_benefit:f", NULL, NULL);
    H5Gclose(g);
}

/* /psa/ for the strategies base and integrated_care. */
static void fz_psa(struct fz *f, hid_t file)
{
    static const char *const attrs[] = {"currency", "draws", "evpi_reference", "per",
                                        "population", "reference", "replications_per_draw",
                                        "sampling", "strategies", "wtp_reference", NULL};
    hid_t g = fz_group(f, file, "psa");
    if (g < 0)
        return;
    fz_group_attrs(f, g, attrs, "sffsfsfsSf");
    fz_table(f, g, "ce_plane",
             "draw:f,cost_base:f,qalys_base:f,cost_integrated_care:f,qalys_integrated_care:f",
             NULL, NULL);
    fz_table(f, g, "ceac",
             "wtp:f,p_optimal_base:f,p_optimal_integrated_care:f,ceaf_strategy:f,"
             "ceaf_probability:f,evpi:f",
             NULL, NULL);
    fz_table(f, g, "distributions",
             "outcome:s,unit:s,mean:f,sd:f,min:f,mode:f,max:f,sample_mean:f,sample_sd:f,"
             "scenario:f",
             "distribution", NULL);
    fz_table(f, g, "evppi", "wtp:f,costs.gp_visit:f,costs.ed_attendance:f", "groups", NULL);
    fz_table(f, g, "noise", "outcome:s,unit:s,var_draw_means:f,within_var:f,noise_share:f",
             NULL, NULL);
    fz_table(f, g, "parameters", "draw:f,costs.gp_visit:f,costs.ed_attendance:f", NULL, NULL);
    fz_table(f, g, "strategies",
             "outcome:s,unit:s,cost:f,qalys:f,incremental_cost:f,incremental_qalys:f,status:f,"
             "icer:f,comparator:f,enb:f,p_optimal:f",
             "status_names", NULL);
    H5Gclose(g);
}

/* /sweep/ over one key. */
static void fz_sweep(struct fz *f, hid_t file)
{
    static const char *const attrs[] = {"confidence_level", "keys", "mode", "points", "ranges",
                                        "replications", "scenario", NULL};
    hid_t g = fz_group(f, file, "sweep");
    if (g < 0)
        return;
    fz_group_attrs(f, g, attrs, "fSsfsfs");
    fz_table(f, g, "points", "point:f,economics.wtp_per_qaly:f", NULL, NULL);
    fz_table(f, g, "replications", "point:f,replication:f,@", NULL, NULL);
    fz_table(f, g, "outcomes", "point:f,@", NULL, NULL);
    fz_table(f, g, "ci_halfwidth", "point:f,@", NULL, NULL);
    fz_table(f, g, "tornado", "outcome:s,key:s,low:f,high:f,swing:f", NULL, NULL);
    H5Gclose(g);
}

/* The whole file at path, as the input says. Returns 0 or -1. */
static int fz_build(struct fz *f, const char *path)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    H5Pclose(fcpl);
    if (file < 0)
        return -1;
    fz_provenance(f, file);
    const char *names[3];
    size_t ns = 1 + fz_pick(f, 3);
    unsigned sm = fz_pick(f, 8);
    hid_t scenarios = sm == 1 ? -1 : fz_group(f, file, "scenarios");
    for (size_t i = 0; i < ns; i++) {
        unsigned k = fz_pick(f, 8);
        names[i] = fz_scenario_names[k < 6 ? (i + k) % 6 : i];
        if (scenarios >= 0)
            fz_scenario(f, scenarios, names[i]);
    }
    if (scenarios >= 0)
        H5Gclose(scenarios);
    if (fz_pick(f, 2) == 0 && ns >= 2) {
        hid_t comparisons = fz_group(f, file, "comparisons");
        for (size_t i = 1; comparisons >= 0 && i < ns; i++)
            fz_comparison(f, comparisons, names[i], names[fz_pick(f, 2) ? i - 1 : 0]);
        if (comparisons >= 0)
            H5Gclose(comparisons);
    }
    if (fz_pick(f, 3) == 1)
        fz_psa(f, file);
    if (fz_pick(f, 3) == 1)
        fz_sweep(f, file);
    return H5Fclose(file) < 0 ? -1 : 0;
}

/* ---- Running the commands ------------------------------------------------------------------- */

static char fz_dir[PATH_MAX];

static void fz_clear_dir(const char *dir, int remove_dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        char p[PATH_MAX + 256];
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (unlink(p) != 0)
            fz_clear_dir(p, 1);
    }
    if (d)
        closedir(d);
    if (remove_dir)
        rmdir(dir);
}

static void fz_remove_dir(void)
{
    fz_clear_dir(fz_dir, 1);
}

static int fz_setup(void)
{
    if (fz_dir[0])
        return 0;
    const char *tmp = getenv("TMPDIR");
    snprintf(fz_dir, sizeof fz_dir, "%s/caresim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fz_dir)) {
        perror("fuzz_results: mkdtemp");
        fz_dir[0] = '\0';
        return -1;
    }
    atexit(fz_remove_dir);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* No gnuplot for report --html: starting it for every input would take most of the
     * time, and the figures' data and scripts, which read the file, are written anyway. */
    setenv("PATH", fz_dir, 1);
    return 0;
}

/* report (whole, one scenario, --html), explain and export on the file at path. Returns
 * 1 when the whole report succeeded, else 0. */
static int fz_commands(const char *path)
{
    char html[PATH_MAX + 16], csv[PATH_MAX + 16];
    snprintf(html, sizeof html, "%s/report.html", fz_dir);
    snprintf(csv, sizeof csv, "%s/csv", fz_dir);
    char *report[] = {"report", (char *)path, NULL};
    char *one[] = {"report", (char *)path, "--scenario", "base", NULL};
    char *page[] = {"report", (char *)path, "--html", html, NULL};
    char *explain[] = {"explain", (char *)path, NULL};
    char *export[] = {"export", (char *)path, "--csv", csv, NULL};
    int ok = cli_report(2, report) == CLI_EXIT_OK;
    cli_report(4, one);
    cli_report(4, page);
    cli_explain(2, explain);
    cli_export(4, export);
    fflush(NULL);
    return ok;
}

static int fz_results(const uint8_t *data, size_t size, int raw)
{
    if (fz_setup() != 0)
        return 0;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/results.h5", fz_dir);
    int ok;
    if (raw) {
        FILE *out = fopen(path, "wb");
        ok = out && fwrite(data, 1, size, out) == size;
        ok = out && fclose(out) == 0 && ok;
    } else {
        struct fz f = {data, size};
        ok = fz_build(&f, path) == 0;
    }
    ok = ok && fz_commands(path);
    fz_clear_dir(fz_dir, 0);
    return ok;
}

int fuzz_results_one(const uint8_t *data, size_t size)
{
    return fz_results(data, size, 0);
}

int fuzz_results_raw_one(const uint8_t *data, size_t size)
{
    return fz_results(data, size, 1);
}
