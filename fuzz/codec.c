// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario codec.  Byte layout (docs/scenarios.md):
 *
 *   header  b0: bits 0-1 section size (16 << n pages), bit 2 non-debug
 *               build, bit 3 profiling off, bits 4-6 watermark level
 *           b1: sections - 1 (mod 64)      b2: CPUs - 1 (mod 8)
 *           b3: early-PFN tracker variant (mod TF_NR_TRACKERS)
 *   op      b0: kind (mod TF_NR_OPS)
 *           b1: bits 0-2 cpu (mod CPUs), bits 3-4 gfp class,
 *               bits 5-6 alloc kind (mod 3), bit 7 untagged
 *           b2, b3: operands by kind (see decode_op)
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
	m->nr_cpus = 1 + b[2] % TF_MAX_CPUS;
	m->tracker = b[3] % TF_NR_TRACKERS;
	/* b4: 0 no PCP mode, else pcp_variant = (b4 - 1) mod 2; not with page flags. */
	m->pcp = b[4] && !m->pgflag_bits;
	m->pcp_variant = m->pcp ? (b[4] - 1) % 2 : 0;
	/* b0 bit 7: early_page_ext on a non-debug kernel (debug has it always). */
	m->early_page_ext = m->debug || (b[0] & 0x80);
	m->what_if = b[5] & 0x40 ? TF_WHAT_IF_SMP_EARLY_BOOT : TF_WHAT_IF_NONE;
}

static void decode_op(const struct tf_machine *m, const uint8_t *b, struct tf_op *op)
{
	memset(op, 0, sizeof(*op));
	if (m->pcp) {
		op->kind = b[0] % (TF_NR_BASE_OPS + TF_NR_PCP_EXTRA_OPS);
		if (op->kind >= TF_NR_BASE_OPS)
			op->kind += TF_OP_ISOLATE - TF_NR_BASE_OPS;
	} else {
		op->kind = b[0] % (m->pgflag_bits ? TF_NR_PGF_OPS : TF_NR_BASE_OPS);
	}

	switch (op->kind) {
	case TF_OP_ALLOC:
		op->cpu = (b[1] & 7) % m->nr_cpus;
		op->gfp = (b[1] >> 3) & 3;
		op->alloc_kind = ((b[1] >> 5) & 3) % TF_NR_ALLOC_KINDS;
		op->untagged = b[1] >> 7;
		op->tag = op->untagged ? 0 : b[2] % TF_NR_USER_TAGS;
		if (op->alloc_kind == TF_ALLOC_EXACT)
			op->n = 1 + b[3] % exact_max_pages(m);
		else if (op->alloc_kind == TF_ALLOC_BULK)
			op->n = 1 + b[3] % TF_MAX_BULK;
		else
			op->n = b[3] % (tf_machine_max_order(m) + 1);
		break;
	case TF_OP_FREE:
	case TF_OP_SPLIT:
	case TF_OP_FREE_EXACT:
	case TF_OP_MIGRATE:
		op->cpu = (b[1] & 7) % m->nr_cpus;
		op->n = b[2] | (uint16_t)b[3] << 8;
		break;
	case TF_OP_PEXT_ONLINE:
		op->n = b[3] % m->nr_sections;
		break;
	case TF_OP_PEXT_INIT:
		break;
	case TF_OP_PRESSURE:
		op->n = b[3] % TF_NR_PRESSURE;
		break;
	case TF_OP_FAIL_NEXT:
		op->n = b[3] % (TF_MAX_FAIL_NEXT + 1);
		op->skip = op->n ? b[2] % (TF_MAX_FAIL_SKIP + 1) : 0;
		break;
	case TF_OP_CPU_UP:
		op->cpu = (b[1] & 7) % m->nr_cpus;
		op->n = b[3] % (TF_MAX_SETUP_PAGES + 1);
		break;
	case TF_OP_CPU_DOWN:
		op->cpu = (b[1] & 7) % m->nr_cpus;
		break;
	case TF_OP_BURST: {
		/*
		 * b2 bits 6-7 pick a size class, so that random bytes make
		 * light bursts most of the time: 0 the whole range (count
		 * 1..256 from b3, rounds 1..16 from b1 bits 4-7: every value,
		 * as before the classes), 1 count 1..256 and rounds 1..4,
		 * 2 count 1..64 and rounds 1..2, 3 count 1..16 once.  The
		 * class keeps the low bits of b3 and of b1 bits 4-7.
		 */
		static const uint8_t count_mask[4] = { 0xff, 0xff, 0x3f, 0x0f };
		static const uint8_t rounds_mask[4] = { 0xf, 0x3, 0x1, 0x0 };
		unsigned int k = b[2] >> 6;

		op->cpu = (b[1] & 7) % m->nr_cpus;
		op->tag = b[2] % TF_NR_USER_TAGS;
		op->order = ((b[2] >> 4) & 3) % (burst_max_order(m) + 1);
		op->n = 1 + (b[3] & count_mask[k]);
		op->churn = (b[1] >> 3) & 1;
		op->rounds = 1 + ((b[1] >> 4) & rounds_mask[k]);
		break;
	}
	case TF_OP_DRAIN:
		op->all = b[2] & 1;
		op->cpu = op->all ? 0 : (b[1] & 7) % m->nr_cpus;
		break;
	case TF_OP_RUN:
		op->first = b[1] % TF_MAX_CPUS;
		op->at = b[2];
		op->at2 = b[2] && b[3] ? b[2] + b[3] : 0;
		break;
	case TF_OP_PREEMPT:
		op->n = b[2] | (uint16_t)b[3] << 8;
		if (!op->n)
			op->n = 1;
		break;
	case TF_OP_TAGALLOC:
		op->cpu = (b[1] & 7) % m->nr_cpus;
		op->gfp = (b[1] >> 3) & 3;
		op->n = (b[1] >> 5) % (tf_machine_max_order(m) + 1);
		op->tagsel = b[2] | (uint16_t)b[3] << 8;
		break;
	case TF_OP_MOD_LOAD:
		op->align_code = (b[1] & 15) % (TF_MAX_MOD_ALIGN_CODE + 1);
		op->prepend_code = b[1] >> 4;
		op->n = b[2] | (uint16_t)b[3] << 8;
		break;
	case TF_OP_MOD_UNLOAD:
		op->n = b[2] | (uint16_t)b[3] << 8;
		break;
	case TF_OP_PGFLAG:
		op->cpu = (b[1] & 7) % m->nr_cpus;
		op->clear = (b[1] >> 3) & 1;
		op->page = b[1] >> 4;
		op->n = b[2];
		op->bit = b[3] % (64 - m->pgflag_bits);
		if (op->bit >= TF_PGF_NR_PAGEFLAGS)
			op->bit += m->pgflag_bits;
		break;
	case TF_OP_PROF_SHUTDOWN:
		break;
	case TF_OP_PROF_SYSCTL:
		op->n = b[1] & 1;
		break;
	case TF_OP_ISOLATE:
		op->clear = b[1] & 1;
		op->n = (b[2] | (uint16_t)b[3] << 8) %
			((unsigned int)m->section_pages * m->nr_sections >> TF_PAGEBLOCK_ORDER);
		break;
	case TF_OP_FREE_BATCH:
		op->cpu = (b[1] & 7) % m->nr_cpus;
		op->count = 1 + (b[1] >> 3) % TF_MAX_FREE_BATCH;
		op->n = b[2] | (uint16_t)b[3] << 8;
		break;
	case TF_OP_FREE_NOLOCK:
		op->cpu = (b[1] & 7) % m->nr_cpus;
		op->n = b[2] | (uint16_t)b[3] << 8;
		break;
	}
}

/* Ops that can be started on a CPU and left in flight. */
static bool op_can_start(const struct tf_op *op)
{
	switch (op->kind) {
	case TF_OP_PRESSURE:
	case TF_OP_FAIL_NEXT:
	case TF_OP_START:
	case TF_OP_RUN:
	case TF_OP_PREEMPT:
	case TF_OP_MOD_LOAD:
	case TF_OP_MOD_UNLOAD:
	case TF_OP_PROF_SHUTDOWN:
	case TF_OP_PROF_SYSCTL:
	case TF_OP_ISOLATE:
		return false;
	default:
		return true;
	}
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

	for (i = 0; i < TF_HDR_BYTES; i++)
		hdr[i] = byte_at(data, size, i);
	decode_machine(hdr, &s->m);
	if (!s->m.what_if)
		s->m.what_if = what_if;
	tf_phase_begin(&st, &s->m);

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
		decode_op(&s->m, ob, op);
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
	b[1] = m->nr_sections - 1;
	b[2] = m->nr_cpus - 1;
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

static void encode_op(const struct tf_machine *m, const struct tf_op *op, uint8_t *b)
{
	memset(b, 0, TF_OP_BYTES);
	b[0] = op->kind >= TF_OP_ISOLATE ? op->kind - TF_OP_ISOLATE + TF_NR_BASE_OPS : op->kind;
	b[1] = op->cpu & 7;

	switch (op->kind) {
	case TF_OP_ALLOC:
		b[1] |= (op->gfp & 3) << 3 | (op->alloc_kind & 3) << 5 |
			(op->untagged ? 0x80 : 0);
		b[2] = op->tag;
		b[3] = op->alloc_kind == TF_ALLOC_PAGES ? op->n : op->n - 1;
		break;
	case TF_OP_FREE:
	case TF_OP_SPLIT:
	case TF_OP_FREE_EXACT:
	case TF_OP_MIGRATE:
		b[2] = op->n & 0xff;
		b[3] = op->n >> 8;
		break;
	case TF_OP_BURST: {
		/* The lightest size class (decode_op) that holds count and rounds. */
		unsigned int rounds = op->rounds ? op->rounds : 1;
		struct tf_op back;
		int k;

		b[1] |= (op->churn ? 0x08 : 0) | (rounds - 1) << 4;
		b[3] = op->n - 1;
		for (k = 3; k >= 0; k--) {
			b[2] = op->tag | op->order << 4 | k << 6;
			decode_op(m, b, &back);
			if (back.n == op->n && back.rounds == rounds)
				break;
		}
		break;
	}
	case TF_OP_DRAIN:
		b[2] = op->all;
		break;
	case TF_OP_FAIL_NEXT:
		b[2] = op->skip;
		b[3] = (uint8_t)op->n;
		break;
	case TF_OP_RUN:
		b[1] = op->first;
		b[2] = (uint8_t)op->at;
		b[3] = op->at2 ? (uint8_t)(op->at2 - op->at) : 0;
		break;
	case TF_OP_PREEMPT:
	case TF_OP_MOD_UNLOAD:
		b[2] = op->n & 0xff;
		b[3] = op->n >> 8;
		break;
	case TF_OP_TAGALLOC:
		b[1] |= (op->gfp & 3) << 3 | (op->n & 7) << 5;
		b[2] = op->tagsel & 0xff;
		b[3] = op->tagsel >> 8;
		break;
	case TF_OP_MOD_LOAD:
		b[1] = op->align_code | op->prepend_code << 4;
		b[2] = op->n & 0xff;
		b[3] = op->n >> 8;
		break;
	case TF_OP_PROF_SYSCTL:
		b[1] = op->n & 1;
		break;
	case TF_OP_ISOLATE:
		b[1] = op->clear;
		b[2] = op->n & 0xff;
		b[3] = op->n >> 8;
		break;
	case TF_OP_FREE_BATCH:
		b[1] |= (op->count - 1) << 3;
		/* fall through */
	case TF_OP_FREE_NOLOCK:
		b[2] = op->n & 0xff;
		b[3] = op->n >> 8;
		break;
	case TF_OP_PGFLAG:
		b[1] |= (op->clear ? 8 : 0) | op->page << 4;
		b[2] = (uint8_t)op->n;
		b[3] = op->bit < TF_PGF_NR_PAGEFLAGS ? op->bit : op->bit - m->pgflag_bits;
		break;
	default:
		b[3] = (uint8_t)op->n;
		break;
	}
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

static const char *const op_names[TF_NR_OPS] = {
	[TF_OP_ALLOC] = "alloc",
	[TF_OP_FREE] = "free",
	[TF_OP_SPLIT] = "split",
	[TF_OP_FREE_EXACT] = "free_exact",
	[TF_OP_PEXT_ONLINE] = "pext_online",
	[TF_OP_PEXT_INIT] = "pext_init",
	[TF_OP_PRESSURE] = "pressure",
	[TF_OP_FAIL_NEXT] = "fail_next",
	[TF_OP_CPU_UP] = "cpu_up",
	[TF_OP_CPU_DOWN] = "cpu_down",
	[TF_OP_BURST] = "burst",
	[TF_OP_DRAIN] = "drain",
	[TF_OP_MIGRATE] = "migrate",
	[TF_OP_START] = "start",
	[TF_OP_RUN] = "run",
	[TF_OP_PREEMPT] = "preempt",
	[TF_OP_TAGALLOC] = "tagalloc",
	[TF_OP_MOD_LOAD] = "mod_load",
	[TF_OP_MOD_UNLOAD] = "mod_unload",
	[TF_OP_PGFLAG] = "pgflag",
	[TF_OP_PROF_SHUTDOWN] = "prof_shutdown",
	[TF_OP_PROF_SYSCTL] = "prof_sysctl",
	[TF_OP_ISOLATE] = "isolate",
	[TF_OP_FREE_BATCH] = "free_batch",
	[TF_OP_FREE_NOLOCK] = "free_nolock",
};

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

static const char *const alloc_names[TF_NR_ALLOC_KINDS] = {
	[TF_ALLOC_PAGES] = "alloc",
	[TF_ALLOC_EXACT] = "alloc_exact",
	[TF_ALLOC_BULK] = "alloc_bulk",
};

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
	return snprintf(buf, len,
			"machine section_pages=%u sections=%u cpus=%u debug=%d profiling=%d wmark=%u%s%s",
			m->section_pages, m->nr_sections, m->nr_cpus, m->debug,
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

static int format_op_body(const struct tf_op *op, char *buf, size_t len)
{
	char tag[16];

	switch (op->kind) {
	case TF_OP_ALLOC:
		if (op->untagged)
			snprintf(tag, sizeof(tag), "none");
		else
			snprintf(tag, sizeof(tag), "%u", op->tag);
		return snprintf(buf, len, "%s cpu=%u %s=%u gfp=%s tag=%s",
				alloc_names[op->alloc_kind], op->cpu,
				op->alloc_kind == TF_ALLOC_EXACT ? "pages" :
				op->alloc_kind == TF_ALLOC_BULK ? "nr" : "order",
				op->n, gfp_names[op->gfp], tag);
	case TF_OP_FREE:
	case TF_OP_SPLIT:
	case TF_OP_FREE_EXACT:
	case TF_OP_MIGRATE:
		return snprintf(buf, len, "%s cpu=%u idx=%u", op_names[op->kind],
				op->cpu, op->n);
	case TF_OP_PEXT_ONLINE:
		return snprintf(buf, len, "pext_online section=%u", op->n);
	case TF_OP_PEXT_INIT:
		return snprintf(buf, len, "pext_init");
	case TF_OP_PRESSURE:
		return snprintf(buf, len, "pressure level=%u", op->n);
	case TF_OP_FAIL_NEXT:
		if (op->skip)
			return snprintf(buf, len, "fail_next n=%u skip=%u", op->n, op->skip);
		return snprintf(buf, len, "fail_next n=%u", op->n);
	case TF_OP_CPU_UP:
		return snprintf(buf, len, "cpu_up cpu=%u pages=%u", op->cpu, op->n);
	case TF_OP_CPU_DOWN:
		return snprintf(buf, len, "cpu_down cpu=%u", op->cpu);
	case TF_OP_BURST:
		if (op->rounds > 1 || op->churn)
			return snprintf(buf, len, "burst cpu=%u count=%u order=%u tag=%u rounds=%u free=%d",
					op->cpu, op->n, op->order, op->tag,
					op->rounds ? op->rounds : 1, op->churn);
		return snprintf(buf, len, "burst cpu=%u count=%u order=%u tag=%u",
				op->cpu, op->n, op->order, op->tag);
	case TF_OP_DRAIN:
		if (op->all)
			return snprintf(buf, len, "drain all");
		return snprintf(buf, len, "drain cpu=%u", op->cpu);
	case TF_OP_RUN:
		if (op->at2)
			return snprintf(buf, len, "run first=%u at=%u at2=%u", op->first,
					op->at, op->at2);
		if (op->at)
			return snprintf(buf, len, "run first=%u at=%u", op->first, op->at);
		return snprintf(buf, len, "run first=%u", op->first);
	case TF_OP_PREEMPT:
		return snprintf(buf, len, "preempt at=%u", op->n);
	case TF_OP_TAGALLOC:
		format_tagsel(op->tagsel, tag, sizeof(tag));
		return snprintf(buf, len, "tagalloc cpu=%u order=%u gfp=%s tag=%s", op->cpu,
				op->n, gfp_names[op->gfp], tag);
	case TF_OP_MOD_LOAD:
		return snprintf(buf, len, "mod_load tags=%u align=%u prepend=%u", op->n,
				op->align_code ? 1u << (op->align_code - 1) : 0,
				op->prepend_code * TF_MOD_PREPEND_STEP);
	case TF_OP_MOD_UNLOAD:
		return snprintf(buf, len, "mod_unload idx=%u", op->n);
	case TF_OP_PGFLAG:
		return snprintf(buf, len, "pgflag cpu=%u idx=%u page=%u bit=%u %s", op->cpu,
				op->n, op->page, op->bit, op->clear ? "clear" : "set");
	case TF_OP_PROF_SHUTDOWN:
		return snprintf(buf, len, "prof_shutdown");
	case TF_OP_PROF_SYSCTL:
		return snprintf(buf, len, "prof_sysctl %s", op->n ? "on" : "off");
	case TF_OP_ISOLATE:
		return snprintf(buf, len, "isolate block=%u%s", op->n, op->clear ? " undo" : "");
	case TF_OP_FREE_BATCH:
		return snprintf(buf, len, "free_batch cpu=%u idx=%u count=%u", op->cpu, op->n,
				op->count);
	case TF_OP_FREE_NOLOCK:
		return snprintf(buf, len, "free_nolock cpu=%u idx=%u", op->cpu, op->n);
	}
	return snprintf(buf, len, "?");
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
	if (get_num(c, "cpus", 1, TF_MAX_CPUS, 1, &v))
		return -1;
	m->nr_cpus = v;
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
	w = find_word(c, "what_if");
	if (w) {
		int k = w->has_val ? tf_what_if_by_name(w->val) : -1;

		if (k < 0)
			return perr(c, "what_if=%s: the what-if modes are none and smp-early-boot",
				    w->has_val ? w->val : "");
		m->what_if = k;
	}
	m->tracker = TF_TRACKER_CURRENT;
	w = find_word(c, "tracker");
	if (w) {
		int t = w->has_val ? tf_tracker_by_name(w->val) : -1;

		if (t < 0)
			return perr(c, "tracker=%s: not a tracker variant (replay --list-trackers)",
				    w->has_val ? w->val : "");
		m->tracker = t;
	}
	return 0;
}

static int get_cpu(struct line_ctx *c, const struct tf_machine *m, struct tf_op *op)
{
	long v;

	if (get_num(c, "cpu", 0, m->nr_cpus - 1, 0, &v))
		return -1;
	op->cpu = v;
	return 0;
}

static int get_tag(struct line_ctx *c, struct tf_op *op, bool may_be_none)
{
	struct word *w = find_word(c, "tag");
	long v;

	if (w && may_be_none && w->has_val && !strcmp(w->val, "none")) {
		op->untagged = true;
		op->tag = 0;
		return 0;
	}
	if (w)
		w->used = false;
	if (get_num(c, "tag", 0, TF_NR_USER_TAGS - 1, 0, &v))
		return -1;
	op->tag = v;
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

static int parse_pgflags_op(struct line_ctx *c, const struct tf_machine *m, struct tf_op *op)
{
	struct word *w;
	long v;

	if (!m->pgflag_bits)
		return perr(c, "%s needs page-flag mode: pgflag_bits=1..%d in the machine line",
			    c->w[0].key, TF_PGF_MAX_BITS);
	switch (op->kind) {
	case TF_OP_TAGALLOC:
		if (get_cpu(c, m, op) || get_num(c, "order", 0, tf_machine_max_order(m), 0, &v))
			return -1;
		op->n = v;
		w = find_word(c, "gfp");
		if (w) {
			for (v = 0; v < TF_NR_GFP_CLASSES; v++)
				if (w->has_val && !strcmp(w->val, gfp_names[v]))
					break;
			if (v == TF_NR_GFP_CLASSES)
				return perr(c, "gfp=%s: must be kernel, atomic, nowait or memalloc",
					    w->val);
			op->gfp = v;
		}
		return parse_tagsel(c, op);
	case TF_OP_MOD_LOAD:
		if (get_num(c, "tags", 0, 65535, -1, &v))
			return -1;
		op->n = v;
		if (get_num(c, "align", 0, 1 << (TF_MAX_MOD_ALIGN_CODE - 1), 0, &v))
			return -1;
		if (v & (v - 1))
			return perr(c, "align=%ld: must be 0 or a power of two up to %d", v,
				    1 << (TF_MAX_MOD_ALIGN_CODE - 1));
		op->align_code = v ? 1 + __builtin_ctzl(v) : 0;
		if (get_num(c, "prepend", 0, 15 * TF_MOD_PREPEND_STEP, 0, &v))
			return -1;
		if (v % TF_MOD_PREPEND_STEP)
			return perr(c, "prepend=%ld: must be a multiple of %d", v, TF_MOD_PREPEND_STEP);
		op->prepend_code = v / TF_MOD_PREPEND_STEP;
		return 0;
	case TF_OP_MOD_UNLOAD:
		if (get_num(c, "idx", 0, 65535, 0, &v))
			return -1;
		op->n = v;
		return 0;
	case TF_OP_PGFLAG:
		if (get_cpu(c, m, op) || get_num(c, "idx", 0, 255, 0, &v))
			return -1;
		op->n = v;
		if (get_num(c, "page", 0, 15, 0, &v))
			return -1;
		op->page = v;
		if (get_num(c, "bit", 0, 63, -1, &v))
			return -1;
		if (v >= TF_PGF_NR_PAGEFLAGS && v < TF_PGF_NR_PAGEFLAGS + m->pgflag_bits)
			return perr(c, "bit=%ld is a tag index bit (%d..%d)", v, TF_PGF_NR_PAGEFLAGS,
				    TF_PGF_NR_PAGEFLAGS + m->pgflag_bits - 1);
		op->bit = v;
		if (find_word(c, "clear"))
			op->clear = true;
		else if (!find_word(c, "set"))
			return perr(c, "pgflag: say set or clear");
		return 0;
	case TF_OP_PROF_SHUTDOWN:
		return 0;
	case TF_OP_PROF_SYSCTL:
		if (find_word(c, "on"))
			op->n = 1;
		else if (!find_word(c, "off"))
			return perr(c, "prof_sysctl: say on or off");
		return 0;
	}
	return perr(c, "unknown op '%s'", c->w[0].key);
}

static int parse_pcp_op(struct line_ctx *c, const struct tf_machine *m, struct tf_op *op)
{
	long v;

	if (!m->pcp)
		return perr(c, "%s needs PCP mode: pcp=upstream or pcp=split in the machine line",
			    c->w[0].key);
	switch (op->kind) {
	case TF_OP_ISOLATE:
		if (get_num(c, "block", 0,
			    ((long)m->section_pages * m->nr_sections >> TF_PAGEBLOCK_ORDER) - 1, -1, &v))
			return -1;
		op->n = v;
		{
			struct word *u = find_word(c, "undo");

			if (u && u->has_val)
				return perr(c, "isolate: write undo alone, without a value");
			op->clear = u != NULL;
		}
		return 0;
	case TF_OP_FREE_BATCH:
		if (get_num(c, "count", 1, TF_MAX_FREE_BATCH, -1, &v))
			return -1;
		op->count = v;
		/* fall through */
	default:
		if (get_cpu(c, m, op) || get_num(c, "idx", 0, 65535, 0, &v))
			return -1;
		op->n = v;
		return 0;
	}
}

static int parse_op(struct line_ctx *c, const struct tf_machine *m, struct tf_op *op)
{
	const char *name = c->w[0].key;
	unsigned int max_order = tf_machine_max_order(m);
	long v;
	int kind;

	memset(op, 0, sizeof(*op));
	for (kind = 0; kind < TF_NR_ALLOC_KINDS; kind++) {
		if (!strcmp(name, alloc_names[kind]))
			break;
	}
	if (kind < TF_NR_ALLOC_KINDS) {
		struct word *g;

		op->kind = TF_OP_ALLOC;
		op->alloc_kind = kind;
		if (get_cpu(c, m, op) || get_tag(c, op, true))
			return -1;
		g = find_word(c, "gfp");
		if (g) {
			for (v = 0; v < TF_NR_GFP_CLASSES; v++)
				if (g->has_val && !strcmp(g->val, gfp_names[v]))
					break;
			if (v == TF_NR_GFP_CLASSES)
				return perr(c, "gfp=%s: must be kernel, atomic, nowait or memalloc",
					    g->val);
			op->gfp = v;
		}
		if (kind == TF_ALLOC_EXACT) {
			if (get_num(c, "pages", 1, exact_max_pages(m), -1, &v))
				return -1;
		} else if (kind == TF_ALLOC_BULK) {
			if (get_num(c, "nr", 1, TF_MAX_BULK, -1, &v))
				return -1;
		} else if (get_num(c, "order", 0, max_order, 0, &v)) {
			return -1;
		}
		op->n = v;
		return 0;
	}

	for (kind = 0; kind < TF_NR_OPS; kind++) {
		if (kind != TF_OP_ALLOC && !strcmp(name, op_names[kind]))
			break;
	}
	if (kind == TF_NR_OPS)
		return perr(c, "unknown op '%s'", name);
	op->kind = kind;

	switch (kind) {
	case TF_OP_FREE:
	case TF_OP_SPLIT:
	case TF_OP_FREE_EXACT:
	case TF_OP_MIGRATE:
		if (get_cpu(c, m, op) || get_num(c, "idx", 0, 65535, 0, &v))
			return -1;
		op->n = v;
		break;
	case TF_OP_PEXT_ONLINE:
		if (get_num(c, "section", 0, m->nr_sections - 1, -1, &v))
			return -1;
		op->n = v;
		break;
	case TF_OP_PEXT_INIT:
		break;
	case TF_OP_PRESSURE:
		if (get_num(c, "level", 0, TF_NR_PRESSURE - 1, -1, &v))
			return -1;
		op->n = v;
		break;
	case TF_OP_FAIL_NEXT:
		if (get_num(c, "n", 0, TF_MAX_FAIL_NEXT, -1, &v))
			return -1;
		op->n = v;
		if (get_num(c, "skip", 0, TF_MAX_FAIL_SKIP, 0, &v))
			return -1;
		if (v && !op->n)
			return perr(c, "fail_next: skip= needs n= above 0");
		op->skip = v;
		break;
	case TF_OP_CPU_UP:
		if (get_cpu(c, m, op) || get_num(c, "pages", 0, TF_MAX_SETUP_PAGES, 0, &v))
			return -1;
		op->n = v;
		break;
	case TF_OP_CPU_DOWN:
		if (get_cpu(c, m, op))
			return -1;
		break;
	case TF_OP_BURST:
		if (get_cpu(c, m, op) || get_tag(c, op, false) ||
		    get_num(c, "count", 1, TF_MAX_BURST, -1, &v))
			return -1;
		op->n = v;
		if (get_num(c, "order", 0, burst_max_order(m), 0, &v))
			return -1;
		op->order = v;
		if (get_num(c, "rounds", 1, TF_MAX_BURST_ROUNDS, 1, &v))
			return -1;
		op->rounds = v;
		if (get_num(c, "free", 0, 1, 0, &v))
			return -1;
		op->churn = v;
		break;
	case TF_OP_RUN:
		if (get_num(c, "first", 0, TF_MAX_CPUS - 1, 0, &v))
			return -1;
		op->first = v;
		if (get_num(c, "at", 0, 255, 0, &v))
			return -1;
		op->at = v;
		if (get_num(c, "at2", 0, 510, 0, &v))
			return -1;
		if (v && (!op->at || v <= op->at || v > op->at + 255))
			return perr(c, "run: at2=%ld needs at= and must lie in [at+1, at+255]", v);
		op->at2 = v;
		break;
	case TF_OP_PREEMPT:
		if (get_num(c, "at", 1, 65535, -1, &v))
			return -1;
		op->n = v;
		break;
	case TF_OP_START:
		return perr(c, "start needs an op after it: start alloc cpu=1 ...");
	case TF_OP_DRAIN: {
		struct word *all = find_word(c, "all");

		if (all) {
			if (all->has_val)
				return perr(c, "drain all takes no value");
			op->all = true;
		} else if (get_cpu(c, m, op)) {
			return -1;
		}
		break;
	}
	case TF_OP_ISOLATE:
	case TF_OP_FREE_BATCH:
	case TF_OP_FREE_NOLOCK:
		return parse_pcp_op(c, m, op);
	default:
		return parse_pgflags_op(c, m, op);
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
	snprintf(name, sizeof(name), "%s%s", op->async ? "start " : "",
		 op->kind == TF_OP_ALLOC ? alloc_names[op->alloc_kind] : op_names[op->kind]);
	return perr(c, "%s %s (what_if=smp-early-boot allows it)", name, rule);
}

static int check_unused(struct line_ctx *c)
{
	for (int i = 1; i < c->nr; i++) {
		if (!c->w[i].used)
			return perr(c, "%s: unexpected '%s'", c->w[0].key, c->w[i].key);
	}
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
		size_t len;

		c.lineno++;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(line))
			return perr(&c, "line longer than %zu characters", sizeof(line) - 1);
		memcpy(line, p, len);
		line[len] = '\0';
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
			/* get_num marks what it read; anything else is a typo. */
			for (int i = 1; i < c.nr; i++) {
				const char *k = c.w[i].key;

				if (strcmp(k, "section_pages") && strcmp(k, "sections") &&
				    strcmp(k, "cpus") && strcmp(k, "debug") &&
				    strcmp(k, "profiling") && strcmp(k, "wmark") &&
				    strcmp(k, "pgflag_bits") && strcmp(k, "kernel_tags") &&
				    strcmp(k, "pgflags_variant") && strcmp(k, "pcp") &&
				    strcmp(k, "tracker") && strcmp(k, "early_page_ext") &&
				    strcmp(k, "what_if"))
					return perr(&c, "machine: unexpected '%s'", k);
			}
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
