/* cli/results_file.c — opening a results file for the commands that read one (report,
 * export): the file, its provenance and its list of scenarios, released together. */
#include "cli/cli.h"
#include "output/results.h"
#include "sim/err.h"

#include <stdlib.h>
#include <string.h>

int cli_results_open(const char *path, struct cli_results *r, struct sim_err *e)
{
    memset(r, 0, sizeof *r);
    r->file = out_file_open(path, e);
    if (!r->file || out_file_read_info(r->file, &r->info, e) != 0 ||
        out_file_list_scenarios(r->file, &r->names, &r->count, e) != 0) {
        cli_results_close(r);
        return e && e->code ? e->code : SIM_EIO;
    }
    return 0;
}

void cli_results_close(struct cli_results *r)
{
    free(r->names);
    out_info_destroy(r->info);
    out_file_close(r->file);
    memset(r, 0, sizeof *r);
}
