/*
 * A sandbox on the network (kernel args `net=driver` or `net=vnic`): its
 * NIC, lwIP and the web server, served until GET /end or serve_ms.
 *
 *  - net=driver: this sandbox owns the 82540EM (config `pci` key); its
 *    stack sits on the VNIC switch, whose uplink is the e1000 and whose
 *    ports are the VNIC sandboxes, one per shared region named vnic<N>
 *    that lists this sandbox and sandbox N.
 *  - net=vnic: frames go through the shared region vnic<this sandbox> to
 *    the driver sandbox, the region's other member; IPIs (VEC_NET_KICK)
 *    wake either side. A region is two rings: the first half the switch
 *    produces (to the VNIC), the second the VNIC does.
 *
 * Addresses: ip=A.B.C.D (default 10.0.2.(15 + sandbox), QEMU user
 * networking's guest range), /24, gateway 10.0.2.2. A VNIC's MAC is
 * 02:51:56:00:00:<sandbox> (locally administered); the driver sandbox
 * uses the NIC's own.
 *
 * A rescuer (rescue.h) stops serving when the driver sandbox does.
 *
 * Records: net_ready when serving; net_stats when it stops (frames, HTTP
 * requests, and the cycles spent handling them: TSC, "clock":"tsc").
 */
#ifndef QUESTV_NET_SANDBOX_H
#define QUESTV_NET_SANDBOX_H

/* Run the sandbox's network until GET /end or serve_ms; 0, or -1 when it
 * could not start (the reason is recorded as net_error). */
int net_run(void);
#endif
