/* fault=forge: a sandbox that lies about the run (see forge.c). */
#ifndef QUESTV_ISOLATION_FORGE_H
#define QUESTV_ISOLATION_FORGE_H
/* Print the monitor's verdict records, all good, on this sandbox's own
 * UART; the harness must take none of them for the monitor's. */
void forge_verdict(void);
#endif
