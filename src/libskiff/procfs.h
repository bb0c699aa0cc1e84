/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writes to /proc knobs through a procfs handle skiff opened and verified
 * itself: the directory fd must be on procfs (fstatfs PROC_SUPER_MAGIC) and
 * the lookup beneath it may not follow any symlink. A /proc that is a
 * symlink, or a volume mounted over it, cannot redirect the write (the
 * class of attack of CVE-2019-16884 and CVE-2019-19921). */
#ifndef SKIFF_PROCFS_H
#define SKIFF_PROCFS_H

#include "error.h"

/* Open `path` (relative, e.g. "sys/net/ipv4/ip_forward") beneath the procfs
 * at `proc_root` (e.g. "/proc") with `flags`. */
int procfs_open(const char *proc_root, const char *path, int flags, sk_error **err);
/* Write `value` to `path` beneath `proc_root`. */
int procfs_write(const char *proc_root, const char *path, const char *value, sk_error **err);

#endif
