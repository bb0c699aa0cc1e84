/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `skiff update`: new linux.resources for a running container, from
 * --resources FILE (a resources object, "-" for stdin) and/or runc's flags
 * (flags win). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "oci_spec.h"
#include "util.h"

static const char usage[] =
    "Usage: skiff update [OPTIONS] ID\n"
    "Change the resources of a running container.\n\n"
    "  -r, --resources FILE        a linux.resources object (\"-\": stdin)\n"
    "      --memory N              memory limit (bytes, or with k/m/g)\n"
    "      --memory-reservation N  memory soft limit\n"
    "      --memory-swap N         memory + swap limit\n"
    "      --kernel-memory N       kernel memory limit (cgroup v1)\n"
    "      --kernel-memory-tcp N   kernel TCP memory limit (cgroup v1)\n"
    "      --cpu-shares N          CPU shares (v1) / weight (v2, converted)\n"
    "      --cpu-quota N           CPU CFS quota in microseconds\n"
    "      --cpu-period N          CPU CFS period in microseconds\n"
    "      --cpu-rt-runtime N      realtime runtime in microseconds\n"
    "      --cpu-rt-period N       realtime period in microseconds\n"
    "      --cpuset-cpus LIST      CPUs allowed (e.g. 0-2,4)\n"
    "      --cpuset-mems LIST      memory nodes allowed\n"
    "      --blkio-weight N        block IO weight (10-1000)\n"
    "      --pids-limit N          maximum number of processes (-1: no limit)\n";

/* runc accepts sizes like 512m or 1g (binary units); -1 = unlimited. */
static bool parse_size(const char *s, int64_t *out) {
  char *end;
  long long v = strtoll(s, &end, 10);
  if (end == s)
    return false;
  int64_t mult = 1;
  switch (tolower((unsigned char)*end)) {
  case '\0':
    break;
  case 'k':
    mult = 1024;
    break;
  case 'm':
    mult = 1024 * 1024;
    break;
  case 'g':
    mult = 1024LL * 1024 * 1024;
    break;
  case 't':
    mult = 1024LL * 1024 * 1024 * 1024;
    break;
  default:
    return false;
  }
  if (*end && end[1] != '\0' && !(tolower((unsigned char)end[1]) == 'b' && end[2] == '\0'))
    return false;
  *out = v * mult;
  return true;
}

static oci_resources *load_resources(const char *path, oci_config **holder, sk_error **err) {
  _cleanup_free_ char *data = NULL;
  size_t len = 0;
  if (strcmp(path, "-") == 0 ? sk_read_fd_all(0, &data, &len, err) < 0
                             : sk_read_file(path, &data, &len, err) < 0) {
    sk_wrap(err, "--resources");
    return NULL;
  }
  /* Parsed inside a minimal config so that errors name the field as
   * linux.resources.<field>. */
  _cleanup_free_ char *doc = NULL;
  if (asprintf(&doc, "{\"ociVersion\":\"1.0.0\",\"linux\":{\"resources\":%s}}", data) < 0) {
    sk_fail(err, ENOMEM, "--resources");
    return NULL;
  }
  _cleanup_free_ char *perr = NULL;
  *holder = oci_config_parse_data(doc, strlen(doc), &perr);
  if (*holder == NULL) {
    sk_fail(err, 0, "--resources %s: %s", path, perr ? perr : "invalid");
    return NULL;
  }
  if ((*holder)->linux_ == NULL || (*holder)->linux_->resources == NULL) {
    sk_fail(err, 0, "--resources %s: not a resources object", path);
    return NULL;
  }
  return (*holder)->linux_->resources;
}

int cmd_update(const struct sk_global *g, int argc, char **argv) {
  enum {
    O_MEM = 256, O_MEMRES, O_SWAP, O_KMEM, O_KTCP, O_SHARES, O_QUOTA, O_PERIOD, O_RTRUN,
    O_RTPER, O_CPUS, O_MEMS, O_BLKIO, O_PIDS, O_L3, O_MBW,
  };
  static const struct option opts[] = {
      {"resources", required_argument, NULL, 'r'},
      {"memory", required_argument, NULL, O_MEM},
      {"memory-reservation", required_argument, NULL, O_MEMRES},
      {"memory-swap", required_argument, NULL, O_SWAP},
      {"kernel-memory", required_argument, NULL, O_KMEM},
      {"kernel-memory-tcp", required_argument, NULL, O_KTCP},
      {"cpu-share", required_argument, NULL, O_SHARES},
      {"cpu-shares", required_argument, NULL, O_SHARES},
      {"cpu-quota", required_argument, NULL, O_QUOTA},
      {"cpu-period", required_argument, NULL, O_PERIOD},
      {"cpu-rt-runtime", required_argument, NULL, O_RTRUN},
      {"cpu-rt-period", required_argument, NULL, O_RTPER},
      {"cpuset-cpus", required_argument, NULL, O_CPUS},
      {"cpuset-mems", required_argument, NULL, O_MEMS},
      {"blkio-weight", required_argument, NULL, O_BLKIO},
      {"pids-limit", required_argument, NULL, O_PIDS},
      {"l3-cache-schema", required_argument, NULL, O_L3},
      {"mem-bw-schema", required_argument, NULL, O_MBW},
      {"help", no_argument, NULL, 'h'},
      {0},
  };
  sk_error *err = NULL;
  oci_config *holder = NULL;
  oci_resources flags_only = {0};
  oci_resources *r = &flags_only;
  oci_memory mem = {0};
  oci_cpu cpu = {0};
  oci_blkio blkio = {0};
  const char *resources_path = NULL;
  int c, status = 0;
  /* Flags are collected first; the file (if any) is loaded after and the
   * flags applied on top. */
  struct {
    int opt;
    const char *val;
  } flags[32];
  int nflags = 0;
  while ((c = getopt_long(argc, argv, "+r:h", opts, NULL)) != -1) {
    if (c == 'h') {
      fputs(usage, stdout);
      return 0;
    } else if (c == 'r') {
      resources_path = optarg;
    } else if (c >= O_MEM && c <= O_MBW && nflags < 32) {
      flags[nflags].opt = c;
      flags[nflags++].val = optarg;
    } else {
      return cmd_usage_error("update", "unknown option");
    }
  }
  if (!cmd_want_args("update", argc, argv, 1, 1))
    return 1;
  if (resources_path && (r = load_resources(resources_path, &holder, &err)) == NULL)
    return cmd_fail(&err);
  if (r->memory == NULL)
    r->memory = &mem;
  if (r->cpu == NULL)
    r->cpu = &cpu;
  if (r->block_io == NULL)
    r->block_io = &blkio;
  for (int i = 0; i < nflags && status == 0; i++) {
    int64_t v = 0;
    const char *s = flags[i].val;
    int o = flags[i].opt;
    bool is_list = o == O_CPUS || o == O_MEMS || o == O_L3 || o == O_MBW;
    if (!is_list && !parse_size(s, &v)) {
      status = cmd_usage_error("update", "invalid value \"%s\"", s);
      break;
    }
    switch (o) {
    case O_MEM: r->memory->has_limit = true, r->memory->limit = v; break;
    case O_MEMRES: r->memory->has_reservation = true, r->memory->reservation = v; break;
    case O_SWAP: r->memory->has_swap = true, r->memory->swap = v; break;
    case O_KMEM: r->memory->has_kernel = true, r->memory->kernel = v; break;
    case O_KTCP: r->memory->has_kernel_tcp = true, r->memory->kernel_tcp = v; break;
    case O_SHARES: r->cpu->has_shares = true, r->cpu->shares = (uint64_t)v; break;
    case O_QUOTA: r->cpu->has_quota = true, r->cpu->quota = v; break;
    case O_PERIOD: r->cpu->has_period = true, r->cpu->period = (uint64_t)v; break;
    case O_RTRUN: r->cpu->has_realtime_runtime = true, r->cpu->realtime_runtime = v; break;
    case O_RTPER: r->cpu->has_realtime_period = true, r->cpu->realtime_period = (uint64_t)v; break;
    case O_CPUS: free(r->cpu->cpus), r->cpu->cpus = strdup(s); break;
    case O_MEMS: free(r->cpu->mems), r->cpu->mems = strdup(s); break;
    case O_BLKIO: r->block_io->has_weight = true, r->block_io->weight = (uint16_t)v; break;
    case O_PIDS: r->has_pids_limit = true, r->pids_limit = v; break;
    default:
      status = cmd_usage_error("update", "Intel RDT is not supported");
    }
  }
  if (status == 0 && container_update(g, argv[optind], r, &err) < 0)
    status = cmd_fail(&err);
  free(cpu.cpus);
  free(cpu.mems);
  if (holder) {
    /* Our stack objects are not the parser's to free. */
    if (r->memory == &mem)
      r->memory = NULL;
    if (r->cpu == &cpu)
      r->cpu = NULL;
    if (r->block_io == &blkio)
      r->block_io = NULL;
    oci_config_free(holder);
  }
  return status;
}
