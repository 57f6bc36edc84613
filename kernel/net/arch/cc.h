/*
 * lwIP's compiler/platform header for our port (lwIP includes it as
 * "arch/cc.h"; kernel/net is on the include path). Freestanding: lwIP gets
 * <stdint.h> and <stddef.h> only (compiler headers), never libc headers:
 * no <inttypes.h>, <limits.h>, <ctype.h>, <unistd.h>, <stdio.h>.
 */
#ifndef QUESTV_NET_ARCH_CC_H
#define QUESTV_NET_ARCH_CC_H
#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_INTTYPES_H 1   /* libc header; formatters below */
#define LWIP_NO_LIMITS_H   1
#define LWIP_NO_CTYPE_H    1   /* lwIP then uses its own lwip_isdigit() etc. */
#define LWIP_NO_UNISTD_H   1

/* ssize_t, as the host's libc defines it on x86-64 (long), so host test
 * files that include both lwIP and libc headers see one compatible type. */
typedef __PTRDIFF_TYPE__ ssize_t;
#ifndef SSIZE_MAX
#define SSIZE_MAX __PTRDIFF_MAX__
#endif

/* printf formatters of lwIP's debug messages (compiled out: no LWIP_DEBUG). */
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

/* x86-64; a host libc's <endian.h> may have said so already. */
#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif

/* lwIP's debug output is compiled out (LWIP_DEBUG unset); nothing prints. */
#define LWIP_PLATFORM_DIAG(x) do { } while (0)

/* An lwIP invariant broke: that is a bug in lwIP or in our port, never a
 * consequence of what arrives on the wire, so we stop (the kernel records
 * it and ends the run; the host harness aborts so ASan prints a trace). */
__attribute__((noreturn)) void net_platform_assert(const char *msg, const char *file, int line);
#define LWIP_PLATFORM_ASSERT(x) net_platform_assert((x), __FILE__, __LINE__)

/* TCP's initial local port; see sys_arch.c. */
uint32_t net_rand(void);
#define LWIP_RAND() net_rand()

#endif
