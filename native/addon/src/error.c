#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int husk_fail(husk_error *err, int errnum, const char *step, const char *syscall, const char *fmt, ...) {
  va_list ap;
  err->errnum = errnum;
  snprintf(err->step, sizeof err->step, "%s", step);
  snprintf(err->syscall, sizeof err->syscall, "%s", syscall ? syscall : "");
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return -1;
}
