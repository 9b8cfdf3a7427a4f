/* The CRI log format kubelet reads: one record per line,
 * "<RFC3339Nano> <stdout|stderr> <P|F> <text>\n"; lines longer than
 * LOG_MAX_LINE are split into P (partial) records ending in one F. */
#ifndef HUSK_MONITOR_LOG_H
#define HUSK_MONITOR_LOG_H

#include <stddef.h>

#include "error.h"

#define LOG_MAX_LINE 16384

typedef struct {
  size_t len;
  char buf[LOG_MAX_LINE];
} log_line;

typedef struct {
  int fd; /* -1: no log file */
  const char *path;
  log_line lines[2]; /* stdout, stderr */
} cri_log;

int log_open(cri_log *log, const char *path, mon_error *err);
/* For rotation: the daemon renamed the file; start a new one at path. */
int log_reopen(cri_log *log, mon_error *err);
/* stream: 1 stdout, 2 stderr */
void log_write(cri_log *log, int stream, const char *data, size_t n);
/* At exit: what is left without a newline becomes an F record. */
void log_flush(cri_log *log);
void log_close(cri_log *log);

/* "2006-01-02T15:04:05.999999999Z" for now; buf needs 40 bytes. */
size_t rfc3339_now(char *buf, size_t size);

#endif
