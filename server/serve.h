#ifndef SD_SERVE_H
#define SD_SERVE_H

/* Run the server with the options argv[first..argc); the exit status. */
int sd_serve(int argc, char **argv, int first);

#endif
