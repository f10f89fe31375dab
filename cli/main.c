/* cli/main.c — `caresim <command> [options]`: dispatch to the subcommands of cli/cli.h,
 * --help and --version. The only place the program exits.
 *
 * MPI build (`make mpi`, docs/mpi.md): MPI starts first and ends last (cli/batch.h). Every
 * rank runs the commands that split their work across ranks; the others run on rank 0
 * only. Ranks other than 0 print nothing to stdout and write no file.
 */
#include <stdio.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/cli.h"

struct command {
    const char *name;               /* what the user types */
    int (*run)(int argc, char **argv); /* returns the exit status */
    const char *help;               /* one line for --help */
};

static const struct command commands[] = {
#define CLI_TABLE_ENTRY(cmd, text) {#cmd, cli_##cmd, text},
    CLI_COMMANDS(CLI_TABLE_ENTRY)
#undef CLI_TABLE_ENTRY
};

static void usage(FILE *out)
{
    fprintf(out, "usage: caresim <command> [options]\n"
                 "       caresim --help | --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\n`caresim <command> --help` describes a command's options.\n");
}

/* The commands whose work runs as batches (cli/batch.h), shared out among MPI ranks: every
 * rank runs them. A name with no command yet is harmless. */
static int runs_on_every_rank(const char *cmd)
{
    static const char *const names[] = {"run", "compare", "psa", "sweep"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(cmd, names[i]) == 0)
            return 1;
    return 0;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("caresim %s\n", CARESIM_VERSION);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(cmd, commands[i].name) == 0) {
            if (cli_rank() != 0 && !runs_on_every_rank(cmd))
                return CLI_EXIT_OK; /* rank 0 runs it alone; its status is the job's */
            return commands[i].run(argc - 1, argv + 1);
        }
    fprintf(stderr, "caresim: unknown command '%s'\n", cmd);
    usage(stderr);
    return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    cli_ranks_init(&argc, &argv);
    return cli_ranks_fini(dispatch(argc, argv));
}
