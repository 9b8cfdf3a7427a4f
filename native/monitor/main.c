/* husk-monitor: one per container (create) or per exec session (exec).
 *   husk-monitor create <spec.json>
 *   husk-monitor exec <spec.json> [--status-fd N]
 * See native/monitor/PROTOCOL.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "monitor.h"

static int usage(void) {
  fprintf(stderr, "usage: husk-monitor create <spec.json>\n       husk-monitor exec <spec.json> [--status-fd N]\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "create") == 0 && argc == 3) return cmd_create(argv[2]);
  if (argc >= 3 && strcmp(argv[1], "exec") == 0) {
    int status_fd = -1;
    if (argc == 5 && strcmp(argv[3], "--status-fd") == 0) status_fd = atoi(argv[4]);
    else if (argc != 3) return usage();
    return cmd_exec(argv[2], status_fd);
  }
  return usage();
}
