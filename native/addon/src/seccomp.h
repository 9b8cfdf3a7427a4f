/* Compiles a seccomp profile (already validated and with actions resolved
 * to libseccomp values) to classic BPF with libseccomp. */
#ifndef HUSK_ADDON_SECCOMP_H
#define HUSK_ADDON_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  unsigned index;
  uint64_t value;
  uint64_t value_two;
  int op; /* enum scmp_compare */
} husk_seccomp_arg;

typedef struct {
  const char *const *names;
  size_t nnames;
  uint32_t action;
  const husk_seccomp_arg *args;
  size_t nargs;
} husk_seccomp_rule;

typedef struct {
  uint32_t default_action;
  const char *const *arches; /* libseccomp names: "x86_64", "x86", "x32" */
  size_t narches;
  const husk_seccomp_rule *rules;
  size_t nrules;
} husk_seccomp_profile;

/* On success *bpf is malloc'd sock_filter bytes of *len bytes. */
int husk_seccomp_compile(const husk_seccomp_profile *p, void **bpf, size_t *len, husk_error *err);

/* 1 if libseccomp knows the syscall name on some architecture, else 0. */
int husk_seccomp_known_syscall(const char *name);
/* 1 if libseccomp knows the architecture name, else 0. */
int husk_seccomp_known_arch(const char *name);

#ifdef __cplusplus
}
#endif

#endif
