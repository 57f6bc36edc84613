/*
 * The kernel args (the `args` line of this sandbox's system config, or
 * GRUB's command line natively): space-separated words, "word" or
 * "key=value".
 */
#ifndef QUESTV_CMDLINE_H
#define QUESTV_CMDLINE_H
#include <stdbool.h>
#include <stdint.h>

/* Is word (e.g. "probe") one of the args, alone or as "word=..."? */
bool arg_present(const char *word);
/* The value of "key=value" (running to the next space), or 0. */
const char *arg_value(const char *key);
/* The decimal value of "key=N" in the args; dflt when absent or not a number. */
uint64_t arg_u64(const char *key, uint64_t dflt);
#endif
