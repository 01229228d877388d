// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario runner: boot the machine, run each op, let the oracles
 * (reference/oracle.h) check what the op touched, tear down, check
 * everything.  Kernel checks and oracle disagreements become findings
 * with stable signatures.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "interleave.h"
#include "journal.h"
#include "mutator.h"
#include "phases.h"
#include "oracle.h"
#include "run.h"
#include "status.h"
#include "trace.h"
#include "tagfuzz/events.h"
#include "tagfuzz/names.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/sched.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/strmatch.h"
#include "tagfuzz/variants.h"

static struct tf_verdict *cur_v;
static const struct tf_run_opts *cur_o;
static long cur_op;
static bool cur_booting;	/* no op has started: op -1 is boot */
static bool cur_end;		/* the ops are over, the teardown has not begun */
static bool stop_now;
static bool cur_what_if;	/* the machine runs a what-if mode */
static bool cur_booted;		/* the machine is up: the trace may read its state */
static int cur_ev_cpu;		/* the CPU of the last event */
/* The oracles this run's machine has, in tf_oracles[] order. */
static const struct tf_oracle *oracles[TF_NR_ORACLES];
static size_t nr_oracles;

#define for_each_oracle(o, i)						\
	for ((i) = 0; (i) < nr_oracles && ((o) = oracles[(i)], true); (i)++)

const char *const tf_check_kind_name[] = {
	[TF_CHECK_WARN] = "WARN",
	[TF_CHECK_BUG] = "BUG",
	[TF_CHECK_LIST] = "list",
	[TF_CHECK_SLEEP] = "might_sleep",
	[TF_CHECK_RECURSION] = "recursion",
	[TF_CHECK_DEADLOCK] = "deadlock",
	[TF_CHECK_BAD_PAGE] = "bad_page",
};
const size_t tf_nr_check_kinds = sizeof(tf_check_kind_name) / sizeof(tf_check_kind_name[0]);

/* Each access of a run of concurrent ops: the cause journal and the interleaving coverage. */
static void run_access(const struct tf_access_rec *a)
{
	tf_journal_set_body(tf_sim_body());
	tf_journal_access(a);
	tf_interleave_access(a);
	if (cur_o->for_mutator)
		tf_mutator_access(cur_op, a);
	if (cur_o->watch && cur_o->watch->access)
		cur_o->watch->access(cur_o->watch->arg, cur_op, a);
}

/* Each scheduling point of a run: the mutator's conflicts, and a watch that asks. */
static void run_sched(unsigned long step, int cpu, const char *what, const struct tf_loc *loc,
		      unsigned int change_point)
{
	if (cur_o->for_mutator)
		tf_mutator_sched(cur_op, step, cpu);
	if (cur_o->watch && cur_o->watch->sched)
		cur_o->watch->sched(cur_o->watch->arg, cur_op, step, cpu, what, loc, change_point);
}

/* A cause given and not taken by the report that follows is dropped. */
static void drop_cause(void)
{
	struct tf_cause c;

	tf_oracle_take_cause(&c);
}

/* The known reason when @sig is known and its cause held, else NULL. */
static const char *add_finding(const char *sig, const char *detail)
{
	struct tf_verdict *v = cur_v;
	struct tf_finding *f;
	struct tf_cause c;
	char line[sizeof(f->cause)];
	const char *known;

	tf_oracle_take_cause(&c);
	known = tf_known_judge(sig, cur_what_if, &c, line, sizeof(line));
	if (cur_o->trace)
		fprintf(cur_o->trace, "  !! %s%s: %s%s%s\n", sig,
			known ? " (known)" : "", detail, line[0] ? "; " : "", line);
	if (!known || cur_o->strict) {
		v->nr_new++;
		if (!cur_o->keep_going)
			stop_now = true;
	}
	if (v->nr < TF_MAX_FINDINGS) {
		f = &v->f[v->nr++];
	} else {
		int i;

		v->truncated = true;
		if (known && !cur_o->strict)
			return known;
		/* A new finding must not be lost behind known ones: take the last known slot. */
		for (i = v->nr - 1; i >= 0 && !v->f[i].known; i--)
			;
		if (i < 0)
			return known;
		f = &v->f[i];
	}
	snprintf(f->sig, sizeof(f->sig), "%s%s", sig, cur_what_if ? TF_WHAT_IF_SUFFIX : "");
	snprintf(f->detail, sizeof(f->detail), "%s", detail);
	snprintf(f->cause, sizeof(f->cause), "%s", line);
	f->op = cur_op;
	f->at_boot = cur_booting;
	f->at_end = cur_end;
	f->known = known;
	if (cur_o->watch && cur_o->watch->finding)
		cur_o->watch->finding(cur_o->watch->arg, f);
	return known;
}

/* Page-flag mode's events (tagfuzz/pgflags.h says what each field holds). */
static void trace_pgf(FILE *t, const struct tf_event *ev)
{
	fprintf(t, "  CPU%d page flags: ", ev->cpu);
	switch ((enum tf_pgf_event)ev->section) {
	case TF_PGF_EV_BIT_SET:
		fprintf(t, "set bit %u of pfn %lu\n", ev->order, ev->pfn);
		return;
	case TF_PGF_EV_BIT_CLEAR:
		fprintf(t, "clear bit %u of pfn %lu\n", ev->order, ev->pfn);
		return;
	case TF_PGF_EV_MODULE_LOAD:
		fprintf(t, "module %u loaded: %lu tags at area slot %lu\n", ev->order,
			ev->pfn2, ev->pfn);
		return;
	case TF_PGF_EV_MODULE_FAILED:
		if (ev->alloc_flags & TF_PGF_FAIL_COUNTERS)
			fprintf(t, "module %u (%lu tags at area slot %lu) failed to load: no counters\n",
				ev->order, ev->pfn2, ev->pfn);
		else
			fprintf(t, "module %u (%lu tags, alignment %lu) failed to load\n",
				ev->order, ev->pfn2, ev->pfn);
		return;
	case TF_PGF_EV_MODULE_GOING:
		fprintf(t, "module %u going: %lu tags at area slot %lu\n", ev->order,
			ev->pfn2, ev->pfn);
		return;
	case TF_PGF_EV_MODULE_UNLOAD:
		fprintf(t, "module %u unloaded: %lu tags at area slot %lu\n", ev->order,
			ev->pfn2, ev->pfn);
		return;
	case TF_PGF_EV_SHUTDOWN:
		fprintf(t, "profiling shut down\n");
		return;
	case TF_PGF_EV_SYSCTL:
		fprintf(t, "vm.mem_profiling = %lu: %ld\n", ev->pfn, (long)ev->pfn2);
		return;
	case TF_PGF_EV_COUNTERS_USE:
		fprintf(t, "%s: %s through %s counters\n", ev->func, ev->site,
			ev->pfn == TF_PGF_CTR_USE_NULL ? "NULL" : "freed");
		return;
	case TF_PGF_EV_MODULE_BUSY:
		fprintf(t, "module %u in use on CPU%lu: not unloaded\n", ev->order, ev->pfn);
		return;
	}
	/* No default above: -Wswitch names a new event that has no line here. */
	fprintf(t, "event %u (%lu %lu %u)\n", ev->section, ev->pfn, ev->pfn2, ev->order);
}

static void trace_event(FILE *t, const struct tf_event *ev)
{
	char tag[160], gfp[160], flags[160];

	switch (ev->kind) {
	case TF_EV_PAGE_ALLOC:
		fprintf(t, "  CPU%d alloc   pfn %lu order %u tag %s gfp %s alloc_flags %s\n",
			ev->cpu, ev->pfn, ev->order, tf_format_tag(ev->tag, tag, sizeof(tag)),
			tf_format_gfp(ev->gfp, gfp, sizeof(gfp)),
			tf_format_alloc_flags(ev->alloc_flags, flags, sizeof(flags)));
		break;
	case TF_EV_PAGE_FREE: {
		/* Before the tag is dropped: the page's ref says whose it was. */
		struct tf_ref_obs r = tf_trace_ref(ev->pfn);

		fprintf(t, "  CPU%d free    pfn %lu order %u%s%s\n", ev->cpu, ev->pfn, ev->order,
			r.state == TF_REF_TAG ? " tag " : "",
			r.state == TF_REF_TAG ? tf_format_tag(r.tag, tag, sizeof(tag)) : "");
		break;
	}
	case TF_EV_PAGE_SPLIT:
		fprintf(t, "  CPU%d split   pfn %lu order %u\n", ev->cpu, ev->pfn, ev->order);
		break;
	case TF_EV_PAGE_MIGRATE:
		fprintf(t, "  CPU%d migrate pfn %lu -> pfn %lu\n", ev->cpu, ev->pfn2, ev->pfn);
		break;
	case TF_EV_PEXT_TABLE:
		fprintf(t, "  CPU%d page_ext table of section %u: from node %lu first\n", ev->cpu,
			ev->section, ev->pfn);
		break;
	case TF_EV_PEXT_ONLINE:
		fprintf(t, "  CPU%d page_ext online: section %u\n", ev->cpu, ev->section);
		break;
	case TF_EV_PEXT_CALLBACKS:
		fprintf(t, "  CPU%d page_ext init callbacks\n", ev->cpu);
		break;
	case TF_EV_PEXT_INIT_DONE:
		fprintf(t, "  CPU%d page_ext init done\n", ev->cpu);
		break;
	case TF_EV_CPU_UP:
		fprintf(t, "  CPU%d comes up\n", ev->cpu);
		break;
	case TF_EV_CPU_DOWN:
		fprintf(t, "  CPU%u goes down\n", ev->section);
		break;
	case TF_EV_CHECK:
		fprintf(t, "  CPU%d %s in %s(): %s\n", ev->cpu, tf_check_kind_name[ev->check],
			ev->func, ev->msg);
		break;
	case TF_EV_PRINTK:
		fprintf(t, "  CPU%d pr_%s: %s\n", ev->cpu, ev->site, ev->msg);
		break;
	case TF_EV_NOTE:
		fprintf(t, "  CPU%d # %s\n", ev->cpu, ev->msg);
		break;
	case TF_EV_PCP:
		fprintf(t, "  CPU%d %s (CPU%lu)\n", ev->cpu,
			ev->section == TF_PCP_PT_DEAD_DONE ? "page_alloc_cpu_dead() done" :
			ev->section == TF_PCP_PT_ONLINE_DONE ? "page_alloc_cpu_online() done" :
			ev->section == TF_PCP_PT_DRAIN_ALL ? "drain_all_pages() starts" :
			"teardown: drain_all_pages() done", ev->pfn);
		break;
	case TF_EV_PAGE_REF: {
		static const char *const step[] = {
			[TF_REF_GET] = "get_page", [TF_REF_GOT] = "took a reference on",
			[TF_REF_PUT] = "put_page", [TF_REF_OWNER_FREE] = "owner frees, references held:",
		};

		fprintf(t, "  CPU%d %s pfn %lu\n", ev->cpu,
			ev->section < sizeof(step) / sizeof(step[0]) ? step[ev->section] : "ref ?",
			ev->pfn);
		break;
	}
	case TF_EV_HWPOISON:
		fprintf(t, "  CPU%d %s pfn %lu\n", ev->cpu,
			ev->section == TF_HWPOISON_UNPOISON ? "unpoison_memory" : "memory_failure",
			ev->pfn);
		break;
	case TF_EV_CALL:
	case TF_EV_OP_END:
		break;
	case TF_EV_PGF:
		trace_pgf(t, ev);
		break;
	case TF_EV_MEM_REFUSED:
		fprintf(t, "  CPU%d memory_block_online(section %u) refused (-EHWPOISON): %lu poisoned pages counted\n",
			ev->cpu, ev->section, ev->pfn2);
		break;
	case TF_EV_MEM_NOTIFY:
		fprintf(t, "  CPU%d memory notifier: %s, section %u (pfn %lu, %lu pages)\n", ev->cpu,
			ev->order == TF_MEM_GOING_ONLINE ? "MEM_GOING_ONLINE" :
			ev->order == TF_MEM_ONLINE ? "MEM_ONLINE" :
			ev->order == TF_MEM_CANCEL_ONLINE ? "MEM_CANCEL_ONLINE" :
			ev->order == TF_MEM_GOING_OFFLINE ? "MEM_GOING_OFFLINE" :
			ev->order == TF_MEM_OFFLINE ? "MEM_OFFLINE" :
			ev->order == TF_MEM_CANCEL_OFFLINE ? "MEM_CANCEL_OFFLINE" : "?",
			ev->section, ev->pfn, ev->pfn2);
		break;
	}
}

/*
 * A kernel check: expected (true) when an oracle says so; otherwise the
 * first oracle with a class for it gives @cls.
 */
static bool classify_check(const struct tf_event *ev, char *cls, size_t len)
{
	const struct tf_oracle *o;
	size_t i;

	cls[0] = '\0';
	drop_cause();
	for_each_oracle(o, i) {
		if (!o->classify)
			continue;
		if (o->classify(ev, cls, len))
			return true;
		if (cls[0])
			break;
	}
	return false;
}

static void sink(const struct tf_event *ev)
{
	const struct tf_oracle *o;
	size_t i;

	if (tf_trace_events()) {
		if (cur_booted)
			tf_trace_state(ev->cpu);
		trace_event(cur_o->trace, ev);
	}
	cur_ev_cpu = ev->cpu;
	tf_journal_set_body(tf_sim_body());
	tf_journal_event(ev);
	for_each_oracle(o, i)
		if (o->on_event) {
			o->on_event(ev);
			drop_cause();
		}
	if (cur_o->watch)
		cur_o->watch->event(cur_o->watch->arg, ev, cur_op);
	if (ev->kind == TF_EV_CHECK) {
		char cls[48], sig[160];
		const char *known;

		if (classify_check(ev, cls, sizeof(cls))) {
			if (tf_trace_events())
				fprintf(cur_o->trace, "  (expected: an untagged caller)\n");
			if (cur_o->watch)
				cur_o->watch->check(cur_o->watch->arg, ev, NULL, NULL);
			return;
		}
		snprintf(sig, sizeof(sig), "check:%s:%s%s%s%s", tf_check_kind_name[ev->check],
			 ev->site, cls[0] ? " [" : "", cls, cls[0] ? "]" : "");
		known = add_finding(sig, ev->msg);
		if (cur_o->watch)
			cur_o->watch->check(cur_o->watch->arg, ev, sig, known);
	}
}

/* The oracles' reports. */
static void oracle_sink(const char *sig, const char *detail)
{
	add_finding(sig, detail);
}

/* Every oracle of the run that has @member, in order. */
#define call_oracles(member)						\
	do {								\
		const struct tf_oracle *__o;				\
		size_t __i;						\
									\
		for_each_oracle(__o, __i)				\
			if (__o->member) {				\
				__o->member();				\
				drop_cause();				\
			}						\
	} while (0)

void tf_run(const struct tf_scenario *s, const struct tf_run_opts *o,
	    struct tf_verdict *v)
{
	struct tf_phase_state phase;
	jmp_buf jb;
	size_t i;
	char line[160];

	memset(v, 0, sizeof(*v));
	cur_v = v;
	cur_o = o;
	cur_op = -1;
	cur_booting = true;
	cur_end = false;
	stop_now = false;
	cur_what_if = s->m.what_if != TF_WHAT_IF_NONE;
	tf_phase_begin(&phase, &s->m);
	tf_bugs = o->bugs;
	tf_trace_enabled = o->trace != NULL;
	cur_booted = false;
	cur_ev_cpu = 0;
	tf_trace_begin(o->trace, o->trace_what);
	tf_event_sink = sink;
	tf_journal_reset();
	drop_cause();
	tf_interleave_reset();
	tf_mutator_run_begin();
	tf_access_sink = run_access;
	tf_sched_observer = (o->watch && o->watch->sched) || o->for_mutator ? run_sched : NULL;
	tf_bug_jmp = &jb;

	nr_oracles = 0;
	for (i = 0; i < TF_NR_ORACLES; i++)
		if (tf_oracles[i]->reset(&s->m, oracle_sink))
			oracles[nr_oracles++] = tf_oracles[i];
	if (setjmp(jb)) {
		v->ended_by_bug = true;
		goto out;
	}
	tf_sim_set_machine(&s->m);
	tf_machine_boot(&s->m);
	call_oracles(boot_done);
	cur_booting = false;
	cur_booted = true;
	tf_trace_state(0);	/* what the machine starts with */

	for (i = 0; i < s->nr_ops && !stop_now; i++) {
		const char *rule;

		cur_op = (long)i;
		tf_journal_set_op(cur_op);
		tf_sim_set_op(cur_op);
		if (o->trace) {
			tf_format_op(&s->ops[i], line, sizeof(line));
			fprintf(o->trace, "op %zu [%s]: %s\n", i,
				tf_phase_name(tf_op_phase(&phase, &s->ops[i])), line);
		}
		/* The codec never builds such a scenario; a test or tool might. */
		if (tf_phase_need(&phase, &s->ops[i], &rule) != TF_PHASE_OK) {
			add_finding(tf_sigs[TF_SIG_BOOT_ORDER].name, rule);
			break;
		}
		tf_phase_step(&phase, &s->ops[i]);
		tf_sim_exec(&s->ops[i]);
		tf_trace_state(cur_ev_cpu);	/* what the op changed after its last event */
		call_oracles(check_op);
	}
	if (!stop_now) {
		cur_op = -1;
		tf_journal_set_op(cur_op);
		tf_sim_set_op(cur_op);
		cur_end = true;
		call_oracles(end_of_ops);
		cur_end = false;
	}
	if (!stop_now) {
		cur_op = -1;
		tf_journal_set_op(cur_op);
		tf_sim_set_op(cur_op);
		if (o->trace)
			fprintf(o->trace, "teardown\n");
		if (o->watch)
			o->watch->teardown(o->watch->arg);
		tf_sim_teardown();
		tf_trace_state(cur_ev_cpu);
		call_oracles(check_end);
	}
out:
	tf_trace_end();
	cur_booted = false;
	tf_bug_jmp = NULL;
	tf_event_sink = NULL;
	tf_access_sink = NULL;
	tf_sched_observer = NULL;
	tf_bugs = 0;
	nr_oracles = 0;
}

const struct tf_finding *tf_verdict_first_new(const struct tf_verdict *v, bool strict)
{
	int i;

	for (i = 0; i < v->nr; i++) {
		if (strict || !v->f[i].known)
			return &v->f[i];
	}
	return NULL;
}

const char *tf_finding_when(const struct tf_finding *f)
{
	return f->at_boot ? "boot" : f->at_end ? "after the last op" : "teardown";
}

void tf_print_finding(FILE *f, const struct tf_scenario *s, const struct tf_finding *fd)
{
	char line[160];

	/* A finding of no op says when, with no op number (not "op -1"). */
	if (fd->op >= 0 && (size_t)fd->op < s->nr_ops) {
		tf_format_op(&s->ops[fd->op], line, sizeof(line));
		fprintf(f, "==tagfuzz== FINDING: %s (op %ld: %s)\n", fd->sig, fd->op, line);
	} else {
		fprintf(f, "==tagfuzz== FINDING: %s (%s)\n", fd->sig, tf_finding_when(fd));
	}
	fprintf(f, "==tagfuzz== detail: %s\n", fd->detail);
	if (fd->cause[0])
		fprintf(f, "==tagfuzz== %s\n", fd->cause);
	if (fd->known)
		fprintf(f, "==tagfuzz== known: %s\n", fd->known);
	if (s->m.what_if)
		fprintf(f, "==tagfuzz== what-if: made with what_if=%s, an order a real kernel "
			"does not run (docs/findings.md); not a claim about upstream\n",
			tf_what_if_names[s->m.what_if % TF_NR_WHAT_IF]);
	fprintf(f, "==tagfuzz== scenario:\n");
	tf_print_scenario(f, s);
}

void tf_fuzz_env(const char *target, bool *strict_out, unsigned long *bugs_out,
		 uint8_t *what_if_out)
{
	const char *bugs = getenv("TAGFUZZ_BUGS"), *strict = getenv("TAGFUZZ_STRICT");
	const char *what_if = getenv("TAGFUZZ_WHAT_IF");
	const char *bad;
	int k;

	*strict_out = strict && *strict && *strict != '0';
	if (bugs && tf_bugs_parse(bugs, bugs_out, &bad)) {
		fprintf(stderr, "%s: TAGFUZZ_BUGS: unknown bug switch '%s'\n", target, bad);
		exit(2);
	}
	*what_if_out = TF_WHAT_IF_NONE;
	if (what_if && *what_if) {
		k = tf_what_if_by_name(what_if);
		if (k < 0) {
			fprintf(stderr, "%s: TAGFUZZ_WHAT_IF=%s: the what-if modes are none and smp-early-boot\n",
				target, what_if);
			exit(2);
		}
		*what_if_out = k;
	}
	tf_mutator_set_what_if(*what_if_out);
}

bool tf_fuzz_decode(const uint8_t *data, size_t size, uint8_t what_if,
		    struct tf_scenario *s)
{
	tf_status_exec();	/* every target decodes each input once, here */
	tf_decode_what_if(data, size, what_if, s);
	return !s->m.what_if || what_if;
}

/*
 * Known findings a fuzzing process suppressed, by finding, with the first
 * cause seen: printed when the process ends (libFuzzer's log), so the
 * summary says what was accepted and why.
 */
#define MAX_KNOWN_COUNTED	32
static struct {
	char id[8];
	unsigned long n;
	char first[sizeof(((struct tf_finding *)0)->cause)];
} known_count[MAX_KNOWN_COUNTED];
static int nr_known_counted;

static void count_known(const struct tf_finding *f)
{
	char id[8];
	int i;

	/* f->cause is "known: Fn (cause: ...)" */
	if (sscanf(f->cause, "known: %7s", id) != 1)
		return;
	for (i = 0; i < nr_known_counted; i++)
		if (tf_str_eq(known_count[i].id, id))
			break;
	if (i == nr_known_counted) {
		if (i == MAX_KNOWN_COUNTED)
			return;
		nr_known_counted++;
		snprintf(known_count[i].id, sizeof(known_count[i].id), "%s", id);
		snprintf(known_count[i].first, sizeof(known_count[i].first), "%s", f->cause);
	}
	known_count[i].n++;
	tf_status_known(id, f->cause);
}

void tf_fuzz_print_known_counts(void)
{
	tf_status_flush();
	for (int i = 0; i < nr_known_counted; i++)
		fprintf(stderr, "==tagfuzz== suppressed %lu x %s; first: %s\n", known_count[i].n,
			known_count[i].id, known_count[i].first);
}

void tf_fuzz_count_known(const struct tf_verdict *v, bool strict)
{
	static bool registered;

	if (!registered) {
		registered = true;
		atexit(tf_fuzz_print_known_counts);
	}
	for (int i = 0; i < v->nr; i++)
		if (v->f[i].known && !strict)
			count_known(&v->f[i]);
}

void tf_fuzz_one(const struct tf_scenario *s, const struct tf_run_opts *o)
{
	struct tf_run_opts fo = *o;
	struct tf_verdict v;
	const struct tf_finding *f;

	fo.for_mutator = tf_mutator_structured();
	tf_run(s, &fo, &v);
	tf_mutator_note_run(s);
	f = tf_verdict_first_new(&v, o->strict);
	tf_fuzz_count_known(&v, o->strict);
	if (f) {
		tf_print_finding(stderr, s, f);
		tf_fuzz_print_known_counts();
		tf_finding_abort(f->sig);
	}
}
