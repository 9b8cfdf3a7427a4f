/* The container spec the daemon writes to <stateDir>/spec.json (described
 * field by field in src/native/spec.ts), read into plain C structs whose
 * strings point into the parsed JSON. */
#ifndef HUSK_MONITOR_SPEC_H
#define HUSK_MONITOR_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "json.h"

typedef struct {
  int flag;         /* CLONE_NEW* */
  const char *path; /* NULL: a new namespace */
} ns_entry;

typedef struct {
  int resource;
  unsigned long long soft, hard;
} rlimit_entry;

typedef struct {
  const char *destination, *type, *source;
  const char **options; /* NULL-terminated */
} mount_entry;

typedef struct {
  const char *path;
  char type; /* 'c', 'b', 'p' */
  unsigned major, minor, mode, uid, gid;
} device_entry;

typedef struct {
  const char *key, *value;
} sysctl_entry;

typedef struct {
  unsigned container_id, host_id, size;
} id_mapping;

typedef struct {
  const char **args; /* NULL-terminated, non-empty */
  const char **env;  /* NULL-terminated */
  const char *cwd;
  unsigned uid, gid;
  unsigned *additional_gids;
  size_t nadditional_gids;
  int terminal, stdin_open, stdin_once;
  unsigned short rows, cols;
  int has_capabilities;
  uint64_t cap_bounding, cap_effective, cap_inheritable, cap_permitted, cap_ambient;
  int no_new_privileges;
  rlimit_entry *rlimits;
  size_t nrlimits;
  int has_oom_score_adj, oom_score_adj;
  const char *seccomp_bpf_path;
  unsigned seccomp_flags;
} process_spec;

typedef struct {
  char *text;
  json_doc doc;
  void *allocs; /* chain of arrays made while reading */
  const char *id, *state_dir, *log_path;
  int target_pid; /* exec: the container process to join */
  process_spec process;
  const char *hostname;
  ns_entry *namespaces;
  size_t nnamespaces;
  const char *rootfs_path;
  int rootfs_readonly;
  unsigned long rootfs_propagation; /* MS_SLAVE|MS_REC etc. */
  int has_overlay;
  const char **lowerdirs; /* NULL-terminated, top layer first */
  size_t nlowerdirs;
  const char *upperdir, *workdir;
  int overlay_legacy; /* skip the new mount API (old kernels, tests) */
  mount_entry *mounts;
  size_t nmounts;
  const char **masked_paths, **readonly_paths;
  device_entry *devices;
  size_t ndevices;
  sysctl_entry *sysctls;
  size_t nsysctls;
  const char **cgroup_dirs;
  int oom_version;
  const char *oom_memory_dir;
  id_mapping *uid_mappings, *gid_mappings;
  size_t nuid_mappings, ngid_mappings;
} spec;

typedef enum { SPEC_CREATE, SPEC_EXEC } spec_kind;

int spec_load(const char *path, spec_kind kind, spec *s, mon_error *err);
void spec_free(spec *s);

/* The entry for a namespace kind, or NULL when the spec does not ask for it. */
const ns_entry *spec_namespace(const spec *s, int flag);

/* Capability number for "CAP_NET_RAW" (or "NET_RAW"); -1 if unknown. */
int capability_from_name(const char *name);

#endif
