/* SPDX-License-Identifier: GPL-2.0 */
/* Oracles of the PCP free-path family (reference/pcp_oracle.c). */
#ifndef _TAGFUZZ_PCP_ORACLE_H
#define _TAGFUZZ_PCP_ORACLE_H

#include <stdbool.h>

#include "model.h"
#include "tagfuzz/events.h"
#include "tagfuzz/ops.h"

/* Every run; the oracles stay quiet unless the machine is in PCP mode. */
void pcp_oracle_reset(const struct tf_machine *m, model_report_fn fn);
bool pcp_oracle_active(void);
void pcp_oracle_on_event(const struct tf_event *ev);
/* After each op, before the reference model's own check. */
void pcp_oracle_check_op(void);
/* After the last op, before teardown: pages stranded on dead CPUs' llists. */
void pcp_oracle_end_of_ops(void);

#endif /* _TAGFUZZ_PCP_ORACLE_H */
