/* husk-monitor exec: a process in a running container's namespaces and
 * cgroup, with the caller's stdio (or a relayed pty); exits with the
 * command's code, 128+signal when it was killed. */
#ifndef HUSK_MONITOR_EXEC_H
#define HUSK_MONITOR_EXEC_H

/* status_fd, control_fd: -1 when not given (PROTOCOL.md). */
int cmd_exec(const char *spec_path, int status_fd, int control_fd);

#endif
