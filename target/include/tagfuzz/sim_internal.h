/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the simulated machine (target/sim/) call in one
 * another: resets at boot, the harness lock, fault injection, the tag
 * registry.  Harness-only; fuzz/, reference/ and tests/ use tagfuzz/sim.h.
 */
#ifndef _TAGFUZZ_SIM_INTERNAL_H
#define _TAGFUZZ_SIM_INTERNAL_H

#include <stdbool.h>

struct alloc_tag;
struct tf_machine;

/* machine.c: serialises harness-side state against the CPUs. */
void tf_harness_lock(void);
void tf_harness_unlock(void);
/*
 * machine.c: the stress build maps fresh memory over the simulated
 * memory at each boot (page-aligned, whole pages), which resets what
 * ThreadSanitizer saw there.  A no-op elsewhere.
 */
#define __tf_forgettable	__attribute__((aligned(4096)))
void tf_tsan_forget(void *addr, unsigned long size);
/* machine.c: a pressure op's watermark level. */
void tf_machine_pressure(const struct tf_machine *m, unsigned int level);

/* fault.c */
void tf_fault_reset(void);
void tf_fault_fail_next(unsigned int n, unsigned int skip);

/* callers.c */
void tf_callers_reset(void);
void tf_sim_page_ext_init_early(void);

/* tags.c: tag ids for events and observations, and back. */
void tf_tags_reset(void);
int tf_tag_id(const struct alloc_tag *tag);
struct alloc_tag *tf_tag_by_id(int id);

/* pgflags.c: the same for kernel section and module area tags. */
bool tf_pgf_tag_id(const struct alloc_tag *tag, int *id);
struct alloc_tag *tf_pgf_tag_by_id(int id);

#endif /* _TAGFUZZ_SIM_INTERNAL_H */
