/* husk-monitor: one per container (create) or per exec session (exec).
 *   husk-monitor create <spec.json>
 *   husk-monitor exec <spec.json> [--status-fd N] [--control-fd N]
 *   husk-monitor serve    (create requests on stdin, for the daemon)
 * See native/monitor/PROTOCOL.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "monitor.h"

static int usage(void) {
  fprintf(stderr, "usage: husk-monitor create <spec.json>\n       husk-monitor exec <spec.json> [--status-fd N] [--control-fd N]\n       husk-monitor serve\n");
  return 2;
}

static char *title_area;
static size_t title_len;

void set_process_title(const char *title) {
  if (title_area == NULL || title_len < 2) return;
  memset(title_area, 0, title_len);
  memcpy(title_area, title, strnlen(title, title_len - 1));
}

int main(int argc, char **argv) {
  /* the argv strings are contiguous: ps shows whatever is written over them */
  title_area = argv[0];
  title_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);
  if (argc == 2 && strcmp(argv[1], "serve") == 0) return cmd_serve();
  if (argc >= 3 && strcmp(argv[1], "create") == 0 && argc == 3) return cmd_create(argv[2]);
  if (argc >= 3 && strcmp(argv[1], "exec") == 0) {
    int status_fd = -1, control_fd = -1;
    for (int i = 3; i < argc; i += 2) {
      if (i + 1 >= argc) return usage();
      if (strcmp(argv[i], "--status-fd") == 0) status_fd = atoi(argv[i + 1]);
      else if (strcmp(argv[i], "--control-fd") == 0) control_fd = atoi(argv[i + 1]);
      else return usage();
    }
    return cmd_exec(argv[2], status_fd, control_fd);
  }
  return usage();
}
