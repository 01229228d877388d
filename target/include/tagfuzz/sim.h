/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated machine as the harness drives it: boot it from a
 * scenario header, run ops on it as the kernel's callers would, and tear
 * it down so that everything allocated is given back.
 */
#ifndef _TAGFUZZ_SIM_H
#define _TAGFUZZ_SIM_H

#include <setjmp.h>

#include "tagfuzz/events.h"
#include "tagfuzz/ops.h"

/* Narration (TF_EV_NOTE) is formatted only when this is set. */
extern bool tf_trace_enabled;

/*
 * Where a BUG unwinds to.  The harness sets it around every call into
 * the machine; a BUG ends the scenario.
 */
extern tf_thread_local jmp_buf *tf_bug_jmp;

/* The machine the next boot builds (callers.c). */
void tf_sim_set_machine(const struct tf_machine *m);
void tf_machine_boot(const struct tf_machine *m);
void tf_sim_exec(const struct tf_op *op);
/*
 * The scenario op being issued (-1: boot, teardown), and the op whose body
 * runs now: that op, or in a run of started ops the one the running CPU
 * started (its own index, whichever op ran the group).  The cause
 * journal's tf_jrec.body.
 */
void tf_sim_set_op(long op);
long tf_sim_body(void);
/*
 * An op of kind @kind runs on the control CPU (0) whatever its cpu
 * operand: hotplug control, page_ext and memory hotplug ops.
 */
bool tf_op_kind_on_control_cpu(enum tf_op_kind kind);
/* Finish boot if needed, free every allocation, take CPUs down, drain. */
void tf_sim_teardown(void);
size_t tf_sim_nr_live(void);

void tf_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The scheduler's narration, for tf_sched_trace_sink (nothing when it is NULL). */
void tf_sched_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The machine's parts, reset or driven by machine.c, callers.c and the runner. */
void tf_sim_set_machine(const struct tf_machine *m);		/* callers.c */
void tf_callers_reset(void);					/* callers.c */
void tf_sim_page_ext_init_early(void);				/* callers.c */
void tf_fault_reset(void);					/* fault.c */
void tf_fault_fail_next(unsigned int n, unsigned int skip);	/* fault.c */
void tf_harness_lock(void);					/* machine.c */
void tf_harness_unlock(void);					/* machine.c */
void tf_machine_pressure(const struct tf_machine *m, unsigned int level); /* machine.c */

/* The codetag registry (tags.c): stable ids for events and observers. */
struct alloc_tag;
void tf_tags_reset(void);
int tf_tag_id(const struct alloc_tag *tag);
struct alloc_tag *tf_tag_by_id(int id);

#endif /* _TAGFUZZ_SIM_H */
