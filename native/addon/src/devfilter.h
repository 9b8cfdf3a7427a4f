/* Device access control on cgroup v2: an allow-list of device rules compiled
 * to a BPF_PROG_TYPE_CGROUP_DEVICE program (default deny) and attached to a
 * cgroup directory. Raw bpf(2) over the kernel UAPI, no libbpf. */
#ifndef HUSK_ADDON_DEVFILTER_H
#define HUSK_ADDON_DEVFILTER_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The name every husk device program is loaded with; updates replace only these. */
#define HUSK_DEVFILTER_NAME "husk_devices"

typedef struct {
  char type;          /* 'a' (every device, any access), 'b' or 'c' */
  int64_t major;      /* -1: any */
  int64_t minor;      /* -1: any */
  const char *access; /* letters from "rwm"; empty allows nothing */
} husk_dev_rule;

/* The program for rules; *insns is malloc'd, *count instructions long. */
int husk_devfilter_compile(const husk_dev_rule *rules, size_t nrules, struct bpf_insn **insns, size_t *count, husk_error *err);

/* Loads the program for rules and attaches it to the cgroup directory, then
 * detaches the husk device programs that were there before, so the cgroup is
 * never without a filter. *prog_id is the new program's id. */
int husk_devfilter_set(const char *cgroup_dir, const husk_dev_rule *rules, size_t nrules, uint32_t *prog_id, husk_error *err);

/* Ids of the husk device programs attached to the directory itself
 * (malloc'd into *ids, *count of them). */
int husk_devfilter_attached(const char *cgroup_dir, uint32_t **ids, size_t *count, husk_error *err);

/* 1 if a BPF program with this id is loaded in the kernel, 0 if not, -1 on error. */
int husk_bpf_prog_loaded(uint32_t id, husk_error *err);

#ifdef __cplusplus
}
#endif

#endif
