/* The long-lived monitor: holds the container's stdio, writes the log,
 * serves the control socket, reaps, records the exit. */
#ifndef HUSK_MONITOR_MONITOR_H
#define HUSK_MONITOR_MONITOR_H

#include <stddef.h>
#include <sys/types.h>

#include "exitfile.h"
#include "log.h"
#include "spec.h"

#define MAX_CLIENTS 32
#define FRAME_HEADER 5
#define FRAME_MAX 32768
#define CLIENT_OUT_MAX (256 * 1024)

/* attach frame types (PROTOCOL.md) */
enum { FRAME_STDIN = 0, FRAME_STDOUT = 1, FRAME_STDERR = 2, FRAME_RESIZE = 3, FRAME_CLOSE_STDIN = 4, FRAME_EXIT = 5 };

typedef enum { CLIENT_FREE, CLIENT_COMMAND, CLIENT_ATTACH } client_kind;

typedef struct {
  int fd;
  client_kind kind;
  char line[256];
  size_t linelen;
  unsigned char *frame; /* attach: header + payload being received */
  size_t framelen;
  size_t stdin_off;  /* payload bytes already written to the container */
  int stdin_pending; /* the frame's payload waits for the container to read */
  int used_stdin;
  char *out;         /* frames waiting to be sent */
  size_t outlen, outcap;
} client;

typedef struct {
  spec *s;
  pid_t pid;
  int sync;
  int start_requested;
  int start_client; /* index waiting for the start reply, or -1 */
  int sigfd, listenfd;
  int out_fd, err_fd, in_fd; /* with a terminal: out_fd is the master, in_fd == out_fd */
  int terminal_fd;
  int stdin_owner;
  cri_log log;
  oom_watch oom;
  int exited, status;
  client clients[MAX_CLIENTS];
} monitor;

/* create: prints {"pid":N,"monitorPid":M} or {"error":...}; 0 on success. */
int cmd_create(const char *spec_path);
/* serve: creates on request from stdin ("<id> create <spec>"), replies "<id> <line>" on stdout. */
int cmd_serve(void);

/* Rewrites what ps shows for this process (within the original argv space). */
void set_process_title(const char *title);

/* The event loop; returns when the container has exited and is recorded. */
void monitor_run(monitor *m);

/* control socket */
int control_listen(mon_error *err);
void control_accept(monitor *m);
void control_client_event(monitor *m, int idx, short revents);
void control_stdin_writable(monitor *m);
void control_broadcast(monitor *m, int type, const char *data, size_t n);
void control_reply(monitor *m, int idx, int errnum, const char *message);
void control_close(monitor *m, int idx);
void control_shutdown(monitor *m, const char *exit_json);

#endif
