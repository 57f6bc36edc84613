/* Interrupt vectors the kernel uses. */
#ifndef QUESTV_VECTORS_H
#define QUESTV_VECTORS_H
#include "include/questv/bootinfo.h"
#include "include/questv/vpmu.h"

#define VEC_NMI      0x02
#define VEC_TIMER    0x20
#define VEC_IPI      0x40
#define VEC_NET_KICK 0x41   /* a VNIC peer queued frames for us */
#define VEC_RESCUE   0x42   /* the rescue channel has a request or a reply */
#define VEC_PMI      VPMU_PMI_VECTOR /* a counter overflowed: hardware PMI or vPMU MSI-X (kpmc.h) */
/* Assigned devices: BOOTINFO_DEV_VECTOR_BASE + their bootinfo index. */
#define VEC_DEVICE_FIRST BOOTINFO_DEV_VECTOR_BASE
#define VEC_DEVICE_LAST  (BOOTINFO_DEV_VECTOR_BASE + BOOTINFO_MAX_DEVICES - 1)
#define VEC_YIELD    0x81   /* int $0x81: the running thread's job is done (vsched/) */
#define VEC_SPURIOUS 0xFF
#endif
