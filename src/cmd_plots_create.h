/* cmd_plots_create.h: `cfarm plots create`, dispatched from the `plots` command. */
#ifndef CFARM_CMD_PLOTS_CREATE_H
#define CFARM_CMD_PLOTS_CREATE_H

/* `cfarm plots create ...` (argv[0] = "create"); see the usage text in cmd_plots_create.c. */
int plots_create_main(int argc, char **argv);

#endif
