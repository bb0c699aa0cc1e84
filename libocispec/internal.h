/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the files of libocispec share: the parsers of the parts of config.json
 * (each fills a zeroed struct that the caller owns and frees, also on
 * failure), the clear functions behind the public _free()s, and the writers
 * of the parts. */
#ifndef OCISPEC_INTERNAL_H
#define OCISPEC_INTERNAL_H

#include "oci_json.h"
#include "oci_spec.h"
#include "parse.h"

/* Parsers: `obj` is the JSON object of the part, the path is already set. */
int oci_parse_process(op_ctx *c, const oj_node *obj, oci_process *p);
int oci_parse_linux(op_ctx *c, const oj_node *obj, oci_linux *l);
int oci_parse_resources(op_ctx *c, const oj_node *obj, oci_resources *r);
int oci_parse_seccomp(op_ctx *c, const oj_node *obj, oci_seccomp *s);
/* An op_item_fn for oci_id_mapping (uidMappings/gidMappings). */
int oci_parse_id_mapping(op_ctx *c, const oj_node *obj, void *elem);

/* Free what the struct owns (not the struct itself). */
void oci_process_clear(oci_process *p);
void oci_linux_clear(oci_linux *l);
void oci_resources_clear(oci_resources *r);
void oci_seccomp_clear(oci_seccomp *s);
void oci_strv_free(char **v, size_t n);

/* Writers: each writes `key` and the value. */
void oci_write_process(oci_json_writer *w, const char *key, const oci_process *p);
void oci_write_linux(oci_json_writer *w, const char *key, const oci_linux *l);
void oci_write_resources(oci_json_writer *w, const char *key, const oci_resources *r);
void oci_write_seccomp(oci_json_writer *w, const char *key, const oci_seccomp *s);

/* Writer helpers. Arrays and maps are written when present: a non-NULL
 * pointer (an empty array that was in the document) or a non-zero count. */
void oci_write_strv(oci_json_writer *w, const char *key, char *const *v, size_t n);
void oci_write_map(oci_json_writer *w, const char *key, const oci_map *m);
void oci_write_id_mappings(oci_json_writer *w, const char *key,
                           const oci_id_mapping *v, size_t n);
void oci_write_opt_string(oci_json_writer *w, const char *key, const char *s);

#endif
