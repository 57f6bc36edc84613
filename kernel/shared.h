/* Shared regions declared in the system config, as this sandbox sees them. */
#ifndef QUESTV_SHARED_H
#define QUESTV_SHARED_H
/* Map every shared region and mark this sandbox's slot in it. */
void shared_announce(void);
/* Record which sandboxes' marks each region shows ({"ev":"shared",...}). */
void shared_report(void);
#endif
