/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources.devices on cgroup2: a BPF_CGROUP_DEVICE program built
 * here instruction by instruction, loaded with bpf(BPF_PROG_LOAD) and
 * attached to the cgroup fd with BPF_F_ALLOW_MULTI, replacing the programs
 * attached before (update).
 *
 * Semantics are those of the v1 lists: rules in order, the last one that
 * matches decides, nothing matched means deny. Each requested access bit
 * (mknod, read, write) is decided on its own, so "allow rwm; deny w" still
 * lets a read-write open fail and a read succeed, as v1 does. */
#include <errno.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util.h"

#define MAX_INSNS 4096

struct emitter {
  struct bpf_insn insn[MAX_INSNS];
  size_t n;
  bool overflow;
};

static size_t emit(struct emitter *e, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
                   int32_t imm) {
  if (e->n >= MAX_INSNS) {
    e->overflow = true;
    return e->n;
  }
  struct bpf_insn *i = &e->insn[e->n];
  memset(i, 0, sizeof(*i));
  i->code = code;
  i->dst_reg = dst;
  i->src_reg = src;
  i->off = off;
  i->imm = imm;
  return e->n++;
}

/* Point the jump at `at` to the next instruction to be emitted. */
static void patch_here(struct emitter *e, size_t at) {
  if (at < e->n)
    e->insn[at].off = (int16_t)(e->n - at - 1);
}

#define LDX_W(e, dst, src, off) emit(e, BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define ALU32_K(e, op, dst, imm) emit(e, BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV64_X(e, dst, src) emit(e, BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_K(e, dst, imm) emit(e, BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JMP_K(e, op, dst, imm) emit(e, BPF_JMP | (op) | BPF_K, dst, 0, 0, imm)
#define JA(e) emit(e, BPF_JMP | BPF_JA, 0, 0, 0, 0)
#define EXIT(e) emit(e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static unsigned access_bits(const char *a) {
  unsigned bits = 0;
  for (; a && *a; a++)
    bits |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ
                                            : *a == 'w' ? BPF_DEVCG_ACC_WRITE : 0;
  return bits;
}

static bool rule_has(const oci_device_cgroup *d, unsigned bit) {
  unsigned bits = d->access && *d->access ? access_bits(d->access)
                                          : BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ |
                                                BPF_DEVCG_ACC_WRITE;
  return (bits & bit) != 0;
}

/* r2 = device type, r3 = requested access, r4 = major, r5 = minor. */
static void build(struct emitter *e, const oci_device_cgroup *rules, size_t n) {
  LDX_W(e, BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
  ALU32_K(e, BPF_AND, BPF_REG_2, 0xffff);
  LDX_W(e, BPF_REG_3, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
  ALU32_K(e, BPF_RSH, BPF_REG_3, 16);
  LDX_W(e, BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major));
  LDX_W(e, BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor));
  static const unsigned bits[] = {BPF_DEVCG_ACC_MKNOD, BPF_DEVCG_ACC_READ,
                                  BPF_DEVCG_ACC_WRITE};
  for (size_t b = 0; b < SK_ARRAY_SIZE(bits); b++) {
    size_t to_block_end[MAX_INSNS / 2];
    size_t n_block_end = 0;
    bool decided = false;
    /* this bit not requested: nothing to decide */
    MOV64_X(e, BPF_REG_1, BPF_REG_3);
    ALU32_K(e, BPF_AND, BPF_REG_1, (int32_t)bits[b]);
    to_block_end[n_block_end++] = JMP_K(e, BPF_JEQ, BPF_REG_1, 0);
    for (size_t k = n; k-- > 0;) {
      const oci_device_cgroup *d = &rules[k];
      if (!rule_has(d, bits[b]))
        continue;
      size_t to_next[3], n_next = 0;
      if (d->type && strcmp(d->type, "a") != 0)
        to_next[n_next++] = JMP_K(e, BPF_JNE, BPF_REG_2,
                                  d->type[0] == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
      if (d->has_major && d->major >= 0)
        to_next[n_next++] = JMP_K(e, BPF_JNE, BPF_REG_4, (int32_t)d->major);
      if (d->has_minor && d->minor >= 0)
        to_next[n_next++] = JMP_K(e, BPF_JNE, BPF_REG_5, (int32_t)d->minor);
      if (d->allow) {
        if (n_block_end < SK_ARRAY_SIZE(to_block_end))
          to_block_end[n_block_end++] = JA(e);
        else
          e->overflow = true;
      } else {
        MOV64_K(e, BPF_REG_0, 0);
        EXIT(e);
      }
      for (size_t j = 0; j < n_next; j++)
        patch_here(e, to_next[j]);
      /* a rule that matches every device ends the search; the verifier
       * refuses the unreachable code that would follow it */
      if (n_next == 0) {
        decided = true;
        break;
      }
    }
    if (!decided) { /* no rule for this bit: deny */
      MOV64_K(e, BPF_REG_0, 0);
      EXIT(e);
    }
    for (size_t j = 0; j < n_block_end; j++)
      patch_here(e, to_block_end[j]);
  }
  MOV64_K(e, BPF_REG_0, 1);
  EXIT(e);
}

static int sys_bpf(int cmd, union bpf_attr *attr) {
  return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int query(int cgroup_fd, uint32_t *ids, uint32_t *count) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.query.target_fd = cgroup_fd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uintptr_t)ids;
  a.query.prog_cnt = *count;
  if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
    return -1;
  *count = a.query.prog_cnt;
  return 0;
}

int cg_devices_ebpf_count(int cgroup_fd, uint32_t *count, sk_error **err) {
  *count = 0;
  if (query(cgroup_fd, NULL, count) < 0)
    return sk_fail_errno(err, "bpf(BPF_PROG_QUERY) device programs");
  return 0;
}

static int detach_ids(int cgroup_fd, const uint32_t *ids, uint32_t n, sk_error **err) {
  for (uint32_t i = 0; i < n; i++) {
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_id = ids[i];
    _cleanup_close_ int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
    if (fd < 0) {
      if (errno == ENOENT)
        continue;
      return sk_fail_errno(err, "bpf(BPF_PROG_GET_FD_BY_ID %u)", ids[i]);
    }
    memset(&a, 0, sizeof(a));
    a.target_fd = cgroup_fd;
    a.attach_bpf_fd = fd;
    a.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
      return sk_fail_errno(err, "bpf(BPF_PROG_DETACH) device program %u", ids[i]);
  }
  return 0;
}

int cg_devices_ebpf_detach_all(int cgroup_fd, sk_error **err) {
  uint32_t ids[64], n = SK_ARRAY_SIZE(ids);
  if (query(cgroup_fd, ids, &n) < 0)
    return sk_fail_errno(err, "bpf(BPF_PROG_QUERY) device programs");
  return detach_ids(cgroup_fd, ids, n, err);
}

int cg_devices_ebpf_apply(int cgroup_fd, const oci_device_cgroup *rules, size_t n,
                          sk_error **err) {
  _cleanup_free_ struct emitter *e = calloc(1, sizeof(*e));
  if (e == NULL)
    return sk_fail(err, ENOMEM, "device program");
  build(e, rules, n);
  if (e->overflow)
    return sk_fail(err, E2BIG, "device program: %zu rules give more than %d instructions", n,
                   MAX_INSNS);

  char log[4096] = "";
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uintptr_t)e->insn;
  a.insn_cnt = (uint32_t)e->n;
  a.license = (uintptr_t) "GPL";
  a.log_buf = (uintptr_t)log;
  a.log_size = sizeof(log);
  a.log_level = 1;
  _cleanup_close_ int prog = sys_bpf(BPF_PROG_LOAD, &a);
  if (prog < 0 && errno == ENOSPC) { /* log too small: load without it */
    a.log_buf = 0;
    a.log_size = 0;
    a.log_level = 0;
    prog = sys_bpf(BPF_PROG_LOAD, &a);
  }
  if (prog < 0)
    return sk_fail_errno(err, "bpf(BPF_PROG_LOAD) device program (%zu insns)%s%.200s", e->n,
                         log[0] ? ": " : "", log);

  uint32_t old[64], n_old = SK_ARRAY_SIZE(old);
  if (query(cgroup_fd, old, &n_old) < 0)
    n_old = 0;
  memset(&a, 0, sizeof(a));
  a.target_fd = cgroup_fd;
  a.attach_bpf_fd = prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &a) < 0) {
    /* programs attached in another mode (no ALLOW_MULTI) block ours:
     * take them off first, then attach */
    int e1 = errno;
    if (n_old == 0 || detach_ids(cgroup_fd, old, n_old, err) < 0) {
      if (n_old == 0)
        sk_fail(err, e1, "bpf(BPF_PROG_ATTACH) device program");
      return -1;
    }
    if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
      return sk_fail_errno(err, "bpf(BPF_PROG_ATTACH) device program");
    return 0;
  }
  /* ours is in: the old ones can go without a window of no policy */
  return detach_ids(cgroup_fd, old, n_old, err);
}
