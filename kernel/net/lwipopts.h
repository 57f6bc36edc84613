/*
 * lwIP configuration of the sandbox kernel (and of the host build used by
 * the unit tests and the fuzz harness: the same options, so what is tested
 * is what runs).
 *
 * Mode: NO_SYS=1 (raw API, one execution context).
 * Why: lwIP runs in exactly one context of the sandbox (its network thread /
 * poll loop: net_loop.h). Interrupt handlers and the VNIC IPI only note that
 * work is waiting; they never call lwIP. So lwIP needs no semaphores,
 * mailboxes, mutexes or tcpip thread, and SYS_LIGHTWEIGHT_PROT can stay off.
 * That keeps the port to two functions (sys_now, net_rand), makes lwIP's
 * behaviour a pure function of the frames and clock we feed it (the host
 * tests and the fuzzer replay it exactly), and suits recovery (issue 8):
 * all network state is in lwIP's static pools, and stopping the stack means
 * no longer calling net_loop_poll() - there is no thread blocked inside
 * lwIP to unwind. The price: no sockets/netconn API (the web server uses
 * the raw TCP API), and lwIP's work is not preemptible by other lwIP work -
 * fine, since one sandbox has one network context. The threaded mode would
 * only buy blocking sockets, which nothing here needs.
 *
 * Memory: lwIP's own heap and pools in static arrays (MEM_LIBC_MALLOC=0,
 * MEMP_MEM_MALLOC=0): no kernel allocator needed, bounded and inspectable.
 */
#ifndef QUESTV_NET_LWIPOPTS_H
#define QUESTV_NET_LWIPOPTS_H

#define NO_SYS                   1
#define LWIP_TIMERS              1
#define SYS_LIGHTWEIGHT_PROT     0
#define LWIP_NETCONN             0
#define LWIP_SOCKET              0

/* Protocols: IPv4 with ARP, ICMP (ping), UDP, TCP. Addresses are static
 * (from the system config), so no DHCP, AutoIP, DNS, IGMP. */
#define LWIP_IPV4                1
#define LWIP_IPV6                0
#define LWIP_ARP                 1
#define LWIP_ETHERNET            1
#define LWIP_ICMP                1
#define LWIP_UDP                 1
#define LWIP_TCP                 1
#define LWIP_RAW                 0
#define LWIP_DHCP                0
#define LWIP_AUTOIP              0
#define LWIP_DNS                 0
#define LWIP_IGMP                0
/* Reassembly stays on: fragments arrive from the wire whether we like it or
 * not, and the fuzzer should reach that code. We never send fragments (TCP
 * segments fit the MTU), so no IP_FRAG. */
#define IP_REASSEMBLY            1
#define IP_FRAG                  0
#define IP_REASS_MAX_PBUFS       16
#define ARP_QUEUEING             1

/* Memory. MEM_ALIGNMENT 8: x86-64. Sizes: a web server with
 * HTTPD_MAX_CONNS (128) concurrent connections, each with a response in
 * flight (2 segments), plus the TIME_WAIT pcbs of closed ones (lwIP reuses
 * the oldest when the pool runs out); a SYN that finds no free pcb is
 * dropped silently, so the pcb pool must exceed the server's limit. */
#define MEM_ALIGNMENT            8
#define MEM_SIZE                 (512 * 1024)
#define MEM_LIBC_MALLOC          0
#define MEMP_MEM_MALLOC          0
#define MEMP_NUM_PBUF            64
#define MEMP_NUM_UDP_PCB         4
#define MEMP_NUM_TCP_PCB         192
#define MEMP_NUM_TCP_PCB_LISTEN  4
#define MEMP_NUM_TCP_SEG         384
#define MEMP_NUM_REASSDATA       4
#define MEMP_NUM_ARP_QUEUE       16
#define PBUF_POOL_SIZE           128
#define PBUF_POOL_BUFSIZE        1536  /* a whole Ethernet frame in one pbuf */

/* TCP. */
#define TCP_MSS                  1460
#define TCP_WND                  (8 * TCP_MSS)
#define TCP_SND_BUF              (8 * TCP_MSS)
#define TCP_SND_QUEUELEN         (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ          1
#define TCP_OOSEQ_MAX_PBUFS      8
#define TCP_LISTEN_BACKLOG       1
#define LWIP_TCP_KEEPALIVE       0

/* Checksums in software, both ways: the e1000 could offload them, but the
 * VNIC path has no hardware, and one path is simpler to reason about. */
#define CHECKSUM_GEN_IP          1
#define CHECKSUM_GEN_UDP         1
#define CHECKSUM_GEN_TCP         1
#define CHECKSUM_GEN_ICMP        1
#define CHECKSUM_CHECK_IP        1
#define CHECKSUM_CHECK_UDP       1
#define CHECKSUM_CHECK_TCP       1
#define CHECKSUM_CHECK_ICMP      1

/* Netif. One netif per sandbox (its NIC or its VNIC); the link is up as
 * soon as the driver is. */
#define LWIP_SINGLE_NETIF        1
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define ETH_PAD_SIZE             0

/* Statistics feed /status (32-bit counters: 16 bits wrap in a minute). */
#define LWIP_STATS               1
#define LWIP_STATS_LARGE         1
#define LWIP_STATS_DISPLAY       0
#define LINK_STATS               1
#define ETHARP_STATS             1
#define IP_STATS                 1
#define IPFRAG_STATS             1
#define ICMP_STATS               1
#define UDP_STATS                1
#define TCP_STATS                1
#define MEM_STATS                1
#define MEMP_STATS               1
#define SYS_STATS                0

#endif
