/* Errors in the addon's C layer, crun style: every function returns int
 * (-1 on failure) and fills a husk_error with the errno, the step that failed
 * and the syscall, which the binding turns into a JS NativeError. */
#ifndef HUSK_ADDON_ERROR_H
#define HUSK_ADDON_ERROR_H

#include "husk-cleanup.h"

#include <stdlib.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int errnum;         /* 0 when the failure is not a syscall's */
  char step[128];     /* what husk was doing, e.g. "pin net namespace" */
  char syscall[32];   /* the failing call, e.g. "mount"; empty if none */
  char message[2048]; /* human detail: paths, kernel messages */
} husk_error;

/* Fills err and returns -1. syscall may be NULL. */
int husk_fail(husk_error *err, int errnum, const char *step, const char *syscall, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#ifdef __cplusplus
}
#endif

#endif
