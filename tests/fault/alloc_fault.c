/* tests/fault/alloc_fault.c — the allocation wrappers behind tests/fault/alloc_fault.h.
 *
 * Linked only into test programs built with -Wl,--wrap=SYMBOL for each function below, so
 * calls from caresim's objects (and the test's) come here and reach the C library through
 * __real_SYMBOL. Live blocks are kept in a fixed open-addressing table (linear probing,
 * backward-shift deletion) in static storage, so tracking never allocates. A mutex keeps
 * the counters and the table consistent if a caller uses threads.
 */
#define _GNU_SOURCE
#include "tests/fault/alloc_fault.h"

#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **out, const char *fmt, va_list ap);
int __real_posix_memalign(void **out, size_t align, size_t size);
char *__real_realpath(const char *path, char *resolved);
FILE *__real_open_memstream(char **buf, size_t *size);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **out, const char *fmt, va_list ap);
int __wrap_asprintf(char **out, const char *fmt, ...);
int __wrap_posix_memalign(void **out, size_t align, size_t size);
char *__wrap_realpath(const char *path, char *resolved);
FILE *__wrap_open_memstream(char **buf, size_t *size);

#define TABLE_BITS 20
#define TABLE_SIZE ((size_t)1 << TABLE_BITS)

struct block {
    void *ptr;  /* NULL: empty slot */
    void *site; /* return address of the allocating call */
};

static struct block table[TABLE_SIZE];
static size_t live;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static size_t count;    /* allocations since alloc_fault_start */
static size_t fail_at;  /* 0: none */
static int fired;
#define STACK_MAX 12
static void *failed_stack[STACK_MAX + 1]; /* backtrace() of the failed allocation */
static int failed_depth;
static void **sites;
static size_t max_sites;

static size_t slot_of(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> (64 - TABLE_BITS));
}

static void table_add(void *p, void *site)
{
    size_t i = slot_of(p);
    while (table[i].ptr)
        i = (i + 1) & (TABLE_SIZE - 1);
    if (live + 1 >= TABLE_SIZE / 2) {
        fputs("alloc_fault: too many live blocks to track\n", stderr);
        abort();
    }
    table[i].ptr = p;
    table[i].site = site;
    live++;
}

/* Removes p; returns 0 if p was not tracked (allocated elsewhere). */
static int table_remove(const void *p)
{
    size_t i = slot_of(p);
    while (table[i].ptr != p) {
        if (!table[i].ptr)
            return 0;
        i = (i + 1) & (TABLE_SIZE - 1);
    }
    /* Backward-shift deletion: move later entries of the cluster into the hole when their
     * home slot allows it, so lookups never meet a false empty slot. */
    size_t hole = i;
    for (size_t j = (i + 1) & (TABLE_SIZE - 1); table[j].ptr; j = (j + 1) & (TABLE_SIZE - 1)) {
        size_t home = slot_of(table[j].ptr);
        size_t dist_hole = (hole - home) & (TABLE_SIZE - 1);
        size_t dist_j = (j - home) & (TABLE_SIZE - 1);
        if (dist_hole <= dist_j) {
            table[hole] = table[j];
            hole = j;
        }
    }
    table[hole].ptr = NULL;
    table[hole].site = NULL;
    live--;
    return 1;
}

/* Counts one allocation made from site; returns 1 if it must fail. */
static int next_fails(void *site)
{
    pthread_mutex_lock(&lock);
    size_t k = ++count;
    if (sites && k <= max_sites)
        sites[k - 1] = site;
    int fail = k == fail_at;
    if (fail)
        fired = 1;
    pthread_mutex_unlock(&lock);
    if (fail) {
        failed_depth = backtrace(failed_stack, STACK_MAX + 1);
        errno = ENOMEM;
    }
    return fail;
}

static void track(void *p, void *site)
{
    if (!p)
        return;
    pthread_mutex_lock(&lock);
    table_add(p, site);
    pthread_mutex_unlock(&lock);
}

static void untrack(const void *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&lock);
    table_remove(p);
    pthread_mutex_unlock(&lock);
}

void alloc_fault_start(size_t fail_number, void **site_out, size_t max)
{
    pthread_mutex_lock(&lock);
    count = 0;
    fail_at = fail_number;
    fired = 0;
    sites = site_out;
    max_sites = site_out ? max : 0;
    pthread_mutex_unlock(&lock);
}

size_t alloc_fault_stop(void)
{
    pthread_mutex_lock(&lock);
    size_t n = count;
    fail_at = 0;
    sites = NULL;
    max_sites = 0;
    pthread_mutex_unlock(&lock);
    return n;
}

int alloc_fault_fired(void)
{
    return fired;
}

size_t alloc_fault_failed_stack(void **out, size_t max)
{
    /* Frame 0 is next_fails itself; the wrapper may be inlined into it or not, so the
     * caller's frames follow from frame 1 or 2: keep the wrapper's frame, it is short. */
    size_t n = 0;
    for (int i = 1; i < failed_depth && n < max; i++)
        out[n++] = failed_stack[i];
    return n;
}

size_t alloc_fault_live(void)
{
    pthread_mutex_lock(&lock);
    size_t n = live;
    pthread_mutex_unlock(&lock);
    return n;
}

size_t alloc_fault_live_sites(void **out, size_t max)
{
    size_t n = 0;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < TABLE_SIZE && n < max; i++)
        if (table[i].ptr)
            out[n++] = table[i].site;
    pthread_mutex_unlock(&lock);
    return n;
}

/* Every wrapper takes its caller's address itself: __builtin_return_address(0) in a
 * helper would name the wrapper. */
#define CALLER __builtin_return_address(0)

void *__wrap_malloc(size_t size)
{
    if (next_fails(CALLER))
        return NULL;
    void *p = __real_malloc(size);
    track(p, CALLER);
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (next_fails(CALLER))
        return NULL;
    void *p = __real_calloc(n, size);
    track(p, CALLER);
    return p;
}

void *__wrap_realloc(void *p, size_t size)
{
    if (size > 0 && next_fails(CALLER))
        return NULL; /* p stays valid and tracked, as with a real failure */
    void *q = __real_realloc(p, size);
    if (q || size == 0)
        untrack(p);
    track(q, CALLER);
    return q;
}

void __wrap_free(void *p)
{
    untrack(p);
    __real_free(p);
}

char *__wrap_strdup(const char *s)
{
    if (next_fails(CALLER))
        return NULL;
    char *p = __real_strdup(s);
    track(p, CALLER);
    return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
    if (next_fails(CALLER))
        return NULL;
    char *p = __real_strndup(s, n);
    track(p, CALLER);
    return p;
}

static int vasprintf_from(void *site, char **out, const char *fmt, va_list ap)
{
    if (next_fails(site))
        return -1; /* *out is undefined on failure, as with glibc */
    int n = __real_vasprintf(out, fmt, ap);
    if (n >= 0)
        track(*out, site);
    return n;
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
    return vasprintf_from(CALLER, out, fmt, ap);
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf_from(CALLER, out, fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_posix_memalign(void **out, size_t align, size_t size)
{
    if (next_fails(CALLER))
        return ENOMEM;
    int rc = __real_posix_memalign(out, align, size);
    if (rc == 0)
        track(*out, CALLER);
    return rc;
}

char *__wrap_realpath(const char *path, char *resolved)
{
    if (!resolved && next_fails(CALLER))
        return NULL;
    char *p = __real_realpath(path, resolved);
    if (!resolved)
        track(p, CALLER);
    return p;
}

/* The stream's buffer is allocated and grown inside the C library, so it is not tracked
 * (its free passes through); only the opening can be made to fail. */
FILE *__wrap_open_memstream(char **buf, size_t *size)
{
    if (next_fails(CALLER))
        return NULL;
    return __real_open_memstream(buf, size);
}
