// SPDX-License-Identifier: GPL-2.0
/*
 * Page-flag tag references (issue 6): the encoding and its capacity
 * checks, tested from the code's stated intent -- what fits must round-
 * trip, what does not fit must be refused -- in both variants (current
 * upstream, seed 003 v3).
 *
 * An index fits when it is at most the mask, (1 << bits) - 1, and when
 * pgalloc_tag_idx (u16) can hold it.  Kernel tag i has index 2 + i; the
 * module area's tag s has index 2 + count + s.
 *
 * Where the faithful port departs from that intent the departure is a
 * finding (docs/findings.md): each test lists the departures it allows,
 * by finding id, and fails on any other -- and also when a listed one no
 * longer happens, so a fix upstream shows up here first.
 */
#include <setjmp.h>

#include <linux/err.h>
#include <linux/module.h>
#include <linux/pgalloc_tag.h>

#include "tagfuzz/events.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/ops.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/pgflags_sim.h"
#include "tagfuzz/sim.h"
#include "test.h"

bool tags_addressable(void);

static struct tf_machine M;
static struct {
	int nr_checks, nr_printk;
	char check_site[128];
	int last_module_slot;	/* from the load event, -1: failed */
} rec;

static void record(const struct tf_event *ev)
{
	switch (ev->kind) {
	case TF_EV_CHECK:
		rec.nr_checks++;
		snprintf(rec.check_site, sizeof(rec.check_site), "%s", ev->site);
		break;
	case TF_EV_PRINTK:
		rec.nr_printk++;
		break;
	case TF_EV_PGF:
		if (ev->section == TF_PGF_EV_MODULE_LOAD)
			rec.last_module_slot = ev->pfn2 ? (int)ev->pfn : -2;
		else if (ev->section == TF_PGF_EV_MODULE_FAILED)
			rec.last_module_slot = -1;
		break;
	default:
		break;
	}
}

static jmp_buf jb;

static void pgf_boot(unsigned int bits, uint32_t ktags, unsigned int variant)
{
	M = (struct tf_machine){
		.section_pages = 16, .nr_sections = 1, .nr_cpus = 2, .debug = true,
		.profiling = true, .pgflag_bits = bits, .kernel_tags = ktags,
		.pgflags_variant = variant,
	};
	memset(&rec, 0, sizeof(rec));
	tf_event_sink = record;
	tf_bug_jmp = &jb;
	tf_sim_set_machine(&M);
	tf_machine_boot(&M);
}

static void pgf_end(void)
{
	tf_event_sink = NULL;
	tf_bug_jmp = NULL;
}

#define PGF_BEGIN()							\
	if (setjmp(jb)) {						\
		pgf_end();						\
		fprintf(stderr, "  %s:%d: BUG in the port: %s\n",	\
			__FILE__, __LINE__, rec.check_site);		\
		return false;						\
	}

static unsigned long max_fitting_index(unsigned int bits)
{
	unsigned long mask = (1UL << bits) - 1;

	return mask < 0xffff ? mask : 0xffff;
}

/* The port indexes tags (and profiles) after boot. */
static bool indexing(void)
{
	struct tf_pgf_state st = tf_observe_pgf_state();

	return st.compressed && st.support && st.profiling;
}

/*
 * One reference through the port: update_page_tag_ref() into page 0's
 * flags (their other bits set to @other), get_page_tag_ref() back.
 * True when the same reference comes back and no other bit moved.
 */
static bool round_trip(struct codetag *ct, unsigned long other, struct codetag **got)
{
	struct page *page = pfn_to_page(0);
	unsigned long field = alloc_tag_ref_mask << alloc_tag_ref_offs;
	union pgtag_ref_handle handle = { .page = page };
	union codetag_ref ref = { .ct = ct }, back;

	page->flags = other & ~field;
	update_page_tag_ref(handle, &ref);
	if ((page->flags & ~field) != (other & ~field))
		return false;
	if (!get_page_tag_ref(page, &back, &handle))
		return false;
	put_page_tag_ref(handle);
	*got = back.ct;
	return back.ct == ct;
}

static unsigned long pattern(unsigned int i)
{
	return 0x9e3779b97f4a7c15UL * (i + 1);
}

/* ------------------------------------------------------------------ */
/* The layout                                                          */
/* ------------------------------------------------------------------ */

/* The tag index sits in the bits the page flags leave unused, right below LRU_REFS. */
static bool test_pgf_layout(void)
{
	PGF_BEGIN();
	for (unsigned int bits = 1; bits <= TF_PGF_MAX_BITS; bits++) {
		pgf_boot(bits, 1, TF_PGF_CURRENT);
		ASSERT_EQ(NR_UNUSED_PAGEFLAG_BITS, bits);
		ASSERT_EQ(NR_NON_PAGEFLAG_BITS + NR_PAGEFLAGS + bits, BITS_PER_LONG);
		ASSERT_EQ(alloc_tag_ref_offs, NR_PAGEFLAGS);
		ASSERT_EQ(alloc_tag_ref_offs + bits, LRU_REFS_PGOFF);
		ASSERT_EQ(alloc_tag_ref_mask, (1UL << bits) - 1);
		ASSERT_EQ(alloc_tag_ref_mask << alloc_tag_ref_offs, tf_pgf_tag_field(bits));
		/* Boot stamps the zone and LAST_CPUPID, and no tag. */
		ASSERT_EQ(pfn_to_page(3)->flags, tf_pgf_boot_flags(bits));
		ASSERT_EQ(pfn_to_page(3)->flags & tf_pgf_tag_field(bits), 0);
		ASSERT_EQ(sizeof(pgalloc_tag_idx), 2);
	}
	pgf_end();
	return true;
}

/* ------------------------------------------------------------------ */
/* Kernel tags: alloc_tag_sec_init()'s check and the encoding           */
/* ------------------------------------------------------------------ */

/* Counts a test tries with @bits: both sides of each capacity boundary. */
static int kernel_counts(unsigned int bits, uint32_t *out)
{
	long cap = 1L << bits, cand[] = {
		0, 1, 2, 3, cap - 3, cap - 2, cap - 1, cap, cap + 1, cap + 2,
		65533, 65534, 65535, 65536, 65537,
	};
	int n = 0;

	for (size_t i = 0; i < ARRAY_LEN(cand); i++) {
		bool dup = false;

		if (cand[i] < 0 || cand[i] >= TF_PGF_MAX_KERNEL_TAGS)
			continue;
		for (int k = 0; k < n; k++)
			dup |= out[k] == (uint32_t)cand[i];
		if (!dup)
			out[n++] = cand[i];
	}
	return n;
}

/*
 * The departures the faithful port shows, by finding:
 * F9  alloc_tag_sec_init() accepts count == 1 << bits and count == (1 << bits) - 1
 *     ("count > 1 << bits" forgets the two reserved indexes);
 * F10 with more than 16 bits it accepts counts whose indexes pass 65535,
 *     which pgalloc_tag_idx (u16) cannot hold.
 */
static const char *kernel_departure(unsigned int bits, uint32_t count)
{
	if (count >= 0xffff && count <= (1UL << bits))
		return "F10";
	if (count + 2 > (1UL << bits) && count <= (1UL << bits))
		return "F9";
	return NULL;
}

static bool kernel_capacity(unsigned int variant)
{
	int seen_f9 = 0, seen_f10 = 0;
	uint32_t counts[16];

	PGF_BEGIN();
	for (unsigned int bits = 1; bits <= TF_PGF_MAX_BITS; bits++) {
		int nr = kernel_counts(bits, counts);

		for (int c = 0; c < nr; c++) {
			uint32_t count = counts[c];
			bool fits = !count || count + 1 <= max_fitting_index(bits);
			const char *dep = kernel_departure(bits, count);
			bool accepted;

			pgf_boot(bits, count, variant);
			accepted = variant == TF_PGF_V3 ? static_key_enabled(&mem_profiling_compressed) :
				   indexing();
			if (accepted == fits)
				continue;
			if (!dep || !accepted) {
				fprintf(stderr, "  bits %u, %u kernel tags: %s, %s\n", bits, count,
					fits ? "fits" : "does not fit",
					accepted ? "accepted" : "refused");
				pgf_end();
				return false;
			}
			/* What the departure costs: the last tag does not come back. */
			struct codetag *got;

			ASSERT_FALSE(round_trip(&kernel_tags.first_tag[count - 1].ct, 0, &got));
			seen_f9 += !strcmp(dep, "F9");
			seen_f10 += !strcmp(dep, "F10");
		}
	}
	pgf_end();
	ASSERT_TRUE(seen_f9 > 0);
	ASSERT_TRUE(seen_f10 > 0);
	return true;
}

static bool test_pgf_kernel_capacity_current(void)
{
	return kernel_capacity(TF_PGF_CURRENT);
}

static bool test_pgf_kernel_capacity_v3(void)
{
	return kernel_capacity(TF_PGF_V3);
}

/* Refused: current upstream shuts profiling down; v3 falls back to page_ext. */
static bool test_pgf_refusal_forms(void)
{
	struct tf_pgf_state st;

	PGF_BEGIN();
	pgf_boot(6, 100, TF_PGF_CURRENT);
	st = tf_observe_pgf_state();
	ASSERT_FALSE(st.profiling);
	ASSERT_FALSE(st.support);
	ASSERT_TRUE(rec.nr_printk > 0);

	pgf_boot(6, 100, TF_PGF_V3);
	st = tf_observe_pgf_state();
	ASSERT_FALSE(st.compressed);
	ASSERT_TRUE(st.profiling);
	ASSERT_TRUE(st.support);
	/* page_ext carries the references from boot: an allocation is tagged there. */
	tf_sim_exec(&(struct tf_op){ .kind = TF_OP_TAGALLOC, .tagsel = 7 });
	for (unsigned long pfn = 0; pfn < tf_observe_nr_pages(); pfn++) {
		struct tf_ref_obs o = tf_observe_ref(pfn);

		if (o.state == TF_REF_TAG && o.tag == TF_TAG_ID_KERNEL + 7) {
			/* ... and the flags hold no index. */
			ASSERT_EQ(pfn_to_page(pfn)->flags & tf_pgf_tag_field(6), 0);
			pgf_end();
			return true;
		}
	}
	pgf_end();
	return false;
}

/*
 * Exhaustively, for small widths: with the most kernel tags that fit,
 * every kernel tag, NULL and EMPTY round-trip, whatever the other bits.
 */
static bool test_pgf_round_trip_every_tag(void)
{
	PGF_BEGIN();
	for (unsigned int variant = 0; variant < TF_PGF_NR_VARIANTS; variant++) {
		for (unsigned int bits = 2; bits <= 12; bits++) {
			uint32_t count = (1u << bits) - 2;
			struct codetag *got;

			pgf_boot(bits, count, variant);
			ASSERT_TRUE(static_key_enabled(&mem_profiling_compressed));
			ASSERT_TRUE(mem_alloc_profiling_enabled());
			for (uint32_t i = 0; i < count; i++)
				ASSERT_TRUE(round_trip(&kernel_tags.first_tag[i].ct, pattern(i), &got));
			ASSERT_TRUE(round_trip(NULL, pattern(1), &got));
			ASSERT_TRUE(round_trip(CODETAG_EMPTY, pattern(2), &got));
			/* The index is where the layout says, and what ref_to_idx() gave. */
			round_trip(&kernel_tags.first_tag[count - 1].ct, 0, &got);
			ASSERT_EQ((pfn_to_page(0)->flags >> NR_PAGEFLAGS) & alloc_tag_ref_mask,
				  count + 1);
		}
	}
	pgf_end();
	return true;
}

/* Above 16 bits, the largest count that fits the index type round-trips too. */
static bool test_pgf_round_trip_wide(void)
{
	PGF_BEGIN();
	for (unsigned int bits = 16; bits <= TF_PGF_MAX_BITS; bits += 4) {
		uint32_t count = 0xffff - 1;	/* indexes up to 65535 */
		struct codetag *got;

		pgf_boot(bits, count, TF_PGF_CURRENT);
		ASSERT_TRUE(indexing());
		for (uint32_t i = 0; i < count; i += 257)
			ASSERT_TRUE(round_trip(&kernel_tags.first_tag[i].ct, pattern(i), &got));
		ASSERT_TRUE(round_trip(&kernel_tags.first_tag[count - 1].ct, pattern(3), &got));
	}
	pgf_end();
	return true;
}

/* ------------------------------------------------------------------ */
/* Module tags: reservation, alignment, tags_addressable()             */
/* ------------------------------------------------------------------ */

static struct alloc_tag *module_tag(unsigned int slot)
{
	return &module_tags.first_tag[slot];
}

/*
 * Modules growing the area one tag at a time past the capacity: intent,
 * the area's last index 1 + count + high-water fits -> profiling stays;
 * does not fit -> profiling stops.  F11: tags_addressable() ("<" where
 * "<=" is meant) also stops it when the last index equals the mask.
 */
static bool module_capacity(unsigned int variant)
{
	int seen_f11 = 0;

	PGF_BEGIN();
	for (unsigned int bits = 3; bits <= 10; bits++) {
		unsigned long mask = (1UL << bits) - 1;

		for (uint32_t count = 0; count + 2 <= mask; count += (1u << bits) / 4 + 1) {
			/* One module, one tag larger each time: the area grows by one. */
			unsigned long n0 = mask - 1 - count > 3 ? mask - 1 - count - 2 : 1;

			pgf_boot(bits, count, variant);
			for (unsigned long n = n0; indexing(); n++) {
				unsigned long last = 1 + count + n;
				bool fits = last <= max_fitting_index(bits);

				tf_pgf_module_load(n, 0, 0);
				ASSERT_EQ(rec.last_module_slot, 0);
				ASSERT_EQ(module_tags.size, n * sizeof(struct alloc_tag));
				if (fits == indexing()) {
					struct codetag *got;

					if (fits)	/* and its last tag round-trips */
						ASSERT_TRUE(round_trip(&module_tag(n - 1)->ct,
								       pattern(n), &got));
					tf_pgf_module_unload(0);
					continue;
				}
				if (fits && last == mask) {
					seen_f11++;
					break;
				}
				fprintf(stderr, "  bits %u, %u kernel tags, area of %lu: %s, %s\n",
					bits, count, n, fits ? "fits" : "does not fit",
					indexing() ? "accepted" : "refused");
				pgf_end();
				return false;
			}
		}
	}
	pgf_end();
	ASSERT_TRUE(seen_f11 > 0);
	return true;
}

static bool test_pgf_module_capacity_current(void)
{
	return module_capacity(TF_PGF_CURRENT);
}

static bool test_pgf_module_capacity_v3(void)
{
	return module_capacity(TF_PGF_V3);
}

/*
 * Module tags round-trip through the page flags: indexes continue after
 * the kernel tags, across modules, prepend padding and a released range.
 */
static bool test_pgf_module_round_trip(void)
{
	struct codetag *got;

	PGF_BEGIN();
	pgf_boot(12, 300, TF_PGF_CURRENT);
	tf_pgf_module_load(5, 8, 20);	/* prepend 20 -> one tag's worth */
	ASSERT_EQ(rec.last_module_slot, 1);
	tf_pgf_module_load(7, 0, 0);
	ASSERT_EQ(rec.last_module_slot, 6);
	tf_pgf_module_load(3, 4, 100);	/* prepend 100 -> 120 bytes, three tags */
	ASSERT_EQ(rec.last_module_slot, 16);
	for (unsigned int s = 1; s < 19; s++) {
		if (s == 13 || s == 14 || s == 15)
			continue;	/* prepend padding */
		ASSERT_TRUE(round_trip(&module_tag(s)->ct, pattern(s), &got));
	}
	/* An unused module goes; its range (and its padding) is free for the next. */
	tf_pgf_module_unload(1);
	tf_pgf_module_load(7, 0, 0);
	ASSERT_EQ(rec.last_module_slot, 6);
	ASSERT_TRUE(round_trip(&module_tag(12)->ct, pattern(9), &got));
	ASSERT_TRUE(indexing());
	pgf_end();
	return true;
}

/*
 * Alignment: tag indexing needs sizeof(struct alloc_tag) (40) to be a
 * multiple of the alignment.  Current upstream refuses the module and
 * shuts profiling down; v3 refuses the module only.  F12: v3 refuses it
 * even after falling back to page_ext, where alignment does not matter.
 */
static bool test_pgf_module_alignment(void)
{
	struct tf_pgf_state st;

	PGF_BEGIN();
	for (unsigned int variant = 0; variant < TF_PGF_NR_VARIANTS; variant++) {
		for (unsigned int align = 1; align <= 128; align <<= 1) {
			bool ok = 40 % align == 0;

			pgf_boot(10, 10, variant);
			tf_pgf_module_load(4, align, 0);
			st = tf_observe_pgf_state();
			ASSERT_EQ(rec.last_module_slot >= 0, ok);
			ASSERT_EQ(st.profiling, ok || variant == TF_PGF_V3);
			ASSERT_EQ(st.support, ok || variant == TF_PGF_V3);
		}
	}
	/* F12: v3 after its fall-back (100 kernel tags do not fit 6 bits). */
	pgf_boot(6, 100, TF_PGF_V3);
	ASSERT_FALSE(static_key_enabled(&mem_profiling_compressed));
	tf_pgf_module_load(4, 16, 0);
	ASSERT_EQ(rec.last_module_slot, -1);
	/* Current upstream in the same state would not index at all: align is free. */
	pgf_end();
	return true;
}

/* F12 again: v3's tags_addressable() still counts bits after the fall-back. */
static bool test_pgf_v3_fallback_addressable(void)
{
	PGF_BEGIN();
	pgf_boot(6, 100, TF_PGF_V3);
	ASSERT_TRUE(mem_alloc_profiling_enabled());
	ASSERT_FALSE(tags_addressable());	/* intent: page_ext addresses every tag */
	tf_pgf_module_load(1, 0, 0);
	ASSERT_TRUE(rec.last_module_slot >= 0);
	ASSERT_FALSE(mem_alloc_profiling_enabled());
	pgf_end();
	return true;
}

/*
 * Unloading with live bytes keeps the range as "unloaded"; once they are
 * freed, the cleanup that runs when no free area is left releases it.
 */
static bool test_pgf_module_unloaded_keeps_range(void)
{
	PGF_BEGIN();
	pgf_boot(20, 10, TF_PGF_CURRENT);
	tf_pgf_module_load(1000, 0, 0);
	ASSERT_EQ(rec.last_module_slot, 0);
	tf_sim_exec(&(struct tf_op){ .kind = TF_OP_TAGALLOC,
				     .tagsel = TF_PGF_SEL_MODULE << 14 | 2 });
	tf_pgf_module_unload(0);
	/* The area still holds mod0's tags: a new module goes after them. */
	tf_pgf_module_load(4, 0, 0);
	ASSERT_EQ(rec.last_module_slot, 1000);
	tf_pgf_module_unload(0);
	/* Too large for what is left while the unloaded range holds bytes. */
	tf_pgf_module_load(99000, 0, 0);
	ASSERT_EQ(rec.last_module_slot, -1);
	/* Its page freed, the range is unused: the cleanup releases it. */
	tf_sim_exec(&(struct tf_op){ .kind = TF_OP_FREE, .n = 0 });
	tf_pgf_module_load(99000, 0, 0);
	ASSERT_EQ(rec.last_module_slot, 0);
	ASSERT_TRUE(indexing());
	pgf_end();
	return true;
}

/*
 * page_ext lookups are not needed in the compressed mode: page_ext has no
 * table, the early-PFN tracker records nothing even when called, and the
 * tags are in the page flags from the first allocation.
 */
static bool test_pgf_tracker_stays_out(void)
{
	struct tf_tracker_page pages[4];

	PGF_BEGIN();
	for (unsigned int variant = 0; variant < TF_PGF_NR_VARIANTS; variant++) {
		pgf_boot(10, 50, variant);
		ASSERT_TRUE(static_key_enabled(&mem_profiling_compressed));
		for (unsigned long pfn = 0; pfn < tf_observe_nr_pages(); pfn++)
			ASSERT_EQ(tf_observe_ref(pfn).state, TF_REF_NO_EXT);
		alloc_tag_add_early_pfn(3, 0);
		tf_sim_exec(&(struct tf_op){ .kind = TF_OP_TAGALLOC, .tagsel = 4 });
		tf_sim_exec(&(struct tf_op){ .kind = TF_OP_PEXT_INIT });
		ASSERT_EQ(tf_observe_tracker_pages(pages, 4), 0);
		for (unsigned long pfn = 0; pfn < tf_observe_nr_pages(); pfn++)
			ASSERT_EQ(tf_observe_ref(pfn).state, TF_REF_NO_EXT);
		ASSERT_EQ(tf_observe_pgf(0).state, TF_REF_TAG);
		ASSERT_EQ(tf_observe_pgf(0).tag, TF_TAG_ID_KERNEL + 4);
		ASSERT_EQ(rec.nr_checks, 0);
	}
	pgf_end();
	return true;
}

int proc_mem_profiling_write(bool on);

/*
 * The vm.mem_profiling sysctl.  Refused in debug builds and (current
 * upstream) after a shutdown.  F13: turning profiling back on does not
 * check what was loaded while it was off, so module tags that do not fit
 * come into use (current: loaded with profiling off; v3: also after its
 * own check turned profiling off).
 */
static bool test_pgf_sysctl(void)
{
	struct codetag *got;

	PGF_BEGIN();
	for (unsigned int variant = 0; variant < TF_PGF_NR_VARIANTS; variant++) {
		pgf_boot(8, 200, variant);	/* debug */
		ASSERT_NE(proc_mem_profiling_write(false), 0);
		ASSERT_TRUE(mem_alloc_profiling_enabled());

		M.debug = false;
		M.profiling = variant == TF_PGF_CURRENT ? false : true;
		tf_sim_set_machine(&M);
		tf_machine_boot(&M);
		tf_pgf_module_load(100, 0, 0);	/* indexes up to 1 + 200 + 100 > 255 */
		ASSERT_EQ(rec.last_module_slot, 0);
		ASSERT_FALSE(mem_alloc_profiling_enabled());
		/* F13: accepted although the area's tags do not fit. */
		ASSERT_EQ(proc_mem_profiling_write(true), 0);
		ASSERT_TRUE(mem_alloc_profiling_enabled());
		ASSERT_FALSE(round_trip(&module_tag(99)->ct, 0, &got));
		ASSERT_TRUE(round_trip(&module_tag(50)->ct, 0, &got));
	}
	/* Current upstream: no way back after a shutdown. */
	M.pgflags_variant = TF_PGF_CURRENT;
	M.profiling = true;
	tf_sim_set_machine(&M);
	tf_machine_boot(&M);
	tf_pgf_shutdown();
	ASSERT_EQ(proc_mem_profiling_write(true), -EINVAL);
	ASSERT_FALSE(mem_alloc_profiling_enabled());
	pgf_end();
	return true;
}

const struct test_case tests_pgflags[] = {
	TEST(test_pgf_sysctl),
	TEST(test_pgf_tracker_stays_out),
	TEST(test_pgf_layout),
	TEST(test_pgf_kernel_capacity_current),
	TEST(test_pgf_kernel_capacity_v3),
	TEST(test_pgf_refusal_forms),
	TEST(test_pgf_round_trip_every_tag),
	TEST(test_pgf_round_trip_wide),
	TEST(test_pgf_module_capacity_current),
	TEST(test_pgf_module_capacity_v3),
	TEST(test_pgf_module_round_trip),
	TEST(test_pgf_module_alignment),
	TEST(test_pgf_v3_fallback_addressable),
	TEST(test_pgf_module_unloaded_keeps_range),
};
const size_t nr_tests_pgflags = ARRAY_LEN(tests_pgflags);
