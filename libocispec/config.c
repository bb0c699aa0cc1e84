/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing of config.json: the top-level fields, root, mounts and hooks; the
 * process and linux parts have their own files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int parse_root(op_ctx *c, const oj_node *obj, oci_config *cfg) {
  const oj_node *o;
  if (op_obj(c, obj, "root", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  cfg->root = calloc(1, sizeof *cfg->root);
  if (cfg->root == NULL)
    return op_fail(c, "out of memory");
  size_t m = op_push_key(c, "root");
  if (op_str(c, o, "path", true, &cfg->root->path) < 0 ||
      op_bool(c, o, "readonly", &cfg->root->readonly, NULL) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_mount(op_ctx *c, const oj_node *obj, void *elem) {
  oci_mount *m = elem;
  return (op_str(c, obj, "destination", true, &m->destination) < 0 ||
          op_str(c, obj, "type", false, &m->type) < 0 ||
          op_str(c, obj, "source", false, &m->source) < 0 ||
          op_strv(c, obj, "options", &m->options, &m->n_options) < 0 ||
          op_obj_array(c, obj, "uidMappings", sizeof(oci_id_mapping), &m->uid_mappings,
                       &m->n_uid_mappings, oci_parse_id_mapping) < 0 ||
          op_obj_array(c, obj, "gidMappings", sizeof(oci_id_mapping), &m->gid_mappings,
                       &m->n_gid_mappings, oci_parse_id_mapping) < 0)
             ? -1
             : 0;
}

static int parse_hook(op_ctx *c, const oj_node *obj, void *elem) {
  oci_hook *h = elem;
  return (op_str(c, obj, "path", true, &h->path) < 0 ||
          op_strv(c, obj, "args", &h->args, &h->n_args) < 0 ||
          op_strv(c, obj, "env", &h->env, &h->n_env) < 0 ||
          op_int(c, obj, "timeout", false, 1, INT64_MAX, "a hook timeout (at least 1)",
                 &h->timeout, &h->has_timeout) < 0)
             ? -1
             : 0;
}

static int parse_hook_list(op_ctx *c, const oj_node *o, const char *key,
                           oci_hook **out, size_t *n) {
  return op_obj_array(c, o, key, sizeof(oci_hook), out, n, parse_hook);
}

static int parse_hooks(op_ctx *c, const oj_node *obj, oci_config *cfg) {
  const oj_node *o;
  if (op_obj(c, obj, "hooks", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  oci_hooks *h = calloc(1, sizeof *h);
  if (h == NULL)
    return op_fail(c, "out of memory");
  cfg->hooks = h;
  size_t m = op_push_key(c, "hooks");
  if (parse_hook_list(c, o, "prestart", &h->prestart, &h->n_prestart) < 0 ||
      parse_hook_list(c, o, "createRuntime", &h->create_runtime, &h->n_create_runtime) < 0 ||
      parse_hook_list(c, o, "createContainer", &h->create_container,
                      &h->n_create_container) < 0 ||
      parse_hook_list(c, o, "startContainer", &h->start_container,
                      &h->n_start_container) < 0 ||
      parse_hook_list(c, o, "poststart", &h->poststart, &h->n_poststart) < 0 ||
      parse_hook_list(c, o, "poststop", &h->poststop, &h->n_poststop) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_process_field(op_ctx *c, const oj_node *obj, oci_config *cfg) {
  const oj_node *o;
  if (op_obj(c, obj, "process", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  cfg->process = calloc(1, sizeof *cfg->process);
  if (cfg->process == NULL)
    return op_fail(c, "out of memory");
  size_t m = op_push_key(c, "process");
  if (oci_parse_process(c, o, cfg->process) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_linux_field(op_ctx *c, const oj_node *obj, oci_config *cfg) {
  const oj_node *o;
  if (op_obj(c, obj, "linux", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  cfg->linux_ = calloc(1, sizeof *cfg->linux_);
  if (cfg->linux_ == NULL)
    return op_fail(c, "out of memory");
  size_t m = op_push_key(c, "linux");
  if (oci_parse_linux(c, o, cfg->linux_) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_config(op_ctx *c, const oj_node *o, oci_config *cfg) {
  if (op_expect_top_object(c, o) < 0 ||
      op_str(c, o, "ociVersion", true, &cfg->oci_version) < 0 ||
      parse_root(c, o, cfg) < 0 ||
      op_obj_array(c, o, "mounts", sizeof(oci_mount), &cfg->mounts, &cfg->n_mounts,
                   parse_mount) < 0 ||
      parse_process_field(c, o, cfg) < 0 ||
      op_str(c, o, "hostname", false, &cfg->hostname) < 0 ||
      op_str(c, o, "domainname", false, &cfg->domainname) < 0 ||
      parse_hooks(c, o, cfg) < 0 || op_map(c, o, "annotations", &cfg->annotations) < 0 ||
      parse_linux_field(c, o, cfg) < 0)
    return -1;
  return 0;
}

oci_config *oci_config_parse_data(const char *data, size_t len, char **err) {
  *err = NULL;
  oj_node *root = oj_parse(data, len, err);
  if (root == NULL)
    return NULL;
  op_ctx c;
  oci_config *cfg = calloc(1, sizeof *cfg);
  if (cfg == NULL || op_ctx_init(&c) < 0) {
    free(cfg);
    oj_free(root);
    *err = strdup("out of memory");
    return NULL;
  }
  if (parse_config(&c, root, cfg) < 0) {
    *err = op_ctx_take_error(&c);
    oci_config_free(cfg);
    cfg = NULL;
  } else {
    op_ctx_clear(&c);
  }
  oj_free(root);
  return cfg;
}

oci_process *oci_process_parse_data(const char *data, size_t len, char **err) {
  *err = NULL;
  oj_node *root = oj_parse(data, len, err);
  if (root == NULL)
    return NULL;
  op_ctx c;
  oci_process *p = calloc(1, sizeof *p);
  if (p == NULL || op_ctx_init(&c) < 0) {
    free(p);
    oj_free(root);
    *err = strdup("out of memory");
    return NULL;
  }
  if (op_expect_top_object(&c, root) < 0 || oci_parse_process(&c, root, p) < 0) {
    *err = op_ctx_take_error(&c);
    oci_process_free(p);
    p = NULL;
  } else {
    op_ctx_clear(&c);
  }
  oj_free(root);
  return p;
}

/* config.json is small; a limit keeps a wrong path (a device, a huge file)
 * from eating memory. */
#define OCI_CONFIG_MAX_SIZE (64u << 20)

static char *read_whole_file(const char *path, size_t *len, char **err) {
  FILE *f = fopen(path, "re");
  if (f == NULL) {
    if (asprintf(err, "open %s: %s", path, strerror(errno)) < 0)
      *err = NULL;
    return NULL;
  }
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    if (n == cap) {
      if (cap >= OCI_CONFIG_MAX_SIZE) {
        if (asprintf(err, "read %s: file larger than %u bytes", path,
                     OCI_CONFIG_MAX_SIZE) < 0)
          *err = NULL;
        free(buf);
        fclose(f);
        return NULL;
      }
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0)
      break;
  }
  if (buf == NULL) {
    fclose(f);
    *err = strdup("out of memory");
    return NULL;
  }
  if (ferror(f)) {
    if (asprintf(err, "read %s: %s", path, strerror(errno)) < 0)
      *err = NULL;
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

oci_config *oci_config_parse_file(const char *path, char **err) {
  *err = NULL;
  size_t len;
  char *data = read_whole_file(path, &len, err);
  if (data == NULL) {
    if (*err == NULL)
      *err = strdup("out of memory");
    return NULL;
  }
  oci_config *cfg = oci_config_parse_data(data, len, err);
  free(data);
  if (cfg == NULL && *err) {
    char *full = NULL;
    if (asprintf(&full, "%s: %s", path, *err) >= 0) {
      free(*err);
      *err = full;
    }
  }
  return cfg;
}
