/* SPDX-License-Identifier: GPL-2.0 */
/* The one field of struct module the allocation tag code reads. */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#define MODULE_NAME_LEN	56

struct module {
	char name[MODULE_NAME_LEN];
};

#endif /* _LINUX_MODULE_H */
