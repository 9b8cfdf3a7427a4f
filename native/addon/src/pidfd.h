/* pidfds: signal and watch a process without PID-reuse races. */
#ifndef HUSK_ADDON_PIDFD_H
#define HUSK_ADDON_PIDFD_H

#include <signal.h>
#include <sys/types.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returns a close-on-exec pidfd or -1. */
int husk_pidfd_open(pid_t pid, husk_error *err);
int husk_pidfd_send_signal(int pidfd, int sig, husk_error *err);
/* 1 if the process has exited (pidfd readable), 0 if not, -1 on error. */
int husk_pidfd_exited(int pidfd, husk_error *err);

#ifdef __cplusplus
}
#endif

#endif
