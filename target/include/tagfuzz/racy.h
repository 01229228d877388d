/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named racy accesses: the ThreadSanitizer stress (fuzz/tsan.supp) lets a
 * race through only where the access on one side is one of these.  Every
 * race the port accepts by design, or keeps as a known finding, has its
 * access in a function of its own, tf_racy_NAME(), and fuzz/tsan.supp
 * names that function and nothing else: a new race in the kernel function
 * around it, or on the same word from anywhere else, is still reported.
 * (ThreadSanitizer has no pair syntax: a suppression matches a race when
 * the access on either side matches, so one side is as narrow as it gets.)
 *
 * tf_data_race(NAME, x): the kernel's data_race(x) with a name, for a
 * plain read of x that races on purpose; its value is that of x, read in
 * tf_racy_NAME(), which TF_RACY_READ(NAME, type) defines (the glue of the
 * kernel file, or the shim).  Call wrappers (the early clear's ref
 * accessors, page_ext's table zeroing, seed 004's flag writes) are
 * defined by the glue of their file.
 *
 * Probes, stress build only: `stress --probe NAME` sets tf_racy_probe, and
 * the site of tf_racy_NAME() then makes the same access plainly, in the
 * caller's own frame, instead of through tf_racy_NAME(): a new race in the
 * same function, which the stress must report (tests/tsan_narrow.sh).  Not
 * as well as the named access: ThreadSanitizer stops watching a word once
 * it has seen a race on it, reported or suppressed.
 */
#ifndef _TAGFUZZ_RACY_H
#define _TAGFUZZ_RACY_H

enum tf_racy_probe {
	TF_PROBE_none,
	TF_PROBE_clear_get_ref,		/* F5 */
	TF_PROBE_clear_update_ref,	/* F5 */
	TF_PROBE_wmark_nr_free,
	TF_PROBE_zone_set_wmarks,
	TF_PROBE_page_type_offline,
	TF_PROBE_commit_high_min,
	TF_PROBE_drain_pcp_count,
	TF_PROBE_page_ext_zero,		/* F7 */
	TF_PROBE_set_inaccurate,	/* F8 */
	TF_PROBE_pcp_flags_set_dead,	/* F17 */
	TF_PROBE_pcp_flags_clear_dead,	/* F17 */
	NR_TF_PROBES
};

#ifdef TF_REAL_THREADS
/* A function fuzz/tsan.supp names with race_top: never inlined there. */
#define __tf_tsan_frame	__attribute__((__noinline__))
extern int tf_racy_probe;
#define tf_racy_probe_on(name)	__builtin_expect(tf_racy_probe == TF_PROBE_##name, 0)
#else
#define __tf_tsan_frame
#define tf_racy_probe_on(name)	0
#endif

#define TF_RACY_READ(name, type)						\
static __attribute__((__noinline__)) type tf_racy_##name(const type *p)	\
{										\
	return *p;								\
}

/* The probe's read is volatile only so that it stays a load of its own. */
#define tf_data_race(name, x)							\
	(tf_racy_probe_on(name) ? *(volatile __typeof__(x) *)&(x) : tf_racy_##name(&(x)))

#endif /* _TAGFUZZ_RACY_H */
