/* <string.h> for lwIP in the kernel build: the kernel's own memory and
 * string functions (lib/string.c), not the host libc's header. This folder
 * is on the include path of kernel objects of lwIP only (net.mk). */
#ifndef QUESTV_NET_FREESTANDING_STRING_H
#define QUESTV_NET_FREESTANDING_STRING_H
#include "lib/string.h"
#endif
