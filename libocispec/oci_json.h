/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small JSON writer for the rest of skiff (log lines, events, ps output),
 * so that nothing outside libocispec includes yajl. */
#ifndef OCI_JSON_H
#define OCI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct oci_json_writer oci_json_writer;

oci_json_writer *oci_jw_new(bool pretty);
void oci_jw_begin_object(oci_json_writer *w);
void oci_jw_end_object(oci_json_writer *w);
void oci_jw_begin_array(oci_json_writer *w);
void oci_jw_end_array(oci_json_writer *w);
void oci_jw_key(oci_json_writer *w, const char *key);
void oci_jw_string(oci_json_writer *w, const char *s); /* NULL writes null */
void oci_jw_int(oci_json_writer *w, int64_t v);
void oci_jw_uint(oci_json_writer *w, uint64_t v);
void oci_jw_double(oci_json_writer *w, double v);
void oci_jw_bool(oci_json_writer *w, bool v);
void oci_jw_null(oci_json_writer *w);
/* key + value shorthands */
void oci_jw_kv_string(oci_json_writer *w, const char *key, const char *s);
void oci_jw_kv_int(oci_json_writer *w, const char *key, int64_t v);
void oci_jw_kv_uint(oci_json_writer *w, const char *key, uint64_t v);
void oci_jw_kv_bool(oci_json_writer *w, const char *key, bool v);
/* Returns the document (malloc'd, NUL-terminated, no trailing newline) and
 * frees the writer; NULL if any step failed (ENOMEM or misuse, unclosed
 * containers included). Every function accepts the NULL of a failed
 * oci_jw_new(), so only this result needs checking. Strings with invalid
 * UTF-8 are written with U+FFFD for each bad byte. */
char *oci_jw_finish(oci_json_writer *w);
void oci_jw_free(oci_json_writer *w);

/* Minimal reader for flat documents skiff reads back (e.g. its own state
 * file extras): returns a malloc'd string value of top-level `key` if it is a
 * string or number, else NULL. */
char *oci_json_get_top_string(const char *data, size_t len, const char *key);

#endif
