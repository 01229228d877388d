// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario codec.  Byte layout (docs/scenarios.md):
 *
 *   header  8 bytes: the machine (decode_machine(); b0 bits 0-1 section
 *           size, 2 non-debug, 3 profiling off, 4-6 watermark, 7
 *           early_page_ext; b1 bits 0-5 sections, 6-7 hotplug sections;
 *           b2 bits 0-2 CPUs, bits 3-4 NUMA nodes; b3 tracker variant;
 *           b4 PCP mode; b5-b7 page-flag mode and the what-if bit)
 *   op      4 bytes: b0 the op's code in the machine's mode, modulo the
 *           mode's number of codes; the operands' bits by the op table
 *           (op_table[] below, with the compatibility rule)
 *
 * A START op is folded into the op after it (tf_op.async): started ops
 * run interleaved at the next RUN.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "phases.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/strmatch.h"
#include "tagfuzz/variants.h"

static uint8_t byte_at(const uint8_t *data, size_t size, size_t i)
{
	return i < size ? data[i] : 0;
}

static unsigned int exact_max_pages(const struct tf_machine *m)
{
	unsigned int max = 1u << tf_machine_max_order(m);

	return max < TF_MAX_EXACT_PAGES ? max : TF_MAX_EXACT_PAGES;
}

static unsigned int burst_max_order(const struct tf_machine *m)
{
	unsigned int max = tf_machine_max_order(m);

	return max < TF_MAX_BURST_ORDER ? max : TF_MAX_BURST_ORDER;
}

/*
 * Page-flag mode, header bytes 5-7 (docs/scenarios.md): b5 bits 0-5 the
 * spare bits (0: page_ext mode), bit 7 the v3 variant; b6-b7 the kernel
 * tag count in one of four forms around the interesting sizes.
 */
#define KT_OFF_MAX	0x3fff
#define KT_CENTRE_HALF	8192

static long kt_centre(unsigned int bits)
{
	return 1L << (bits < 20 ? bits : 20);
}

static uint32_t decode_kernel_tags(unsigned int bits, unsigned int v)
{
	unsigned int off = v & KT_OFF_MAX;
	long n;

	switch (v >> 14) {
	case 0:
		return off;
	case 1:		/* around the capacity, 1 << bits */
		n = kt_centre(bits) - KT_CENTRE_HALF + off;
		return n < 0 ? 0 : (uint32_t)n;
	case 2:		/* around 1 << 16, the index type's range */
		return 65536 - KT_CENTRE_HALF + off;
	default:
		return off * 64;
	}
}

/* The encoding of @n tags with @bits spare bits, or -1. */
static int encode_kernel_tags(unsigned int bits, uint32_t n)
{
	long c = kt_centre(bits);

	if (n <= KT_OFF_MAX)
		return n;
	if (n >= c - KT_CENTRE_HALF && n <= c - KT_CENTRE_HALF + KT_OFF_MAX)
		return 1 << 14 | (unsigned int)(n - (c - KT_CENTRE_HALF));
	if (n >= 65536 - KT_CENTRE_HALF && n <= 65536 - KT_CENTRE_HALF + KT_OFF_MAX)
		return 2 << 14 | (n - (65536 - KT_CENTRE_HALF));
	if (!(n % 64) && n / 64 <= KT_OFF_MAX)
		return 3 << 14 | n / 64;
	return -1;
}

static void decode_pgflags(const uint8_t *b, struct tf_machine *m)
{
	m->pgflag_bits = 0;
	m->pgflags_variant = 0;
	m->kernel_tags = 0;
	if (!(b[5] & 0x3f))
		return;
	m->pgflag_bits = 1 + ((b[5] & 0x3f) - 1) % TF_PGF_MAX_BITS;
	m->pgflags_variant = b[5] & 0x80 ? TF_PGF_V3 : TF_PGF_CURRENT;
	m->kernel_tags = decode_kernel_tags(m->pgflag_bits, b[6] | b[7] << 8);
}

static void decode_machine(const uint8_t *b, struct tf_machine *m)
{
	memset(m, 0, sizeof(*m));
	decode_pgflags(b, m);
	m->section_pages = 16u << (b[0] & 3);
	m->debug = !(b[0] & 0x04);
	m->profiling = !(b[0] & 0x08);
	m->wmark = (b[0] >> 4) & 7;
	m->nr_sections = 1 + b[1] % TF_MAX_SECTIONS;
	/* b1 bits 6-7: sections offline at boot, as many as fit (the encoder wrote 0). */
	m->hotplug_sections = b[1] >> 6;
	if (m->nr_sections + m->hotplug_sections > TF_MAX_SECTIONS)
		m->hotplug_sections = TF_MAX_SECTIONS - m->nr_sections;
	m->nr_cpus = 1 + b[2] % TF_MAX_CPUS;
	/* b2 bits 3-4: NUMA nodes, clamped to the sections (each node has one). */
	m->nr_nodes = 1 + ((b[2] >> 3) & 3);
	if (m->nr_nodes > m->nr_sections)
		m->nr_nodes = m->nr_sections;
	m->tracker = b[3] % TF_NR_TRACKERS;
	/* b4: 0 no PCP mode, else pcp_variant = (b4 - 1) mod 2; not with page flags. */
	m->pcp = b[4] && !m->pgflag_bits;
	m->pcp_variant = m->pcp ? (b[4] - 1) % 2 : 0;
	/* b0 bit 7: early_page_ext on a non-debug kernel (debug has it always). */
	m->early_page_ext = m->debug || (b[0] & 0x80);
	m->what_if = b[5] & 0x40 ? TF_WHAT_IF_SMP_EARLY_BOOT : TF_WHAT_IF_NONE;
}

/* ------------------------------------------------------------------ */
/* The op table                                                        */
/* ------------------------------------------------------------------ */

/*
 * One entry per op: its text name, its byte code in each mode that has
 * it, whether it can be started, and its operands.  Decoding, encoding,
 * formatting and parsing all walk this table; nothing else in this file
 * knows an op's layout (the burst size class and the few value mappings
 * below are named by their field type).
 *
 * Compatibility rule: a code, once given, never changes and is never
 * reused.  Codes are append-only per mode: byte 0 of an op is reduced
 * modulo the number of codes of the scenario's mode, and code c means
 * the op whose code in that mode is c.  A new op takes the next free code
 * in every mode that has it (as the base op get_page took 16 in base
 * mode, 22 in page-flag mode, 19 in PCP mode), so no existing code moves; only kind
 * bytes at or past a mode's count (which the encoder never writes) are
 * reduced onto other ops when the mode grows.  The same holds for a field:
 * its bits and its reduction keep their meaning; a new operand takes bits
 * no field uses.  An op may become startable: a `start` before an op that
 * could not be started was dropped, and the encoder never wrote one (the
 * parser refuses `start OP` for such an op), so only byte strings the
 * encoder did not write change meaning: the start now starts the op.
 * mod_load and mod_unload became startable in issue 16.
 * tests/test_codec_compat.c checks saved inputs against the decoder as it
 * was, and test_op_codes_are_pinned the codes and which ops can start.
 */
#define NO_CODE		0xff
#define CODES(base, pgflags, pcp)	{ [TF_MODE_BASE] = (base), \
					  [TF_MODE_PGFLAGS] = (pgflags), [TF_MODE_PCP] = (pcp) }
#define BASE_CODE(c)	CODES(c, c, c)			/* the base ops: in every mode */
#define PGF_CODE(c)	CODES(NO_CODE, c, NO_CODE)	/* page-flag mode only */
#define PCP_CODE(c)	CODES(NO_CODE, NO_CODE, c)	/* PCP mode only */

/* Upper bounds that depend on the machine (tf_field.lim). */
enum tf_limit {
	LIM_CONST,		/* tf_field.hi */
	LIM_CPUS,		/* nr_cpus - 1 */
	LIM_MAX_ORDER,		/* tf_machine_max_order() */
	LIM_BURST_ORDER,	/* burst_max_order() */
	LIM_EXACT_PAGES,	/* exact_max_pages() */
	LIM_SECTIONS,		/* nr_sections - 1 */
	LIM_BLOCKS,		/* pageblocks - 1 (of the boot sections) */
	LIM_ALL_SECTIONS,	/* nr_sections + hotplug_sections - 1 */
};

/* How a field's value is read from its bits and written as text. */
enum tf_field_type {
	FT_NUM,		/* lo + raw mod (hi - lo + 1); text key=N */
	FT_GFP,		/* a GFP class; text gfp=kernel|atomic|nowait|memalloc */
	FT_TAG,		/* ALLOC's call site; text tag=N, or tag=none (the untagged field) */
	FT_WORD,	/* a bit; text a bare word: words[1] for 1, words[0] (or nothing) for 0 */
	FT_AT2,		/* RUN: at + raw, 0 when either is 0; text at2=at+1..at+255 */
	FT_BURST,	/* BURST count and rounds: lo + (raw & the size class's mask) */
	FT_TAGSEL,	/* TAGALLOC: a tag selector; text k:N, k:-N, m:N, m:-N */
	FT_ALIGN,	/* MOD_LOAD: a code; text the alignment, 0 or 1 << (code - 1) */
	FT_PREPEND,	/* MOD_LOAD: a code; text the bytes, code * TF_MOD_PREPEND_STEP */
	FT_PGBIT,	/* PGFLAG: one of the 64 - bits flag bits that are not tag index bits */
};

/* tf_field.flags */
#define F_REQUIRED	0x01	/* text: the key must be given (else it defaults to lo) */
#define F_QUIET		0x02	/* text: printed only when not lo */
#define F_TOGETHER	0x04	/* text: F_QUIET fields printed together if any is not lo */
#define F_ZERO_IS_LO	0x08	/* a zero raw value (and a zero member) reads as lo */
#define F_ZERO_IF_DEP	0x10	/* zero, not in the text, when field @dep is not zero */
#define F_DEP_NEEDED	0x20	/* zero when field @dep is zero; in text an error (@err) */

struct tf_field {
	const char *key;	/* text key; NULL: bytes only (set through another field's text) */
	uint16_t off;		/* the member of struct tf_op */
	uint8_t size;		/* its size: 1 or 2 */
	uint8_t pos, width;	/* bits pos .. pos + width - 1 of the op's 4 bytes (LE) */
	uint8_t type;		/* enum tf_field_type */
	uint8_t lim;		/* enum tf_limit: hi from the machine */
	uint8_t flags;
	int8_t dep;		/* F_ZERO_IF_DEP, F_DEP_NEEDED, FT_AT2: index of another field;
				   FT_BURST: the row of burst_masks[] */
	int8_t when;		/* only for this alloc kind (ALLOC's n); -1: always */
	int32_t lo, hi;		/* the value's range */
	const char *words[2];	/* FT_WORD */
	const char *err;	/* FT_WORD: the word missing or given a value; F_DEP_NEEDED */
};

#define TF_MAX_FIELDS	8

struct tf_op_def {
	const char *name;		/* text name (ALLOC: by alloc kind, alloc_names[]) */
	uint8_t code[TF_NR_MODES];	/* byte 0 in each mode; NO_CODE: not in that mode */
	bool can_start;			/* `start OP` puts it in flight */
	struct tf_field f[TF_MAX_FIELDS];	/* up to the first of width 0 */
	/*
	 * The order the parser reads the fields in, as field indexes ("0652"):
	 * which of two errors on one line it names.  NULL: the table's order.
	 */
	const char *parse_order;
};

#define for_each_field(d, i)	for (int i = 0; i < TF_MAX_FIELDS && (d)->f[i].width; i++)

#define MEMBER(m)	.off = offsetof(struct tf_op, m), .size = sizeof(((struct tf_op *)0)->m)
/* Bits: byte @b, bit @bit within it, @w wide. */
#define BITS(b, bit, w)	.pos = (b) * 8 + (bit), .width = (w)
#define ANY		.when = -1
#define FIELD(k, m, ...)	{ .key = k, MEMBER(m), ANY, __VA_ARGS__ }

/* Operands several ops share. */
#define F_CPU		FIELD("cpu", cpu, BITS(1, 0, 3), .lim = LIM_CPUS)
#define F_IDX16		FIELD("idx", n, BITS(2, 0, 16), .hi = 65535)

static const char *const alloc_names[TF_NR_ALLOC_KINDS] = {
	[TF_ALLOC_PAGES] = "alloc",
	[TF_ALLOC_EXACT] = "alloc_exact",
	[TF_ALLOC_BULK] = "alloc_bulk",
};

static const struct tf_op_def op_table[TF_NR_OPS] = {
	[TF_OP_ALLOC] = {
		/* alloc, alloc_exact, alloc_bulk: the name is the alloc kind */
		.name = "alloc", .code = BASE_CODE(0), .can_start = true, .f = {
			F_CPU,
			{ .key = NULL, MEMBER(alloc_kind), BITS(1, 5, 2),
			  .hi = TF_NR_ALLOC_KINDS - 1, ANY },
			{ .key = "order", MEMBER(n), BITS(3, 0, 8), .lim = LIM_MAX_ORDER,
			  .when = TF_ALLOC_PAGES },
			{ .key = "pages", MEMBER(n), BITS(3, 0, 8), .lo = 1, .lim = LIM_EXACT_PAGES,
			  .flags = F_REQUIRED, .when = TF_ALLOC_EXACT },
			{ .key = "nr", MEMBER(n), BITS(3, 0, 8), .lo = 1, .hi = TF_MAX_BULK,
			  .flags = F_REQUIRED, .when = TF_ALLOC_BULK },
			FIELD("gfp", gfp, BITS(1, 3, 2), .type = FT_GFP,
			      .hi = TF_NR_GFP_CLASSES - 1),
			/* tag=none sets untagged (bit 7), and the tag reads as 0 */
			FIELD("tag", tag, BITS(2, 0, 8), .type = FT_TAG, .hi = TF_NR_USER_TAGS - 1),
		}, .parse_order = "0652341",
	},
	[TF_OP_FREE] = { .name = "free", .code = BASE_CODE(1), .can_start = true,
		.f = { F_CPU, F_IDX16 } },
	[TF_OP_SPLIT] = { .name = "split", .code = BASE_CODE(2), .can_start = true,
		.f = { F_CPU, F_IDX16 } },
	[TF_OP_FREE_EXACT] = { .name = "free_exact", .code = BASE_CODE(3), .can_start = true,
		.f = { F_CPU, F_IDX16 } },
	[TF_OP_PEXT_ONLINE] = { .name = "pext_online", .code = BASE_CODE(4), .can_start = true,
		.f = {
		FIELD("section", n, BITS(3, 0, 8), .lim = LIM_SECTIONS, .flags = F_REQUIRED),
	} },
	[TF_OP_PEXT_INIT] = { .name = "pext_init", .code = BASE_CODE(5), .can_start = true,
		.f = { } },
	[TF_OP_PRESSURE] = { .name = "pressure", .code = BASE_CODE(6), .can_start = false, .f = {
		FIELD("level", n, BITS(3, 0, 8), .hi = TF_NR_PRESSURE - 1, .flags = F_REQUIRED),
	} },
	[TF_OP_FAIL_NEXT] = { .name = "fail_next", .code = BASE_CODE(7), .can_start = false, .f = {
		FIELD("n", n, BITS(3, 0, 8), .hi = TF_MAX_FAIL_NEXT, .flags = F_REQUIRED),
		FIELD("skip", skip, BITS(2, 0, 8), .hi = TF_MAX_FAIL_SKIP,
		      .flags = F_QUIET | F_DEP_NEEDED, .dep = 0,
		      .err = "fail_next: skip= needs n= above 0"),
	} },
	[TF_OP_CPU_UP] = { .name = "cpu_up", .code = BASE_CODE(8), .can_start = true, .f = {
		F_CPU,
		FIELD("pages", n, BITS(3, 0, 8), .hi = TF_MAX_SETUP_PAGES),
	} },
	[TF_OP_CPU_DOWN] = { .name = "cpu_down", .code = BASE_CODE(9), .can_start = true,
		.f = { F_CPU } },
	[TF_OP_BURST] = {
		/* byte 2 bits 6-7: the size class (burst_masks[]); encoded: the lightest */
		.name = "burst", .code = BASE_CODE(10), .can_start = true, .f = {
			F_CPU,
			FIELD("count", n, BITS(3, 0, 8), .type = FT_BURST, .lo = 1,
			      .hi = TF_MAX_BURST, .flags = F_REQUIRED, .dep = 0),
			FIELD("order", order, BITS(2, 4, 2), .lim = LIM_BURST_ORDER),
			FIELD("tag", tag, BITS(2, 0, 4), .hi = TF_NR_USER_TAGS - 1),
			FIELD("rounds", rounds, BITS(1, 4, 4), .type = FT_BURST, .lo = 1,
			      .hi = TF_MAX_BURST_ROUNDS,
			      .flags = F_QUIET | F_TOGETHER | F_ZERO_IS_LO, .dep = 1),
			FIELD("free", churn, BITS(1, 3, 1), .hi = 1, .flags = F_QUIET | F_TOGETHER),
		}, .parse_order = "031245",
	},
	[TF_OP_DRAIN] = { .name = "drain", .code = BASE_CODE(11), .can_start = true, .f = {
		FIELD("all", all, BITS(2, 0, 1), .type = FT_WORD, .hi = 1,
		      .words = { NULL, "all" }, .err = "drain all takes no value"),
		FIELD("cpu", cpu, BITS(1, 0, 3), .lim = LIM_CPUS, .flags = F_ZERO_IF_DEP, .dep = 0),
	} },
	[TF_OP_MIGRATE] = { .name = "migrate", .code = BASE_CODE(12), .can_start = true,
		.f = { F_CPU, F_IDX16 } },
	/* bytes only: the op after it is started (tf_op.async) */
	[TF_OP_START] = { .name = "start", .code = BASE_CODE(13), .can_start = false, .f = { } },
	[TF_OP_RUN] = { .name = "run", .code = BASE_CODE(14), .can_start = false, .f = {
		FIELD("first", first, BITS(1, 0, 8), .hi = TF_MAX_CPUS - 1),
		FIELD("at", at, BITS(2, 0, 8), .hi = 255, .flags = F_QUIET),
		FIELD("at2", at2, BITS(3, 0, 8), .type = FT_AT2, .hi = 510, .flags = F_QUIET,
		      .dep = 1),
	} },
	[TF_OP_PREEMPT] = { .name = "preempt", .code = BASE_CODE(15), .can_start = false, .f = {
		FIELD("at", n, BITS(2, 0, 16), .lo = 1, .hi = 65535,
		      .flags = F_REQUIRED | F_ZERO_IS_LO),
	} },

	/* Page-flag mode (machine pgflag_bits=N) */
	[TF_OP_TAGALLOC] = { .name = "tagalloc", .code = PGF_CODE(16), .can_start = true,
		.f = {
		F_CPU,
		FIELD("order", n, BITS(1, 5, 3), .lim = LIM_MAX_ORDER),
		FIELD("gfp", gfp, BITS(1, 3, 2), .type = FT_GFP, .hi = TF_NR_GFP_CLASSES - 1),
		FIELD("tag", tagsel, BITS(2, 0, 16), .type = FT_TAGSEL, .hi = 65535,
		      .flags = F_REQUIRED),
	} },
	[TF_OP_MOD_LOAD] = { .name = "mod_load", .code = PGF_CODE(17), .can_start = true,
		.f = {
		FIELD("tags", n, BITS(2, 0, 16), .hi = 65535, .flags = F_REQUIRED),
		FIELD("align", align_code, BITS(1, 0, 4), .type = FT_ALIGN,
		      .hi = TF_MAX_MOD_ALIGN_CODE),
		FIELD("prepend", prepend_code, BITS(1, 4, 4), .type = FT_PREPEND, .hi = 15),
	} },
	[TF_OP_MOD_UNLOAD] = { .name = "mod_unload", .code = PGF_CODE(18), .can_start = true,
		.f = { F_IDX16 } },
	[TF_OP_PGFLAG] = { .name = "pgflag", .code = PGF_CODE(19), .can_start = true,
		.f = {
		F_CPU,
		FIELD("idx", n, BITS(2, 0, 8), .hi = 255),
		FIELD("page", page, BITS(1, 4, 4), .hi = 15),
		FIELD("bit", bit, BITS(3, 0, 8), .type = FT_PGBIT, .hi = 63, .flags = F_REQUIRED),
		FIELD("clear", clear, BITS(1, 3, 1), .type = FT_WORD, .hi = 1,
		      .flags = F_REQUIRED, .words = { "set", "clear" },
		      .err = "pgflag: say set or clear"),
	} },
	[TF_OP_PROF_SHUTDOWN] = { .name = "prof_shutdown", .code = PGF_CODE(20), .can_start = false,
		.f = { } },
	[TF_OP_PROF_SYSCTL] = { .name = "prof_sysctl", .code = PGF_CODE(21), .can_start = false,
		.f = {
		FIELD("on", n, BITS(1, 0, 1), .type = FT_WORD, .hi = 1, .flags = F_REQUIRED,
		      .words = { "off", "on" }, .err = "prof_sysctl: say on or off"),
	} },

	/* PCP mode (machine pcp=upstream|split) */
	[TF_OP_ISOLATE] = { .name = "isolate", .code = PCP_CODE(16), .can_start = false,
		.f = {
		FIELD("block", n, BITS(2, 0, 16), .lim = LIM_BLOCKS, .flags = F_REQUIRED),
		FIELD("undo", clear, BITS(1, 0, 1), .type = FT_WORD, .hi = 1,
		      .words = { NULL, "undo" },
		      .err = "isolate: write undo alone, without a value"),
	} },
	[TF_OP_FREE_BATCH] = { .name = "free_batch", .code = PCP_CODE(17), .can_start = true,
		.f = {
		F_CPU, F_IDX16,
		FIELD("count", count, BITS(1, 3, 5), .lo = 1, .hi = TF_MAX_FREE_BATCH,
		      .flags = F_REQUIRED),
	}, .parse_order = "201" },
	[TF_OP_FREE_NOLOCK] = { .name = "free_nolock", .code = PCP_CODE(18), .can_start = true,
				.f = { F_CPU, F_IDX16 } },

	/* Memory hotplug (issue 16): every mode; base codes 16-19 are another part's */
	[TF_OP_MEM_ONLINE] = { .name = "mem_online", .code = CODES(20, 26, 23), .can_start = true,
		.f = {
		FIELD("section", n, BITS(3, 0, 8), .lim = LIM_ALL_SECTIONS, .flags = F_REQUIRED),
	} },
	[TF_OP_MEM_OFFLINE] = { .name = "mem_offline", .code = CODES(21, 27, 24), .can_start = true,
		.f = {
		FIELD("section", n, BITS(3, 0, 8), .lim = LIM_ALL_SECTIONS, .flags = F_REQUIRED),
	} },

	/* Extra page references and poisoned pages (issue 16): base ops, every mode */
	[TF_OP_GET_PAGE] = { .name = "get_page", .code = CODES(16, 22, 19), .can_start = true,
		.f = { F_CPU, F_IDX16 } },
	[TF_OP_PUT_PAGE] = { .name = "put_page", .code = CODES(17, 23, 20), .can_start = true,
		.f = { F_CPU, F_IDX16 } },
	[TF_OP_POISON] = { .name = "poison", .code = CODES(18, 24, 21), .can_start = false,
		.f = { F_CPU, F_IDX16 } },
	[TF_OP_UNPOISON] = { .name = "unpoison", .code = CODES(19, 25, 22), .can_start = false,
		.f = { F_CPU, F_IDX16 } },
};

/*
 * BURST's size classes, byte 2 bits 6-7: the mask of the count's and of
 * the rounds' raw bits.  Class 0 is every value (the layout before the
 * classes); 1 count 1..256 and rounds 1..4, 2 1..64 and 1..2, 3 1..16 once,
 * so random bytes make light bursts most of the time.
 */
#define BURST_CLASS_POS	22
static const uint8_t burst_masks[2][4] = {
	{ 0xff, 0xff, 0x3f, 0x0f },	/* count (FT_BURST with dep 0) */
	{ 0xf, 0x3, 0x1, 0x0 },		/* rounds (dep 1) */
};

/*
 * Per mode: the op of each code, and how many codes (byte 0 is reduced
 * modulo it).  A code no op has (a gap another part of the work fills)
 * reads as code 0's op.
 */
#define MAX_CODES	64
static uint8_t kind_by_code[TF_NR_MODES][MAX_CODES];
static uint8_t nr_codes[TF_NR_MODES];

__attribute__((constructor)) static void op_table_init(void)
{
	for (int k = 0; k < TF_NR_OPS; k++) {
		const char *order = op_table[k].parse_order;
		size_t n = 0;

		for_each_field(&op_table[k], i)
			n++;
		if (order && strlen(order) != n) {
			fprintf(stderr, "codec: op %s: parse_order names %zu of %zu fields\n",
				op_table[k].name, strlen(order), n);
			abort();
		}
	}
	for (int mode = 0; mode < TF_NR_MODES; mode++) {
		for (int k = 0; k < TF_NR_OPS; k++) {
			uint8_t c = op_table[k].code[mode];

			if (c == NO_CODE)
				continue;
			if (c >= MAX_CODES) {
				fprintf(stderr, "codec: op %s: code %u out of range\n",
					op_table[k].name, c);
				abort();
			}
			kind_by_code[mode][c] = k;
			if (c >= nr_codes[mode])
				nr_codes[mode] = c + 1;
		}
	}
}

enum tf_op_mode tf_machine_mode(const struct tf_machine *m)
{
	return m->pcp ? TF_MODE_PCP : m->pgflag_bits ? TF_MODE_PGFLAGS : TF_MODE_BASE;
}

int tf_op_code(enum tf_op_kind kind, enum tf_op_mode mode)
{
	if (kind >= TF_NR_OPS || mode >= TF_NR_MODES || op_table[kind].code[mode] == NO_CODE)
		return -1;
	return op_table[kind].code[mode];
}

int tf_mode_nr_codes(enum tf_op_mode mode)
{
	return mode < TF_NR_MODES ? nr_codes[mode] : 0;
}

bool tf_op_kind_can_start(enum tf_op_kind kind)
{
	return kind < TF_NR_OPS && op_table[kind].can_start;
}

bool tf_op_kind_takes_live_index(enum tf_op_kind kind)
{
	if (kind >= TF_NR_OPS)
		return false;
	for_each_field(&op_table[kind], i)
		if (op_table[kind].f[i].key && tf_str_eq(op_table[kind].f[i].key, "idx"))
			return true;
	return false;
}

static bool field_applies(const struct tf_op_def *d, const struct tf_op *op,
			  const struct tf_field *f);

bool tf_op_names_cpu(const struct tf_op *op)
{
	const struct tf_op_def *d;

	if (op->kind >= TF_NR_OPS)
		return false;
	d = &op_table[op->kind];
	for_each_field(d, i)
		if (d->f[i].key && tf_str_eq(d->f[i].key, "cpu") && field_applies(d, op, &d->f[i]))
			return true;
	return false;
}

const char *tf_op_name(const struct tf_op *op)
{
	if (op->kind == TF_OP_ALLOC)
		return alloc_names[op->alloc_kind % TF_NR_ALLOC_KINDS];
	return op->kind < TF_NR_OPS ? op_table[op->kind].name : "?";
}

static unsigned int get_member(const struct tf_op *op, const struct tf_field *f)
{
	const char *p = (const char *)op + f->off;

	if (f->size == 2) {
		uint16_t v;

		memcpy(&v, p, 2);
		return v;
	}
	return *(const uint8_t *)p;
}

static void set_member(struct tf_op *op, const struct tf_field *f, unsigned int v)
{
	char *p = (char *)op + f->off;

	if (f->size == 2) {
		uint16_t w = v;

		memcpy(p, &w, 2);
	} else {
		*(uint8_t *)p = v;
	}
}

static long field_hi(const struct tf_machine *m, const struct tf_field *f)
{
	switch (f->lim) {
	case LIM_CPUS:
		return m->nr_cpus - 1;
	case LIM_MAX_ORDER:
		return tf_machine_max_order(m);
	case LIM_BURST_ORDER:
		return burst_max_order(m);
	case LIM_EXACT_PAGES:
		return exact_max_pages(m);
	case LIM_SECTIONS:
		return m->nr_sections - 1;
	case LIM_BLOCKS:
		return ((long)m->section_pages * m->nr_sections >> TF_PAGEBLOCK_ORDER) - 1;
	case LIM_ALL_SECTIONS:
		return (long)tf_machine_sections(m) - 1;
	default:
		return f->hi;
	}
}

/* Does field @f apply to @op (ALLOC's n by alloc kind; a field its dep zeroes)? */
static bool field_applies(const struct tf_op_def *d, const struct tf_op *op,
			  const struct tf_field *f)
{
	if (f->when >= 0 && op->alloc_kind != f->when)
		return false;
	if ((f->flags & F_ZERO_IF_DEP) && get_member(op, &d->f[f->dep]))
		return false;
	return true;
}

/* A field's value, with F_ZERO_IS_LO applied. */
static unsigned int field_value(const struct tf_op *op, const struct tf_field *f)
{
	unsigned int v = get_member(op, f);

	return !v && (f->flags & F_ZERO_IS_LO) ? f->lo : v;
}

/* What decoding needs of the machine, worked out once a scenario. */
struct op_ctx {
	const struct tf_machine *m;
	enum tf_op_mode mode;
	long hi[LIM_ALL_SECTIONS + 1];	/* by enum tf_limit; LIM_CONST unused */
};

static void op_ctx_init(struct op_ctx *x, const struct tf_machine *m)
{
	static const struct tf_field probe[] = {
		{ .lim = LIM_CPUS }, { .lim = LIM_MAX_ORDER }, { .lim = LIM_BURST_ORDER },
		{ .lim = LIM_EXACT_PAGES }, { .lim = LIM_SECTIONS }, { .lim = LIM_BLOCKS },
		{ .lim = LIM_ALL_SECTIONS },
	};

	x->m = m;
	x->mode = tf_machine_mode(m);
	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		x->hi[probe[i].lim] = field_hi(m, &probe[i]);
}

static void decode_op_ctx(const struct op_ctx *x, const uint8_t *b, struct tf_op *op)
{
	uint32_t w = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	const struct tf_op_def *d;

	memset(op, 0, sizeof(*op));
	op->kind = kind_by_code[x->mode][b[0] % nr_codes[x->mode]];
	d = &op_table[op->kind];
	for_each_field(d, i) {
		const struct tf_field *f = &d->f[i];
		unsigned int raw = w >> f->pos & ((1u << f->width) - 1), v;
		long hi = f->lim ? x->hi[f->lim] : f->hi;
		unsigned long span = hi - f->lo + 1;

		if (!field_applies(d, op, f))
			continue;
		switch (f->type) {
		case FT_TAG:		/* 0 when untagged: bit 7 of byte 1 */
			op->untagged = b[1] >> 7;
			v = op->untagged ? 0 : raw % (hi + 1);
			break;
		case FT_AT2:
			v = raw && get_member(op, &d->f[f->dep]) ?
				get_member(op, &d->f[f->dep]) + raw : 0;
			break;
		case FT_BURST:
			v = f->lo + (raw & burst_masks[f->dep][w >> BURST_CLASS_POS & 3]);
			break;
		case FT_PGBIT:
			v = raw % (64 - x->m->pgflag_bits);
			if (v >= TF_PGF_NR_PAGEFLAGS)
				v += x->m->pgflag_bits;
			break;
		default:
			if ((f->flags & F_ZERO_IS_LO) && raw <= hi)
				v = raw ? raw : f->lo;
			else
				v = f->lo + (raw < span ? raw : raw % span);
			break;
		}
		if ((f->flags & F_DEP_NEEDED) && !get_member(op, &d->f[f->dep]))
			v = 0;
		set_member(op, f, v);
	}
}

static void decode_op(const struct tf_machine *m, const uint8_t *b, struct tf_op *op)
{
	struct op_ctx x;

	op_ctx_init(&x, m);
	decode_op_ctx(&x, b, op);
}

static void encode_op(const struct tf_machine *m, const struct tf_op *op, uint8_t *b)
{
	const struct tf_op_def *d = &op_table[op->kind];
	uint32_t w = d->code[tf_machine_mode(m)];
	struct tf_op back;

	for_each_field(d, i) {
		const struct tf_field *f = &d->f[i];
		unsigned int v = field_value(op, f), raw;

		if (!field_applies(d, op, f))
			continue;
		switch (f->type) {
		case FT_TAG:
			w |= (uint32_t)op->untagged << 15;
			raw = v;
			break;
		case FT_AT2:
			raw = v ? v - get_member(op, &d->f[f->dep]) : 0;
			break;
		case FT_PGBIT:
			raw = v < TF_PGF_NR_PAGEFLAGS ? v : v - m->pgflag_bits;
			break;
		case FT_GFP:
		case FT_WORD:
		case FT_TAGSEL:
		case FT_ALIGN:
		case FT_PREPEND:
			raw = v;
			break;
		case FT_BURST:
			raw = v - f->lo;
			break;
		default:	/* FT_NUM: raw mod span is v - lo; F_ZERO_IS_LO: raw is v */
			raw = f->flags & F_ZERO_IS_LO ? v : v - f->lo;
			break;
		}
		w |= (raw & ((1u << f->width) - 1)) << f->pos;
	}
	for (int i = 0; i < TF_OP_BYTES; i++)
		b[i] = w >> 8 * i;
	if (op->kind != TF_OP_BURST)
		return;
	/* The lightest size class that holds count and rounds. */
	for (int k = 3; k >= 0; k--) {
		b[2] = (b[2] & 0x3f) | k << 6;
		decode_op(m, b, &back);
		if (back.n == op->n && back.rounds == field_value(op, &d->f[4]))
			break;
	}
}

/* Ops that can be started on a CPU and left in flight. */
static bool op_can_start(const struct tf_op *op)
{
	return op->kind < TF_NR_OPS && op_table[op->kind].can_start;
}

void tf_decode(const uint8_t *data, size_t size, struct tf_scenario *s)
{
	tf_decode_what_if(data, size, TF_WHAT_IF_NONE, s);
}

void tf_decode_what_if(const uint8_t *data, size_t size, uint8_t what_if,
		       struct tf_scenario *s)
{
	static const struct tf_op pext_init = { .kind = TF_OP_PEXT_INIT };
	uint8_t hdr[TF_HDR_BYTES], ob[TF_OP_BYTES];
	struct tf_phase_state st;
	size_t i, pos, nr;
	bool start = false;
	const char *rule;
	struct op_ctx x;

	for (i = 0; i < TF_HDR_BYTES; i++)
		hdr[i] = byte_at(data, size, i);
	decode_machine(hdr, &s->m);
	if (!s->m.what_if)
		s->m.what_if = what_if;
	tf_phase_begin(&st, &s->m);
	op_ctx_init(&x, &s->m);

	nr = size > TF_HDR_BYTES ?
		(size - TF_HDR_BYTES + TF_OP_BYTES - 1) / TF_OP_BYTES : 0;
	s->truncated = nr > TF_MAX_OPS;
	if (s->truncated)
		nr = TF_MAX_OPS;
	s->nr_ops = 0;
	for (i = 0, pos = TF_HDR_BYTES; i < nr; i++, pos += TF_OP_BYTES) {
		struct tf_op *op = &s->ops[s->nr_ops];

		if (s->nr_ops == TF_MAX_OPS) {	/* a pext_init went in */
			s->truncated = true;
			return;
		}

		for (size_t k = 0; k < TF_OP_BYTES; k++)
			ob[k] = byte_at(data, size, pos + k);
		decode_op_ctx(&x, ob, op);
		if (op->kind == TF_OP_START) {
			start = true;
			continue;
		}
		op->async = start && op_can_start(op);
		start = false;
		/*
		 * The boot order (phases.c): a start where only the boot CPU
		 * runs runs at once; an op that needs page_ext_init() to have
		 * returned gets a pext_init before it (at most once a run).
		 */
		for (;;) {
			enum tf_phase_action a = tf_phase_need(&st, op, &rule);

			if (a == TF_PHASE_OK)
				break;
			if (a == TF_PHASE_RUN_NOW) {
				op->async = false;
				continue;
			}
			if (s->nr_ops + 1 == TF_MAX_OPS) {
				s->truncated = true;
				return;
			}
			op[1] = *op;
			*op = pext_init;
			tf_phase_step(&st, op);
			s->nr_ops++;
			op++;
		}
		tf_phase_step(&st, op);
		s->nr_ops++;
	}
}

static void encode_machine(const struct tf_machine *m, uint8_t *b)
{
	memset(b, 0, TF_HDR_BYTES);
	b[0] = (uint8_t)(__builtin_ctz(m->section_pages / 16) & 3);
	if (!m->debug)
		b[0] |= 0x04;
	if (!m->profiling)
		b[0] |= 0x08;
	b[0] |= (m->wmark & 7) << 4;
	b[1] = (m->nr_sections - 1) | m->hotplug_sections << 6;
	b[2] = (m->nr_cpus - 1) | (tf_machine_nodes(m) - 1) << 3;
	if (m->pgflag_bits) {
		int kt = encode_kernel_tags(m->pgflag_bits, m->kernel_tags);

		b[5] = m->pgflag_bits | (m->pgflags_variant == TF_PGF_V3 ? 0x80 : 0);
		b[6] = kt < 0 ? 0 : kt & 0xff;	/* tf_parse_text() refuses those */
		b[7] = kt < 0 ? 0 : kt >> 8;
	}
	b[3] = m->tracker;
	if (m->pcp)
		b[4] = 1 + m->pcp_variant;
	if (!m->debug && m->early_page_ext)
		b[0] |= 0x80;
	if (m->what_if)
		b[5] |= 0x40;
}

size_t tf_encode(const struct tf_scenario *s, uint8_t *buf, size_t cap)
{
	uint8_t tmp[TF_HDR_BYTES > TF_OP_BYTES ? TF_HDR_BYTES : TF_OP_BYTES];
	static const struct tf_op start = { .kind = TF_OP_START };
	size_t pos, i;

	encode_machine(&s->m, tmp);
	for (pos = 0; pos < TF_HDR_BYTES; pos++)
		if (pos < cap)
			buf[pos] = tmp[pos];
	for (i = 0; i < s->nr_ops; i++) {
		for (int part = s->ops[i].async ? 0 : 1; part < 2; part++) {
			encode_op(&s->m, part ? &s->ops[i] : &start, tmp);
			for (size_t k = 0; k < TF_OP_BYTES; k++, pos++)
				if (pos < cap)
					buf[pos] = tmp[k];
		}
	}
	return pos;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

static const char *const pcp_variant_names[] = { "upstream", "split" };

static const char *const pgf_variant_names[TF_PGF_NR_VARIANTS] = {
	[TF_PGF_CURRENT] = "current",
	[TF_PGF_V3] = "v3",
};

/* tag=k:N (kernel tag N), k:-N (the Nth from the end), m:N, m:-N (module tags). */
static int tf_format_machine_base(const struct tf_machine *m, char *buf, size_t len);

static int format_tagsel(unsigned int sel, char *buf, size_t len)
{
	unsigned int region = sel >> 14, off = sel & TF_PGF_SEL_MAX_OFF;
	bool end = region == TF_PGF_SEL_KERNEL_END || region == TF_PGF_SEL_MODULE_END;

	return snprintf(buf, len, "%c:%s%u", region < TF_PGF_SEL_MODULE ? 'k' : 'm',
			end ? "-" : "", end ? off + 1 : off);
}

static const char *const gfp_names[TF_NR_GFP_CLASSES] = {
	[TF_GFP_KERNEL] = "kernel",
	[TF_GFP_ATOMIC] = "atomic",
	[TF_GFP_NOWAIT] = "nowait",
	[TF_GFP_MEMALLOC] = "memalloc",
};

int tf_format_machine(const struct tf_machine *m, char *buf, size_t len)
{
	int n = tf_format_machine_base(m, buf, len);

	if (n < 0 || (size_t)n >= len)
		return n;
	if (m->pcp)
		n += snprintf(buf + n, len - n, " pcp=%s", pcp_variant_names[m->pcp_variant & 1]);
	else if (m->pgflag_bits)
		n += snprintf(buf + n, len - n,
			      " pgflag_bits=%u kernel_tags=%u pgflags_variant=%s",
			      m->pgflag_bits, m->kernel_tags,
			      pgf_variant_names[m->pgflags_variant % TF_PGF_NR_VARIANTS]);
	if (n < 0 || (size_t)n >= len)
		return n;
	/* The boot order (phases.c): early_page_ext is always on with debug. */
	return n + snprintf(buf + n, len - n, "%s%s%s",
			    m->debug ? "" : m->early_page_ext ? " early_page_ext=1" :
			    " early_page_ext=0", m->what_if ? " what_if=" : "",
			    m->what_if ? tf_what_if_names[m->what_if % TF_NR_WHAT_IF] : "");
}

static int tf_format_machine_base(const struct tf_machine *m, char *buf, size_t len)
{
	char nodes[16] = "", hotplug[24] = "";

	/* Printed only when not the default: texts from before keep their form. */
	if (tf_machine_nodes(m) > 1)
		snprintf(nodes, sizeof(nodes), " nodes=%u", tf_machine_nodes(m));
	if (m->hotplug_sections)
		snprintf(hotplug, sizeof(hotplug), " hotplug_sections=%u", m->hotplug_sections);
	return snprintf(buf, len,
			"machine section_pages=%u sections=%u%s cpus=%u%s debug=%d profiling=%d wmark=%u%s%s",
			m->section_pages, m->nr_sections, hotplug, m->nr_cpus, nodes, m->debug,
			m->profiling, m->wmark, m->tracker ? " tracker=" : "",
			m->tracker && m->tracker < TF_NR_TRACKERS ?
			tf_tracker_table[m->tracker].name : "");
}

static int format_op_body(const struct tf_op *op, char *buf, size_t len);

int tf_format_op(const struct tf_op *op, char *buf, size_t len)
{
	int n = 0;

	if (op->async)
		n = snprintf(buf, len, "start ");
	if (n < 0 || (size_t)n >= len)
		return n;
	return n + format_op_body(op, buf + n, len - n);
}

static int append(char *buf, size_t len, int n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int append(char *buf, size_t len, int n, const char *fmt, ...)
{
	bool room = n >= 0 && (size_t)n < len;
	va_list ap;
	int k;

	if (n < 0)
		return n;
	va_start(ap, fmt);
	k = vsnprintf(room ? buf + n : NULL, room ? len - n : 0, fmt, ap);
	va_end(ap);
	return k < 0 ? k : n + k;
}

static int format_op_body(const struct tf_op *op, char *buf, size_t len)
{
	const struct tf_op_def *d;
	bool together = false;
	char tag[16];
	int n;

	if (op->kind >= TF_NR_OPS)
		return snprintf(buf, len, "?");
	d = &op_table[op->kind];
	for_each_field(d, i)
		if ((d->f[i].flags & F_TOGETHER) && field_value(op, &d->f[i]) != d->f[i].lo)
			together = true;
	n = snprintf(buf, len, "%s", tf_op_name(op));
	for_each_field(d, i) {
		const struct tf_field *f = &d->f[i];
		unsigned int v = field_value(op, f);

		if (!f->key || !field_applies(d, op, f))
			continue;
		if ((f->flags & F_QUIET) && v == f->lo && !((f->flags & F_TOGETHER) && together))
			continue;
		switch (f->type) {
		case FT_GFP:
			n = append(buf, len, n, " %s=%s", f->key, gfp_names[v % TF_NR_GFP_CLASSES]);
			break;
		case FT_TAG:
			if (op->untagged)
				n = append(buf, len, n, " %s=none", f->key);
			else
				n = append(buf, len, n, " %s=%u", f->key, v);
			break;
		case FT_WORD:
			if (f->words[v & 1])
				n = append(buf, len, n, " %s", f->words[v & 1]);
			break;
		case FT_TAGSEL:
			format_tagsel(v, tag, sizeof(tag));
			n = append(buf, len, n, " %s=%s", f->key, tag);
			break;
		case FT_ALIGN:
			n = append(buf, len, n, " %s=%u", f->key, v ? 1u << (v - 1) : 0);
			break;
		case FT_PREPEND:
			n = append(buf, len, n, " %s=%u", f->key, v * TF_MOD_PREPEND_STEP);
			break;
		default:
			n = append(buf, len, n, " %s=%u", f->key, v);
			break;
		}
	}
	return n;
}

void tf_print_scenario(FILE *f, const struct tf_scenario *s)
{
	struct tf_phase_state st;
	enum tf_phase shown = TF_NR_PHASES;
	char line[256];
	size_t i;

	tf_format_machine(&s->m, line, sizeof(line));
	fprintf(f, "%s\n", line);
	tf_phase_begin(&st, &s->m);
	for (i = 0; i < s->nr_ops; i++) {
		enum tf_phase p = tf_op_phase(&st, &s->ops[i]);

		if (p != shown) {
			struct tf_phase_state at = st;

			at.phase = p;
			fprintf(f, "# phase %s: %s%s\n", tf_phase_name(p), tf_phase_what(&at),
				st.what_if && tf_phase_boot_cpu_only(&at) ?
				" [what-if: other CPUs run too]" : "");
			shown = p;
		}
		tf_format_op(&s->ops[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
		tf_phase_step(&st, &s->ops[i]);
	}
	if (s->truncated)
		fprintf(f, "# input held more than %d ops; the rest was not run\n",
			TF_MAX_OPS);
}

/* One `key=value` word, or a bare word (value NULL). */
struct word {
	char key[32];
	char val[32];
	bool has_val;
	bool used;
};

#define MAX_WORDS	16

struct line_ctx {
	int lineno;
	char *err;
	size_t errlen;
	struct word w[MAX_WORDS];
	int nr;
};

static int perr(struct line_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int perr(struct line_ctx *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "line %d: %s", c->lineno, msg);
	return -1;
}

static int split_words(struct line_ctx *c, char *line)
{
	char *tok, *save = NULL;

	c->nr = 0;
	for (tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
		struct word *w;
		char *eq = strchr(tok, '=');

		if (c->nr == MAX_WORDS)
			return perr(c, "too many words");
		w = &c->w[c->nr++];
		memset(w, 0, sizeof(*w));
		if (eq)
			*eq = '\0';
		if (strlen(tok) >= sizeof(w->key) || (eq && strlen(eq + 1) >= sizeof(w->val)))
			return perr(c, "word too long: %s", tok);
		strcpy(w->key, tok);
		if (eq) {
			strcpy(w->val, eq + 1);
			w->has_val = true;
		}
	}
	return 0;
}

static struct word *find_word(struct line_ctx *c, const char *key)
{
	for (int i = 1; i < c->nr; i++) {
		if (!strcmp(c->w[i].key, key)) {
			c->w[i].used = true;
			return &c->w[i];
		}
	}
	return NULL;
}

/* key=N with lo <= N <= hi; @def when absent, or an error if def < 0. */
static int get_num(struct line_ctx *c, const char *key, long lo, long hi, long def,
		   long *out)
{
	struct word *w = find_word(c, key);
	char *end;
	long v;

	if (!w) {
		if (def < 0)
			return perr(c, "%s: missing %s=", c->w[0].key, key);
		*out = def;
		return 0;
	}
	if (!w->has_val)
		return perr(c, "%s needs a value: %s=N", key, key);
	errno = 0;
	v = strtol(w->val, &end, 0);
	if (errno || *end || end == w->val)
		return perr(c, "%s=%s is not a number", key, w->val);
	if (v < lo || v > hi)
		return perr(c, "%s=%ld is out of range [%ld, %ld]", key, v, lo, hi);
	*out = v;
	return 0;
}

static int parse_pgflags(struct line_ctx *c, struct tf_machine *m)
{
	struct word *w;
	long v;
	int kt;

	if (get_num(c, "pgflag_bits", 0, TF_PGF_MAX_BITS, 0, &v))
		return -1;
	m->pgflag_bits = v;
	if (get_num(c, "kernel_tags", 0, TF_PGF_MAX_KERNEL_TAGS - 1, 0, &v))
		return -1;
	m->kernel_tags = v;
	m->pgflags_variant = TF_PGF_CURRENT;
	w = find_word(c, "pgflags_variant");
	if (w) {
		for (v = 0; v < TF_PGF_NR_VARIANTS; v++)
			if (w->has_val && !strcmp(w->val, pgf_variant_names[v]))
				break;
		if (v == TF_PGF_NR_VARIANTS)
			return perr(c, "pgflags_variant=%s: must be current or v3", w->val);
		m->pgflags_variant = v;
	}
	if (!m->pgflag_bits) {
		if (m->kernel_tags || w)
			return perr(c, "kernel_tags= and pgflags_variant= need pgflag_bits=1..%d",
				    TF_PGF_MAX_BITS);
		return 0;
	}
	kt = encode_kernel_tags(m->pgflag_bits, m->kernel_tags);
	if (kt < 0)
		return perr(c, "kernel_tags=%u has no byte form with pgflag_bits=%u: use up to %d, a multiple of 64 up to %d, 2^min(bits,20) - 8192 .. + 8191, or 57344 .. 73727",
			    m->kernel_tags, m->pgflag_bits, KT_OFF_MAX, KT_OFF_MAX * 64);
	return 0;
}

/* key=NAME looked up by @by_name into *@out; absent: *@out stays; unknown: @why. */
static int get_named(struct line_ctx *c, const char *key, int (*by_name)(const char *),
		     const char *why, uint8_t *out)
{
	struct word *w = find_word(c, key);
	int k;

	if (!w)
		return 0;
	k = w->has_val ? by_name(w->val) : -1;
	if (k < 0)
		return perr(c, "%s=%s: %s", key, w->has_val ? w->val : "", why);
	*out = k;
	return 0;
}

static int parse_machine(struct line_ctx *c, struct tf_machine *m)
{
	struct word *w;
	long v;

	if (get_num(c, "section_pages", 16, 128, 16, &v))
		return -1;
	if (v != 16 && v != 32 && v != 64 && v != 128)
		return perr(c, "section_pages=%ld: must be 16, 32, 64 or 128", v);
	m->section_pages = v;
	if (get_num(c, "sections", 1, TF_MAX_SECTIONS, 1, &v))
		return -1;
	m->nr_sections = v;
	if (get_num(c, "hotplug_sections", 0, TF_MAX_HOTPLUG_SECTIONS, 0, &v))
		return -1;
	if (m->nr_sections + v > TF_MAX_SECTIONS)
		return perr(c, "hotplug_sections=%ld with sections=%u: at most %d sections in all",
			    v, m->nr_sections, TF_MAX_SECTIONS);
	m->hotplug_sections = v;
	if (get_num(c, "cpus", 1, TF_MAX_CPUS, 1, &v))
		return -1;
	m->nr_cpus = v;
	if (get_num(c, "nodes", 1, TF_MAX_NODES, 1, &v))
		return -1;
	if (v > m->nr_sections)
		return perr(c, "nodes=%ld with sections=%u: every node needs a section of its own",
			    v, m->nr_sections);
	m->nr_nodes = v;
	if (get_num(c, "debug", 0, 1, 1, &v))
		return -1;
	m->debug = v;
	if (get_num(c, "profiling", 0, 1, 1, &v))
		return -1;
	m->profiling = v;
	if (get_num(c, "wmark", 0, 7, 0, &v))
		return -1;
	m->wmark = v;
	if (parse_pgflags(c, m))
		return -1;
	w = find_word(c, "pcp");
	if (w) {
		if (w->has_val && !strcmp(w->val, "upstream"))
			m->pcp_variant = 0;
		else if (w->has_val && !strcmp(w->val, "split"))
			m->pcp_variant = 1;
		else
			return perr(c, "pcp=%s: must be upstream or split", w->has_val ? w->val : "");
		if (m->pgflag_bits)
			return perr(c, "pcp= and pgflag_bits= do not go together");
		m->pcp = true;
	}
	if (get_num(c, "early_page_ext", 0, 1, m->debug, &v))
		return -1;
	if (m->debug && !v)
		return perr(c, "early_page_ext=0 with debug=1: CONFIG_MEM_ALLOC_PROFILING_DEBUG turns it on (mm/page_ext.c), and the boot parameter can only turn it on");
	m->early_page_ext = v;
	m->what_if = TF_WHAT_IF_NONE;
	m->tracker = TF_TRACKER_CURRENT;
	if (get_named(c, "what_if", tf_what_if_by_name,
		      "the what-if modes are none and smp-early-boot", &m->what_if) ||
	    get_named(c, "tracker", tf_tracker_by_name,
		      "not a tracker variant (replay --list-trackers)", &m->tracker))
		return -1;
	return 0;
}

/* tag=k:N, k:-N, m:N or m:-N (format_tagsel()). */
static int parse_tagsel(struct line_ctx *c, struct tf_op *op)
{
	struct word *w = find_word(c, "tag");
	const char *v;
	char *end;
	bool back;
	long n;

	if (!w || !w->has_val)
		return perr(c, "tagalloc: missing tag=k:N, k:-N, m:N or m:-N");
	v = w->val;
	if ((v[0] != 'k' && v[0] != 'm') || v[1] != ':')
		return perr(c, "tag=%s: must be k:N, k:-N, m:N or m:-N", v);
	back = v[2] == '-';
	errno = 0;
	n = strtol(v + 2 + back, &end, 10);
	if (errno || *end || end == v + 2 + back || n < back || n > TF_PGF_SEL_MAX_OFF + back)
		return perr(c, "tag=%s: the number must be 0..%d (or -1..-%d from the end)", v,
			    TF_PGF_SEL_MAX_OFF, TF_PGF_SEL_MAX_OFF + 1);
	op->tagsel = ((v[0] == 'k' ? TF_PGF_SEL_KERNEL : TF_PGF_SEL_MODULE) + back) << 14 |
		     (n - back);
	return 0;
}

/* One operand of @op from the line's words, by its field. */
static int parse_field(struct line_ctx *c, const struct tf_machine *m,
		       const struct tf_op_def *d, const struct tf_field *f, struct tf_op *op)
{
	long v, hi = field_hi(m, f);
	struct word *w;

	switch (f->type) {
	case FT_WORD:
		w = find_word(c, f->words[1]);
		if (w) {
			if (w->has_val && !f->words[0])
				return perr(c, "%s", f->err);
			v = 1;
		} else if (f->words[0] && find_word(c, f->words[0])) {
			v = 0;
		} else if (f->flags & F_REQUIRED) {
			return perr(c, "%s", f->err);
		} else {
			v = 0;
		}
		break;
	case FT_GFP:
		v = 0;
		w = find_word(c, f->key);
		if (w) {
			for (v = 0; v < TF_NR_GFP_CLASSES; v++)
				if (w->has_val && !strcmp(w->val, gfp_names[v]))
					break;
			if (v == TF_NR_GFP_CLASSES)
				return perr(c, "gfp=%s: must be kernel, atomic, nowait or memalloc",
					    w->val);
		}
		break;
	case FT_TAG:
		w = find_word(c, f->key);
		if (w && w->has_val && !strcmp(w->val, "none")) {
			op->untagged = true;
			v = 0;
			break;
		}
		if (w)
			w->used = false;
		if (get_num(c, f->key, f->lo, hi, f->lo, &v))
			return -1;
		break;
	case FT_TAGSEL:
		return parse_tagsel(c, op);
	case FT_ALIGN:
		if (get_num(c, f->key, 0, 1 << (hi - 1), 0, &v))
			return -1;
		if (v & (v - 1))
			return perr(c, "%s=%ld: must be 0 or a power of two up to %ld", f->key, v,
				    1L << (hi - 1));
		v = v ? 1 + __builtin_ctzl(v) : 0;
		break;
	case FT_PREPEND:
		if (get_num(c, f->key, 0, hi * TF_MOD_PREPEND_STEP, 0, &v))
			return -1;
		if (v % TF_MOD_PREPEND_STEP)
			return perr(c, "%s=%ld: must be a multiple of %d", f->key, v,
				    TF_MOD_PREPEND_STEP);
		v /= TF_MOD_PREPEND_STEP;
		break;
	case FT_PGBIT:
		if (get_num(c, f->key, f->lo, hi, f->flags & F_REQUIRED ? -1 : f->lo, &v))
			return -1;
		if (v >= TF_PGF_NR_PAGEFLAGS && v < TF_PGF_NR_PAGEFLAGS + m->pgflag_bits)
			return perr(c, "bit=%ld is a tag index bit (%d..%d)", v, TF_PGF_NR_PAGEFLAGS,
				    TF_PGF_NR_PAGEFLAGS + m->pgflag_bits - 1);
		break;
	case FT_AT2: {
		long at = get_member(op, &d->f[f->dep]);

		if (get_num(c, f->key, f->lo, hi, f->lo, &v))
			return -1;
		if (v && (!at || v <= at || v > at + 255))
			return perr(c, "run: at2=%ld needs at= and must lie in [at+1, at+255]", v);
		break;
	}
	default:	/* FT_NUM, FT_BURST */
		if (get_num(c, f->key, f->lo, hi, f->flags & F_REQUIRED ? -1 : f->lo, &v))
			return -1;
		break;
	}
	if ((f->flags & F_DEP_NEEDED) && v && !get_member(op, &d->f[f->dep]))
		return perr(c, "%s", f->err);
	set_member(op, f, v);
	return 0;
}

static int parse_op(struct line_ctx *c, const struct tf_machine *m, struct tf_op *op)
{
	const char *name = c->w[0].key;
	enum tf_op_mode mode = tf_machine_mode(m);
	const struct tf_op_def *d;
	int kind;

	memset(op, 0, sizeof(*op));
	for (kind = 0; kind < TF_NR_OPS; kind++) {
		if (kind == TF_OP_ALLOC) {
			for (int a = 0; a < TF_NR_ALLOC_KINDS; a++) {
				if (!strcmp(name, alloc_names[a])) {
					op->alloc_kind = a;
					goto found;
				}
			}
		} else if (!strcmp(name, op_table[kind].name)) {
			goto found;
		}
	}
	return perr(c, "unknown op '%s'", name);
found:
	op->kind = kind;
	d = &op_table[kind];
	if (kind == TF_OP_START)
		return perr(c, "start needs an op after it: start alloc cpu=1 ...");
	if (d->code[mode] == NO_CODE) {
		if (d->code[TF_MODE_PGFLAGS] != NO_CODE)
			return perr(c, "%s needs page-flag mode: pgflag_bits=1..%d in the machine line",
				    name, TF_PGF_MAX_BITS);
		return perr(c, "%s needs PCP mode: pcp=upstream or pcp=split in the machine line",
			    name);
	}
	for_each_field(d, i) {
		const struct tf_field *f = &d->f[d->parse_order ? d->parse_order[i] - '0' : i];

		if (f->key && field_applies(d, op, f) && parse_field(c, m, d, f, op))
			return -1;
	}
	return 0;
}

/* A written op that the boot order does not allow is an error naming the rule. */
static int boot_order(struct line_ctx *c, const struct tf_phase_state *st,
		      const struct tf_op *op)
{
	const char *rule;
	char name[48];

	if (tf_phase_need(st, op, &rule) == TF_PHASE_OK)
		return 0;
	snprintf(name, sizeof(name), "%s%s", op->async ? "start " : "", tf_op_name(op));
	return perr(c, "%s %s%s", name, rule, tf_phase_what_if_allows(st, op) ?
		    " (what_if=smp-early-boot allows it)" : "");
}

static int check_unused(struct line_ctx *c)
{
	for (int i = 1; i < c->nr; i++) {
		if (!c->w[i].used)
			return perr(c, "%s: unexpected '%s'", c->w[0].key, c->w[i].key);
	}
	return 0;
}

/* The machine line's words: anything but its fields is a typo. */
static int check_machine_words(struct line_ctx *c)
{
	for (int i = 1; i < c->nr; i++) {
		const char *k = c->w[i].key;

		if (strcmp(k, "section_pages") && strcmp(k, "sections") &&
		    strcmp(k, "hotplug_sections") &&
		    strcmp(k, "cpus") && strcmp(k, "nodes") && strcmp(k, "debug") &&
		    strcmp(k, "profiling") && strcmp(k, "wmark") &&
		    strcmp(k, "pgflag_bits") && strcmp(k, "kernel_tags") &&
		    strcmp(k, "pgflags_variant") && strcmp(k, "pcp") &&
		    strcmp(k, "tracker") && strcmp(k, "early_page_ext") &&
		    strcmp(k, "what_if"))
			return perr(c, "machine: unexpected '%s'", k);
	}
	return 0;
}

/* Copy the line at @p into @line (NUL-terminated), count it, set *@nl. */
static int next_line(struct line_ctx *c, const char *p, const char **nl, char *line,
		     size_t cap)
{
	size_t len;

	c->lineno++;
	*nl = strchr(p, '\n');
	len = *nl ? (size_t)(*nl - p) : strlen(p);
	if (len >= cap)
		return perr(c, "line longer than %zu characters", cap - 1);
	memcpy(line, p, len);
	line[len] = '\0';
	return 0;
}

int tf_parse_text(const char *text, struct tf_scenario *s, char *err, size_t errlen)
{
	return tf_parse_text_what_if(text, TF_WHAT_IF_NONE, s, err, errlen);
}

int tf_parse_text_what_if(const char *text, uint8_t what_if, struct tf_scenario *s,
			  char *err, size_t errlen)
{
	struct line_ctx c = { .err = err, .errlen = errlen };
	const char *p = text, *nl;
	bool have_machine = false, start;
	struct tf_phase_state st;
	char line[512];

	memset(&s->m, 0, sizeof(s->m));
	s->nr_ops = 0;
	s->truncated = false;
	/* The machine a text with no machine line runs on: an all-zero header. */
	{
		uint8_t zero[TF_HDR_BYTES] = { 0 };

		decode_machine(zero, &s->m);
	}

	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		char *hash, *q;

		if (next_line(&c, p, &nl, line, sizeof(line)))
			return -1;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (q = line; isspace((unsigned char)*q); q++)
			;
		if (!*q)
			continue;
		if (split_words(&c, q))
			return -1;
		if (!s->nr_ops && strcmp(c.w[0].key, "machine")) {
			if (!s->m.what_if)
				s->m.what_if = what_if;
			tf_phase_begin(&st, &s->m);
		}
		for (int i = 0; i < c.nr; i++)
			c.w[i].used = false;

		if (!strcmp(c.w[0].key, "machine")) {
			if (have_machine || s->nr_ops)
				return perr(&c, "the machine line must come first, once");
			if (parse_machine(&c, &s->m))
				return -1;
			if (!s->m.what_if)
				s->m.what_if = what_if;
			for (int i = 1; i < c.nr; i++)
				c.w[i].used = true;
			have_machine = true;
			if (check_machine_words(&c))
				return -1;
			continue;
		}
		if (s->nr_ops == TF_MAX_OPS)
			return perr(&c, "more than %d ops", TF_MAX_OPS);
		start = c.nr > 1 && !strcmp(c.w[0].key, "start") && !c.w[0].has_val;
		if (start) {
			memmove(&c.w[0], &c.w[1], (c.nr - 1) * sizeof(c.w[0]));
			c.nr--;
		}
		if (parse_op(&c, &s->m, &s->ops[s->nr_ops]) || check_unused(&c))
			return -1;
		if (start) {
			if (!op_can_start(&s->ops[s->nr_ops]))
				return perr(&c, "%s cannot be started, only run", c.w[0].key);
			s->ops[s->nr_ops].async = true;
		}
		if (boot_order(&c, &st, &s->ops[s->nr_ops]))
			return -1;
		tf_phase_step(&st, &s->ops[s->nr_ops]);
		s->nr_ops++;
	}
	return 0;
}

int tf_text_directive(const char *text, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		const char *q = p, *nl = strchr(p, '\n');

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '#') {
			q++;
			while (*q == ' ')
				q++;
			if (!strncmp(q, key, klen) && q[klen] == ':') {
				size_t n;

				q += klen + 1;
				while (*q == ' ')
					q++;
				n = nl ? (size_t)(nl - q) : strlen(q);
				while (n && (q[n - 1] == ' ' || q[n - 1] == '\r'))
					n--;
				if (n >= len)
					n = len - 1;
				memcpy(val, q, n);
				val[n] = '\0';
				return 1;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

char *tf_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		free(buf);
		fclose(f);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*size = n;
	return buf;
}

void tf_decode_op(const struct tf_machine *m, const uint8_t *b, struct tf_op *op)
{
	decode_op(m, b, op);
}

void tf_encode_op(const struct tf_machine *m, const struct tf_op *op, uint8_t *b)
{
	encode_op(m, op, b);
}

/*
 * One line of text into words (@line_buf holds a copy); NULL for a blank
 * or comment-only line (c->nr 0) or an error (c->nr set).
 */
static char *line_words(struct line_ctx *c, const char *text, char *line_buf, size_t len)
{
	char *hash, *q;

	c->nr = 0;
	snprintf(line_buf, len, "%s", text);
	hash = strchr(line_buf, '#');
	if (hash)
		*hash = '\0';
	for (q = line_buf; isspace((unsigned char)*q); q++)
		;
	if (!*q)
		return NULL;
	if (split_words(c, q)) {
		c->nr = c->nr ? c->nr : 1;
		return NULL;
	}
	return q;
}

static int parse_machine_words(struct line_ctx *c, struct tf_machine *m)
{
	uint8_t zero[TF_HDR_BYTES] = { 0 };

	decode_machine(zero, m);
	if (strcmp(c->w[0].key, "machine"))
		return perr(c, "not a machine line");
	if (parse_machine(c, m))
		return -1;
	return check_machine_words(c);
}

/* `[start] OP operands`, without the boot order (a dictionary entry). */
static int parse_op_words(struct line_ctx *c, const struct tf_machine *m, struct tf_op *op)
{
	bool start = c->nr > 1 && !strcmp(c->w[0].key, "start") && !c->w[0].has_val;

	if (start) {
		memmove(&c->w[0], &c->w[1], (c->nr - 1) * sizeof(c->w[0]));
		c->nr--;
	}
	if (parse_op(c, m, op) || check_unused(c))
		return -1;
	if (start && !op_can_start(op))
		return perr(c, "%s cannot be started, only run", c->w[0].key);
	op->async = start;
	return 0;
}

int tf_parse_op_line(const struct tf_machine *m, const char *line, struct tf_op *op,
		     char *err, size_t errlen)
{
	struct line_ctx c = { .lineno = 1, .err = err, .errlen = errlen };
	char buf[512];

	if (!line_words(&c, line, buf, sizeof(buf)))
		return c.nr ? -1 : perr(&c, "no op");
	return parse_op_words(&c, m, op);
}

int tf_parse_machine_line(const char *line, struct tf_machine *m, char *err, size_t errlen)
{
	struct line_ctx c = { .lineno = 1, .err = err, .errlen = errlen };
	char buf[512];

	if (!line_words(&c, line, buf, sizeof(buf)))
		return c.nr ? -1 : perr(&c, "no machine line");
	return parse_machine_words(&c, m);
}

static void dict_entry(FILE *out, const char *name, const uint8_t *b, size_t n)
{
	fprintf(out, "%s=\"", name);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\\x%02x", b[i]);
	fprintf(out, "\"\n");
}

/*
 * A libFuzzer/AFL dictionary from named text (docs/scenarios.md,
 * "Dictionaries"): `# ...` lines and blank lines are copied (`## ...`
 * lines are not), one
 * `machine ...` line names the mode and the machine the operands are
 * checked against, and each `NAME: TEXT` line becomes NAME="BYTES": TEXT
 * is an op (`start OP` gives the START op and OP; `start` alone the START
 * op) or a `machine` line (an 8-byte header).
 */
int tf_write_dict(const char *text, FILE *out, char *err, size_t errlen)
{
	struct line_ctx c = { .err = err, .errlen = errlen };
	uint8_t zero[TF_HDR_BYTES] = { 0 }, b[2 * TF_OP_BYTES];
	bool have_machine = false, have_entry = false;
	const char *p, *nl;
	struct tf_machine m;
	char line[512], words[512];

	decode_machine(zero, &m);
	for (p = text; *p; p = nl ? nl + 1 : p + strlen(p)) {
		size_t nlen;
		const char *t;
		char *colon;

		if (next_line(&c, p, &nl, line, sizeof(line)))
			return -1;
		for (t = line; isspace((unsigned char)*t); t++)
			;
		if (t[0] == '#' && t[1] == '#')
			continue;	/* about the source only */
		if (!*t || *t == '#') {
			fprintf(out, "%s\n", line);
			continue;
		}
		colon = strchr(line, ':');
		if (!colon) {
			c.nr = 0;
			if (!line_words(&c, line, words, sizeof(words)))
				return -1;
			if (have_machine || have_entry)
				return perr(&c, "one machine line, before the entries");
			if (parse_machine_words(&c, &m))
				return -1;
			have_machine = true;
			continue;
		}
		*colon = '\0';
		nlen = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (!nlen || t[nlen])
			return perr(&c, "'%s': an entry is NAME: TEXT, NAME of letters, digits, _", t);
		have_entry = true;
		c.nr = 0;
		if (!line_words(&c, colon + 1, words, sizeof(words)))
			return c.nr ? -1 : perr(&c, "%s: no text", t);
		if (!strcmp(c.w[0].key, "machine")) {
			struct tf_machine hm;
			uint8_t h[TF_HDR_BYTES];

			if (parse_machine_words(&c, &hm))
				return -1;
			encode_machine(&hm, h);
			dict_entry(out, t, h, sizeof(h));
		} else if (c.nr == 1 && !strcmp(c.w[0].key, "start") && !c.w[0].has_val) {
			static const struct tf_op start = { .kind = TF_OP_START };

			encode_op(&m, &start, b);
			dict_entry(out, t, b, TF_OP_BYTES);
		} else {
			struct tf_op op;
			size_t n = 0;

			if (parse_op_words(&c, &m, &op))
				return -1;
			if (op.async) {
				static const struct tf_op start = { .kind = TF_OP_START };

				encode_op(&m, &start, b);
				n = TF_OP_BYTES;
			}
			encode_op(&m, &op, b + n);
			/*
			 * A burst in size class 0 (every count and rounds
			 * value), so that mutating its count and rounds bits
			 * reaches the heavy bursts random bytes seldom make.
			 */
			if (op.kind == TF_OP_BURST)
				b[n + 2] &= 0x3f;
			dict_entry(out, t, b, n + TF_OP_BYTES);
		}
	}
	return 0;
}
