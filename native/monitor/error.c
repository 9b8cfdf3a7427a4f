#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mon_error_set(mon_error *err, int errnum, const char *step, const char *fmt, ...) {
  va_list ap;
  err->errnum = errnum;
  snprintf(err->step, sizeof err->step, "%s", step);
  va_start(ap, fmt);
  int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  if (errnum != 0 && n >= 0 && (size_t)n < sizeof err->message)
    snprintf(err->message + n, sizeof err->message - n, ": %s", strerror(errnum));
  return -1;
}
