/* Shared regions declared in the system config, as this sandbox sees them. */
#ifndef QUESTV_SHARED_H
#define QUESTV_SHARED_H
/* The first page of every shared region holds the membership marks the
 * boot check writes (a word per sandbox). Data that must read as zeros
 * from boot on goes after it; a ring a producer formats after the probe
 * may overwrite it. */
#define SHARED_MARKS_BYTES 4096

/* Map every shared region and mark this sandbox's slot in it. */
void shared_announce(void);
/* Record which sandboxes' marks each region shows ({"ev":"shared",...}). */
void shared_report(void);
#endif
