/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capabilities: the name table (taken from libcap), process.capabilities as
 * bit masks, and applying them: the bounding set, the effective, permitted
 * and inheritable sets (one capset through libcap), and the ambient set. */
#include "process.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* Capability numbers fit a 64-bit mask (the kernel's capset ABI has room for
 * 64; 41 are defined today). */
#define CAPS_MAX 64
#define CAP_BIT(c) (UINT64_C(1) << (c))

/* Spec names by number ("" where libcap has no name), and the same names
 * as a compact NULL-terminated list. Built once, never freed. */
static char cap_names[CAPS_MAX][32];
static const char *cap_list[CAPS_MAX + 1];

static void caps_table_init(void) {
  static bool done;
  if (done)
    return;
  size_t n = 0;
  for (int i = 0; i < CAPS_MAX; i++) {
    char *lower = cap_to_name((cap_value_t)i);
    if (lower == NULL)
      continue;
    /* libcap answers a bare number for capabilities it has no name for. */
    if (strncmp(lower, "cap_", 4) == 0 && strlen(lower) < sizeof(cap_names[i])) {
      for (size_t k = 0; lower[k]; k++)
        cap_names[i][k] = (char)toupper((unsigned char)lower[k]);
      cap_list[n++] = cap_names[i];
    }
    cap_free(lower);
  }
  cap_list[n] = NULL;
  done = true;
}

int caps_from_name(const char *name) {
  caps_table_init();
  if (name == NULL || name[0] == '\0')
    return -1;
  for (int i = 0; i < CAPS_MAX; i++)
    if (cap_names[i][0] != '\0' && strcmp(cap_names[i], name) == 0)
      return i;
  return -1;
}

const char *const *caps_all_names(void) {
  caps_table_init();
  return cap_list;
}

/* Name of capability `c` for messages. */
static const char *cap_label(int c, char buf[32]) {
  caps_table_init();
  if (c >= 0 && c < CAPS_MAX && cap_names[c][0] != '\0')
    return cap_names[c];
  snprintf(buf, 32, "capability %d", c);
  return buf;
}

static int read_last_cap_file(void) {
  char buf[32];
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n;
  do
    n = read(fd, buf, sizeof(buf) - 1);
  while (n < 0 && errno == EINTR);
  close(fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  char *end;
  long v = strtol(buf, &end, 10);
  if (end == buf || v < 0 || v >= CAPS_MAX)
    return -1;
  return (int)v;
}

int caps_kernel_last(void) {
  static int last = -1;
  if (last >= 0)
    return last;
  int v = read_last_cap_file();
  if (v < 0) {
    /* No /proc/sys (masked or not mounted): the bounding set answers EINVAL
     * for numbers past the kernel's last capability. */
    v = 0;
    while (v + 1 < CAPS_MAX && prctl(PR_CAPBSET_READ, v + 1, 0, 0, 0) >= 0)
      v++;
  }
  last = v;
  return last;
}

static int parse_set(const char *set, char *const *names, size_t n, int last,
                     uint64_t *mask, sk_error **err) {
  *mask = 0;
  for (size_t i = 0; i < n; i++) {
    const char *name = names[i] ? names[i] : "";
    int c = caps_from_name(name);
    if (c < 0)
      return sk_fail(err, 0, "process.capabilities.%s: unknown capability \"%s\"",
                     set, name);
    if (c > last) {
      /* Newer than this kernel (e.g. CAP_BPF on 5.4): nothing to grant or
       * to drop, so keep going as runc does. */
      sk_warn("process.capabilities.%s: %s is not supported by this kernel (last "
              "capability %d), ignored",
              set, name, last);
      continue;
    }
    *mask |= CAP_BIT(c);
  }
  return 0;
}

int caps_parse(const oci_capabilities *c, sk_caps *out, sk_error **err) {
  memset(out, 0, sizeof(*out));
  /* No capabilities object: runc applies an empty Capabilities{} (every set
   * empty, bounding set emptied too), so the process gets no capability. The
   * spec leaves it open; we match runc. */
  if (c == NULL)
    return 0;
  int last = caps_kernel_last();
  if (parse_set("bounding", c->bounding, c->n_bounding, last, &out->bounding, err) < 0 ||
      parse_set("effective", c->effective, c->n_effective, last, &out->effective, err) < 0 ||
      parse_set("inheritable", c->inheritable, c->n_inheritable, last, &out->inheritable,
                err) < 0 ||
      parse_set("permitted", c->permitted, c->n_permitted, last, &out->permitted, err) < 0 ||
      parse_set("ambient", c->ambient, c->n_ambient, last, &out->ambient, err) < 0)
    return -1;
  return 0;
}

int caps_apply_bounding(uint64_t keep, sk_error **err) {
  int last = caps_kernel_last();
  char buf[32];
  for (int c = 0; c <= last; c++) {
    if (keep & CAP_BIT(c))
      continue;
    int r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
    if (r < 0 && errno == EINVAL)
      continue; /* past the kernel's last capability after all */
    if (r < 0)
      return sk_fail_errno(err, "process.capabilities.bounding: read %s",
                           cap_label(c, buf));
    if (r == 0)
      continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
      int e = errno;
      return sk_fail(err, e, "process.capabilities.bounding: drop %s%s",
                     cap_label(c, buf), e == EPERM ? " (needs CAP_SETPCAP)" : "");
    }
  }
  return 0;
}

/* The current effective/permitted/inheritable sets as masks. */
static int current_sets(uint64_t *eff, uint64_t *prm, uint64_t *inh) {
  *eff = *prm = *inh = 0;
  cap_t cur = cap_get_proc();
  if (cur == NULL)
    return -1;
  for (int c = 0; c <= caps_kernel_last(); c++) {
    cap_flag_value_t v;
    if (cap_get_flag(cur, c, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
      *eff |= CAP_BIT(c);
    if (cap_get_flag(cur, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
      *prm |= CAP_BIT(c);
    if (cap_get_flag(cur, c, CAP_INHERITABLE, &v) == 0 && v == CAP_SET)
      *inh |= CAP_BIT(c);
  }
  cap_free(cur);
  return 0;
}

static int lowest_bit(uint64_t m) { return __builtin_ctzll(m); }

/* capset said EPERM: name the capability and the rule it broke
 * (capabilities(7), "Programmatically adjusting capability sets"). */
static int explain_capset_failure(const sk_caps *want, int errnum, sk_error **err) {
  char buf[32];
  uint64_t eff, prm, inh;
  if (errnum == EPERM && current_sets(&eff, &prm, &inh) == 0) {
    uint64_t bounding = 0;
    for (int c = 0; c <= caps_kernel_last(); c++)
      if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
        bounding |= CAP_BIT(c);
    uint64_t bad;
    if ((bad = want->effective & ~want->permitted))
      return sk_fail(err, errnum,
                     "process.capabilities.effective: %s is not in the permitted set: capset",
                     cap_label(lowest_bit(bad), buf));
    if ((bad = want->permitted & ~prm))
      return sk_fail(err, errnum,
                     "process.capabilities.permitted: %s is not held by the runtime: capset",
                     cap_label(lowest_bit(bad), buf));
    if ((bad = want->inheritable & ~(inh | bounding)))
      return sk_fail(err, errnum,
                     "process.capabilities.inheritable: %s is not in the bounding set: capset",
                     cap_label(lowest_bit(bad), buf));
  }
  return sk_fail(err, errnum,
                 "process.capabilities: set effective/permitted/inheritable: capset");
}

static int set_flag_mask(cap_t st, cap_flag_t flag, uint64_t mask) {
  for (int c = 0; c < CAPS_MAX; c++) {
    if (!(mask & CAP_BIT(c)))
      continue;
    cap_value_t v = c;
    if (cap_set_flag(st, flag, 1, &v, CAP_SET) < 0)
      return -1;
  }
  return 0;
}

/* An ambient capability must also be permitted and inheritable. Configs
 * written for runc (its own `runc spec` among them) list ambient caps without
 * inheritable ones, and runc 1.1 ignores the failure: as a drop-in we skip
 * such a cap with a warning instead of failing the container. */
static int apply_ambient(uint64_t ambient, uint64_t permitted, uint64_t inheritable,
                         sk_error **err) {
  char buf[32];
  /* Start from nothing: the ambient set survives execve, so whatever the
   * runtime had must not leak into the container. */
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
    if (errno == EINVAL && ambient == 0)
      return 0; /* a kernel without ambient capabilities (< 4.3) */
    return sk_fail_errno(err, "process.capabilities.ambient: clear");
  }
  for (int c = 0; c < CAPS_MAX; c++) {
    if (!(ambient & CAP_BIT(c)))
      continue;
    if (!(permitted & inheritable & CAP_BIT(c))) {
      sk_warn("process.capabilities.ambient: %s skipped: it is not in both the permitted and "
              "inheritable sets",
              cap_label(c, buf));
      continue;
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0) {
      int e = errno;
      return sk_fail(err, e, "process.capabilities.ambient: raise %s%s", cap_label(c, buf),
                     e == EPERM ? " (it must also be in the permitted and inheritable sets)"
                                : "");
    }
  }
  return 0;
}

int caps_apply_sets(const sk_caps *caps, sk_error **err) {
  cap_t st = cap_init(); /* all clear */
  if (st == NULL)
    return sk_fail_errno(err, "process.capabilities: cap_init");
  if (set_flag_mask(st, CAP_EFFECTIVE, caps->effective) < 0 ||
      set_flag_mask(st, CAP_PERMITTED, caps->permitted) < 0 ||
      set_flag_mask(st, CAP_INHERITABLE, caps->inheritable) < 0) {
    int e = errno;
    cap_free(st);
    return sk_fail(err, e, "process.capabilities: cap_set_flag");
  }
  if (cap_set_proc(st) < 0) {
    int e = errno;
    cap_free(st);
    return explain_capset_failure(caps, e, err);
  }
  cap_free(st);
  /* Raising an ambient capability needs it in both the permitted and the
   * inheritable set, so this comes after the capset. */
  return apply_ambient(caps->ambient, caps->permitted, caps->inheritable, err);
}
