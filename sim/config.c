/* sim/config.c — scenario files: schema-driven parsing, validation, inheritance, --set,
 * resolved-config writer and parameter documentation over libconfig 1.5.
 *
 * May touch: the scenario files it is asked to read (read-only) and the FILE* it is given.
 * Knows no key names: everything about keys comes from the caller's struct sim_cfg_schema.
 *
 * How a document is read (struct doc), in order:
 *   1. prescan(): our own lexer checks the raw text for what libconfig 1.5 mishandles or
 *      cannot survive (NUL bytes, over-long lines and strings, nesting depth, bracket
 *      balance, unterminated strings and comments, @include, setting counts). Fatal.
 *   2. walk_settings(): the same lexer walks the tokens again with a small parser of
 *      libconfig's grammar, recording per dotted path the line of the name and the source
 *      text of the value (so integers are read as written, not as libconfig's wrapped
 *      32-bit value, and messages quote what the user wrote), reporting missing ';' and
 *      duplicate keys with their paths, and syntax errors at the token where libconfig
 *      would report them (libconfig 1.5 leaks the token its parser fails on, so text with
 *      a syntax error is never handed to it). In arrays it also says what libconfig would
 *      not: mixed element types ([1, 0.5]), a nested value, a trailing ','.
 *   3. config_read_string(): libconfig builds the tree; any error it still finds is
 *      reported with its own text and line.
 *   4. check_group(): the libconfig tree is validated against the schema and accepted
 *      values are committed with their origin. A float array's elements are re-lexed from
 *      the array's recorded source text, for their lines and integers as written.
 * --set values go through the same steps as a one-setting document "v = VALUE".
 */
#include "sim/config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <libconfig.h>

/* ---------------------------------------------------------------------------------------
 * Small helpers: ASCII classes (locale-independent), growable strings, a string map.
 */

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_alnum(int c) { return is_digit(c) || is_alpha(c); }
static int is_xdigit(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

static int ascii_casecmp_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 1;
    return 0;
}

/* A growable NUL-terminated string; after an allocation failure it stops growing and
 * sets oom, so callers check once at the end. */
struct sbuf {
    char *p;    /* text, NUL-terminated once anything was added; may be NULL */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
    int oom;    /* an allocation failed */
};

static void sb_reserve(struct sbuf *b, size_t extra)
{
    if (b->oom || b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return;
        }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    if (b->oom)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }
static void sb_putc(struct sbuf *b, char c) { sb_put(b, &c, 1); }

static void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    sb_reserve(b, (size_t)n);
    if (b->oom)
        return;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

static void sb_trunc(struct sbuf *b, size_t len)
{
    if (b->p && len <= b->len) {
        b->len = len;
        b->p[len] = '\0';
    }
}

static const char *sb_str(const struct sbuf *b) { return b->p ? b->p : ""; }

/* What the map stores per dotted path. In a document's literal map: where the setting's
 * name and value are. In the schema map: kind is the key index, or -1 for a group. */
struct lit {
    int line;   /* line of the setting's name */
    int kind;   /* token kind of a scalar value (enum tok), LIT_* for aggregates */
    size_t off; /* value's source text: offset ... */
    size_t len; /* ... and length (adjacent strings included) */
    int vline;  /* line where the value starts (array elements are counted from it) */
};

struct ment {
    char *key;     /* owned dotted path; NULL = empty slot */
    uint64_t hash; /* FNV-1a of key */
    struct lit v;  /* payload */
};

/* Open-addressing hash map from dotted path to struct lit. */
struct strmap {
    struct ment *e; /* slots; capacity is a power of two */
    size_t cap;     /* number of slots */
    size_t used;    /* occupied slots */
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static struct ment *map_slot(const struct strmap *m, const char *key, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct ment *e = &m->e[i];
        if (!e->key || (e->hash == h && strcmp(e->key, key) == 0))
            return e;
    }
}

static struct lit *map_get(const struct strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    struct ment *e = map_slot(m, key, hash_str(key));
    return e->key ? &e->v : NULL;
}

static int map_grow(struct strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct ment *e = calloc(cap, sizeof *e);
    if (!e)
        return -1;
    struct strmap n = {e, cap, m->used};
    for (size_t i = 0; i < m->cap; i++)
        if (m->e[i].key)
            *map_slot(&n, m->e[i].key, m->e[i].hash) = m->e[i];
    free(m->e);
    *m = n;
    return 0;
}

/* Adds key -> v unless key is present. Returns 1 when added, 0 when present (*old, if
 * old is not NULL, points at the stored value), -1 when out of memory. */
static int map_add(struct strmap *m, const char *key, struct lit v, struct lit **old)
{
    if ((m->used + 1) * 4 > m->cap * 3 && map_grow(m))
        return -1;
    uint64_t h = hash_str(key);
    struct ment *e = map_slot(m, key, h);
    if (e->key) {
        if (old)
            *old = &e->v;
        return 0;
    }
    e->key = strdup(key);
    if (!e->key)
        return -1;
    e->hash = h;
    e->v = v;
    m->used++;
    return 1;
}

static void map_free(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->e[i].key);
    free(m->e);
    memset(m, 0, sizeof *m);
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], cp, min;
        size_t len;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* Levenshtein distance; SIZE_MAX for strings too long to be worth comparing. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t row[129];
    if (n > 128 || m > 128)
        return SIZE_MAX;
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j], best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (prev + (a[i - 1] != b[j - 1]) < best)
                best = prev + (a[i - 1] != b[j - 1]);
            row[j] = best;
            prev = up;
        }
    }
    return row[m];
}

/* Shortest "%g" text that reads back as exactly v, without an exponent for numbers
 * below 1e17 ("20000", not "2e+04"). */
static const char *fmt_num(double v, char *buf, size_t size)
{
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (isfinite(v) && v != 0) {
        int e = (int)floor(log10(fabs(v)));
        if (e >= prec && e < 17)
            prec = e + 1;
    }
    snprintf(buf, size, "%.*g", prec, v);
    return buf;
}

/* As fmt_num, but always a libconfig float literal (20000 -> "20000.0"). */
static const char *fmt_float_lc(double v, char *buf, size_t size)
{
    fmt_num(v, buf, size);
    if (!strpbrk(buf, ".eEni")) {
        size_t n = strlen(buf);
        if (n + 2 < size)
            memcpy(buf + n, ".0", 3);
    }
    return buf;
}

/* ---------------------------------------------------------------------------------------
 * Ranges: "[a, b]", "(a, b)", "[a, b)", "(a, b]", ">= a", "> a", "<= b", "< b".
 */

struct range {
    int has_lo, has_hi;   /* a bound exists */
    int lo_open, hi_open; /* the bound itself is excluded */
    double lo, hi;        /* the bounds */
};

static void skip_spaces(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

static int parse_bound(const char **p, double *v)
{
    char *end;
    skip_spaces(p);
    *v = strtod(*p, &end);
    if (end == *p || isnan(*v))
        return -1;
    *p = end;
    return 0;
}

static int range_parse(const char *spec, struct range *r)
{
    memset(r, 0, sizeof *r);
    if (!spec)
        return 0;
    const char *p = spec;
    double a, b;
    skip_spaces(&p);
    if (!*p)
        return 0;
    if (*p == '[' || *p == '(') {
        r->lo_open = *p++ == '(';
        if (parse_bound(&p, &a))
            return -1;
        skip_spaces(&p);
        if (*p++ != ',')
            return -1;
        if (parse_bound(&p, &b))
            return -1;
        skip_spaces(&p);
        if (*p != ']' && *p != ')')
            return -1;
        r->hi_open = *p++ == ')';
        if (a == INFINITY || b == -INFINITY)
            return -1;
        r->has_lo = isfinite(a);
        r->has_hi = isfinite(b);
        r->lo = a;
        r->hi = b;
        if (r->has_lo && r->has_hi && !(a < b || (a == b && !r->lo_open && !r->hi_open)))
            return -1;
    } else if (*p == '>' || *p == '<') {
        int gt = *p++ == '>';
        int eq = *p == '=';
        if (eq)
            p++;
        if (parse_bound(&p, &a) || !isfinite(a))
            return -1;
        if (gt) {
            r->has_lo = 1, r->lo = a, r->lo_open = !eq;
        } else {
            r->has_hi = 1, r->hi = a, r->hi_open = !eq;
        }
    } else {
        return -1;
    }
    skip_spaces(&p);
    return *p ? -1 : 0;
}

static const char *range_text(const struct range *r, char *buf, size_t size)
{
    char a[40], b[40];
    if (r->has_lo && r->has_hi)
        snprintf(buf, size, "%c%s, %s%c", r->lo_open ? '(' : '[', fmt_num(r->lo, a, sizeof a),
                 fmt_num(r->hi, b, sizeof b), r->hi_open ? ')' : ']');
    else if (r->has_lo)
        snprintf(buf, size, "%s %s", r->lo_open ? ">" : ">=", fmt_num(r->lo, a, sizeof a));
    else if (r->has_hi)
        snprintf(buf, size, "%s %s", r->hi_open ? "<" : "<=", fmt_num(r->hi, b, sizeof b));
    else
        snprintf(buf, size, "any");
    return buf;
}

/* 0 when v is inside r; otherwise -1 and why gets "must be >= 1". long double holds every
 * int64 and every double exactly, so int and float keys share this. */
static int range_check(const struct range *r, long double v, char *why, size_t size)
{
    char b[40];
    if (r->has_lo && (v < r->lo || (r->lo_open && v == r->lo))) {
        snprintf(why, size, "must be %s %s", r->lo_open ? ">" : ">=", fmt_num(r->lo, b, sizeof b));
        return -1;
    }
    if (r->has_hi && (v > r->hi || (r->hi_open && v == r->hi))) {
        snprintf(why, size, "must be %s %s", r->hi_open ? "<" : "<=", fmt_num(r->hi, b, sizeof b));
        return -1;
    }
    return 0;
}

static void key_range(const struct sim_cfg_key *key, struct range *r)
{
    if (range_parse(key->range, r)) /* rejected by sim_cfg_schema_check */
        memset(r, 0, sizeof *r);
}

/* ---------------------------------------------------------------------------------------
 * The scenario object.
 */

/* Sort keys of diagnostics: documents count up from 0 while loading (leaf first) and are
 * renumbered root first when the chain is complete; --set and finish come after. */
#define ORDER_SET 1000000
#define ORDER_FINISH 2000000

struct diag {
    struct sim_cfg_diag pub; /* what callers see; pub.text is owned */
    size_t body;             /* offset in pub.text after the "file:line: " prefix */
    int order;               /* sort key, see ORDER_* */
};

/* One resolved key. */
struct val {
    int set;                    /* has a value (default, file or --set) */
    int tried;                  /* some source gave a value, valid or not */
    enum sim_cfg_origin origin; /* where it came from */
    const char *file;           /* SIM_CFG_FILE: file name (owned by sim_cfg.names) */
    int line;                   /* SIM_CFG_FILE: line */
    int64_t i;                  /* int value, bool (0/1) or choice index */
    double f;                   /* float value; the mean when dist is set */
    char *s;                    /* string value (owned) */
    double *fa;                 /* float array: key->count values (owned) */
    struct sim_dist dist;       /* float keys: kind SIM_DIST_NONE unless a distribution */
};

struct sim_cfg {
    const struct sim_cfg_schema *schema; /* the key table (not owned) */
    struct val *vals;                    /* one per key */
    struct strmap keymap;                /* key path -> index, group path -> -1 */
    char **names;                        /* file names referred to by origins (owned) */
    size_t nnames, capnames;
    const char *leaf;                    /* the file given to load, or NULL */
    const char **chain;                  /* files read, root ancestor first */
    size_t nchain;
    struct diag *diags;                  /* stored diagnostics */
    size_t ndiags, capdiags;
    size_t nerrors;                      /* all problems, stored or not */
    int nsets;                           /* --set overrides applied so far */
    int loaded;                          /* sim_cfg_load was called */
    int incomplete;                      /* a file of the chain could not be read or parsed,
                                          * so "missing required key" would be noise */
    int oom;                             /* an allocation failed somewhere */
};

static const char *const dist_names[] = {"none", "beta", "gamma", "lognormal",
                                         "normal", "uniform", "triangular"};
#define DIST_CHOICES "\"beta\", \"gamma\", \"lognormal\", \"normal\", \"uniform\", \"triangular\""

const char *sim_dist_name(enum sim_dist_kind kind)
{
    return (unsigned)kind < sizeof dist_names / sizeof *dist_names ? dist_names[kind] : "?";
}

static void add_diag_v(struct sim_cfg *cfg, int order, const char *file, int line,
                       const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));
static void add_diag_v(struct sim_cfg *cfg, int order, const char *file, int line,
                       const char *path, const char *fmt, va_list ap)
{
    cfg->nerrors++;
    if (cfg->ndiags >= SIM_CFG_MAX_DIAGS)
        return;
    if (cfg->ndiags == cfg->capdiags) {
        size_t cap = cfg->capdiags ? cfg->capdiags * 2 : 16;
        struct diag *d = realloc(cfg->diags, cap * sizeof *d);
        if (!d) {
            cfg->oom = 1;
            return;
        }
        cfg->diags = d;
        cfg->capdiags = cap;
    }
    struct sbuf b = {0};
    if (!file)
        sb_puts(&b, "--set: ");
    else if (line > 0)
        sb_printf(&b, "%s:%d: ", file, line);
    else
        sb_printf(&b, "%s: ", file);
    size_t body = b.len;
    if (path)
        sb_printf(&b, "%s: ", path);
    sb_vprintf(&b, fmt, ap);
    if (b.oom) {
        free(b.p);
        cfg->oom = 1;
        return;
    }
    struct diag *d = &cfg->diags[cfg->ndiags++];
    d->pub.file = file;
    d->pub.line = file ? line : 0;
    d->pub.text = b.p;
    d->body = body;
    d->order = order;
}

static void add_diag(struct sim_cfg *cfg, int order, const char *file, int line,
                     const char *path, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void add_diag(struct sim_cfg *cfg, int order, const char *file, int line,
                     const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_diag_v(cfg, order, file, line, path, fmt, ap);
    va_end(ap);
}

/* Stable sort by (order, line): insertion sort, there are at most SIM_CFG_MAX_DIAGS. */
static void sort_diags(struct sim_cfg *cfg)
{
    for (size_t i = 1; i < cfg->ndiags; i++) {
        struct diag t = cfg->diags[i];
        size_t j = i;
        while (j > 0 && (cfg->diags[j - 1].order > t.order ||
                         (cfg->diags[j - 1].order == t.order &&
                          cfg->diags[j - 1].pub.line > t.pub.line))) {
            cfg->diags[j] = cfg->diags[j - 1];
            j--;
        }
        cfg->diags[j] = t;
    }
}

/* Copies diagnostics [from, ndiags) into err and returns the status of a public call. */
static int report(struct sim_cfg *cfg, size_t from_diag, size_t from_errors, int code,
                  struct sim_err *err)
{
    for (size_t i = from_diag; i < cfg->ndiags; i++) {
        const struct diag *d = &cfg->diags[i];
        sim_err_set_at(err, code, d->pub.file ? d->pub.file : "--set", d->pub.line, "%s",
                       d->pub.text + d->body);
    }
    size_t stored = cfg->ndiags - from_diag;
    for (size_t i = stored; i < cfg->nerrors - from_errors; i++)
        sim_err_set(err, code, "further problem (not stored)");
    if (cfg->oom)
        return sim_err_set(err, SIM_ENOMEM, "out of memory while reading the scenario");
    return cfg->nerrors > from_errors ? code : 0;
}

static const char *keep_name(struct sim_cfg *cfg, const char *name)
{
    if (cfg->nnames == cfg->capnames) {
        size_t cap = cfg->capnames ? cfg->capnames * 2 : 8;
        char **n = realloc(cfg->names, cap * sizeof *n);
        if (!n)
            return NULL;
        cfg->names = n;
        cfg->capnames = cap;
    }
    char *s = strdup(name);
    if (!s)
        return NULL;
    cfg->names[cfg->nnames++] = s;
    return s;
}

/* ---------------------------------------------------------------------------------------
 * Lexer for libconfig 1.5 syntax (its flex rules, longest match), used to pre-check raw
 * text and to find each value's source text. It never reads past n.
 */

enum tok {
    T_EOF, T_NAME, T_BOOL, T_INT, T_FLOAT, T_STRING, T_EQ, T_SEMI, T_COMMA,
    T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN, T_GARBAGE, T_ERROR,
};
#define LIT_GROUP 100
#define LIT_ARRAY 101
#define LIT_LIST 102

struct lexer {
    const char *s;     /* text */
    size_t n;          /* its length */
    size_t i;          /* read position */
    int line;          /* line at the read position */
    size_t line_start; /* offset where that line starts */
    enum tok tok;      /* current token */
    size_t start, end; /* its span */
    int tline;         /* line where it starts */
    char err[160];     /* T_ERROR: the problem */
};

static size_t count_digits(const char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && is_digit((unsigned char)s[j]))
        j++;
    return j - i;
}

/* Length of [eE][-+]?[0-9]+ at i, or 0. */
static size_t match_exponent(const char *s, size_t n, size_t i)
{
    if (i >= n || (s[i] != 'e' && s[i] != 'E'))
        return 0;
    size_t j = i + 1;
    if (j < n && (s[j] == '+' || s[j] == '-'))
        j++;
    size_t d = count_digits(s, n, j);
    return d ? j + d - i : 0;
}

static size_t match_float(const char *s, size_t n, size_t i)
{
    size_t j = i, best = 0;
    if (j < n && (s[j] == '+' || s[j] == '-'))
        j++;
    size_t d = count_digits(s, n, j);
    size_t k = j + d;
    if (k < n && s[k] == '.') { /* [-+]?[0-9]*\.[0-9]*([eE][-+]?[0-9]+)? */
        k++;
        k += count_digits(s, n, k);
        best = k + match_exponent(s, n, k) - i;
    }
    if (d) { /* [-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+ */
        k = j + d;
        if (k < n && s[k] == '.') {
            k++;
            k += count_digits(s, n, k);
        }
        size_t e = match_exponent(s, n, k);
        if (e && k + e - i > best)
            best = k + e - i;
    }
    return best;
}

static size_t match_long_suffix(const char *s, size_t n, size_t k)
{
    if (k < n && s[k] == 'L')
        return (k + 1 < n && s[k + 1] == 'L') ? 2 : 1;
    return 0;
}

static size_t match_int(const char *s, size_t n, size_t i)
{
    size_t j = i;
    if (j < n && (s[j] == '+' || s[j] == '-'))
        j++;
    size_t d = count_digits(s, n, j);
    if (!d)
        return 0;
    return j + d + match_long_suffix(s, n, j + d) - i;
}

static size_t match_hex(const char *s, size_t n, size_t i)
{
    if (n - i < 3 || s[i] != '0' || (s[i + 1] != 'x' && s[i + 1] != 'X'))
        return 0;
    size_t k = i + 2;
    while (k < n && is_xdigit((unsigned char)s[k]))
        k++;
    if (k == i + 2)
        return 0;
    return k + match_long_suffix(s, n, k) - i;
}

static void lex_init(struct lexer *lx, const char *s, size_t n)
{
    memset(lx, 0, sizeof *lx);
    lx->s = s;
    lx->n = n;
    lx->line = 1;
}

static enum tok lex_error(struct lexer *lx, int line, const char *msg)
{
    snprintf(lx->err, sizeof lx->err, "%s", msg);
    lx->tline = line;
    return lx->tok = T_ERROR;
}

static enum tok lex_next(struct lexer *lx)
{
    const char *s = lx->s;
    size_t n = lx->n;
    for (;;) { /* white space and comments */
        if (lx->i >= n) {
            lx->start = lx->end = n;
            lx->tline = lx->line;
            return lx->tok = T_EOF;
        }
        char c = s[lx->i];
        if (c == '\n') {
            lx->line++;
            lx->line_start = ++lx->i;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
            lx->i++;
        } else if (c == '#' || (c == '/' && lx->i + 1 < n && s[lx->i + 1] == '/')) {
            while (lx->i < n && s[lx->i] != '\n')
                lx->i++;
        } else if (c == '/' && lx->i + 1 < n && s[lx->i + 1] == '*') {
            int first = lx->line;
            size_t j = lx->i + 2;
            for (;; j++) {
                if (j + 1 >= n)
                    return lex_error(lx, first, "syntax error: unterminated /* comment");
                if (s[j] == '\n') {
                    lx->line++;
                    lx->line_start = j + 1;
                }
                if (s[j] == '*' && s[j + 1] == '/')
                    break;
            }
            lx->i = j + 2;
        } else {
            break;
        }
    }
    size_t i = lx->i;
    char c = s[i];
    lx->start = i;
    lx->tline = lx->line;
    enum tok t = T_GARBAGE;
    size_t len = 1;
    switch (c) {
    case '=': case ':': t = T_EQ; break;
    case ';': t = T_SEMI; break;
    case ',': t = T_COMMA; break;
    case '{': t = T_LBRACE; break;
    case '}': t = T_RBRACE; break;
    case '[': t = T_LBRACK; break;
    case ']': t = T_RBRACK; break;
    case '(': t = T_LPAREN; break;
    case ')': t = T_RPAREN; break;
    default: break;
    }
    if (t != T_GARBAGE) {
        /* punctuation */
    } else if (c == '"') {
        size_t j = i + 1;
        for (;;) {
            if (j >= n)
                return lex_error(lx, lx->tline, "syntax error: unterminated string");
            char d = s[j];
            if (d == '"')
                break;
            if (d == '\\' && j + 1 < n) {
                char e = s[j + 1];
                if (e && strchr("nrtf\\\"", e)) {
                    j += 2;
                    continue;
                }
                if ((e == 'x' || e == 'X') && j + 3 < n && is_xdigit((unsigned char)s[j + 2]) &&
                    is_xdigit((unsigned char)s[j + 3])) {
                    j += 4;
                    continue;
                }
            } else if (d == '\n') {
                lx->line++;
                lx->line_start = j + 1;
            }
            j++;
        }
        if (j - i - 1 > SIM_CFG_MAX_STRING_BYTES) {
            char msg[80];
            snprintf(msg, sizeof msg, "string longer than %d bytes", SIM_CFG_MAX_STRING_BYTES);
            return lex_error(lx, lx->tline, msg);
        }
        t = T_STRING;
        len = j + 1 - i;
    } else if (c == '@') {
        int at_line_start = 1;
        for (size_t k = lx->line_start; k < i; k++)
            if (s[k] != ' ' && s[k] != '\t')
                at_line_start = 0;
        if (at_line_start && n - i >= 8 && memcmp(s + i, "@include", 8) == 0)
            return lex_error(lx, lx->tline,
                             "@include is not supported; name a parent scenario with "
                             "base = \"file.cfg\"; instead");
    } else if (is_alpha((unsigned char)c) || c == '*') {
        size_t j = i + 1;
        while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '-' || s[j] == '_' || s[j] == '*'))
            j++;
        len = j - i;
        if ((len == 4 && !ascii_casecmp_n(s + i, "true", 4)) ||
            (len == 5 && !ascii_casecmp_n(s + i, "false", 5)))
            t = T_BOOL;
        else
            t = T_NAME;
    } else if (is_digit((unsigned char)c) || c == '.' || c == '+' || c == '-') {
        size_t fl = match_float(s, n, i), in = match_int(s, n, i), hx = match_hex(s, n, i);
        if (fl > in && fl > hx) {
            t = T_FLOAT, len = fl;
        } else if (hx >= in && hx > 0) {
            t = T_INT, len = hx;
        } else if (in) {
            t = T_INT, len = in;
        }
    }
    lx->i = i + len;
    lx->end = lx->i;
    return lx->tok = t;
}

/* ---------------------------------------------------------------------------------------
 * Documents: one scenario file (or one --set value) from raw text to libconfig tree.
 */

struct doc {
    const char *name;      /* display name (owned by sim_cfg.names); NULL for --set */
    char *text;            /* contents, NUL-terminated */
    size_t len;            /* bytes of text */
    config_t lc;           /* libconfig tree */
    int lc_init;           /* lc was initialised */
    int parsed;            /* lc holds a usable tree */
    struct strmap lits;    /* dotted path -> name line and value text */
    dev_t dev;             /* file identity, for cycle checks (0/0 for text in memory) */
    ino_t ino;
    int order;             /* diagnostic sort key */
    const char *alias;     /* --set: the key path that root setting "v" stands for */
    const char *set_value; /* --set: the value as given, quoted in syntax errors */
    const char *set_hint;  /* --set: what a syntax error means ("expected an integer") */
};

static void doc_free(struct doc *d)
{
    if (!d)
        return;
    if (d->lc_init)
        config_destroy(&d->lc);
    free(d->text);
    map_free(&d->lits);
    free(d);
}

/* A problem in document d. path NULL means a syntax-level problem of the whole text. */
static void doc_diag(struct sim_cfg *cfg, const struct doc *d, int line, const char *path,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void doc_diag(struct sim_cfg *cfg, const struct doc *d, int line, const char *path,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (d->alias && !path) {
        struct sbuf b = {0};
        sb_vprintf(&b, fmt, ap);
        if (d->set_value[0])
            add_diag(cfg, d->order, NULL, 0, d->alias, "%s (got %s)", sb_str(&b), d->set_value);
        else
            add_diag(cfg, d->order, NULL, 0, d->alias, "%s (got an empty value)", sb_str(&b));
        if (b.oom)
            cfg->oom = 1;
        free(b.p);
    } else {
        add_diag_v(cfg, d->order, d->name, line, path, fmt, ap);
    }
    va_end(ap);
}

struct frame {
    char open;    /* '{', '[', '(' or 0 for the top level */
    int line;     /* where it was opened */
    int settings; /* settings directly inside (groups and top level) */
};

/* Checks raw text before libconfig sees it. Returns 0, or -1 after reporting the first
 * problem (the text is then not parsed at all). */
static int prescan(struct sim_cfg *cfg, struct doc *d)
{
    const char *s = d->text;
    size_t n = d->len, line_start = 0;
    int line = 1;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] == '\0') {
            doc_diag(cfg, d, line, NULL, "contains a NUL byte (not a text file?)");
            return -1;
        }
        if (i == n || s[i] == '\n') {
            if (i - line_start > SIM_CFG_MAX_LINE_BYTES) {
                doc_diag(cfg, d, line, NULL, "line longer than %d bytes", SIM_CFG_MAX_LINE_BYTES);
                return -1;
            }
            line++;
            line_start = i + 1;
        }
    }
    struct frame st[SIM_CFG_MAX_DEPTH + 1];
    int depth = 0, total = 0;
    struct lexer lx;
    st[0] = (struct frame){0, 1, 0};
    lex_init(&lx, s, n);
    for (;;) {
        enum tok t = lex_next(&lx);
        if (t == T_EOF)
            break;
        if (t == T_ERROR) {
            doc_diag(cfg, d, lx.tline, NULL, "%s", lx.err);
            return -1;
        }
        char c = s[lx.start];
        if (t == T_LBRACE || t == T_LBRACK || t == T_LPAREN) {
            if (depth == SIM_CFG_MAX_DEPTH) {
                doc_diag(cfg, d, lx.tline, NULL, "nesting deeper than %d levels",
                         SIM_CFG_MAX_DEPTH);
                return -1;
            }
            st[++depth] = (struct frame){c, lx.tline, 0};
        } else if (t == T_RBRACE || t == T_RBRACK || t == T_RPAREN) {
            char want = t == T_RBRACE ? '{' : t == T_RBRACK ? '[' : '(';
            if (depth == 0) {
                doc_diag(cfg, d, lx.tline, NULL, "syntax error: '%c' without a matching '%c'",
                         c, want);
                return -1;
            }
            if (st[depth].open != want) {
                doc_diag(cfg, d, lx.tline, NULL,
                         "syntax error: '%c' does not match '%c' opened at line %d", c,
                         st[depth].open, st[depth].line);
                return -1;
            }
            depth--;
        } else if (t == T_EQ && (st[depth].open == 0 || st[depth].open == '{')) {
            if (++st[depth].settings > SIM_CFG_MAX_GROUP_SETTINGS) {
                doc_diag(cfg, d, lx.tline, NULL, "more than %d settings in one group",
                         SIM_CFG_MAX_GROUP_SETTINGS);
                return -1;
            }
            if (++total > SIM_CFG_MAX_SETTINGS) {
                doc_diag(cfg, d, lx.tline, NULL, "more than %d settings in one file",
                         SIM_CFG_MAX_SETTINGS);
                return -1;
            }
        }
    }
    if (depth > 0) {
        doc_diag(cfg, d, st[depth].line, NULL, "syntax error: '%c' is never closed",
                 st[depth].open);
        return -1;
    }
    return 0;
}

/* The token walk before libconfig: records literals, reports duplicates, missing ';' and
 * syntax errors. */
struct walker {
    struct lexer lx;          /* token source */
    struct sim_cfg *cfg;      /* for diagnostics */
    struct doc *d;            /* the document walked */
    struct sbuf path;         /* dotted path of the setting being walked */
    size_t last_end;          /* end of the last value token */
    int last_line;            /* its line */
    int ndups;                /* duplicates found */
    int stop;                 /* unexpected token: the walk gave up */
    const char *why;          /* when known, what is wrong at the stop (static text) */
};

static void w_next(struct walker *w)
{
    enum tok t = lex_next(&w->lx);
    if (t == T_ERROR || t == T_GARBAGE)
        w->stop = 1;
}

static void w_consume_value_token(struct walker *w)
{
    w->last_end = w->lx.end;
    w->last_line = w->lx.tline;
    w_next(w);
}

static int is_scalar_tok(enum tok t)
{
    return t == T_BOOL || t == T_INT || t == T_FLOAT || t == T_STRING;
}

static void walk_settings(struct walker *w, enum tok closer, int in_dup);

/* Element classes of libconfig arrays, which must not mix: an int and a float, or an int
 * and a 64-bit (L-suffixed) int, are different types to libconfig 1.5. */
enum { EC_BOOL, EC_INT, EC_INT64, EC_FLOAT, EC_STRING };

static int elem_class(const struct lexer *lx)
{
    switch (lx->tok) {
    case T_BOOL: return EC_BOOL;
    case T_FLOAT: return EC_FLOAT;
    case T_STRING: return EC_STRING;
    default: return lx->s[lx->end - 1] == 'L' ? EC_INT64 : EC_INT;
    }
}

static const char *mixed_array_why(int a, int b)
{
    if ((a == EC_INT && b == EC_FLOAT) || (a == EC_FLOAT && b == EC_INT))
        return "an array mixes integers and decimals; write every number with a decimal "
               "point (1.0, not 1)";
    if ((a == EC_INT && b == EC_INT64) || (a == EC_INT64 && b == EC_INT))
        return "an array mixes integers with and without the L suffix";
    return "the elements of an array must all have the same type";
}

static void walk_value(struct walker *w, int in_dup)
{
    enum tok t = w->lx.tok;
    if (t == T_STRING) {
        while (!w->stop && w->lx.tok == T_STRING)
            w_consume_value_token(w);
    } else if (is_scalar_tok(t)) {
        w_consume_value_token(w);
    } else if (t == T_LBRACE) {
        w_next(w);
        walk_settings(w, T_RBRACE, in_dup);
        if (!w->stop && w->lx.tok == T_RBRACE)
            w_consume_value_token(w);
        else
            w->stop = 1;
    } else if (t == T_LBRACK) {
        int first = -1; /* element class of the first element */
        w_next(w);
        while (!w->stop && w->lx.tok != T_RBRACK) {
            enum tok et = w->lx.tok;
            if (!is_scalar_tok(et)) {
                if (et == T_LBRACE || et == T_LBRACK || et == T_LPAREN)
                    w->why = "an array [ ... ] holds only plain numbers, strings or booleans, "
                             "not groups, lists or arrays";
                w->stop = 1;
                return;
            }
            int cls = elem_class(&w->lx);
            if (first < 0) {
                first = cls;
            } else if (cls != first) { /* libconfig: "mismatched element type in array" */
                w->why = mixed_array_why(first, cls);
                w->stop = 1;
                return;
            }
            walk_value(w, in_dup);
            if (w->stop)
                return;
            if (w->lx.tok == T_COMMA) {
                w_next(w);
                if (w->lx.tok == T_RBRACK) {
                    w->why = "',' after the last element of an array (remove it)";
                    w->stop = 1;
                }
            } else if (w->lx.tok != T_RBRACK) {
                w->stop = 1;
            }
        }
        if (!w->stop)
            w_consume_value_token(w);
    } else if (t == T_LPAREN) {
        size_t plen = w->path.len;
        w_next(w);
        for (int idx = 0; !w->stop && w->lx.tok != T_RPAREN; idx++) {
            sb_printf(&w->path, ".[%d]", idx);
            walk_value(w, in_dup);
            sb_trunc(&w->path, plen);
            if (w->stop)
                return;
            if (w->lx.tok == T_COMMA) {
                w_next(w);
                if (w->lx.tok == T_RPAREN) {
                    w->why = "',' after the last element of a list (remove it)";
                    w->stop = 1;
                }
            } else if (w->lx.tok != T_RPAREN) {
                w->stop = 1;
            }
        }
        if (!w->stop)
            w_consume_value_token(w);
    } else {
        w->stop = 1;
    }
}

static void walk_settings(struct walker *w, enum tok closer, int in_dup)
{
    struct doc *d = w->d;
    while (!w->stop && w->lx.tok != closer) {
        if (w->lx.tok != T_NAME) {
            w->stop = 1;
            return;
        }
        size_t plen = w->path.len;
        if (plen == 0 && d->alias && w->lx.end - w->lx.start == 1 && d->text[w->lx.start] == 'v') {
            sb_puts(&w->path, d->alias);
        } else {
            if (plen)
                sb_putc(&w->path, '.');
            sb_put(&w->path, d->text + w->lx.start, w->lx.end - w->lx.start);
        }
        if (w->path.oom) {
            w->cfg->oom = 1;
            w->stop = 1;
            return;
        }
        int line = w->lx.tline;
        w_next(w);
        if (w->lx.tok != T_EQ) {
            w->stop = 1;
            return;
        }
        w_next(w);
        size_t vstart = w->lx.start;
        enum tok vt = w->lx.tok;
        int dup = in_dup;
        if (!in_dup) {
            struct lit *old = NULL, l = {line, (int)vt, vstart, 0, w->lx.tline};
            int r = map_add(&d->lits, w->path.p, l, &old);
            if (r < 0) {
                w->cfg->oom = 1;
                w->stop = 1;
                return;
            }
            if (r == 0) {
                dup = 1;
                w->ndups++;
                doc_diag(w->cfg, d, line, w->path.p, "duplicate key (first set at line %d)",
                             old->line);
            }
        }
        walk_value(w, dup);
        if (w->stop)
            return;
        if (!dup) {
            struct lit *l = map_get(&d->lits, w->path.p);
            if (l) {
                l->len = w->last_end - vstart;
                l->kind = vt == T_LBRACE ? LIT_GROUP : vt == T_LBRACK ? LIT_ARRAY
                        : vt == T_LPAREN ? LIT_LIST : (int)vt;
            }
        }
        if (w->lx.tok == T_SEMI || w->lx.tok == T_COMMA)
            w_next(w);
        else
            doc_diag(w->cfg, d, w->last_line, w->path.p, "missing ';' after the value");
        sb_trunc(&w->path, plen);
    }
}

/* First "a.b" written as a setting name (libconfig has no dotted names: 1.5 reports a
 * syntax error or, if group a exists, "duplicate setting name"). Returns its line, or 0;
 * buf gets the dotted name. */
static int find_dotted_name(const struct doc *d, char *buf, size_t size)
{
    struct lexer lx;
    lex_init(&lx, d->text, d->len);
    for (enum tok t = lex_next(&lx); t != T_EOF && t != T_ERROR; t = lex_next(&lx)) {
        size_t e = lx.end;
        if (t != T_NAME || e + 1 >= d->len || d->text[e] != '.' ||
            !is_alpha((unsigned char)d->text[e + 1]))
            continue;
        while (e < d->len && (is_alnum((unsigned char)d->text[e]) || d->text[e] == '.' ||
                              d->text[e] == '_' || d->text[e] == '-'))
            e++;
        snprintf(buf, size, "%.*s", (int)(e - lx.start), d->text + lx.start);
        return lx.tline;
    }
    return 0;
}

/* Forgets the diagnostics recorded since (d0, e0). */
static void drop_diags(struct sim_cfg *cfg, size_t d0, size_t e0)
{
    while (cfg->ndiags > d0)
        free((char *)cfg->diags[--cfg->ndiags].pub.text);
    cfg->nerrors = e0;
}

/* " (not a text file?)" when the text holds control characters other than white space,
 * as binary files do: said after a syntax error, which is all libconfig sees in them. */
static const char *binary_hint(const struct doc *d)
{
    for (size_t i = 0; i < d->len; i++) {
        unsigned char c = (unsigned char)d->text[i];
        if ((c < 0x20 && !strchr("\t\n\r\f\v", c)) || c == 0x7f)
            return " (not a text file?)";
    }
    return "";
}

/* Reports a syntax error found at line: text, or "syntax error: why" when the walk knows
 * why (which --set then shows instead of its generic hint). */
static void syntax_error(struct sim_cfg *cfg, struct doc *d, int line, const char *text,
                         const char *why)
{
    char dotted[128];
    int dline = d->alias ? 0 : find_dotted_name(d, dotted, sizeof dotted);
    const char *dot = dline ? strchr(dotted, '.') : NULL;
    if (d->alias)
        doc_diag(cfg, d, 0, NULL, "%s", why ? why : d->set_hint);
    else if (dot && dline <= line)
        doc_diag(cfg, d, dline, NULL, "syntax error: dotted name '%s'; write %.*s = { %s = ...; };",
                 dotted, (int)(dot - dotted), dotted, dot + 1);
    else if (why)
        doc_diag(cfg, d, line, NULL, "syntax error: %s%s", why, binary_hint(d));
    else
        doc_diag(cfg, d, line, NULL, "%s%s", text, binary_hint(d));
}

/* Pre-scan, token walk, libconfig. Returns 0 when d->lc holds a tree to validate.
 * The walk follows libconfig's grammar and stops at the token where libconfig's parser
 * would fail; such text never reaches libconfig, whose 1.5 parser leaks the token it
 * fails on. */
static int doc_parse(struct sim_cfg *cfg, struct doc *d)
{
    if (d->len >= 3 && memcmp(d->text, "\xEF\xBB\xBF", 3) == 0)
        memset(d->text, ' ', 3); /* a UTF-8 byte-order mark: keep columns and lines */
    if (prescan(cfg, d))
        return -1;
    size_t d0 = cfg->ndiags, e0 = cfg->nerrors;
    struct walker w;
    memset(&w, 0, sizeof w);
    lex_init(&w.lx, d->text, d->len);
    w.cfg = cfg;
    w.d = d;
    w_next(&w);
    walk_settings(&w, T_EOF, 0);
    free(w.path.p);
    if (w.stop) { /* only the syntax error counts: what was found before it may be noise */
        drop_diags(cfg, d0, e0);
        syntax_error(cfg, d, w.lx.tline, "syntax error", w.why);
        return -1;
    }
    if (w.ndups)
        return -1; /* reported with their paths; libconfig would only say the first */
    config_init(&d->lc);
    d->lc_init = 1;
    if (config_read_string(&d->lc, d->text) != CONFIG_TRUE) { /* the walk should catch all */
        const char *etext = config_error_text(&d->lc);
        drop_diags(cfg, d0, e0);
        syntax_error(cfg, d, config_error_line(&d->lc), etext ? etext : "syntax error", NULL);
        return -1;
    }
    d->parsed = 1;
    return 0;
}

/* Reads a whole file into a new doc. On failure returns NULL and why gets the reason. */
static struct doc *doc_read(const char *path, char *why, size_t size)
{
    struct doc *d = NULL;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block us */
    if (fd < 0) {
        snprintf(why, size, "%s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        snprintf(why, size, "%s", strerror(errno));
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(why, size, "is a directory");
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, size, "not a regular file");
        goto fail;
    }
    if (st.st_size > (off_t)SIM_CFG_MAX_FILE_BYTES) {
        snprintf(why, size, "file too large (%lld bytes; scenario files are limited to %u MiB)",
                 (long long)st.st_size, SIM_CFG_MAX_FILE_BYTES >> 20);
        goto fail;
    }
    d = calloc(1, sizeof *d);
    if (!d || !(d->text = malloc((size_t)st.st_size + 1))) {
        snprintf(why, size, "out of memory");
        goto fail;
    }
    while (d->len < (size_t)st.st_size) {
        ssize_t r = read(fd, d->text + d->len, (size_t)st.st_size - d->len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(why, size, "%s", strerror(errno));
            goto fail;
        }
        if (r == 0)
            break; /* shrank while reading: take what is there */
        d->len += (size_t)r;
    }
    d->text[d->len] = '\0';
    d->dev = st.st_dev;
    d->ino = st.st_ino;
    close(fd);
    return d;
fail:
    doc_free(d);
    close(fd);
    return NULL;
}

static struct doc *doc_from_text(const char *text)
{
    struct doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->len = strlen(text);
    d->text = malloc(d->len + 1);
    if (!d->text) {
        free(d);
        return NULL;
    }
    memcpy(d->text, text, d->len + 1);
    return d;
}

/* ---------------------------------------------------------------------------------------
 * Validating values against the schema.
 */

/* One source of values being validated. */
struct vctx {
    struct sim_cfg *cfg;        /* where values and diagnostics go */
    struct doc *d;              /* the document (literals, names) */
    enum sim_cfg_origin origin; /* SIM_CFG_FILE or SIM_CFG_SET */
};

static int setting_line(const struct vctx *v, const char *path, const config_setting_t *s)
{
    if (v->d->alias)
        return 0;
    const struct lit *l = map_get(&v->d->lits, path);
    return l ? l->line : (int)config_setting_source_line(s);
}

static const char *src_text(const char *t, size_t len, char *buf, size_t size);

/* The value as the user wrote it, for "(got ...)": quoted source text, shortened. */
static const char *got_text(const struct vctx *v, const char *path, const config_setting_t *s,
                            char *buf, size_t size)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_GROUP: return "a group";
    case CONFIG_TYPE_LIST: return "a list";
    case CONFIG_TYPE_ARRAY: return "an array";
    default: break;
    }
    const struct lit *l = map_get(&v->d->lits, path);
    if (!l || !l->len) {
        snprintf(buf, size, "?");
        return buf;
    }
    return src_text(v->d->text + l->off, l->len, buf, size);
}

/* Source text t (len bytes) for "(got ...)": one line, at most 60 bytes. */
static const char *src_text(const char *t, size_t len, char *buf, size_t size)
{
    size_t n = len, o = 0, limit = 60;
    if (n > limit) { /* cut at a character boundary */
        n = limit - 3;
        while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n && o + 3 < size; i++) {
        if (t[i] == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else if ((unsigned char)t[i] < 0x20) {
            buf[o++] = ' ';
        } else {
            buf[o++] = t[i];
        }
    }
    if (n < len && o + 4 < size) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

static void vdiag(const struct vctx *v, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void vdiag(const struct vctx *v, int line, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_diag_v(v->cfg, v->d->order, v->d->name, line, path, fmt, ap);
    va_end(ap);
}

static int parse_int_literal(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0, base = 10;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    while (n > i && s[n - 1] == 'L')
        n--;
    if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
    }
    if (i >= n)
        return -2;
    uint64_t acc = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        int c = (unsigned char)s[i];
        unsigned dg = is_digit(c) ? (unsigned)(c - '0')
                    : is_xdigit(c) ? (unsigned)(lower(c) - 'a' + 10) : 99;
        if (dg >= (unsigned)base)
            return -2;
        if (acc > (limit - dg) / (unsigned)base)
            return neg ? -1 : 1;
        acc = acc * (unsigned)base + dg;
    }
    *out = neg ? (acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc) : (int64_t)acc;
    return 0;
}

static const char *type_expectation(const struct sim_cfg_key *key, char *buf, size_t size)
{
    switch (key->type) {
    case SIM_CFG_INT: return "expected an integer";
    case SIM_CFG_FLOAT: return "expected a number or a distribution { dist = ...; }";
    case SIM_CFG_BOOL: return "expected true or false";
    case SIM_CFG_STRING: return "expected a string in double quotes";
    case SIM_CFG_FLOAT_ARRAY:
        snprintf(buf, size, "expected an array of %zu number%s [a, b, ...]", key->count,
                 key->count == 1 ? "" : "s");
        return buf;
    case SIM_CFG_CHOICE: {
        struct sbuf b = {0};
        sb_puts(&b, "expected one of ");
        for (size_t i = 0; key->choices[i]; i++)
            sb_printf(&b, "%s\"%s\"", i ? ", " : "", key->choices[i]);
        snprintf(buf, size, "%s", b.oom ? "expected a choice" : sb_str(&b));
        free(b.p);
        return buf;
    }
    }
    return "unexpected type";
}

/* The number an integer literal stands for, as written (libconfig 1.5 wraps beyond 32
 * bits), as a double: beyond 64 bits still the number it is. */
static double int_text_value(const char *t, size_t len)
{
    char tmp[128];
    size_t n = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
    memcpy(tmp, t, n);
    while (n > 0 && tmp[n - 1] == 'L')
        n--;
    tmp[n] = '\0';
    int64_t iv;
    if (parse_int_literal(tmp, n, &iv) == 0)
        return (double)iv;
    return strtod(tmp, NULL);
}

/* Reads a number for a float key or a distribution member: ints as written, finite only. */
static int read_float(const struct vctx *v, const config_setting_t *s, const char *path,
                      int line, const char *expect, double *out)
{
    char got[80];
    int type = config_setting_type(s);
    double x;
    if (type == CONFIG_TYPE_FLOAT) {
        x = config_setting_get_float(s);
    } else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
        const struct lit *l = map_get(&v->d->lits, path);
        if (l && l->len)
            x = int_text_value(v->d->text + l->off, l->len);
        else
            x = (double)config_setting_get_int64(s);
    } else {
        vdiag(v, line, path, "%s (got %s)", expect, got_text(v, path, s, got, sizeof got));
        return -1;
    }
    if (!isfinite(x)) {
        vdiag(v, line, path, "must be a finite number (got %s)",
              got_text(v, path, s, got, sizeof got));
        return -1;
    }
    *out = x;
    return 0;
}

static int ident_valid(const char *s)
{
    if (!is_alnum((unsigned char)s[0]))
        return 0;
    for (; *s; s++)
        if (!is_alnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
            return 0;
    return 1;
}

/* Checks a string value for key; got is how to show it. 0 and *choice when valid. */
static int check_string(const struct vctx *v, const struct sim_cfg_key *key, const char *path,
                        int line, const char *str, const char *got, int64_t *choice)
{
    size_t n = strlen(str);
    if (!utf8_valid((const unsigned char *)str, n)) {
        vdiag(v, line, path, "not valid UTF-8 text (got %s)", got);
        return -1;
    }
    if (key->type == SIM_CFG_CHOICE) {
        for (size_t i = 0; key->choices[i]; i++) {
            if (strcmp(key->choices[i], str) == 0) {
                *choice = (int64_t)i;
                return 0;
            }
        }
        struct sbuf b = {0};
        for (size_t i = 0; key->choices[i]; i++)
            sb_printf(&b, "%s\"%s\"", i ? ", " : "", key->choices[i]);
        vdiag(v, line, path, "must be one of %s (got %s)", sb_str(&b), got);
        if (b.oom)
            v->cfg->oom = 1;
        free(b.p);
        return -1;
    }
    if (n >= key->size) {
        vdiag(v, line, path, "too long: at most %zu bytes (got %s)", key->size - 1, got);
        return -1;
    }
    if ((key->flags & SIM_CFG_IDENT) && !ident_valid(str)) {
        vdiag(v, line, path,
              "must be a name of letters, digits, '_', '-' or '.', starting with a letter or "
              "digit (got %s)", got);
        return -1;
    }
    return 0;
}

static void commit(const struct vctx *v, size_t k, struct val *nv, int line)
{
    struct val *old = &v->cfg->vals[k];
    free(old->s);
    free(old->fa);
    *old = *nv;
    old->set = 1;
    old->tried = 1;
    old->origin = v->origin;
    old->file = v->origin == SIM_CFG_FILE ? v->d->name : NULL;
    old->line = v->origin == SIM_CFG_FILE ? line : 0;
}

static int member_index(const char *const *members, const char *name)
{
    for (int i = 0; members[i]; i++)
        if (strcmp(members[i], name) == 0)
            return i;
    return -1;
}

/* Reads and checks a distribution group for a float key. */
static int read_dist(const struct vctx *v, const struct sim_cfg_key *key, const char *path,
                     int line, const config_setting_t *g, struct sim_dist *out)
{
    static const char *const members[][4] = {
        [SIM_DIST_BETA] = {"mean", "sd", NULL},
        [SIM_DIST_GAMMA] = {"mean", "sd", NULL},
        [SIM_DIST_LOGNORMAL] = {"mean", "sd", NULL},
        [SIM_DIST_NORMAL] = {"mean", "sd", NULL},
        [SIM_DIST_UNIFORM] = {"min", "max", NULL},
        [SIM_DIST_TRIANGULAR] = {"min", "mode", "max", NULL},
    };
    struct sbuf mp = {0};
    char got[80], why[96], rt[96], a[40], b[40], c[40];
    int bad = 0;
    struct range r;
    key_range(key, &r);
    memset(out, 0, sizeof *out);

    const config_setting_t *ds = config_setting_get_member(g, "dist");
    sb_printf(&mp, "%s.dist", path);
    if (!ds) {
        vdiag(v, line, path, "a distribution needs 'dist', one of %s", DIST_CHOICES);
        goto fail;
    }
    if (config_setting_type(ds) != CONFIG_TYPE_STRING) {
        vdiag(v, setting_line(v, sb_str(&mp), ds), sb_str(&mp), "expected one of %s (got %s)",
              DIST_CHOICES, got_text(v, sb_str(&mp), ds, got, sizeof got));
        goto fail;
    }
    enum sim_dist_kind kind = SIM_DIST_NONE;
    for (int i = SIM_DIST_BETA; i <= SIM_DIST_TRIANGULAR; i++)
        if (strcmp(config_setting_get_string(ds), dist_names[i]) == 0)
            kind = (enum sim_dist_kind)i;
    if (kind == SIM_DIST_NONE) {
        vdiag(v, setting_line(v, sb_str(&mp), ds), sb_str(&mp), "must be one of %s (got %s)",
              DIST_CHOICES, got_text(v, sb_str(&mp), ds, got, sizeof got));
        goto fail;
    }
    const char *const *want = members[kind];
    out->kind = kind;

    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(m);
        if (strcmp(name, "dist") == 0 || member_index(want, name) >= 0)
            continue;
        sb_trunc(&mp, 0);
        sb_printf(&mp, "%s.%s", path, name);
        struct sbuf allowed = {0};
        for (int j = 0; want[j]; j++)
            sb_printf(&allowed, ", %s", want[j]);
        vdiag(v, setting_line(v, sb_str(&mp), m), sb_str(&mp),
              "not a parameter of a %s distribution (allowed: dist%s)", dist_names[kind],
              sb_str(&allowed));
        free(allowed.p);
        bad = 1;
    }
    double val[3] = {0, 0, 0};
    int vline[3] = {line, line, line};
    for (int j = 0; want[j]; j++) {
        const config_setting_t *m = config_setting_get_member(g, want[j]);
        if (!m) {
            vdiag(v, line, path, "a %s distribution needs '%s'", dist_names[kind], want[j]);
            bad = 1;
            continue;
        }
        sb_trunc(&mp, 0);
        sb_printf(&mp, "%s.%s", path, want[j]);
        vline[j] = setting_line(v, sb_str(&mp), m);
        if (read_float(v, m, sb_str(&mp), vline[j], "expected a number", &val[j]))
            bad = 1;
    }
    if (bad || mp.oom)
        goto fail;

    range_text(&r, rt, sizeof rt);
    if (kind == SIM_DIST_UNIFORM || kind == SIM_DIST_TRIANGULAR) {
        out->min = val[0];
        out->mode = kind == SIM_DIST_TRIANGULAR ? val[1] : 0.5 * (val[0] + val[1]);
        out->max = kind == SIM_DIST_TRIANGULAR ? val[2] : val[1];
        if (kind == SIM_DIST_UNIFORM && !(out->min < out->max)) {
            vdiag(v, line, path, "a uniform distribution needs min < max (got min %s, max %s)",
                  fmt_num(out->min, a, sizeof a), fmt_num(out->max, b, sizeof b));
            goto fail;
        }
        if (kind == SIM_DIST_TRIANGULAR &&
            !(out->min <= out->mode && out->mode <= out->max && out->min < out->max)) {
            vdiag(v, line, path,
                  "a triangular distribution needs min <= mode <= max and min < max "
                  "(got min %s, mode %s, max %s)", fmt_num(out->min, a, sizeof a),
                  fmt_num(out->mode, b, sizeof b), fmt_num(out->max, c, sizeof c));
            goto fail;
        }
        const char *ends[] = {"min", "max"};
        const double endv[] = {out->min, out->max};
        const int endl[] = {vline[0], kind == SIM_DIST_TRIANGULAR ? vline[2] : vline[1]};
        for (int j = 0; j < 2; j++) {
            if (range_check(&r, endv[j], why, sizeof why) == 0)
                continue;
            sb_trunc(&mp, 0);
            sb_printf(&mp, "%s.%s", path, ends[j]);
            vdiag(v, endl[j], sb_str(&mp), "%s (got %s)", why, fmt_num(endv[j], a, sizeof a));
            bad = 1;
        }
        out->mean = sim_dist_mean(out);
        if (bad)
            goto fail;
    } else {
        out->mean = val[0];
        out->sd = val[1];
        int mean_ok = 1;
        sb_trunc(&mp, 0);
        sb_printf(&mp, "%s.mean", path);
        if (kind == SIM_DIST_BETA && !(out->mean > 0 && out->mean < 1)) {
            vdiag(v, vline[0], sb_str(&mp), "must be > 0 and < 1 for a beta distribution (got %s)",
                  fmt_num(out->mean, a, sizeof a));
            mean_ok = 0;
        }
        if ((kind == SIM_DIST_GAMMA || kind == SIM_DIST_LOGNORMAL) && !(out->mean > 0)) {
            vdiag(v, vline[0], sb_str(&mp), "must be > 0 for a %s distribution (got %s)",
                  dist_names[kind], fmt_num(out->mean, a, sizeof a));
            mean_ok = 0;
        }
        sb_trunc(&mp, 0);
        sb_printf(&mp, "%s.sd", path);
        if (!(out->sd > 0)) {
            vdiag(v, vline[1], sb_str(&mp), "must be > 0 (got %s)", fmt_num(out->sd, a, sizeof a));
            goto fail;
        }
        if (!mean_ok)
            goto fail;
        if (kind == SIM_DIST_BETA && !(out->sd * out->sd < out->mean * (1 - out->mean))) {
            vdiag(v, vline[1], sb_str(&mp),
                  "too large for a beta distribution with mean %s: need sd < "
                  "sqrt(mean*(1-mean)) = %.6g (got %s)", fmt_num(out->mean, a, sizeof a),
                  sqrt(out->mean * (1 - out->mean)), fmt_num(out->sd, b, sizeof b));
            goto fail;
        }
        if (kind == SIM_DIST_BETA && ((r.has_lo && r.lo > 0) || (r.has_hi && r.hi < 1))) {
            vdiag(v, line, path, "a beta distribution takes values in (0, 1), outside the "
                  "allowed range %s", rt);
            goto fail;
        }
        if ((kind == SIM_DIST_GAMMA || kind == SIM_DIST_LOGNORMAL) &&
            ((r.has_lo && r.lo > 0) || r.has_hi)) {
            vdiag(v, line, path, "a %s distribution takes values in (0, inf), outside the "
                  "allowed range %s", dist_names[kind], rt);
            goto fail;
        }
        if (kind == SIM_DIST_NORMAL) {
            double lo = out->mean - 4 * out->sd, hi = out->mean + 4 * out->sd;
            if (!isfinite(lo) || !isfinite(hi) || range_check(&r, lo, why, sizeof why) ||
                range_check(&r, hi, why, sizeof why)) {
                vdiag(v, line, path, "normal mean +/- 4 sd spans [%.6g, %.6g], outside the "
                      "allowed range %s", lo, hi, rt);
                goto fail;
            }
        }
    }
    free(mp.p);
    return 0;
fail:
    if (mp.oom)
        v->cfg->oom = 1;
    free(mp.p);
    return -1;
}

/* Tolerance of SIM_CFG_SUM_TO_ONE: 1e-6, plus room for the rounding of the sum itself so
 * that shares written to exactly 1e-6 are not rejected by a last-bit difference. */
#define SUM_TO_ONE_TOL (1e-6 + 1e-12)

static double sum_of(const double *x, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    return sum;
}

/* Steps lx (at '[' or at the ',' after an element) over the next element of an array's
 * source text; *start, *end get its span (adjacent strings joined), *line its line.
 * Returns -1 if the text is not what the walk accepted (then callers do without it). */
static int next_elem_src(struct lexer *lx, size_t *start, size_t *end, int *line)
{
    if (lx->tok != T_LBRACK && lx->tok != T_COMMA)
        return -1;
    if (!is_scalar_tok(lex_next(lx)))
        return -1;
    *start = lx->start;
    *end = lx->end;
    *line = lx->tline;
    while (lex_next(lx) == T_STRING)
        *end = lx->end;
    return 0;
}

/* Reads and checks the value of float array key: exactly key->count finite numbers, each
 * in the key's range, summing to 1 if the key asks for it. *out gets a malloc'ed copy. */
static int read_float_array(const struct vctx *v, const struct sim_cfg_key *key,
                            const char *path, int line, const config_setting_t *s,
                            const char *expect, double **out)
{
    char got[80], why[96], ep[160];
    int type = config_setting_type(s);
    *out = NULL;
    if (type == CONFIG_TYPE_GROUP && config_setting_get_member(s, "dist")) {
        vdiag(v, line, path, "distributions are not supported on array keys; %s (got a group)",
              expect);
        return -1;
    }
    if (type != CONFIG_TYPE_ARRAY) {
        vdiag(v, line, path, "%s (got %s)", expect, got_text(v, path, s, got, sizeof got));
        return -1;
    }
    size_t n = (size_t)config_setting_length(s);
    if (n != key->count) {
        vdiag(v, line, path, "must have %zu value%s (got %zu)", key->count,
              key->count == 1 ? "" : "s", n);
        return -1;
    }
    double *x = malloc(n * sizeof *x);
    if (!x) {
        v->cfg->oom = 1;
        return -1;
    }
    struct range r;
    key_range(key, &r);
    /* the elements' source text: integers as written, "got" as written, their lines */
    const struct lit *l = map_get(&v->d->lits, path);
    int src = l && l->kind == LIT_ARRAY && l->len > 0;
    struct lexer lx;
    if (src) {
        lex_init(&lx, v->d->text + l->off, l->len);
        src = lex_next(&lx) == T_LBRACK;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        int etype = config_setting_type(e), eline = line;
        size_t es = 0, ee = 0;
        if (src && next_elem_src(&lx, &es, &ee, &eline) == 0)
            eline = v->d->alias ? 0 : l->vline + eline - 1;
        else
            src = 0, eline = line;
        snprintf(ep, sizeof ep, "%s[%zu]", path, i);
        int number = etype == CONFIG_TYPE_FLOAT || etype == CONFIG_TYPE_INT ||
                     etype == CONFIG_TYPE_INT64;
        if (etype == CONFIG_TYPE_FLOAT)
            x[i] = config_setting_get_float(e);
        else if (number)
            x[i] = src ? int_text_value(lx.s + es, ee - es) : (double)config_setting_get_int64(e);
        if (src)
            src_text(lx.s + es, ee - es, got, sizeof got);
        else if (number)
            fmt_num(x[i], got, sizeof got);
        else
            snprintf(got, sizeof got, "?");
        if (!number) { /* libconfig arrays have one element type: say it once */
            vdiag(v, eline, ep, "expected a number (got %s)", got);
            bad = 1;
            break;
        }
        if (!isfinite(x[i])) {
            vdiag(v, eline, ep, "must be a finite number (got %s)", got);
            bad = 1;
        } else if (range_check(&r, x[i], why, sizeof why)) {
            vdiag(v, eline, ep, "%s (got %s)", why, got);
            bad = 1;
        }
    }
    if (!bad && (key->flags & SIM_CFG_SUM_TO_ONE)) {
        double sum = sum_of(x, n);
        if (!(fabs(sum - 1) <= SUM_TO_ONE_TOL)) {
            vdiag(v, line, path, "must sum to 1 (got %.10g)", sum);
            bad = 1;
        }
    }
    if (bad) {
        free(x);
        return -1;
    }
    *out = x;
    return 0;
}

/* Validates setting s as the value of key k and commits it. */
static void check_key(const struct vctx *v, size_t k, const config_setting_t *s, const char *path)
{
    const struct sim_cfg_key *key = &v->cfg->schema->keys[k];
    int line = setting_line(v, path, s), type = config_setting_type(s);
    struct val nv;
    char got[80], why[96], eb[512];
    struct range r;
    memset(&nv, 0, sizeof nv);
    key_range(key, &r);
    const char *expect = type_expectation(key, eb, sizeof eb);
    v->cfg->vals[k].tried = 1; /* an invalid value is not also "missing" */

    switch (key->type) {
    case SIM_CFG_INT: {
        if (type == CONFIG_TYPE_GROUP) {
            vdiag(v, line, path, "distributions are allowed only on float keys (got a group)");
            return;
        }
        if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
            vdiag(v, line, path, "%s (got %s)", expect, got_text(v, path, s, got, sizeof got));
            return;
        }
        const struct lit *l = map_get(&v->d->lits, path);
        int st = 0;
        if (l && l->len)
            st = parse_int_literal(v->d->text + l->off, l->len, &nv.i);
        else
            nv.i = config_setting_get_int64(s);
        if (st == 1 || st == -1) {
            if (st == 1 && r.has_hi)
                range_check(&r, (long double)INT64_MAX * 2, why, sizeof why);
            else if (st == -1 && r.has_lo)
                range_check(&r, (long double)INT64_MIN * 2, why, sizeof why);
            else
                snprintf(why, sizeof why, "integer does not fit in 64 bits");
            vdiag(v, line, path, "%s (got %s)", why, got_text(v, path, s, got, sizeof got));
            return;
        }
        if (st != 0) {
            vdiag(v, line, path, "%s (got %s)", expect, got_text(v, path, s, got, sizeof got));
            return;
        }
        if (range_check(&r, (long double)nv.i, why, sizeof why)) {
            vdiag(v, line, path, "%s (got %s)", why, got_text(v, path, s, got, sizeof got));
            return;
        }
        break;
    }
    case SIM_CFG_FLOAT:
        if (type == CONFIG_TYPE_GROUP) {
            if (read_dist(v, key, path, line, s, &nv.dist))
                return;
            nv.f = nv.dist.mean;
            break;
        }
        if (read_float(v, s, path, line, expect, &nv.f))
            return;
        if (range_check(&r, nv.f, why, sizeof why)) {
            vdiag(v, line, path, "%s (got %s)", why, got_text(v, path, s, got, sizeof got));
            return;
        }
        break;
    case SIM_CFG_BOOL:
        if (type != CONFIG_TYPE_BOOL) {
            vdiag(v, line, path, "%s (got %s)", expect, got_text(v, path, s, got, sizeof got));
            return;
        }
        nv.i = config_setting_get_bool(s) ? 1 : 0;
        break;
    case SIM_CFG_FLOAT_ARRAY:
        if (read_float_array(v, key, path, line, s, expect, &nv.fa))
            return;
        break;
    case SIM_CFG_STRING:
    case SIM_CFG_CHOICE: {
        if (type != CONFIG_TYPE_STRING) {
            vdiag(v, line, path, "%s (got %s)", expect, got_text(v, path, s, got, sizeof got));
            return;
        }
        const char *str = config_setting_get_string(s);
        if (check_string(v, key, path, line, str, got_text(v, path, s, got, sizeof got), &nv.i))
            return;
        if (key->type == SIM_CFG_STRING && !(nv.s = strdup(str))) {
            v->cfg->oom = 1;
            return;
        }
        break;
    }
    }
    commit(v, k, &nv, line);
}

/* Best guess at what an unknown path meant, or NULL. */
static const char *suggest(const struct sim_cfg *cfg, const char *path, char *buf, size_t size)
{
    const struct sim_cfg_schema *sc = cfg->schema;
    size_t n = strlen(path), best = SIZE_MAX;
    const char *last = strrchr(path, '.');
    last = last ? last + 1 : path;
    buf[0] = '\0';
    for (size_t k = 0; k < sc->nkeys; k++) {
        const char *p = sc->keys[k].path;
        for (const char *e = p;; e++) { /* the key and each of its groups */
            if (*e != '.' && *e != '\0')
                continue;
            size_t d = edit_distance(path, n, p, (size_t)(e - p));
            if (d < best && (size_t)(e - p) < size) {
                best = d;
                memcpy(buf, p, (size_t)(e - p));
                buf[e - p] = '\0';
            }
            if (!*e)
                break;
        }
    }
    size_t limit = n <= 4 ? 1 : n <= 12 ? 2 : 3;
    if (best <= limit && best > 0)
        return buf;
    for (size_t k = 0; k < sc->nkeys; k++) { /* right name, wrong group */
        const char *p = sc->keys[k].path, *kl = strrchr(p, '.');
        kl = kl ? kl + 1 : p;
        if (strcmp(kl, last) == 0 && strcmp(p, path) != 0) {
            snprintf(buf, size, "%s", p);
            return buf;
        }
    }
    return NULL;
}

static void unknown_key(const struct vctx *v, const config_setting_t *s, const char *path)
{
    const char *what = config_setting_is_group(s) ? "unknown group" : "unknown key";
    int line = setting_line(v, path, s);
    char buf[256];
    const char *sug = v->cfg->ndiags < SIM_CFG_MAX_DIAGS ? suggest(v->cfg, path, buf, sizeof buf)
                                                         : NULL;
    if (sug)
        vdiag(v, line, path, "%s; did you mean '%s'?", what, sug);
    else
        vdiag(v, line, path, "%s", what);
}

static void check_group(const struct vctx *v, const config_setting_t *g, struct sbuf *path, int top)
{
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(s);
        if (top && strcmp(name, "base") == 0)
            continue; /* the chain loader's */
        size_t plen = path->len;
        if (plen)
            sb_putc(path, '.');
        sb_puts(path, name);
        if (path->oom) {
            v->cfg->oom = 1;
            return;
        }
        const struct lit *l = map_get(&v->cfg->keymap, path->p);
        char got[80];
        if (l && l->kind >= 0) {
            check_key(v, (size_t)l->kind, s, path->p);
        } else if (l) {
            if (config_setting_is_group(s))
                check_group(v, s, path, 0);
            else
                vdiag(v, setting_line(v, path->p, s), path->p,
                      "expected a group of settings { ... } (got %s)",
                      got_text(v, path->p, s, got, sizeof got));
        } else {
            unknown_key(v, s, path->p);
        }
        sb_trunc(path, plen);
    }
}

/* ---------------------------------------------------------------------------------------
 * Schema checks, creation.
 */

static int path_valid(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > 127)
        return 0;
    int at_start = 1;
    for (; *p; p++) {
        if (*p == '.') {
            if (at_start)
                return 0;
            at_start = 1;
        } else if (at_start) {
            if (!(*p >= 'a' && *p <= 'z'))
                return 0;
            at_start = 0;
        } else if (!((*p >= 'a' && *p <= 'z') || is_digit((unsigned char)*p) || *p == '_')) {
            return 0;
        }
    }
    return !at_start;
}

int sim_cfg_schema_find(const struct sim_cfg_schema *schema, const char *path)
{
    if (!schema || !path)
        return -1;
    for (size_t k = 0; k < schema->nkeys; k++)
        if (strcmp(schema->keys[k].path, path) == 0)
            return (int)k;
    return -1;
}

static int schema_has_group(const struct sim_cfg_schema *sc, const char *g)
{
    size_t n = strlen(g);
    for (size_t k = 0; k < sc->nkeys; k++)
        if (strncmp(sc->keys[k].path, g, n) == 0 && sc->keys[k].path[n] == '.')
            return 1;
    return 0;
}

int sim_cfg_schema_check(const struct sim_cfg_schema *sc, struct sim_err *err)
{
    int bad = 0;
#define SCHEMA_BAD(...) (bad = 1, sim_err_set(err, SIM_EINVAL, __VA_ARGS__))
    if (!sc || (!sc->keys && sc->nkeys) || sc->params_size == 0)
        return sim_err_set(err, SIM_EINVAL, "schema: no key table or parameter struct size");
    for (size_t k = 0; k < sc->nkeys; k++) {
        const struct sim_cfg_key *key = &sc->keys[k];
        const char *p = key->path ? key->path : "(null)";
        struct range r;
        if (!key->path || !path_valid(key->path)) {
            SCHEMA_BAD("schema: key %zu: bad path '%s'", k, p);
            continue;
        }
        if (strcmp(p, "base") == 0)
            SCHEMA_BAD("schema: %s: 'base' is reserved for the parent scenario", p);
        for (size_t j = 0; j < k; j++)
            if (sc->keys[j].path && strcmp(sc->keys[j].path, p) == 0)
                SCHEMA_BAD("schema: %s: defined twice", p);
        if (schema_has_group(sc, p))
            SCHEMA_BAD("schema: %s: both a key and a group", p);
        if (!key->unit || !key->desc || !key->source)
            SCHEMA_BAD("schema: %s: unit, desc and source must not be NULL", p);
        if (key->offset > sc->params_size || key->size > sc->params_size - key->offset)
            SCHEMA_BAD("schema: %s: field outside the parameter struct", p);
        if (range_parse(key->range, &r))
            SCHEMA_BAD("schema: %s: bad range '%s'", p, key->range);
        int numeric = key->type == SIM_CFG_INT || key->type == SIM_CFG_FLOAT ||
                      key->type == SIM_CFG_FLOAT_ARRAY;
        if (!numeric && (r.has_lo || r.has_hi))
            SCHEMA_BAD("schema: %s: a range on a non-numeric key", p);
        if ((key->flags & SIM_CFG_SUM_TO_ONE) && key->type != SIM_CFG_FLOAT_ARRAY)
            SCHEMA_BAD("schema: %s: SIM_CFG_SUM_TO_ONE on a key that is not a float array", p);
        int req = (key->flags & SIM_CFG_REQUIRED) != 0;
        char why[96];
        switch (key->type) {
        case SIM_CFG_INT:
            if (key->size != sizeof(int32_t) && key->size != sizeof(int64_t))
                SCHEMA_BAD("schema: %s: int field must be 4 or 8 bytes", p);
            if ((r.has_lo && fabs(r.lo) > 9007199254740992.0) ||
                (r.has_hi && fabs(r.hi) > 9007199254740992.0))
                SCHEMA_BAD("schema: %s: int bounds must be within +/- 2^53", p);
            if (key->size == sizeof(int32_t) &&
                (!r.has_lo || !r.has_hi || r.lo < INT32_MIN || r.hi > INT32_MAX))
                SCHEMA_BAD("schema: %s: a 4-byte int field needs a range within int32", p);
            if (!req && range_check(&r, (long double)key->def_int, why, sizeof why))
                SCHEMA_BAD("schema: %s: default %" PRId64 " %s", p, key->def_int, why);
            break;
        case SIM_CFG_FLOAT:
            if (key->size != sizeof(double))
                SCHEMA_BAD("schema: %s: float field must be a double", p);
            if (!req && (!isfinite(key->def_float) ||
                         range_check(&r, key->def_float, why, sizeof why)))
                SCHEMA_BAD("schema: %s: default %g outside its range", p, key->def_float);
            break;
        case SIM_CFG_FLOAT_ARRAY:
            if (key->count == 0) {
                SCHEMA_BAD("schema: %s: a float array needs count >= 1", p);
                break;
            }
            if (key->count > SIZE_MAX / sizeof(double) ||
                key->size != key->count * sizeof(double)) {
                SCHEMA_BAD("schema: %s: float array field must be double[%zu] (got %zu bytes)", p,
                           key->count, key->size);
                break; /* count is suspect: do not read count defaults */
            }
            if (req)
                break;
            if (!key->def_floats) {
                SCHEMA_BAD("schema: %s: a float array needs def_floats (%zu values) or "
                           "SIM_CFG_REQUIRED", p, key->count);
                break;
            }
            for (size_t i = 0; i < key->count; i++)
                if (!isfinite(key->def_floats[i]) ||
                    range_check(&r, key->def_floats[i], why, sizeof why))
                    SCHEMA_BAD("schema: %s: default [%zu] = %g outside its range", p, i,
                               key->def_floats[i]);
            if ((key->flags & SIM_CFG_SUM_TO_ONE) &&
                !(fabs(sum_of(key->def_floats, key->count) - 1) <= SUM_TO_ONE_TOL))
                SCHEMA_BAD("schema: %s: default sums to %.10g, not 1", p,
                           sum_of(key->def_floats, key->count));
            break;
        case SIM_CFG_BOOL:
            if (key->size != sizeof(bool) && key->size != sizeof(int))
                SCHEMA_BAD("schema: %s: bool field must be bool or int", p);
            if (!req && key->def_int != 0 && key->def_int != 1)
                SCHEMA_BAD("schema: %s: bool default must be 0 or 1", p);
            break;
        case SIM_CFG_STRING:
            if (key->size < 2)
                SCHEMA_BAD("schema: %s: string field needs at least 2 bytes", p);
            if (!req && (!key->def_str || strlen(key->def_str) >= key->size ||
                         !utf8_valid((const unsigned char *)key->def_str, strlen(key->def_str)) ||
                         ((key->flags & SIM_CFG_IDENT) && !ident_valid(key->def_str))))
                SCHEMA_BAD("schema: %s: bad default string", p);
            break;
        case SIM_CFG_CHOICE: {
            if (key->size != sizeof(int))
                SCHEMA_BAD("schema: %s: choice field must be an int", p);
            if (!key->choices || !key->choices[0]) {
                SCHEMA_BAD("schema: %s: choice key without choices", p);
                break;
            }
            int found = 0;
            for (size_t i = 0; key->choices[i]; i++) {
                if (!key->choices[i][0])
                    SCHEMA_BAD("schema: %s: empty choice", p);
                for (size_t j = 0; j < i; j++)
                    if (strcmp(key->choices[i], key->choices[j]) == 0)
                        SCHEMA_BAD("schema: %s: choice '%s' listed twice", p, key->choices[i]);
                if (key->def_str && strcmp(key->def_str, key->choices[i]) == 0)
                    found = 1;
            }
            if (!req && !found)
                SCHEMA_BAD("schema: %s: default is not one of the choices", p);
            break;
        }
        default:
            SCHEMA_BAD("schema: %s: unknown type %d", p, (int)key->type);
        }
    }
    for (size_t g = 0; g < sc->ngroups; g++) {
        const char *gp = sc->groups[g].path;
        if (!gp || !sc->groups[g].desc || !schema_has_group(sc, gp))
            SCHEMA_BAD("schema: group %zu (%s) is not a group of keys", g, gp ? gp : "(null)");
    }
#undef SCHEMA_BAD
    return bad ? SIM_EINVAL : 0;
}

static void set_default(struct sim_cfg *cfg, size_t k)
{
    const struct sim_cfg_key *key = &cfg->schema->keys[k];
    struct val *v = &cfg->vals[k];
    free(v->s);
    free(v->fa);
    memset(v, 0, sizeof *v);
    if (key->flags & SIM_CFG_REQUIRED)
        return;
    v->set = 1;
    v->origin = SIM_CFG_DEFAULT;
    switch (key->type) {
    case SIM_CFG_INT:
    case SIM_CFG_BOOL: v->i = key->def_int; break;
    case SIM_CFG_FLOAT: v->f = key->def_float; break;
    case SIM_CFG_STRING:
        if (!(v->s = strdup(key->def_str)))
            cfg->oom = 1;
        break;
    case SIM_CFG_CHOICE:
        for (size_t i = 0; key->choices[i]; i++)
            if (strcmp(key->choices[i], key->def_str) == 0)
                v->i = (int64_t)i;
        break;
    case SIM_CFG_FLOAT_ARRAY:
        if (!(v->fa = malloc(key->count * sizeof *v->fa)))
            cfg->oom = 1;
        else
            memcpy(v->fa, key->def_floats, key->count * sizeof *v->fa);
        break;
    }
}

struct sim_cfg *sim_cfg_create(const struct sim_cfg_schema *schema, struct sim_err *err)
{
    if (sim_cfg_schema_check(schema, err))
        return NULL;
    struct sim_cfg *cfg = calloc(1, sizeof *cfg);
    if (!cfg || !(cfg->vals = calloc(schema->nkeys ? schema->nkeys : 1, sizeof *cfg->vals)))
        goto oom;
    cfg->schema = schema;
    for (size_t k = 0; k < schema->nkeys; k++) {
        const char *p = schema->keys[k].path;
        char buf[128];
        if (map_add(&cfg->keymap, p, (struct lit){0, (int)k, 0, 0, 0}, NULL) < 0)
            goto oom;
        for (const char *e = p; *e; e++) {
            if (*e != '.')
                continue;
            memcpy(buf, p, (size_t)(e - p));
            buf[e - p] = '\0';
            if (map_add(&cfg->keymap, buf, (struct lit){0, -1, 0, 0, 0}, NULL) < 0)
                goto oom;
        }
        set_default(cfg, k);
    }
    if (cfg->oom)
        goto oom;
    return cfg;
oom:
    sim_cfg_destroy(cfg);
    sim_err_set(err, SIM_ENOMEM, "out of memory creating the scenario");
    return NULL;
}

void sim_cfg_destroy(struct sim_cfg *cfg)
{
    if (!cfg)
        return;
    if (cfg->vals)
        for (size_t k = 0; k < cfg->schema->nkeys; k++) {
            free(cfg->vals[k].s);
            free(cfg->vals[k].fa);
        }
    free(cfg->vals);
    map_free(&cfg->keymap);
    for (size_t i = 0; i < cfg->nnames; i++)
        free(cfg->names[i]);
    free(cfg->names);
    free(cfg->chain);
    for (size_t i = 0; i < cfg->ndiags; i++)
        free((char *)cfg->diags[i].pub.text);
    free(cfg->diags);
    free(cfg);
}

/* ---------------------------------------------------------------------------------------
 * Loading a chain of scenario files.
 */

static char *join_relative(const char *from, const char *rel)
{
    struct sbuf b = {0};
    const char *slash = strrchr(from, '/');
    if (rel[0] != '/' && slash) {
        sb_put(&b, from, (size_t)(slash - from) + 1);
    }
    sb_puts(&b, rel);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* Loads first (already read; name is its display name) and its parents, then applies
 * them root first. */
static void load_chain(struct sim_cfg *cfg, struct doc *first)
{
    struct doc **docs = NULL;
    size_t n = 0, cap = 0;
    struct doc *cur = first;
    while (cur) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 4;
            struct doc **nd = realloc(docs, nc * sizeof *nd);
            if (!nd) {
                cfg->oom = 1;
                doc_free(cur);
                break;
            }
            docs = nd;
            cap = nc;
        }
        cur->order = (int)n;
        docs[n++] = cur;
        if (doc_parse(cfg, cur)) {
            cfg->incomplete = 1;
            break;
        }
        const config_setting_t *base = config_setting_get_member(config_root_setting(&cur->lc), "base");
        if (!base)
            break;
        struct vctx v = {cfg, cur, SIM_CFG_FILE};
        int line = setting_line(&v, "base", base);
        char got[80], why[160];
        cfg->incomplete = 1; /* until the parent is read */
        if (config_setting_type(base) != CONFIG_TYPE_STRING) {
            vdiag(&v, line, "base", "expected a string naming the parent scenario file (got %s)",
                  got_text(&v, "base", base, got, sizeof got));
            break;
        }
        const char *rel = config_setting_get_string(base);
        if (!rel[0]) {
            vdiag(&v, line, "base", "must name the parent scenario file (got \"\")");
            break;
        }
        char *ppath = join_relative(cur->name, rel);
        const char *pname = ppath ? keep_name(cfg, ppath) : NULL;
        free(ppath);
        if (!pname) {
            cfg->oom = 1;
            break;
        }
        struct doc *parent = doc_read(pname, why, sizeof why);
        if (!parent) {
            vdiag(&v, line, "base", "cannot read parent scenario %s: %s", pname, why);
            break;
        }
        parent->name = pname;
        size_t same = n;
        for (size_t i = 0; i < n; i++)
            if ((docs[i]->dev || docs[i]->ino) && docs[i]->dev == parent->dev &&
                docs[i]->ino == parent->ino)
                same = i;
        if (same < n) {
            struct sbuf b = {0};
            for (size_t i = same; i < n; i++)
                sb_printf(&b, "%s -> ", docs[i]->name);
            sb_puts(&b, pname);
            vdiag(&v, line, "base", "inheritance cycle: %s", sb_str(&b));
            if (b.oom)
                cfg->oom = 1;
            free(b.p);
            doc_free(parent);
            break;
        }
        cfg->incomplete = 0;
        cur = parent;
    }
    /* renumber this load's diagnostics root first, then apply values root first */
    for (size_t i = 0; i < cfg->ndiags; i++)
        if (cfg->diags[i].order < ORDER_SET)
            cfg->diags[i].order = (int)n - 1 - cfg->diags[i].order;
    for (size_t i = 0; i < n; i++)
        docs[i]->order = (int)(n - 1 - i);
    free(cfg->chain);
    cfg->chain = calloc(n ? n : 1, sizeof *cfg->chain);
    if (!cfg->chain)
        cfg->oom = 1;
    for (size_t i = n; i-- > 0;) {
        struct doc *d = docs[i];
        if (cfg->chain)
            cfg->chain[cfg->nchain++] = d->name;
        if (d->parsed) {
            struct vctx v = {cfg, d, SIM_CFG_FILE};
            struct sbuf path = {0};
            check_group(&v, config_root_setting(&d->lc), &path, 1);
            if (path.oom)
                cfg->oom = 1;
            free(path.p);
        }
        doc_free(d);
    }
    free(docs);
}

static int load_common(struct sim_cfg *cfg, const char *name, const char *text,
                       struct sim_err *err)
{
    size_t d0 = cfg->ndiags, e0 = cfg->nerrors;
    if (cfg->loaded)
        return sim_err_set(err, SIM_ESTATE, "a scenario was already loaded into this object");
    cfg->loaded = 1;
    const char *kept = keep_name(cfg, name);
    if (!kept) {
        cfg->oom = 1;
        return report(cfg, d0, e0, SIM_EINVAL, err);
    }
    cfg->leaf = kept;
    char why[160];
    struct doc *d = text ? doc_from_text(text) : doc_read(kept, why, sizeof why);
    if (!d) {
        if (text) {
            cfg->oom = 1;
            return report(cfg, d0, e0, SIM_EINVAL, err);
        }
        add_diag(cfg, 0, kept, 0, NULL, "cannot read: %s", why);
        cfg->incomplete = 1;
        return report(cfg, d0, e0, SIM_EIO, err);
    }
    d->name = kept;
    load_chain(cfg, d);
    return report(cfg, d0, e0, SIM_EINVAL, err);
}

int sim_cfg_load(struct sim_cfg *cfg, const char *path, struct sim_err *err)
{
    if (!cfg || !path)
        return sim_err_set(err, SIM_EINVAL, "sim_cfg_load: no scenario or path");
    return load_common(cfg, path, NULL, err);
}

int sim_cfg_load_string(struct sim_cfg *cfg, const char *text, const char *name,
                        struct sim_err *err)
{
    if (!cfg || !text)
        return sim_err_set(err, SIM_EINVAL, "sim_cfg_load_string: no scenario or text");
    return load_common(cfg, name ? name : "(string)", text, err);
}

/* ---------------------------------------------------------------------------------------
 * --set overrides.
 */

static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

int sim_cfg_set(struct sim_cfg *cfg, const char *assignment, struct sim_err *err)
{
    if (!cfg || !assignment)
        return sim_err_set(err, SIM_EINVAL, "sim_cfg_set: no scenario or assignment");
    size_t d0 = cfg->ndiags, e0 = cfg->nerrors;
    int order = ORDER_SET + cfg->nsets++;
    const char *eq = strchr(assignment, '=');
    const char *ks = assignment, *ke = eq ? eq : assignment;
    trim(&ks, &ke);
    if (!eq || ks == ke) {
        add_diag(cfg, order, NULL, 0, NULL, "expected key.path=value (got '%s')", assignment);
        return report(cfg, d0, e0, SIM_EINVAL, err);
    }
    const char *vs = eq + 1, *ve = vs + strlen(vs);
    trim(&vs, &ve);
    if (ve > vs && ve[-1] == ';') /* a habit from the files: "x=1;" */
        ve--;
    struct sbuf key = {0}, val = {0}, text = {0};
    sb_put(&key, ks, (size_t)(ke - ks));
    sb_put(&val, vs, (size_t)(ve - vs));
    if (key.oom || val.oom) {
        cfg->oom = 1;
        goto out;
    }
    int k = -1;
    const struct lit *l = map_get(&cfg->keymap, key.p);
    if (l)
        k = l->kind;
    struct doc setdoc = {0};
    setdoc.order = order;
    setdoc.alias = key.p;
    setdoc.set_value = sb_str(&val);
    struct vctx v = {cfg, &setdoc, SIM_CFG_SET};
    if (k < 0) {
        char buf[256];
        const char *sug = l ? NULL : suggest(cfg, key.p, buf, sizeof buf);
        if (l)
            add_diag(cfg, order, NULL, 0, key.p, "is a group, not a key");
        else if (sug)
            add_diag(cfg, order, NULL, 0, key.p, "unknown key; did you mean '%s'?", sug);
        else
            add_diag(cfg, order, NULL, 0, key.p, "unknown key");
        goto out;
    }
    const struct sim_cfg_key *kd = &cfg->schema->keys[k];
    if ((kd->type == SIM_CFG_STRING || kd->type == SIM_CFG_CHOICE) && sb_str(&val)[0] != '"') {
        /* an unquoted string is taken literally */
        struct val nv;
        cfg->vals[k].tried = 1;
        struct sbuf got = {0};
        memset(&nv, 0, sizeof nv);
        sb_printf(&got, "\"%s\"", sb_str(&val));
        if (!got.oom && check_string(&v, kd, key.p, 0, sb_str(&val), got.p, &nv.i) == 0) {
            if (kd->type == SIM_CFG_STRING && !(nv.s = strdup(sb_str(&val))))
                cfg->oom = 1;
            else
                commit(&v, (size_t)k, &nv, 0);
        }
        if (got.oom)
            cfg->oom = 1;
        free(got.p);
        goto out;
    }
    char eb[512];
    setdoc.set_hint = type_expectation(kd, eb, sizeof eb);
    if (sb_str(&val)[0] == '{')
        setdoc.set_hint = "syntax error in the distribution";
    sb_printf(&text, "v = %s\n;\n", sb_str(&val));
    if (text.oom) {
        cfg->oom = 1;
        goto out;
    }
    setdoc.text = text.p;
    setdoc.len = text.len;
    text.p = NULL;
    if (doc_parse(cfg, &setdoc) == 0) {
        const config_setting_t *root = config_root_setting(&setdoc.lc);
        const config_setting_t *s = config_setting_get_member(root, "v");
        if (config_setting_length(root) != 1 || !s)
            doc_diag(cfg, &setdoc, 0, NULL, "expected a single value");
        else
            check_key(&v, (size_t)k, s, key.p);
    }
    if (setdoc.lc_init)
        config_destroy(&setdoc.lc);
    free(setdoc.text);
    map_free(&setdoc.lits);
out:
    free(key.p);
    free(val.p);
    free(text.p);
    return report(cfg, d0, e0, SIM_EINVAL, err);
}

void sim_cfg_key_error(struct sim_cfg *cfg, size_t k, const char *fmt, ...)
{
    if (!cfg || k >= cfg->schema->nkeys)
        return;
    const struct val *v = &cfg->vals[k];
    const char *file = cfg->leaf ? cfg->leaf : "scenario";
    int line = 0;
    if (v->origin == SIM_CFG_FILE) {
        file = v->file;
        line = v->line;
    } else if (v->origin == SIM_CFG_SET) {
        file = NULL; /* "--set: " */
    }
    va_list ap;
    va_start(ap, fmt);
    add_diag_v(cfg, ORDER_FINISH, file, line, cfg->schema->keys[k].path, fmt, ap);
    va_end(ap);
}

int sim_cfg_finish(struct sim_cfg *cfg, struct sim_err *err)
{
    if (!cfg)
        return sim_err_set(err, SIM_EINVAL, "sim_cfg_finish: no scenario");
    size_t d0 = cfg->ndiags, e0 = cfg->nerrors;
    for (size_t k = 0; k < cfg->schema->nkeys && !cfg->incomplete; k++)
        if (!cfg->vals[k].set && !cfg->vals[k].tried)
            add_diag(cfg, ORDER_FINISH, cfg->leaf ? cfg->leaf : "scenario", 0,
                     cfg->schema->keys[k].path, "missing required key");
    if (cfg->schema->check && !cfg->incomplete)
        cfg->schema->check(cfg);
    sort_diags(cfg);
    int rc = report(cfg, d0, e0, SIM_EINVAL, err);
    if (rc == 0 && cfg->nerrors)
        rc = SIM_EINVAL;
    return rc;
}

int sim_cfg_resolve(struct sim_cfg *cfg, const char *path, const char *const *sets,
                    size_t nsets, struct sim_err *err)
{
    if (!cfg)
        return sim_err_set(err, SIM_EINVAL, "sim_cfg_resolve: no scenario");
    int rc = 0, r;
    if (path && (r = sim_cfg_load(cfg, path, err)) != 0)
        rc = r;
    for (size_t i = 0; i < nsets; i++)
        if ((r = sim_cfg_set(cfg, sets[i], err)) != 0 && rc == 0)
            rc = r;
    if ((r = sim_cfg_finish(cfg, err)) != 0 && rc == 0)
        rc = r;
    if (cfg->oom)
        rc = SIM_ENOMEM;
    return rc;
}

/* ---------------------------------------------------------------------------------------
 * Reading the result.
 */

size_t sim_cfg_error_count(const struct sim_cfg *cfg) { return cfg ? cfg->nerrors : 0; }
size_t sim_cfg_diag_count(const struct sim_cfg *cfg) { return cfg ? cfg->ndiags : 0; }

const struct sim_cfg_diag *sim_cfg_diag(const struct sim_cfg *cfg, size_t i)
{
    return cfg && i < cfg->ndiags ? &cfg->diags[i].pub : NULL;
}

const char *sim_cfg_path(const struct sim_cfg *cfg)
{
    return cfg && cfg->leaf ? cfg->leaf : "";
}

size_t sim_cfg_file_count(const struct sim_cfg *cfg) { return cfg ? cfg->nchain : 0; }

const char *sim_cfg_file(const struct sim_cfg *cfg, size_t i)
{
    return cfg && i < cfg->nchain ? cfg->chain[i] : NULL;
}

const struct sim_cfg_schema *sim_cfg_schema(const struct sim_cfg *cfg)
{
    return cfg ? cfg->schema : NULL;
}

static const struct val *get_val(const struct sim_cfg *cfg, size_t k)
{
    return cfg && k < cfg->schema->nkeys ? &cfg->vals[k] : NULL;
}

int64_t sim_cfg_get_int(const struct sim_cfg *cfg, size_t k)
{
    const struct val *v = get_val(cfg, k);
    if (!v)
        return 0;
    enum sim_cfg_type t = cfg->schema->keys[k].type;
    return (t == SIM_CFG_INT || t == SIM_CFG_CHOICE || t == SIM_CFG_BOOL) ? v->i : 0;
}

double sim_cfg_get_float(const struct sim_cfg *cfg, size_t k)
{
    const struct val *v = get_val(cfg, k);
    return v && cfg->schema->keys[k].type == SIM_CFG_FLOAT ? v->f : 0.0;
}

int sim_cfg_get_bool(const struct sim_cfg *cfg, size_t k)
{
    const struct val *v = get_val(cfg, k);
    return v && cfg->schema->keys[k].type == SIM_CFG_BOOL ? (int)v->i : 0;
}

const char *sim_cfg_get_string(const struct sim_cfg *cfg, size_t k)
{
    const struct val *v = get_val(cfg, k);
    if (!v || !v->set)
        return NULL;
    const struct sim_cfg_key *key = &cfg->schema->keys[k];
    if (key->type == SIM_CFG_STRING)
        return v->s;
    if (key->type == SIM_CFG_CHOICE)
        return key->choices[v->i];
    return NULL;
}

const double *sim_cfg_get_floats(const struct sim_cfg *cfg, size_t k, size_t *count)
{
    const struct val *v = get_val(cfg, k);
    int ok = v && v->set && cfg->schema->keys[k].type == SIM_CFG_FLOAT_ARRAY;
    if (count)
        *count = ok ? cfg->schema->keys[k].count : 0;
    return ok ? v->fa : NULL;
}

const struct sim_dist *sim_cfg_get_dist(const struct sim_cfg *cfg, size_t k)
{
    const struct val *v = get_val(cfg, k);
    return v && v->dist.kind != SIM_DIST_NONE ? &v->dist : NULL;
}

enum sim_cfg_origin sim_cfg_origin(const struct sim_cfg *cfg, size_t k, const char **file,
                                   int *line)
{
    const struct val *v = get_val(cfg, k);
    if (file)
        *file = v && v->origin == SIM_CFG_FILE ? v->file : NULL;
    if (line)
        *line = v && v->origin == SIM_CFG_FILE ? v->line : 0;
    return v && v->set ? v->origin : SIM_CFG_UNSET;
}

const char *sim_cfg_origin_text(const struct sim_cfg *cfg, size_t k, char *buf, size_t size)
{
    const char *file;
    int line;
    switch (sim_cfg_origin(cfg, k, &file, &line)) {
    case SIM_CFG_DEFAULT: snprintf(buf, size, "default"); break;
    case SIM_CFG_FILE: snprintf(buf, size, "%s:%d", file, line); break;
    case SIM_CFG_SET: snprintf(buf, size, "--set"); break;
    default: snprintf(buf, size, "unset"); break;
    }
    return buf;
}

static void put_quoted(struct sbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': sb_puts(b, "\\\""); break;
        case '\\': sb_puts(b, "\\\\"); break;
        case '\n': sb_puts(b, "\\n"); break;
        case '\r': sb_puts(b, "\\r"); break;
        case '\t': sb_puts(b, "\\t"); break;
        case '\f': sb_puts(b, "\\f"); break;
        default:
            if (c < 0x20 || c == 0x7F)
                sb_printf(b, "\\x%02X", c);
            else
                sb_putc(b, (char)c);
        }
    }
    sb_putc(b, '"');
}

/* "[0.2, 0.3, 0.5]": every element a libconfig float, so the text reads back as the same
 * array (an integer among floats would be a libconfig error). */
static void put_floats(struct sbuf *b, const double *x, size_t n)
{
    char num[40];
    sb_putc(b, '[');
    for (size_t i = 0; i < n; i++)
        sb_printf(b, "%s%s", i ? ", " : "", fmt_float_lc(x[i], num, sizeof num));
    sb_putc(b, ']');
}

static void put_value(struct sbuf *b, const struct sim_cfg_key *key, const struct val *v)
{
    char n1[40], n2[40], n3[40];
    if (!v->set) {
        sb_puts(b, "(unset)");
        return;
    }
    switch (key->type) {
    case SIM_CFG_INT:
        sb_printf(b, "%" PRId64 "%s", v->i, (v->i < INT32_MIN || v->i > INT32_MAX) ? "L" : "");
        break;
    case SIM_CFG_FLOAT: {
        const struct sim_dist *d = &v->dist;
        switch (d->kind) {
        case SIM_DIST_NONE: sb_puts(b, fmt_float_lc(v->f, n1, sizeof n1)); break;
        case SIM_DIST_UNIFORM:
            sb_printf(b, "{ dist = \"uniform\"; min = %s; max = %s; }",
                      fmt_float_lc(d->min, n1, sizeof n1), fmt_float_lc(d->max, n2, sizeof n2));
            break;
        case SIM_DIST_TRIANGULAR:
            sb_printf(b, "{ dist = \"triangular\"; min = %s; mode = %s; max = %s; }",
                      fmt_float_lc(d->min, n1, sizeof n1), fmt_float_lc(d->mode, n2, sizeof n2),
                      fmt_float_lc(d->max, n3, sizeof n3));
            break;
        default:
            sb_printf(b, "{ dist = \"%s\"; mean = %s; sd = %s; }", sim_dist_name(d->kind),
                      fmt_float_lc(d->mean, n1, sizeof n1), fmt_float_lc(d->sd, n2, sizeof n2));
        }
        break;
    }
    case SIM_CFG_BOOL: sb_puts(b, v->i ? "true" : "false"); break;
    case SIM_CFG_STRING: put_quoted(b, v->s ? v->s : ""); break;
    case SIM_CFG_CHOICE: put_quoted(b, key->choices[v->i]); break;
    case SIM_CFG_FLOAT_ARRAY: put_floats(b, v->fa, key->count); break;
    }
}

const char *sim_cfg_value_text(const struct sim_cfg *cfg, size_t k, char *buf, size_t size)
{
    const struct val *v = get_val(cfg, k);
    struct sbuf b = {0};
    if (v)
        put_value(&b, &cfg->schema->keys[k], v);
    snprintf(buf, size, "%s", b.oom ? "?" : sb_str(&b));
    free(b.p);
    return buf;
}

int sim_cfg_fill(const struct sim_cfg *cfg, void *params, size_t size, struct sim_err *err)
{
    if (!cfg || !params)
        return sim_err_set(err, SIM_EINVAL, "sim_cfg_fill: no scenario or parameter struct");
    if (size != cfg->schema->params_size)
        return sim_err_set(err, SIM_EINVAL, "sim_cfg_fill: struct is %zu bytes, schema says %zu",
                           size, cfg->schema->params_size);
    size_t missing = 0;
    char *base = params;
    for (size_t k = 0; k < cfg->schema->nkeys; k++) {
        const struct sim_cfg_key *key = &cfg->schema->keys[k];
        const struct val *v = &cfg->vals[k];
        char *at = base + key->offset;
        if (!v->set) {
            missing++;
            continue;
        }
        switch (key->type) {
        case SIM_CFG_INT:
            if (key->size == sizeof(int32_t)) {
                int32_t x = (int32_t)v->i; /* the schema check keeps the range within int32 */
                memcpy(at, &x, sizeof x);
            } else {
                memcpy(at, &v->i, sizeof v->i);
            }
            break;
        case SIM_CFG_FLOAT: memcpy(at, &v->f, sizeof v->f); break;
        case SIM_CFG_BOOL:
            if (key->size == sizeof(bool)) {
                bool x = v->i != 0;
                memcpy(at, &x, sizeof x);
            } else {
                int x = v->i != 0;
                memcpy(at, &x, sizeof x);
            }
            break;
        case SIM_CFG_CHOICE: {
            int x = (int)v->i;
            memcpy(at, &x, sizeof x);
            break;
        }
        case SIM_CFG_STRING: {
            size_t n = strlen(v->s); /* < key->size, checked when set */
            memset(at, 0, key->size);
            memcpy(at, v->s, n);
            break;
        }
        case SIM_CFG_FLOAT_ARRAY: memcpy(at, v->fa, key->count * sizeof *v->fa); break;
        }
    }
    if (cfg->nerrors)
        return sim_err_set(err, SIM_EINVAL, "the scenario has %zu problems", cfg->nerrors);
    if (missing)
        return sim_err_set(err, SIM_EINVAL, "%zu required keys are unset", missing);
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Distributions.
 */

size_t sim_cfg_dist_keys(const struct sim_cfg *cfg, size_t *keys, size_t cap)
{
    size_t n = 0;
    if (!cfg)
        return 0;
    for (size_t k = 0; k < cfg->schema->nkeys; k++) {
        if (cfg->vals[k].dist.kind == SIM_DIST_NONE)
            continue;
        if (keys && n < cap)
            keys[n] = k;
        n++;
    }
    return n;
}

double sim_dist_mean(const struct sim_dist *d)
{
    switch (d->kind) {
    case SIM_DIST_UNIFORM: return 0.5 * (d->min + d->max);
    case SIM_DIST_TRIANGULAR: return (d->min + d->mode + d->max) / 3.0;
    default: return d->mean;
    }
}

double sim_dist_draw(const struct sim_dist *d, gsl_rng *rng)
{
    double m = d->mean, s = d->sd;
    switch (d->kind) {
    case SIM_DIST_BETA: {
        double k = m * (1 - m) / (s * s) - 1;
        return gsl_ran_beta(rng, m * k, (1 - m) * k);
    }
    case SIM_DIST_GAMMA: return gsl_ran_gamma(rng, m * m / (s * s), s * s / m);
    case SIM_DIST_LOGNORMAL: {
        double s2 = log1p(s * s / (m * m));
        return gsl_ran_lognormal(rng, log(m) - 0.5 * s2, sqrt(s2));
    }
    case SIM_DIST_NORMAL: return m + gsl_ran_gaussian(rng, s);
    case SIM_DIST_UNIFORM: return gsl_ran_flat(rng, d->min, d->max);
    case SIM_DIST_TRIANGULAR: {
        double u = gsl_rng_uniform(rng), w = d->max - d->min;
        if (u < (d->mode - d->min) / w)
            return d->min + sqrt(u * w * (d->mode - d->min));
        return d->max - sqrt((1 - u) * w * (d->max - d->mode));
    }
    default: return m;
    }
}

/* The parameters the moment conversion gives (see sim/config.h). */
static void beta_ab(const struct sim_dist *d, double *a, double *b)
{
    double m = d->mean, k = m * (1 - m) / (d->sd * d->sd) - 1;
    *a = m * k;
    *b = (1 - m) * k;
}

static void lognormal_mu_sigma(const struct sim_dist *d, double *mu, double *sigma)
{
    double s2 = log1p(d->sd * d->sd / (d->mean * d->mean));
    *mu = log(d->mean) - 0.5 * s2;
    *sigma = sqrt(s2);
}

double sim_dist_cdf(const struct sim_dist *d, double x)
{
    double m = d->mean, s = d->sd, a, b;
    switch (d->kind) {
    case SIM_DIST_BETA:
        beta_ab(d, &a, &b);
        return x <= 0 ? 0 : x >= 1 ? 1 : gsl_cdf_beta_P(x, a, b);
    case SIM_DIST_GAMMA: return x <= 0 ? 0 : gsl_cdf_gamma_P(x, m * m / (s * s), s * s / m);
    case SIM_DIST_LOGNORMAL:
        lognormal_mu_sigma(d, &a, &b);
        return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, a, b);
    case SIM_DIST_NORMAL: return gsl_cdf_gaussian_P(x - m, s);
    case SIM_DIST_UNIFORM:
        return x <= d->min ? 0 : x >= d->max ? 1 : (x - d->min) / (d->max - d->min);
    case SIM_DIST_TRIANGULAR: {
        double w = d->max - d->min;
        if (x <= d->min)
            return 0;
        if (x >= d->max)
            return 1;
        if (x <= d->mode)
            return (x - d->min) * (x - d->min) / (w * (d->mode - d->min));
        return 1 - (d->max - x) * (d->max - x) / (w * (d->max - d->mode));
    }
    default: return x < m ? 0 : 1;
    }
}

/* The beta quantile by bisection on the CDF: gsl_cdf_beta_Pinv fails to converge for the
 * skewed shapes of small probabilities (a ~ 6, b ~ 600), and bisection cannot fail.
 * 200 halvings of (0, 1) reach the spacing of doubles near any x. */
static double beta_quantile(const struct sim_dist *d, double u)
{
    double a, b, lo = 0, hi = 1;
    beta_ab(d, &a, &b);
    for (int i = 0; i < 200 && lo < hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (gsl_cdf_beta_P(mid, a, b) < u)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

double sim_dist_quantile(const struct sim_dist *d, double u)
{
    double m = d->mean, s = d->sd, a, b;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    switch (d->kind) {
    case SIM_DIST_BETA:
        return u <= 0 ? 0 : u >= 1 ? 1 : beta_quantile(d, u);
    case SIM_DIST_GAMMA:
        return u <= 0 ? 0 : u >= 1 ? INFINITY : gsl_cdf_gamma_Pinv(u, m * m / (s * s), s * s / m);
    case SIM_DIST_LOGNORMAL:
        lognormal_mu_sigma(d, &a, &b);
        return u <= 0 ? 0 : u >= 1 ? INFINITY : gsl_cdf_lognormal_Pinv(u, a, b);
    case SIM_DIST_NORMAL:
        return u <= 0 ? -INFINITY : u >= 1 ? INFINITY : m + gsl_cdf_gaussian_Pinv(u, s);
    case SIM_DIST_UNIFORM: return d->min + u * (d->max - d->min);
    case SIM_DIST_TRIANGULAR: {
        double w = d->max - d->min;
        if (u < (d->mode - d->min) / w)
            return d->min + sqrt(u * w * (d->mode - d->min));
        return d->max - sqrt((1 - u) * w * (d->max - d->mode));
    }
    default: return m;
    }
}

double sim_cfg_quantile(const struct sim_cfg *cfg, size_t k, double u)
{
    const struct val *v = get_val(cfg, k);
    if (!v)
        return 0.0;
    if (v->dist.kind == SIM_DIST_NONE)
        return v->f;
    struct range r;
    key_range(&cfg->schema->keys[k], &r);
    double plo = r.has_lo ? sim_dist_cdf(&v->dist, r.lo) : 0.0;
    double phi = r.has_hi ? sim_dist_cdf(&v->dist, r.hi) : 1.0;
    double x = sim_dist_quantile(&v->dist, plo + (u < 0 ? 0 : u > 1 ? 1 : u) * (phi - plo));
    /* Keep off open or reached bounds that rounding may touch. */
    if (r.has_lo && (x < r.lo || (r.lo_open && x <= r.lo)))
        x = r.lo_open ? nextafter(r.lo, INFINITY) : r.lo;
    if (r.has_hi && (x > r.hi || (r.hi_open && x >= r.hi)))
        x = r.hi_open ? nextafter(r.hi, -INFINITY) : r.hi;
    return x;
}

double sim_cfg_draw(const struct sim_cfg *cfg, size_t k, gsl_rng *rng)
{
    const struct val *v = get_val(cfg, k);
    if (!v)
        return 0.0;
    if (v->dist.kind == SIM_DIST_NONE)
        return v->f;
    struct range r;
    char why[96];
    key_range(&cfg->schema->keys[k], &r);
    for (int tries = 0; tries < 1000; tries++) {
        double x = sim_dist_draw(&v->dist, rng);
        if (isfinite(x) && range_check(&r, x, why, sizeof why) == 0)
            return x;
    }
    return v->f;
}

int sim_cfg_params_set_float(const struct sim_cfg_schema *schema, size_t k, void *params,
                             double value, struct sim_err *err)
{
    if (!schema || !params || k >= schema->nkeys || schema->keys[k].type != SIM_CFG_FLOAT)
        return sim_err_set(err, SIM_EINVAL, "sim_cfg_params_set_float: not a float key");
    const struct sim_cfg_key *key = &schema->keys[k];
    struct range r;
    char why[96], b[40];
    key_range(key, &r);
    if (!isfinite(value))
        return sim_err_set(err, SIM_ERANGE, "%s: must be a finite number (got %s)", key->path,
                           fmt_num(value, b, sizeof b));
    if (range_check(&r, value, why, sizeof why))
        return sim_err_set(err, SIM_ERANGE, "%s: %s (got %s)", key->path, why,
                           fmt_num(value, b, sizeof b));
    memcpy((char *)params + key->offset, &value, sizeof value);
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Writing: resolved text, the validate table, documentation.
 */

static const char *group_desc(const struct sim_cfg_schema *sc, const char *path, size_t n)
{
    for (size_t g = 0; g < sc->ngroups; g++)
        if (strlen(sc->groups[g].path) == n && strncmp(sc->groups[g].path, path, n) == 0)
            return sc->groups[g].desc;
    return NULL;
}

/* Emits the keys under prefix (plen bytes, ending in '.' unless empty), grouping keys
 * that share a group in the order the table first mentions the group. */
static void write_level(const struct sim_cfg *cfg, struct sbuf *b, const char *prefix,
                        size_t plen, int indent, unsigned flags)
{
    const struct sim_cfg_schema *sc = cfg->schema;
    for (size_t k = 0; k < sc->nkeys; k++) {
        const char *p = sc->keys[k].path;
        if (strncmp(p, prefix, plen) != 0)
            continue;
        const char *rest = p + plen, *dot = strchr(rest, '.');
        if (!dot) {
            sb_printf(b, "%*s%s = ", indent * 4, "", rest);
            put_value(b, &sc->keys[k], &cfg->vals[k]);
            sb_putc(b, ';');
            if (flags & SIM_CFG_WRITE_ORIGINS) {
                char ob[300];
                sb_printf(b, "  # %s", sim_cfg_origin_text(cfg, k, ob, sizeof ob));
            }
            sb_putc(b, '\n');
            continue;
        }
        size_t glen = (size_t)(dot - p) + 1; /* "run." */
        int seen = 0;
        for (size_t j = 0; j < k && !seen; j++)
            seen = strncmp(sc->keys[j].path, p, glen) == 0;
        if (seen)
            continue;
        const char *desc = group_desc(sc, p, glen - 1);
        if (desc)
            sb_printf(b, "\n%*s# %s\n", indent * 4, "", desc);
        sb_printf(b, "%*s%.*s = {\n", indent * 4, "", (int)(dot - rest), rest);
        write_level(cfg, b, p, glen, indent + 1, flags);
        sb_printf(b, "%*s};\n", indent * 4, "");
    }
}

static int build_text(const struct sim_cfg *cfg, unsigned flags, struct sbuf *b)
{
    sb_puts(b, "# caresim resolved scenario: every key after inheritance and --set overrides.\n");
    if (flags & SIM_CFG_WRITE_ORIGINS) {
        sb_printf(b, "# scenario: %s\n# files:", cfg->leaf ? cfg->leaf : "(none)");
        for (size_t i = 0; i < cfg->nchain; i++)
            sb_printf(b, "%s %s", i ? " ->" : "", cfg->chain[i]);
        sb_putc(b, '\n');
    }
    write_level(cfg, b, "", 0, 0, flags);
    return b->oom ? SIM_ENOMEM : 0;
}

int sim_cfg_write(const struct sim_cfg *cfg, FILE *out, unsigned flags)
{
    if (!cfg || !out)
        return SIM_EINVAL;
    struct sbuf b = {0};
    int rc = build_text(cfg, flags, &b);
    if (rc == 0 && fwrite(sb_str(&b), 1, b.len, out) != b.len)
        rc = SIM_EIO;
    free(b.p);
    return rc;
}

char *sim_cfg_text(const struct sim_cfg *cfg, unsigned flags)
{
    struct sbuf b = {0};
    if (!cfg || build_text(cfg, flags, &b)) {
        free(b.p);
        return NULL;
    }
    if (!b.p) /* nothing written at all cannot happen: the header is always there */
        return strdup("");
    return b.p;
}

int sim_cfg_print(const struct sim_cfg *cfg, FILE *out)
{
    if (!cfg || !out)
        return SIM_EINVAL;
    const struct sim_cfg_schema *sc = cfg->schema;
    struct sbuf b = {0};
    size_t wk = 3, wv = 5, wu = 4;
    char ob[300];
    for (size_t k = 0; k < sc->nkeys; k++) {
        size_t n = strlen(sc->keys[k].path);
        wk = n > wk ? n : wk;
        sb_trunc(&b, 0);
        put_value(&b, &sc->keys[k], &cfg->vals[k]);
        wv = b.len > wv ? b.len : wv;
        n = strlen(sc->keys[k].unit);
        wu = n > wu ? n : wu;
    }
    if (wv > 40)
        wv = 40;
    fprintf(out, "scenario: %s\nfiles:   ", cfg->leaf ? cfg->leaf : "(none)");
    for (size_t i = 0; i < cfg->nchain; i++)
        fprintf(out, "%s %s", i ? " ->" : "", cfg->chain[i]);
    fprintf(out, "%s\n\n", cfg->nchain ? "" : " (none)");
    fprintf(out, "%-*s  %-*s  %-*s  %s\n", (int)wk, "key", (int)wv, "value", (int)wu, "unit",
            "origin");
    for (size_t k = 0; k < sc->nkeys; k++) {
        sb_trunc(&b, 0);
        put_value(&b, &sc->keys[k], &cfg->vals[k]);
        fprintf(out, "%-*s  %-*s  %-*s  %s\n", (int)wk, sc->keys[k].path, (int)wv, sb_str(&b),
                (int)wu, sc->keys[k].unit[0] ? sc->keys[k].unit : "-",
                sim_cfg_origin_text(cfg, k, ob, sizeof ob));
    }
    int rc = b.oom ? SIM_ENOMEM : 0;
    free(b.p);
    return ferror(out) ? SIM_EIO : rc;
}

static void key_type(const struct sim_cfg_key *key, struct sbuf *b)
{
    switch (key->type) {
    case SIM_CFG_INT: sb_puts(b, "int"); return;
    case SIM_CFG_FLOAT: sb_puts(b, "float"); return;
    case SIM_CFG_STRING: sb_puts(b, "string"); return;
    case SIM_CFG_CHOICE: sb_puts(b, "choice"); return;
    case SIM_CFG_BOOL: sb_puts(b, "bool"); return;
    case SIM_CFG_FLOAT_ARRAY:
        sb_printf(b, "float array, %zu value%s", key->count, key->count == 1 ? "" : "s");
        return;
    }
    sb_puts(b, "?");
}

/* Default and allowed values as text, shared by the two reference formats. */
static void key_default(const struct sim_cfg_key *key, struct sbuf *b)
{
    char n[40];
    if (key->flags & SIM_CFG_REQUIRED) {
        sb_puts(b, "required");
        return;
    }
    switch (key->type) {
    case SIM_CFG_INT: sb_printf(b, "%" PRId64, key->def_int); break;
    case SIM_CFG_FLOAT: sb_puts(b, fmt_num(key->def_float, n, sizeof n)); break;
    case SIM_CFG_BOOL: sb_puts(b, key->def_int ? "true" : "false"); break;
    case SIM_CFG_STRING:
    case SIM_CFG_CHOICE: put_quoted(b, key->def_str); break;
    case SIM_CFG_FLOAT_ARRAY: put_floats(b, key->def_floats, key->count); break;
    }
}

static void key_allowed(const struct sim_cfg_key *key, struct sbuf *b)
{
    struct range r;
    char rt[96];
    key_range(key, &r);
    switch (key->type) {
    case SIM_CFG_INT: sb_puts(b, range_text(&r, rt, sizeof rt)); break;
    case SIM_CFG_FLOAT:
        sb_printf(b, "%s, or a distribution", r.has_lo || r.has_hi ? range_text(&r, rt, sizeof rt)
                                                                   : "any finite number");
        break;
    case SIM_CFG_BOOL: sb_puts(b, "true, false"); break;
    case SIM_CFG_STRING:
        sb_printf(b, "%s, at most %zu bytes",
                  (key->flags & SIM_CFG_IDENT) ? "name (letters, digits, _ - .)" : "UTF-8 text",
                  key->size - 1);
        break;
    case SIM_CFG_CHOICE:
        for (size_t i = 0; key->choices[i]; i++)
            sb_printf(b, "%s\"%s\"", i ? ", " : "", key->choices[i]);
        break;
    case SIM_CFG_FLOAT_ARRAY:
        if (r.has_lo && r.has_hi)
            sb_printf(b, "each in %s", range_text(&r, rt, sizeof rt));
        else if (r.has_lo || r.has_hi)
            sb_printf(b, "each %s", range_text(&r, rt, sizeof rt));
        else
            sb_puts(b, "any finite numbers");
        if (key->flags & SIM_CFG_SUM_TO_ONE)
            sb_puts(b, ", summing to 1");
        break;
    }
}

static void md_cell(struct sbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            sb_puts(b, "\\|");
        else
            sb_putc(b, *s);
    }
}

int sim_cfg_schema_markdown(const struct sim_cfg_schema *sc, FILE *out)
{
    if (!sc || !out)
        return SIM_EINVAL;
    struct sbuf b = {0}, t = {0};
    for (size_t k = 0; k < sc->nkeys; k++) {
        const char *p = sc->keys[k].path, *dot = strchr(p, '.');
        size_t glen = dot ? (size_t)(dot - p) : 0;
        int seen = 0;
        for (size_t j = 0; j < k && !seen; j++) {
            const char *q = sc->keys[j].path, *qd = strchr(q, '.');
            size_t ql = qd ? (size_t)(qd - q) : 0;
            seen = ql == glen && strncmp(p, q, glen) == 0;
        }
        if (seen)
            continue;
        /* a new top-level section: every key in it, in table order */
        if (glen) {
            const char *desc = group_desc(sc, p, glen);
            sb_printf(&b, "## `%.*s`%s%s\n\n", (int)glen, p, desc ? ": " : "", desc ? desc : "");
        } else {
            sb_puts(&b, "## Top level\n\n");
        }
        sb_puts(&b, "| Key | Type | Default | Unit | Allowed | Description | Source |\n");
        sb_puts(&b, "|---|---|---|---|---|---|---|\n");
        for (size_t j = k; j < sc->nkeys; j++) {
            const struct sim_cfg_key *key = &sc->keys[j];
            const char *q = key->path, *qd = strchr(q, '.');
            size_t ql = qd ? (size_t)(qd - q) : 0;
            if (ql != glen || strncmp(p, q, glen) != 0)
                continue;
            sb_printf(&b, "| `%s` | ", key->path);
            sb_trunc(&t, 0);
            key_type(key, &t);
            md_cell(&b, sb_str(&t));
            sb_puts(&b, " | ");
            sb_trunc(&t, 0);
            key_default(key, &t);
            if (key->flags & SIM_CFG_REQUIRED) {
                sb_puts(&b, "*required*");
            } else {
                sb_puts(&b, "`");
                md_cell(&b, sb_str(&t));
                sb_puts(&b, "`");
            }
            sb_puts(&b, " | ");
            md_cell(&b, key->unit[0] ? key->unit : "-");
            sb_puts(&b, " | ");
            sb_trunc(&t, 0);
            key_allowed(key, &t);
            md_cell(&b, sb_str(&t));
            sb_puts(&b, " | ");
            md_cell(&b, key->desc);
            sb_puts(&b, " | ");
            md_cell(&b, key->source[0] ? key->source : "modelling choice");
            sb_puts(&b, " |\n");
        }
        sb_putc(&b, '\n');
    }
    int rc = (b.oom || t.oom) ? SIM_ENOMEM : 0;
    if (rc == 0 && b.len && fwrite(b.p, 1, b.len, out) != b.len)
        rc = SIM_EIO;
    free(b.p);
    free(t.p);
    return rc;
}

int sim_cfg_schema_print(const struct sim_cfg_schema *sc, FILE *out)
{
    if (!sc || !out)
        return SIM_EINVAL;
    struct sbuf t = {0};
    for (size_t k = 0; k < sc->nkeys; k++) {
        const struct sim_cfg_key *key = &sc->keys[k];
        sb_trunc(&t, 0);
        key_type(key, &t);
        fprintf(out, "%s (%s%s%s)\n", key->path, sb_str(&t), key->unit[0] ? ", " : "",
                key->unit);
        fprintf(out, "    %s\n", key->desc);
        sb_trunc(&t, 0);
        key_default(key, &t);
        fprintf(out, "    default: %s\n", sb_str(&t));
        sb_trunc(&t, 0);
        key_allowed(key, &t);
        fprintf(out, "    allowed: %s\n", sb_str(&t));
        fprintf(out, "    source:  %s\n", key->source[0] ? key->source : "modelling choice");
    }
    int rc = t.oom ? SIM_ENOMEM : 0;
    free(t.p);
    return ferror(out) ? SIM_EIO : rc;
}
