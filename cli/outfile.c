/* cli/outfile.c — files the commands write beside each other (export's CSV, plot's data
 * and scripts): written under a hidden temporary name and renamed into place when
 * complete, so a failed or interrupted command never leaves a half-written file; and
 * mkdir -p for their directories.
 */
#define _GNU_SOURCE
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/err.h"

int cli_outfile_open(struct cli_outfile *xf, const char *dir, const char *name,
                     struct sim_err *err)
{
    memset(xf, 0, sizeof *xf);
    if (asprintf(&xf->path, "%s/%s", dir, name) < 0) {
        xf->path = NULL;
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    }
    if (asprintf(&xf->tmp_path, "%s/.%s.tmp.%ld", dir, name, (long)getpid()) < 0) {
        xf->tmp_path = NULL;
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    }
    int fd = open(xf->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || !(xf->fp = fdopen(fd, "w"))) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            unlink(xf->tmp_path);
        }
        return sim_err_set(err, SIM_EIO, "%s: cannot create: %s", xf->path, strerror(saved));
    }
    return 0;
}

int cli_outfile_commit(struct cli_outfile *xf, struct sim_err *err)
{
    int bad = fflush(xf->fp) != 0 || ferror(xf->fp);
    int saved = errno;
    if (fclose(xf->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    xf->fp = NULL;
    if (!bad && rename(xf->tmp_path, xf->path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        unlink(xf->tmp_path);
        return sim_err_set(err, SIM_EIO, "%s: write failed: %s", xf->path, strerror(saved));
    }
    return 0;
}

void cli_outfile_fini(struct cli_outfile *xf)
{
    if (xf->fp) {
        fclose(xf->fp);
        unlink(xf->tmp_path);
    }
    free(xf->path);
    free(xf->tmp_path);
    memset(xf, 0, sizeof *xf);
}

int cli_mkdir_p(const char *dir, struct sim_err *err)
{
    char *p = strdup(dir);
    if (!p)
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            rc = sim_err_set(err, SIM_EIO, "cannot create directory %s: %s", p,
                             strerror(errno));
            break;
        }
        if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
            rc = sim_err_set(err, SIM_EIO, "cannot create directory %s: %s is not a directory",
                             dir, p);
            break;
        }
        *s = c;
        if (!c)
            break;
    }
    free(p);
    return rc;
}

int cli_stdout_status(const char *cmd, int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    fprintf(stderr, "caresim %s: writing standard output: %s\n", cmd,
            errno ? strerror(errno) : "write error");
    clearerr(stdout);
    return CLI_EXIT_FAIL;
}
