/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The oci_jw_* JSON writer and the small top-level reader. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_json.h"
#include "oci_test_util.h"



static void expect_doc(char *got, const char *want, const char *what) {
  check(got && strcmp(got, want) == 0, "%s:\n#  got  %s\n#  want %s", what,
        got ? got : "NULL", want);
  free(got);
}

/* One string value in an array, compact. */
static char *one_string(const char *s) {
  oci_json_writer *w = oci_jw_new(false);
  oci_jw_begin_array(w);
  oci_jw_string(w, s);
  oci_jw_end_array(w);
  return oci_jw_finish(w);
}

static void test_escaping(void) {
  expect_doc(one_string("a\"b\\c/d"), "[\"a\\\"b\\\\c/d\"]", "quote, backslash, solidus");
  expect_doc(one_string("\n\t\r\b\f"), "[\"\\n\\t\\r\\b\\f\"]", "short escapes");
  expect_doc(one_string("\x01\x1f\x7f"), "[\"\\u0001\\u001F\x7f\"]", "control characters");
  expect_doc(one_string("\xc3\xa9\xe2\x98\x83\xf0\x9f\x90\xb3"),
             "[\"\xc3\xa9\xe2\x98\x83\xf0\x9f\x90\xb3\"]", "valid UTF-8 kept");
  expect_doc(one_string("a\xff" "b"), "[\"a\xef\xbf\xbd" "b\"]", "invalid byte replaced");
  expect_doc(one_string("\xc3"), "[\"\xef\xbf\xbd\"]", "truncated sequence replaced");
  expect_doc(one_string("\xc0\xaf"), "[\"\xef\xbf\xbd\xef\xbf\xbd\"]", "overlong form replaced");
  expect_doc(one_string("\xed\xa0\x80"), "[\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"]",
             "surrogate replaced");
  expect_doc(one_string(NULL), "[null]", "NULL string is null");

  oci_json_writer *w = oci_jw_new(false);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "k\"\x01\xfe", "v");
  oci_jw_end_object(w);
  expect_doc(oci_jw_finish(w), "{\"k\\\"\\u0001\xef\xbf\xbd\":\"v\"}", "keys escaped too");
}

static void test_scalars(void) {
  oci_json_writer *w = oci_jw_new(false);
  oci_jw_begin_array(w);
  oci_jw_int(w, INT64_MIN);
  oci_jw_int(w, INT64_MAX);
  oci_jw_uint(w, UINT64_MAX);
  oci_jw_int(w, 0);
  oci_jw_bool(w, true);
  oci_jw_bool(w, false);
  oci_jw_null(w);
  oci_jw_double(w, 0.1);
  oci_jw_double(w, 2.5);
  oci_jw_double(w, 1e300);
  oci_jw_double(w, NAN);
  oci_jw_double(w, -INFINITY);
  oci_jw_end_array(w);
  expect_doc(oci_jw_finish(w),
             "[-9223372036854775808,9223372036854775807,18446744073709551615,0,true,"
             "false,null,0.1,2.5,1e+300,null,null]",
             "numbers, bools, null");
}

static void test_structure(void) {
  oci_json_writer *w = oci_jw_new(true);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "id", "x");
  oci_jw_kv_int(w, "n", -1);
  oci_jw_kv_uint(w, "u", 1);
  oci_jw_kv_bool(w, "b", true);
  oci_jw_key(w, "a");
  oci_jw_begin_array(w);
  oci_jw_begin_object(w);
  oci_jw_end_object(w);
  oci_jw_end_array(w);
  oci_jw_end_object(w);
  expect_doc(oci_jw_finish(w),
             "{\n\t\"id\": \"x\",\n\t\"n\": -1,\n\t\"u\": 1,\n\t\"b\": true,\n\t\"a\": [\n"
             "\t\t{}\n\t]\n}",
             "pretty output, tab indented, no trailing newline");

  w = oci_jw_new(false);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "a", "b");
  char *r = oci_jw_finish(w);
  check(r == NULL, "unfinished document gives NULL");
  free(r);

  w = oci_jw_new(false);
  oci_jw_begin_object(w);
  oci_jw_int(w, 1); /* a value where a key belongs */
  oci_jw_end_object(w);
  r = oci_jw_finish(w);
  check(r == NULL, "number as key gives NULL");
  free(r);

  w = oci_jw_new(false);
  oci_jw_end_array(w);
  r = oci_jw_finish(w);
  check(r == NULL, "close without open gives NULL");
  free(r);

  w = oci_jw_new(false);
  r = oci_jw_finish(w);
  check(r == NULL, "empty document gives NULL");
  free(r);

  /* a failed oci_jw_new() is NULL: every call must take it */
  oci_jw_begin_object(NULL);
  oci_jw_kv_string(NULL, "a", "b");
  oci_jw_end_object(NULL);
  check(oci_jw_finish(NULL) == NULL, "NULL writer is safe");
  oci_jw_free(NULL);

  w = oci_jw_new(false);
  oci_jw_begin_array(w);
  oci_jw_free(w); /* dropped half way: no leak (valgrind) */
  check(true, "writer freed half way");
}

static void test_get_top_string(void) {
  const char *doc = "{\"pid\": 42, \"id\": \"c1\", \"obj\": {\"x\": 1}, \"id\": \"c2\"}";
  char *v = oci_json_get_top_string(doc, strlen(doc), "pid");
  check(v && strcmp(v, "42") == 0, "number as text");
  free(v);
  v = oci_json_get_top_string(doc, strlen(doc), "id");
  check(v && strcmp(v, "c2") == 0, "string, last of repeated keys");
  free(v);
  v = oci_json_get_top_string(doc, strlen(doc), "obj");
  check(v == NULL, "object is not a string");
  v = oci_json_get_top_string(doc, strlen(doc), "nope");
  check(v == NULL, "missing key");
  v = oci_json_get_top_string("{bad", 4, "pid");
  check(v == NULL, "malformed document");
  v = oci_json_get_top_string("[1]", 3, "pid");
  check(v == NULL, "not an object");
}

int main(void) {
  test_escaping();
  test_scalars();
  test_structure();
  test_get_top_string();
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail ? 1 : 0;
}
