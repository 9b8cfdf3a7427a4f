/* Errors carry the errno and the step that failed, crun style: functions
 * return int (-1 on failure) and fill a mon_error. */
#ifndef HUSK_MONITOR_ERROR_H
#define HUSK_MONITOR_ERROR_H

#include "husk-cleanup.h"

#include <stdlib.h>
#include <unistd.h>

typedef struct {
  int errnum;       /* 0 when the failure was not a syscall's */
  char step[64];    /* what the monitor was doing, e.g. "mount" */
  char message[448];
} mon_error;

/* Fills err (message printf-style, with strerror(errnum) appended when
 * errnum != 0) and returns -1. */
int mon_error_set(mon_error *err, int errnum, const char *step, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
