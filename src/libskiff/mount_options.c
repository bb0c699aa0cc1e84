/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mount_options.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

enum opt_kind {
  OPT_SET,       /* set MS_* bits in flags */
  OPT_CLEAR,     /* clear MS_* bits */
  OPT_ATIME,     /* one of the exclusive atime modes (MS_NOATIME, ...) */
  OPT_PROP,      /* propagation */
  OPT_REC_SET,   /* MOUNT_ATTR_* recursively set */
  OPT_REC_CLR,   /* MOUNT_ATTR_* recursively cleared */
  OPT_REC_ATIME, /* recursive atime mode */
  OPT_TMPCOPYUP,
  OPT_IDMAP,
  OPT_RIDMAP,
};

struct opt {
  const char *name;
  enum opt_kind kind;
  unsigned long value;
};

#define ATIME_BITS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

static const struct opt table[] = {
    {"ro", OPT_SET, MS_RDONLY},
    {"rw", OPT_CLEAR, MS_RDONLY},
    {"suid", OPT_CLEAR, MS_NOSUID},
    {"nosuid", OPT_SET, MS_NOSUID},
    {"dev", OPT_CLEAR, MS_NODEV},
    {"nodev", OPT_SET, MS_NODEV},
    {"exec", OPT_CLEAR, MS_NOEXEC},
    {"noexec", OPT_SET, MS_NOEXEC},
    {"sync", OPT_SET, MS_SYNCHRONOUS},
    {"async", OPT_CLEAR, MS_SYNCHRONOUS},
    {"dirsync", OPT_SET, MS_DIRSYNC},
    {"remount", OPT_SET, MS_REMOUNT},
    {"mand", OPT_SET, MS_MANDLOCK},
    {"nomand", OPT_CLEAR, MS_MANDLOCK},
    {"atime", OPT_CLEAR, MS_NOATIME},
    {"noatime", OPT_ATIME, MS_NOATIME},
    {"diratime", OPT_CLEAR, MS_NODIRATIME},
    {"nodiratime", OPT_SET, MS_NODIRATIME},
    {"relatime", OPT_ATIME, MS_RELATIME},
    {"norelatime", OPT_CLEAR, MS_RELATIME},
    {"strictatime", OPT_ATIME, MS_STRICTATIME},
    {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
    {"nosymfollow", OPT_SET, MS_NOSYMFOLLOW},
    {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
    /* mount(8) words that runc also takes */
    {"defaults", OPT_CLEAR, 0},
    {"iversion", OPT_SET, MS_I_VERSION},
    {"noiversion", OPT_CLEAR, MS_I_VERSION},
    {"lazytime", OPT_SET, MS_LAZYTIME},
    {"nolazytime", OPT_CLEAR, MS_LAZYTIME},
    {"silent", OPT_SET, MS_SILENT},
    {"loud", OPT_CLEAR, MS_SILENT},
    {"bind", OPT_SET, MS_BIND},
    {"rbind", OPT_SET, MS_BIND | MS_REC},
    {"private", OPT_PROP, MS_PRIVATE},
    {"rprivate", OPT_PROP, MS_PRIVATE | MS_REC},
    {"shared", OPT_PROP, MS_SHARED},
    {"rshared", OPT_PROP, MS_SHARED | MS_REC},
    {"slave", OPT_PROP, MS_SLAVE},
    {"rslave", OPT_PROP, MS_SLAVE | MS_REC},
    {"unbindable", OPT_PROP, MS_UNBINDABLE},
    {"runbindable", OPT_PROP, MS_UNBINDABLE | MS_REC},
    {"rro", OPT_REC_SET, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_REC_CLR, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID},
    {"rsuid", OPT_REC_CLR, MOUNT_ATTR_NOSUID},
    {"rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV},
    {"rdev", OPT_REC_CLR, MOUNT_ATTR_NODEV},
    {"rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC},
    {"rexec", OPT_REC_CLR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPT_REC_CLR, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPT_REC_CLR, MOUNT_ATTR_NOSYMFOLLOW},
    /* The kernel takes one atime mode, not separate bits: "ratime" and
     * "rrelatime" both mean the default relatime; "rnorelatime" can only
     * mean strictatime, "rnostrictatime" the default relatime. */
    {"rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME},
    {"ratime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
    {"rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
    {"rnorelatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
    {"tmpcopyup", OPT_TMPCOPYUP, 0},
    {"idmap", OPT_IDMAP, 0},
    {"ridmap", OPT_RIDMAP, 0},
};

static const struct opt *lookup(const char *word) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(table); i++)
    if (strcmp(table[i].name, word) == 0)
      return &table[i];
  return NULL;
}

bool sk_mount_option_known(const char *word) { return lookup(word) != NULL; }

const char *const *sk_mount_option_names(void) {
  static const char *names[SK_ARRAY_SIZE(table) + 1];
  if (names[0] == NULL)
    for (size_t i = 0; i < SK_ARRAY_SIZE(table); i++)
      names[i] = table[i].name;
  return names;
}

static void apply(sk_mount_opts *o, const struct opt *t) {
  switch (t->kind) {
  case OPT_SET:
    o->flags |= t->value;
    o->cleared &= ~t->value;
    break;
  case OPT_CLEAR:
    o->flags &= ~t->value;
    o->cleared |= t->value;
    if (t->value & ATIME_BITS)
      o->atime_given = true;
    break;
  case OPT_ATIME:
    o->flags = (o->flags & ~ATIME_BITS) | t->value;
    o->cleared = (o->cleared & ~t->value);
    o->atime_given = true;
    break;
  case OPT_PROP:
    o->propagation = t->value; /* mount(2) takes one; the last one wins */
    break;
  case OPT_REC_SET:
    o->rec_set |= t->value;
    o->rec_clr &= ~t->value;
    break;
  case OPT_REC_CLR:
    o->rec_clr |= t->value;
    o->rec_set &= ~t->value;
    break;
  case OPT_REC_ATIME:
    o->rec_atime = (int)t->value;
    break;
  case OPT_TMPCOPYUP:
    o->tmpcopyup = true;
    break;
  case OPT_IDMAP:
    o->idmap = true;
    break;
  case OPT_RIDMAP:
    o->idmap = o->idmap_recursive = true;
    break;
  }
}

int sk_mount_opts_parse(char *const *opts, size_t n, sk_mount_opts *out,
                        sk_error **err) {
  memset(out, 0, sizeof(*out));
  out->rec_atime = -1;
  size_t datalen = 0;
  for (size_t i = 0; i < n; i++) {
    const char *w = opts[i];
    const struct opt *t = lookup(w);
    if (t != NULL) {
      apply(out, t);
      continue;
    }
    if (strncmp(w, "x-", 2) == 0)
      continue;
    if (out->unknown == NULL && strchr(w, '=') == NULL)
      out->unknown = w;
    size_t wl = strlen(w);
    char *d = realloc(out->data, datalen + wl + 2);
    if (d == NULL) {
      sk_mount_opts_clear(out);
      return sk_fail(err, ENOMEM, "mount options");
    }
    if (datalen > 0)
      d[datalen++] = ',';
    memcpy(d + datalen, w, wl + 1);
    datalen += wl;
    out->data = d;
  }
  return 0;
}

void sk_mount_opts_clear(sk_mount_opts *o) {
  free(o->data);
  o->data = NULL;
}

uint64_t sk_ms_to_mount_attr(unsigned long flags) {
  uint64_t a = 0;
  if (flags & MS_RDONLY)
    a |= MOUNT_ATTR_RDONLY;
  if (flags & MS_NOSUID)
    a |= MOUNT_ATTR_NOSUID;
  if (flags & MS_NODEV)
    a |= MOUNT_ATTR_NODEV;
  if (flags & MS_NOEXEC)
    a |= MOUNT_ATTR_NOEXEC;
  if (flags & MS_NODIRATIME)
    a |= MOUNT_ATTR_NODIRATIME;
  if (flags & MS_NOSYMFOLLOW)
    a |= MOUNT_ATTR_NOSYMFOLLOW;
  if (flags & MS_NOATIME)
    a |= MOUNT_ATTR_NOATIME;
  else if (flags & MS_STRICTATIME)
    a |= MOUNT_ATTR_STRICTATIME;
  return a;
}
