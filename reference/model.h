/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference model: an abstract account of what page allocation
 * tagging should have done, built from the scenario and the port's
 * page-owner events only.  It never reads the port's internals; it asks
 * the observation interface for the values it checks.
 */
#ifndef _TAGFUZZ_MODEL_H
#define _TAGFUZZ_MODEL_H

#include <stdbool.h>

#include "tagfuzz/events.h"
#include "tagfuzz/ops.h"

/* Called for each disagreement: a stable signature and a detail line. */
typedef void (*model_report_fn)(const char *sig, const char *detail);
/* Format a detail and hand the finding to @fn (the oracles' fail()). */
void model_reportf(model_report_fn fn, const char *sig, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void model_reset(const struct tf_machine *m, model_report_fn report);
void model_on_event(const struct tf_event *ev);

/*
 * A kernel check fired.  Writes the model's classification of it into
 * @cls ("" when it has none) and returns true when the model expected it
 * (an untagged caller meeting the checks that exist to catch it).
 */
bool model_classify_check(const struct tf_event *ev, char *cls, size_t len);

/* The machine has booted; the scenario's ops come next. */
void model_boot_done(void);

/* After each op: the state the op touched. */
void model_check_op(void);
/* After teardown: everything. */
void model_check_end(void);

#endif /* _TAGFUZZ_MODEL_H */
