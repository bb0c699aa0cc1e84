/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "oci_json.h"
#include "state.h"
#include "util.h"

static const char usage[] =
    "Usage: skiff list [-q] [--format table|json]\n"
    "List the containers under --root.\n\n"
    "  -q, --quiet          print only the ids\n"
    "  -f, --format FORMAT  table (default) or json\n";

struct row {
  char *id;
  int pid;
  const char *status;
  char *bundle, *created, *owner;
};

static void print_table(struct row *rows, size_t n) {
  int w[5] = {2, 3, 6, 6, 7};
  for (size_t i = 0; i < n; i++) {
    char pid[16];
    int l = snprintf(pid, sizeof(pid), "%d", rows[i].pid);
    int lens[5] = {(int)strlen(rows[i].id), l, (int)strlen(rows[i].status),
                   (int)strlen(rows[i].bundle), (int)strlen(rows[i].created)};
    for (int k = 0; k < 5; k++)
      if (lens[k] > w[k])
        w[k] = lens[k];
  }
  printf("%-*s   %-*s   %-*s   %-*s   %-*s   %s\n", w[0], "ID", w[1], "PID", w[2], "STATUS", w[3],
         "BUNDLE", w[4], "CREATED", "OWNER");
  for (size_t i = 0; i < n; i++)
    printf("%-*s   %-*d   %-*s   %-*s   %-*s   %s\n", w[0], rows[i].id, w[1], rows[i].pid, w[2],
           rows[i].status, w[3], rows[i].bundle, w[4], rows[i].created, rows[i].owner);
}

static void print_json(struct row *rows, size_t n) {
  oci_json_writer *w = oci_jw_new(false);
  oci_jw_begin_array(w);
  for (size_t i = 0; i < n; i++) {
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "ociVersion", "1.3.0");
    oci_jw_kv_string(w, "id", rows[i].id);
    oci_jw_kv_int(w, "pid", rows[i].pid);
    oci_jw_kv_string(w, "status", rows[i].status);
    oci_jw_kv_string(w, "bundle", rows[i].bundle);
    oci_jw_kv_string(w, "created", rows[i].created);
    oci_jw_kv_string(w, "owner", rows[i].owner);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
  char *doc = oci_jw_finish(w);
  if (doc)
    puts(doc);
  free(doc);
}

int cmd_list(const struct sk_global *g, int argc, char **argv) {
  static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0}};
  bool quiet = false, json = false;
  int c;
  while ((c = getopt_long(argc, argv, "+qf:h", opts, NULL)) != -1) {
    if (c == 'q')
      quiet = true;
    else if (c == 'f' && strcmp(optarg, "json") == 0)
      json = true;
    else if (c == 'f' && strcmp(optarg, "table") == 0)
      json = false;
    else if (c == 'f')
      return cmd_usage_error("list", "--format: unknown format \"%s\" (table or json)", optarg);
    else if (c == 'h') {
      fputs(usage, stdout);
      return 0;
    } else
      return cmd_usage_error("list", "unknown option");
  }
  if (!cmd_want_args("list", argc, argv, 0, 0))
    return 1;
  sk_error *err = NULL;
  _cleanup_strv_ char **ids = NULL;
  if (state_list_ids(g->root, &ids, &err) < 0)
    return cmd_fail(&err);
  size_t n = 0;
  while (ids[n])
    n++;
  struct row *rows = calloc(n + 1, sizeof(*rows));
  sk_container **open = calloc(n + 1, sizeof(*open));
  size_t m = 0;
  for (size_t i = 0; rows && open && i < n; i++) {
    sk_container *ct = NULL;
    if (state_open(g->root, ids[i], false, &ct, &err) < 0) {
      sk_error_free(&err); /* deleted meanwhile */
      continue;
    }
    enum sk_status st = state_status(ct);
    rows[m] = (struct row){
        .id = ct->id,
        .pid = st == SK_STOPPED || ct->state == NULL ? 0 : ct->state->pid,
        .status = sk_status_name(st),
        .bundle = ct->state && ct->state->bundle ? ct->state->bundle : "",
        .created = ct->created ? ct->created : "",
        .owner = ct->owner ? ct->owner : "",
    };
    open[m++] = ct;
  }
  if (quiet) {
    for (size_t i = 0; i < m; i++)
      puts(rows[i].id);
  } else if (json) {
    print_json(rows, m);
  } else {
    print_table(rows, m);
  }
  for (size_t i = 0; i < m; i++)
    state_close(&open[i]);
  free(open);
  free(rows);
  return 0;
}
