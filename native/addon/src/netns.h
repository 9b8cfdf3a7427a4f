/* Work inside a network namespace given by a pinned file, done on a
 * throw-away thread (a net namespace is per thread). */
#ifndef HUSK_ADDON_NETNS_H
#define HUSK_ADDON_NETNS_H

#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Connects a TCP socket to host (an IPv4 or IPv6 literal) and port from
 * inside the netns; returns the connected, non-blocking fd or -1. */
int husk_netns_tcp_connect(const char *ns_path, const char *host, int port, int timeout_ms, husk_error *err);

/* Sets the loopback interface up inside the netns. */
int husk_netns_loopback_up(const char *ns_path, husk_error *err);

/* Interface names inside the netns, NUL-separated into buf; returns the
 * count or -1. */
int husk_netns_interfaces(const char *ns_path, char *buf, size_t buflen, husk_error *err);

#ifdef __cplusplus
}
#endif

#endif
