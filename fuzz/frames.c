// SPDX-License-Identifier: GPL-2.0
/*
 * The frames a fuzz target aborts through on a new finding, so that
 * ClusterFuzz(Lite), which tells crashes apart by the top three frames of
 * the stack it does not ignore (abort, libc, the sanitizer and libFuzzer
 * runtimes, LLVMFuzzerTestOneInput), keeps findings with different
 * signatures apart instead of filing every one as "tf_fuzz_one".
 *
 * The stack of a finding, innermost first:
 *
 *   abort
 *   tagfuzz_finding_<what>	the signature's oracle and invariant, or
 *				its check kind: tagfuzz_finding_model_ref_mismatch,
 *				tagfuzz_finding_pcp_stranded_llist_page,
 *				tagfuzz_finding_check_warn, tagfuzz_finding_diff_check
 *   tagfuzz_sighash_hi_XX	the high and low byte of a 16-bit hash of
 *   tagfuzz_sighash_lo_YY	the whole signature: its free text (a check's
 *				site, a class, the variants of a diff, the
 *				what-if suffix)
 *   tf_finding_abort
 *
 * The names depend on the signature only, never on the build: a finding
 * keeps its crash state from one build to the next, and two signatures
 * share one only if they share their first frame and their 16-bit hash.
 * Each frame is a function of its own that survives optimisation: not
 * inlined, a body that differs from every other one (it stores its own
 * name), and no tail call (the call to the next frame is through a pointer
 * and followed by a compiler barrier; the last one calls abort(), which
 * returns nowhere).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"
#include "run.h"
#include "tagfuzz/strmatch.h"

/* What each frame stores: its bodies differ, and a debugger can read it. */
static const char *volatile tf_frame_trail;

struct frame_chain {
	void (*finding)(void);
	void (*hi)(const struct frame_chain *c);
};

#define FRAME_FN	__attribute__((noinline, used))

/* --- the innermost frame: what the finding is ------------------------------ */

#define FINDING_FRAME(name)						\
static FRAME_FN void tagfuzz_finding_##name(void)			\
{									\
	tf_frame_trail = "tagfuzz_finding_" #name;			\
	abort();							\
}

/* Every signature of the registry (reference/oracle.c tf_sigs), by its name. */
#define SIG_FRAMES(X)							\
	X(TF_SIG_BOOT_ORDER, harness_boot_order)			\
	X(TF_SIG_BAD_PFN, model_bad_pfn)				\
	X(TF_SIG_PAGE_ALLOCATED_TWICE, model_page_allocated_twice)	\
	X(TF_SIG_FREE_MISMATCH, model_free_mismatch)			\
	X(TF_SIG_SPLIT_MISMATCH, model_split_mismatch)			\
	X(TF_SIG_PAGE_CONSERVATION, model_page_conservation)		\
	X(TF_SIG_FREE_LISTS, model_free_lists)				\
	X(TF_SIG_MISSING_CHECK, model_missing_check)			\
	X(TF_SIG_REF_MISMATCH, model_ref_mismatch)			\
	X(TF_SIG_PAGE_EXT_STATE, model_page_ext_state)			\
	X(TF_SIG_EARLY_REF_NOT_EMPTY, model_early_ref_not_empty)	\
	X(TF_SIG_EARLY_CLEAR_RACE, model_early_clear_race)		\
	X(TF_SIG_EARLY_RECORD_RACE, model_early_record_race)		\
	X(TF_SIG_COUNTER_MISMATCH, model_counter_mismatch)		\
	X(TF_SIG_INACCURATE_FLAG, model_inaccurate_flag)		\
	X(TF_SIG_TRACKER_TAG_DRIFT, model_tracker_tag_drift)		\
	X(TF_SIG_LEAKED_TRACKING_PAGE, model_leaked_tracking_page)	\
	X(TF_SIG_STRANDED_TRACKING_SLOTS, model_stranded_tracking_slots) \
	X(TF_SIG_PAGE_REF, model_page_ref)				\
	X(TF_SIG_UNPOISON_IN_USE, model_unpoison_in_use)		\
	X(TF_SIG_PGF_DECODE, model_pgflags_decode)			\
	X(TF_SIG_PGF_OTHER_BITS, model_pgflags_other_bits)		\
	X(TF_SIG_PGF_COUNTER_MISMATCH, model_pgflags_counter_mismatch)	\
	X(TF_SIG_PGF_UNUSED_TAG_COUNTED, model_pgflags_unused_tag_counted) \
	X(TF_SIG_PGF_CAPACITY, model_pgflags_capacity)			\
	X(TF_SIG_PGF_CAPACITY_REFUSED, model_pgflags_capacity_refused)	\
	X(TF_SIG_PGF_MODULE_REFUSED, model_pgflags_module_refused)	\
	X(TF_SIG_PGF_MODULE_AREA_REUSED, model_pgflags_module_area_reused) \
	X(TF_SIG_PGF_COUNTERS_UAF, model_pgflags_counters_use_after_free) \
	X(TF_SIG_PGF_COUNTERS_LIFETIME, model_pgflags_counters_lifetime) \
	X(TF_SIG_PCP_CONTAINERS, pcp_containers)			\
	X(TF_SIG_PCP_COUNT_MISMATCH, pcp_count_mismatch)		\
	X(TF_SIG_PCP_OWNED_BLOCKS_CORRUPT, pcp_owned_blocks_corrupt)	\
	X(TF_SIG_PCP_BUDDY_MISPLACED, pcp_pcp_buddy_misplaced)		\
	X(TF_SIG_PCP_OWNER_ON_FREE_BLOCK, pcp_owner_on_free_block)	\
	X(TF_SIG_PCP_ISOLATED_PAGE_ON_PCP, pcp_isolated_page_on_pcp)	\
	X(TF_SIG_PCP_DEAD_LISTS_NOT_EMPTY, pcp_dead_cpu_lists_not_empty) \
	X(TF_SIG_PCP_DEAD_OWNED_BLOCKS, pcp_dead_cpu_owned_blocks)	\
	X(TF_SIG_PCP_DEAD_LLIST_NOT_DRAINED, pcp_dead_cpu_llist_not_drained) \
	X(TF_SIG_PCP_STRANDED_AFTER_ONLINE, pcp_stranded_after_online)	\
	X(TF_SIG_PCP_STRANDED_LLIST_PAGE, pcp_stranded_llist_page)	\
	X(TF_SIG_PCP_LLIST_SURVIVES_DRAIN_ALL, pcp_llist_survives_drain_all) \
	X(TF_SIG_NUMA_PAGE_CONSERVATION, numa_page_conservation)	\
	X(TF_SIG_NUMA_REMOTE_ALLOC, numa_remote_alloc)			\
	X(TF_SIG_PCP_OFFLINED_PAGE_IN_CONTAINER, pcp_offlined_page_in_container) \
	X(TF_SIG_PCP_LOCK_HELD, pcp_lock_held)

/* check:KIND:SITE, by enum tf_check_kind */
#define CHECK_FRAMES(X)							\
	X(TF_CHECK_WARN, check_warn)					\
	X(TF_CHECK_BUG, check_bug)					\
	X(TF_CHECK_LIST, check_list)					\
	X(TF_CHECK_SLEEP, check_might_sleep)				\
	X(TF_CHECK_RECURSION, check_recursion)				\
	X(TF_CHECK_DEADLOCK, check_deadlock)				\
	X(TF_CHECK_BAD_PAGE, check_bad_page)

/* diff:BASE/OTHER:WHAT (fuzz/diff.c), by WHAT */
#define DIFF_FRAMES(X)							\
	X("check", diff_check)						\
	X("tag-state", diff_tag_state)					\
	X("counters", diff_counters)

#define DEF_FINDING(key, name)	FINDING_FRAME(name)
SIG_FRAMES(DEF_FINDING)
CHECK_FRAMES(DEF_FINDING)
DIFF_FRAMES(DEF_FINDING)
/* a signature none of the above knows (a new one that has no frame yet) */
FINDING_FRAME(unlisted)

struct finding_frame {
	void (*fn)(void);
	const char *name;
};

#define FRAME_ENTRY(name)	{ tagfuzz_finding_##name, "tagfuzz_finding_" #name }
#define INDEXED_ENTRY(key, name) [key] = FRAME_ENTRY(name),
static const struct finding_frame sig_frames[TF_NR_SIGS] = { SIG_FRAMES(INDEXED_ENTRY) };
static const struct finding_frame check_frames[] = { CHECK_FRAMES(INDEXED_ENTRY) };
#define DIFF_ENTRY(what, name)	{ what, FRAME_ENTRY(name) },
static const struct {
	const char *what;
	struct finding_frame frame;
} diff_frames[] = { DIFF_FRAMES(DIFF_ENTRY) };
static const struct finding_frame unlisted_frame = FRAME_ENTRY(unlisted);

/* --- the two frames below it: the signature's hash ------------------------- */

/* (the parameter is no hex digit: it would paste itself) */
#define HEX16(X, hi)							\
	X(hi##0) X(hi##1) X(hi##2) X(hi##3) X(hi##4) X(hi##5) X(hi##6) X(hi##7) \
	X(hi##8) X(hi##9) X(hi##a) X(hi##b) X(hi##c) X(hi##d) X(hi##e) X(hi##f)
#define HEX256(X)							\
	HEX16(X, 0) HEX16(X, 1) HEX16(X, 2) HEX16(X, 3)			\
	HEX16(X, 4) HEX16(X, 5) HEX16(X, 6) HEX16(X, 7)			\
	HEX16(X, 8) HEX16(X, 9) HEX16(X, a) HEX16(X, b)			\
	HEX16(X, c) HEX16(X, d) HEX16(X, e) HEX16(X, f)

#define HI_FRAME(x)							\
static FRAME_FN void tagfuzz_sighash_hi_##x(const struct frame_chain *c) \
{									\
	tf_frame_trail = "tagfuzz_sighash_hi_" #x;			\
	c->finding();							\
	asm volatile("" ::: "memory");					\
}
#define LO_FRAME(x)							\
static FRAME_FN void tagfuzz_sighash_lo_##x(const struct frame_chain *c) \
{									\
	tf_frame_trail = "tagfuzz_sighash_lo_" #x;			\
	c->hi(c);							\
	asm volatile("" ::: "memory");					\
}
HEX256(HI_FRAME)
HEX256(LO_FRAME)

#define HI_PTR(x)	tagfuzz_sighash_hi_##x,
#define LO_PTR(x)	tagfuzz_sighash_lo_##x,
static void (*const hi_frames[256])(const struct frame_chain *c) = { HEX256(HI_PTR) };
static void (*const lo_frames[256])(const struct frame_chain *c) = { HEX256(LO_PTR) };

/* --- which frames a signature takes ---------------------------------------- */

/* FNV-1a of the whole signature, folded to 16 bits. */
static unsigned int sig_hash(const char *sig)
{
	uint32_t h = 2166136261u;

	for (; *sig; sig++) {
		h ^= (unsigned char)*sig;
		h *= 16777619u;
	}
	return ((h >> 16) ^ h) & 0xffff;
}

/* The @n bytes at @s are @word. */
static bool token_is(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != word[i])
			return false;
	return !word[n];
}

static const struct finding_frame *finding_frame_of(const char *sig)
{
	const char *p, *end;
	size_t i, n;

	if (tf_str_starts(sig, "check:")) {
		p = sig + 6;
		for (end = p; *end && *end != ':'; end++)
			;
		for (i = 0; i < sizeof(check_frames) / sizeof(check_frames[0]); i++)
			if (check_frames[i].fn && token_is(p, end - p, tf_check_kind_name[i]))
				return &check_frames[i];
		return &unlisted_frame;
	}
	if (tf_str_starts(sig, "diff:")) {
		/* diff:BASE/OTHER:WHAT[ [what-if]] */
		for (p = end = sig; *end && *end != ' '; end++)
			if (*end == ':')
				p = end + 1;
		for (i = 0; i < sizeof(diff_frames) / sizeof(diff_frames[0]); i++)
			if (token_is(p, end - p, diff_frames[i].what))
				return &diff_frames[i].frame;
		return &unlisted_frame;
	}
	/* NAME, NAME [class], NAME [what-if]: registry names have no space */
	for (n = 0; sig[n] && sig[n] != ' '; n++)
		;
	for (i = 0; i < TF_NR_SIGS; i++)
		if (sig_frames[i].fn && token_is(sig, n, tf_sigs[i].name))
			return &sig_frames[i];
	return &unlisted_frame;
}

void tf_finding_frames(const char *sig, char names[3][TF_FRAME_NAME_LEN])
{
	unsigned int h = sig_hash(sig);

	snprintf(names[0], sizeof(names[0]), "%s", finding_frame_of(sig)->name);
	snprintf(names[1], sizeof(names[1]), "tagfuzz_sighash_hi_%02x", h >> 8);
	snprintf(names[2], sizeof(names[2]), "tagfuzz_sighash_lo_%02x", h & 0xff);
}

void tf_finding_abort(const char *sig)
{
	struct frame_chain c;
	char names[3][TF_FRAME_NAME_LEN];
	unsigned int h = sig_hash(sig);

	tf_finding_frames(sig, names);
	fprintf(stderr, "==tagfuzz== crash state: %s %s %s\n", names[0], names[1], names[2]);
	fflush(stderr);
	c.finding = finding_frame_of(sig)->fn;
	c.hi = hi_frames[h >> 8];
	lo_frames[h & 0xff](&c);
	abort();	/* not reached: the innermost frame aborts */
}
