/*
 * Mapping a sandbox's RAM through the shared nested page-table builder,
 * coloured or not: guest-physical at .. at + memory to the host pages
 * colour.h gives it. Runs of consecutive host pages go to npt_map whole,
 * so 2 MiB leaves remain wherever the colours leave 2 MiB runs (all of an
 * uncoloured sandbox) and 4 KiB leaves are used only where colouring
 * breaks them. Portable C, unit-tested on the host.
 */
#ifndef QUESTV_COLOUR_MAP_H
#define QUESTV_COLOUR_MAP_H

#include "monitor/config.h"
#include "monitor/nested_pt.h"

/* Map sandbox i of the placed cfg at `at` in t (perm and memtype as
 * npt_map). Returns NPT_OK or npt_map's error (then part of it may be
 * mapped: the caller gives the table up). */
int colour_map(struct nested_pt *t, uint64_t at, const struct system_config *cfg,
	       unsigned i, unsigned perm, unsigned memtype);

#endif
