/* SPDX-License-Identifier: GPL-2.0 */
/* The reference model in page-flag mode (reference/pgflags_model.c). */
#ifndef _TAGFUZZ_PGFLAGS_MODEL_H
#define _TAGFUZZ_PGFLAGS_MODEL_H

#include "model.h"

void pgflags_model_reset(const struct tf_machine *m, model_report_fn report);
void pgflags_model_boot_done(void);
void pgflags_model_on_event(const struct tf_event *ev);
bool pgflags_model_classify_check(const struct tf_event *ev, char *cls, size_t len);
void pgflags_model_check_op(void);
void pgflags_model_check_end(void);

#endif /* _TAGFUZZ_PGFLAGS_MODEL_H */
