/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "simple.h"

static const char usage[] =
    "Usage: skiff delete [--force] ID\n"
    "Delete a stopped (or created) container and everything it holds.\n\n"
    "  -f, --force   kill the container first if it is running\n";

int cmd_delete(const struct sk_global *g, int argc, char **argv) {
  static const struct option extra[] = {{"force", no_argument, NULL, 'f'}, {0}};
  bool force = false;
  int r = simple_parse("delete", usage, argc, argv, extra, "f", &force);
  if (r != 0)
    return r < 0 ? 0 : r;
  if (!cmd_want_args("delete", argc, argv, 1, 1))
    return 1;
  /* As runc: --force of a container that is already gone succeeds (the
   * engines call it to clean up after a failed create). An invalid id
   * still fails in container_delete. */
  char dir[4096];
  const char *id = argv[optind];
  if (force && strchr(id, '/') == NULL && strcmp(id, ".") != 0 && strcmp(id, "..") != 0 &&
      snprintf(dir, sizeof(dir), "%s/%s", g->root, id) < (int)sizeof(dir) &&
      access(dir, F_OK) < 0 && errno == ENOENT)
    return 0;
  sk_error *err = NULL;
  if (container_delete(g, argv[optind], force, &err) < 0)
    return cmd_fail(&err);
  return 0;
}
