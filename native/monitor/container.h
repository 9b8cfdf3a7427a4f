/* The container process, from fork to execve: namespaces, rootfs, the
 * process's identity and limits, then it waits for SYNC_START. */
#ifndef HUSK_MONITOR_CONTAINER_H
#define HUSK_MONITOR_CONTAINER_H

#include "spec.h"

typedef struct {
  int in, out, err; /* pipe ends for 0, 1, 2 (-1: /dev/null); unused with a terminal */
} child_stdio;

/* Runs in the forked child; never returns. Reports over sync. */
/* `joined`: CLONE_NEW* bits the monitor already joined before cloning. */
_Noreturn void container_main(const spec *s, int sync, const child_stdio *io, int joined);

/* Shared with exec: reset what the monitor changed (signal mask and
 * dispositions) so the command starts clean. */
void reset_signals(void);

/* Shared with exec: moves the sync fd to 3 and closes every fd above it. */
int keep_only_stdio_and(int sync);

#endif
