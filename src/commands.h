/* commands.h: the subcommands of cfarm; one line per verb, defined in src/cmd_<verb>.c. */
#ifndef CFARM_COMMANDS_H
#define CFARM_COMMANDS_H

int cmd_version(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_ping(int argc, char **argv);
int cmd_msg(int argc, char **argv);
int cmd_keys(int argc, char **argv);
/* `cfarm plots add|remove -d DIR`, called by `cfarm plots` with argv[0] = "add"/"remove". */
int plots_add_main(int argc, char **argv);
int plots_remove_main(int argc, char **argv);
int cmd_plots(int argc, char **argv);

#endif
