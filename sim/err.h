/* sim/err.h — error values for the whole engine.
 *
 * Functions that can fail return 0 on success or a negative SIM_E* code, and fill a
 * caller-owned struct sim_err with a message and, when the error is about an input, the
 * file and line it came from. Nothing below main() prints or exits on behalf of the user:
 * the caller decides how to report. Errors are counted so one pass can report them all.
 */
#ifndef SIM_ERR_H
#define SIM_ERR_H

#include <stddef.h>

enum sim_status {
    SIM_OK = 0,
    SIM_ENOMEM = -1,  /* allocation failed */
    SIM_EINVAL = -2,  /* invalid argument or input */
    SIM_ERANGE = -3,  /* value out of the allowed range */
    SIM_EIO = -4,     /* read or write failed */
    SIM_ESTATE = -5,  /* operation not valid in the object's current state */
};

#define SIM_ERR_MSG_MAX 512
#define SIM_ERR_FILE_MAX 256

struct sim_err {
    int code;                    /* first error's SIM_E* code, SIM_OK when none */
    int count;                   /* number of errors recorded since sim_err_clear */
    int line;                    /* input line of the first error, 0 when not about a line */
    char file[SIM_ERR_FILE_MAX]; /* input file of the first error, "" when none */
    char msg[SIM_ERR_MSG_MAX];   /* first error's message, without file:line prefix */
};

/* Resets to "no error". */
void sim_err_clear(struct sim_err *err);

/* Records an error (the first one is kept in full, later ones only counted) and returns
 * code, so callers can write `return sim_err_set(err, SIM_EINVAL, ...)`. err may be NULL. */
int sim_err_set(struct sim_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As sim_err_set, about a position in an input file. */
int sim_err_set_at(struct sim_err *err, int code, const char *file, int line,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Formats the first error as "file:line: message" (or "message") into buf. */
const char *sim_err_format(const struct sim_err *err, char *buf, size_t size);

/* Short name of a status code ("out of memory", ...). */
const char *sim_strerror(int code);

#endif
