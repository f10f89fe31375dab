/* sim/err.c — recording and formatting struct sim_err. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sim_err_clear(struct sim_err *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

static int record(struct sim_err *err, int code, const char *file, int line,
                  const char *fmt, va_list ap)
{
    if (!err)
        return code;
    if (err->count++ == 0) {
        err->code = code;
        err->line = line;
        snprintf(err->file, sizeof err->file, "%s", file ? file : "");
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return code;
}

int sim_err_set(struct sim_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(err, code, NULL, 0, fmt, ap);
    va_end(ap);
    return code;
}

int sim_err_set_at(struct sim_err *err, int code, const char *file, int line,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(err, code, file, line, fmt, ap);
    va_end(ap);
    return code;
}

const char *sim_err_format(const struct sim_err *err, char *buf, size_t size)
{
    if (!err || err->count == 0)
        snprintf(buf, size, "no error");
    else if (err->file[0] && err->line > 0)
        snprintf(buf, size, "%s:%d: %s", err->file, err->line, err->msg);
    else if (err->file[0])
        snprintf(buf, size, "%s: %s", err->file, err->msg);
    else
        snprintf(buf, size, "%s", err->msg);
    return buf;
}

const char *sim_strerror(int code)
{
    switch (code) {
    case SIM_OK: return "success";
    case SIM_ENOMEM: return "out of memory";
    case SIM_EINVAL: return "invalid input";
    case SIM_ERANGE: return "value out of range";
    case SIM_EIO: return "input/output error";
    case SIM_ESTATE: return "invalid state";
    default: return "unknown error";
    }
}
