/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot phases: which ops a real kernel can run when.
 *
 * One table says what each op kind needs (phases.c); one state machine
 * walks a scenario's ops through the phases of its configuration.  The
 * byte decoder maps an op that cannot happen where it stands onto what
 * can, the text parser refuses it naming the rule, the runner checks
 * every scenario it is given, and the printer and the trace say in
 * which phase each op ran.  docs/fidelity.md "Execution contexts" has
 * the upstream lines behind every rule.
 */
#ifndef _TAGFUZZ_PHASES_H
#define _TAGFUZZ_PHASES_H

#include <stdbool.h>

#include "tagfuzz/ops.h"

enum tf_phase {
	TF_PHASE_EARLY,		/* start_kernel(): the boot CPU alone, IRQs off, RCU idle */
	TF_PHASE_SMP,		/* deferred page_ext: smp_init() done, page_ext_init() not begun */
	TF_PHASE_PEXT,		/* inside page_ext_init(): sections coming online */
	TF_PHASE_RUNTIME,	/* page_ext_init() has returned */
	TF_NR_PHASES
};

/* What an op needs before it can run where it stands. */
enum tf_phase_action {
	TF_PHASE_OK,		/* runs as written */
	TF_PHASE_RUN_NOW,	/* a start where only the boot CPU runs: the op runs at once */
	TF_PHASE_FINISH_PEXT,	/* page_ext_init() must return first: a pext_init goes before it */
};

struct tf_phase_state {
	enum tf_phase phase;
	bool early_config;	/* page_ext_init() from mm_core_init(), before smp_init() */
	bool what_if;		/* what_if=smp-early-boot: no order is refused */
	bool pext_init_started;	/* a started pext_init: runtime once the next run ends */
	/* Started since the last run: CPU hotplug, memory hotplug (never together). */
	bool started_cpu_hotplug, started_mem_hotplug;
};

void tf_phase_begin(struct tf_phase_state *st, const struct tf_machine *m);

/*
 * What @op needs in @st's phase; when it is not TF_PHASE_OK, *@rule says
 * why in a sentence that names the upstream order.
 */
enum tf_phase_action tf_phase_need(const struct tf_phase_state *st, const struct tf_op *op,
				   const char **rule);

/* Would what_if=smp-early-boot let @op run where @st stands (it is not on already)? */
bool tf_phase_what_if_allows(const struct tf_phase_state *st, const struct tf_op *op);

/* The phase @op runs in, @st being the one before it (pext ops: page_ext_init). */
enum tf_phase tf_op_phase(const struct tf_phase_state *st, const struct tf_op *op);

/* @op ran (or was started): move to the phase after it. */
void tf_phase_step(struct tf_phase_state *st, const struct tf_op *op);

/* Only the boot CPU can run in this phase. */
bool tf_phase_boot_cpu_only(const struct tf_phase_state *st);

/* Short name (early, smp, page_ext_init, runtime) and a line saying what runs. */
const char *tf_phase_name(enum tf_phase p);
const char *tf_phase_what(const struct tf_phase_state *st);

/* what_if=NAME: the mode, or -1. */
int tf_what_if_by_name(const char *name);
extern const char *const tf_what_if_names[TF_NR_WHAT_IF];

#endif /* _TAGFUZZ_PHASES_H */
