/*
 * NMIs that reach a core while it runs monitor code (boot, an exit, a
 * wait): counted, and handed to the sandbox that owns the core at its next
 * entry, since that is whom a sender (a watchdog, a peer) meant. While a
 * sandbox runs, NMIs go straight to it: no NMI exiting.
 */
#ifndef QUESTV_NMI_H
#define QUESTV_NMI_H
#include <stdbool.h>

/* From trap(): one NMI arrived on this core. */
void nmi_taken(void);

/* Is an NMI waiting for the sandbox on this core? Clears it when taken. */
bool nmi_pending(void);
void nmi_handed(void);

/* One monitor_nmi record per core that took any (at the end of the run). */
void nmi_report(void);
#endif
