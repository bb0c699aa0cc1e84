/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "simple.h"

static const char usage[] = "Usage: skiff state ID\n"
                            "Print the state of a container as JSON.\n";

int cmd_state(const struct sk_global *g, int argc, char **argv) {
  int r = simple_parse("state", usage, argc, argv, NULL, "", NULL);
  if (r != 0)
    return r < 0 ? 0 : r;
  if (!cmd_want_args("state", argc, argv, 1, 1))
    return 1;
  sk_error *err = NULL;
  oci_state *s = NULL;
  if (container_state(g, argv[optind], &s, &err) < 0)
    return cmd_fail(&err);
  s->has_pid = true;
  char *json = oci_state_to_json(s, true);
  oci_state_free(s);
  if (json == NULL)
    return 1;
  puts(json);
  free(json);
  return 0;
}
