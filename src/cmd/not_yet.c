/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"

int cmd_not_yet(const struct sk_global *g, int argc, char **argv) {
  sk_error *err = NULL;
  sk_fail(&err, ENOSYS, "%s: this command is not implemented yet", argv[0]);
  return cmd_fail(&err);
}
