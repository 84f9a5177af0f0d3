/* commands.h: the subcommands of cfarm; one line per verb, defined in src/cmd_<verb>.c. */
#ifndef CFARM_COMMANDS_H
#define CFARM_COMMANDS_H

int cmd_version(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_plots(int argc, char **argv);

#endif
