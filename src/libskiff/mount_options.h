/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mount options of config.md "mounts": the option words are split into
 * mount(2) flags, propagation, recursive attributes (mount_setattr with
 * AT_RECURSIVE), skiff-level options (tmpcopyup, idmap) and the remaining
 * filesystem data ("size=65536k,mode=755"), passed through to the kernel. */
#ifndef SKIFF_MOUNT_OPTIONS_H
#define SKIFF_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct sk_mount_opts {
  unsigned long flags;       /* MS_* set (MS_RDONLY, MS_NOSUID, MS_BIND...) */
  unsigned long cleared;     /* MS_* explicitly cleared ("rw", "suid", ...) */
  unsigned long propagation; /* MS_PRIVATE/SHARED/SLAVE/UNBINDABLE [|MS_REC], 0 */
  uint64_t rec_set;          /* MOUNT_ATTR_* to set recursively */
  uint64_t rec_clr;          /* MOUNT_ATTR_* to clear recursively */
  int rec_atime;             /* -1: unchanged, else MOUNT_ATTR_{RELATIME,NOATIME,STRICTATIME} */
  bool atime_given;          /* a non-recursive atime word was given */
  bool tmpcopyup;
  bool idmap;                /* "idmap" or "ridmap" */
  bool idmap_recursive;      /* "ridmap" */
  char *data;                /* comma-joined filesystem options, NULL if none */
  const char *unknown;       /* first word not in the table (points into the input) */
} sk_mount_opts;

/* Parse `n` option words. Words of the form "x-..." are userspace-only
 * (mount(8) convention) and dropped. Fails only on ENOMEM. */
int sk_mount_opts_parse(char *const *opts, size_t n, sk_mount_opts *out,
                        sk_error **err);
void sk_mount_opts_clear(sk_mount_opts *o);

/* MOUNT_ATTR_* equivalent of the per-mount MS_* bits of `flags`. */
uint64_t sk_ms_to_mount_attr(unsigned long flags);

/* True if `word` is one of the table's option words (for `features`). */
bool sk_mount_option_known(const char *word);
/* NULL-terminated list of the table's option words. */
const char *const *sk_mount_option_names(void);

#endif
