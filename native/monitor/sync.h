/* Messages between the monitor and the container process it forked, over a
 * SOCK_SEQPACKET socketpair (one message per record; may carry one fd). The
 * container side's end is close-on-exec, so EOF after SYNC_START means the
 * execve succeeded. */
#ifndef HUSK_MONITOR_SYNC_H
#define HUSK_MONITOR_SYNC_H

#include "error.h"

typedef enum {
  SYNC_GO = 1,     /* monitor -> container: cgroup joined and id maps written, go on */
  SYNC_PTY,        /* container -> monitor: the pty master (fd attached) */
  SYNC_READY,      /* container -> monitor: set up, waiting for start */
  SYNC_ERROR,      /* container -> monitor: setup failed (err filled) */
  SYNC_START,      /* monitor -> container: execve now */
  SYNC_EXEC_ERROR, /* container -> monitor: execve failed (err filled) */
} sync_type;

typedef struct {
  int type;
  mon_error err;
} sync_msg;

int sync_send(int sock, int type, const mon_error *err, int pass_fd);
/* 1: a message (*fd_out is the attached fd or -1), 0: EOF, -1: error (errno). */
int sync_recv(int sock, sync_msg *msg, int *fd_out);

#endif
