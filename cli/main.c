/* cli/main.c — `caresim <command> [options]`: dispatch to the subcommands of cli/cli.h,
 * --help and --version. The only place the program exits.
 */
#include <stdio.h>
#include <string.h>

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

int main(int argc, char **argv)
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
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "caresim: unknown command '%s'\n", cmd);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
