/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scenario codec: bytes <-> struct tf_scenario <-> text.
 *
 * Bytes: an 8-byte machine header (TF_HDR_BYTES), then 4 bytes per op
 * (TF_OP_BYTES).  The decoder is total: every byte string is a scenario,
 * missing bytes read as zero, and every operand is reduced into its valid
 * range.  The encoder writes bytes that decode to exactly the scenario
 * given.  Each op's byte code per mode and its operands' bits, ranges and
 * text keys come from one table in codec.c (its compatibility rule: codes
 * and fields are append-only, saved inputs keep their meaning).
 *
 * Text: one line per op, '#' starts a comment, a `machine` line first.
 * docs/scenarios.md describes the format.
 */
#ifndef _TAGFUZZ_CODEC_H
#define _TAGFUZZ_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tagfuzz/ops.h"

/*
 * Header bytes 0-2: the machine (byte 0 bit 7: early_page_ext on a
 * non-debug machine; byte 1 bits 6-7: sections offline at boot, for
 * memory hotplug; byte 2 bits 0-2 the CPUs, bits 3-4 the NUMA nodes,
 * issue 16); 3: the early-PFN tracker variant (issue 4); 4: the
 * PCP free-path variant (issue 5); 5-7: the page-flag tag reference mode
 * (issue 6), byte 5 bit 6 the what-if mode.  Every bit has a meaning
 * (docs/scenarios.md, "Byte form").
 */
#define TF_HDR_BYTES	8
#define TF_OP_BYTES	4

/*
 * Ops are mapped onto the machine's boot order (fuzz/phases.h): a start
 * where only the boot CPU runs runs at once, and an op that needs
 * page_ext_init() to have returned gets a pext_init before it.
 */
void tf_decode(const uint8_t *data, size_t size, struct tf_scenario *s);
/* The same with @what_if (enum tf_what_if) when the header names no mode. */
void tf_decode_what_if(const uint8_t *data, size_t size, uint8_t what_if,
		       struct tf_scenario *s);
/* Returns the number of bytes the encoding takes; writes at most @cap. */
size_t tf_encode(const struct tf_scenario *s, uint8_t *buf, size_t cap);

/*
 * Modes with their own op codes: base (page_ext refs), page-flag mode
 * (machine pgflag_bits=N) and PCP mode (machine pcp=...).  Byte 0 of an op
 * is reduced modulo tf_mode_nr_codes() of the machine's mode.
 */
enum tf_op_mode {
	TF_MODE_BASE,
	TF_MODE_PGFLAGS,
	TF_MODE_PCP,
	TF_NR_MODES
};
enum tf_op_mode tf_machine_mode(const struct tf_machine *m);
/* The byte code of @kind in @mode, or -1 when the mode has no such op. */
int tf_op_code(enum tf_op_kind kind, enum tf_op_mode mode);
int tf_mode_nr_codes(enum tf_op_mode mode);
/* `start OP` puts an op of @kind in flight (else the start is dropped or refused). */
bool tf_op_kind_can_start(enum tf_op_kind kind);
/* @op has a `cpu=` (not, e.g., `drain all`: its CPU is then 0 once encoded). */
bool tf_op_names_cpu(const struct tf_op *op);
/* Ops of @kind name a live allocation (`idx=`, tf_op.n). */
bool tf_op_kind_takes_live_index(enum tf_op_kind kind);
/* The op's text name (alloc, alloc_exact, alloc_bulk by alloc kind). */
const char *tf_op_name(const struct tf_op *op);

/* Text form of one line; both return what snprintf returns. */
int tf_format_machine(const struct tf_machine *m, char *buf, size_t len);
int tf_format_op(const struct tf_op *op, char *buf, size_t len);
void tf_print_scenario(FILE *f, const struct tf_scenario *s);

/*
 * Parse the text form.  Returns 0, or -1 with "LINE: reason" in @err.
 * Lines of the form `# key: value` are left to the caller (see
 * tf_text_directive()).
 */
int tf_parse_text(const char *text, struct tf_scenario *s, char *err, size_t errlen);
/* The same with @what_if when the machine line names no mode. */
int tf_parse_text_what_if(const char *text, uint8_t what_if, struct tf_scenario *s,
			  char *err, size_t errlen);


/*
 * One op or machine line, without the boot order and without a scenario
 * around it (dictionary entries).  `start OP` sets async.  Return 0, or -1
 * with "line 1: reason" in @err.
 */
int tf_parse_op_line(const struct tf_machine *m, const char *line, struct tf_op *op,
		     char *err, size_t errlen);
int tf_parse_machine_line(const char *line, struct tf_machine *m, char *err, size_t errlen);
/* One op's TF_OP_BYTES bytes in @m's mode, both ways (no START folding). */
void tf_decode_op(const struct tf_machine *m, const uint8_t *b, struct tf_op *op);
void tf_encode_op(const struct tf_machine *m, const struct tf_op *op, uint8_t *b);

/*
 * A libFuzzer/AFL dictionary from named text ops (docs/scenarios.md,
 * "Dictionaries"): `NAME: OP TEXT` lines under one `machine` line that
 * names the mode; `#` lines are copied.  Returns 0, or -1 with "line N:
 * reason" in @err.
 */
int tf_write_dict(const char *text, FILE *out, char *err, size_t errlen);

/*
 * The value of the first `# key: value` comment line in @text, copied
 * into @val; returns false when there is none.
 */
int tf_text_directive(const char *text, const char *key, char *val, size_t len);

/* Read a whole file; NULL with errno set on failure.  Caller frees. */
char *tf_read_file(const char *path, size_t *size);

#endif /* _TAGFUZZ_CODEC_H */
