/* The vPMU machine model: see vpmu_model.h.
 *
 * Page-walk references are counted and charged to the cycle estimate but not
 * run through the caches: the validation reference (cachegrind) has no page
 * walks, and keeping them out keeps L1D/LLC miss counts comparable. */
#include <stdlib.h>
#include <string.h>
#include "pmc/qemu-plugin/vpmu_model.h"

#define PT_LEVELS 4u

/* vpmu_cpu.acc_state: how far down the current access has gone. */
enum {
	ACC_L1D_MISSED = 1,
	ACC_L2_REACHED = 2,
	ACC_L2_MISSED = 4,
	ACC_LLC_REACHED = 8,
	ACC_LLC_MISSED = 16,
};

uint32_t vpmu_walk_refs(uint32_t mode)
{
	/* A 2-D walk reads each of the guest's PT_LEVELS entries plus the final
	 * guest-physical address through a full nested walk, and reads the
	 * guest entries themselves: (g+1)(h+1)-1 references; a nested walk
	 * that ends at a 2 MiB leaf has one level fewer. */
	if (mode == VPMU_PAGING_NESTED)
		return (PT_LEVELS + 1) * (PT_LEVELS + 1) - 1;
	if (mode == VPMU_PAGING_NESTED_2M)
		return (PT_LEVELS + 1) * PT_LEVELS - 1;
	return PT_LEVELS;
}

static void write_header(struct vpmu_model *m)
{
	struct vpmu_header *h = m->hdr;
	const struct vpmu_config *c = &m->cfg;
	memset(h, 0, sizeof *h);
	h->version = VPMU_VERSION;
	h->n_vcpus = m->n_vcpus;
	h->header_size = sizeof *h;
	h->n_counters = VPMU_NCOUNTERS;
	h->l1d_size = c->l1d.size, h->l1d_ways = c->l1d.ways;
	h->l2_size = c->l2.size, h->l2_ways = c->l2.ways;
	h->llc_size = c->llc.size, h->llc_ways = c->llc.ways;
	h->line_size = c->llc.line;
	h->dtlb_entries = c->dtlb_entries, h->dtlb_ways = c->dtlb_ways;
	h->page_size = c->page_size;
	h->cpi_milli = c->cpi_milli;
	h->lat_l2 = c->lat_l2, h->lat_llc = c->lat_llc, h->lat_mem = c->lat_mem;
	h->lat_walk_ref = c->lat_walk_ref;
	/* Magic last: a reader that sees it sees a complete header. */
	__atomic_store_n(&h->magic, VPMU_MAGIC, __ATOMIC_RELEASE);
}

const char *vpmu_model_init(struct vpmu_model *m, const struct vpmu_config *cfg, uint32_t n_vcpus, void *shm)
{
	struct cache_geometry tlb;
	uint64_t per_cpu, total;

	if (n_vcpus == 0 || n_vcpus > VPMU_MAX_VCPUS || n_vcpus * VPMU_LLC_TAGS > CACHE_MAX_OWNERS)
		return "vpmu: QEMU has more vCPUs than the vPMU models (16 at most)";
	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	m->cpi_whole = cfg->cpi_milli % 1000 ? 0 : cfg->cpi_milli / 1000;
	m->n_vcpus = n_vcpus;
	m->hdr = (struct vpmu_header *)((char *)shm + VPMU_HEADER_OFF);
	if (tlb_geometry(cfg->dtlb_entries, cfg->dtlb_ways, cfg->page_size, &tlb))
		return "vpmu: bad DTLB geometry";
	per_cpu = cache_lines_needed(&cfg->l1d) + cache_lines_needed(&tlb) +
		  (cfg->l2.size ? cache_lines_needed(&cfg->l2) : 0);
	total = cache_lines_needed(&cfg->llc) + per_cpu * n_vcpus;
	struct cache_line *lines = calloc(total, sizeof *lines);
	if (!lines)
		return "vpmu: out of memory for the cache model";
	m->storage = lines;
	pthread_mutex_init(&m->llc_lock, NULL);
	cache_init(&m->llc, &cfg->llc, lines);
	lines += cache_lines_needed(&cfg->llc);
	for (uint32_t i = 0; i < n_vcpus; i++) {
		struct vpmu_cpu *c = &m->cpu[i];
		cache_init(&c->l1d, &cfg->l1d, lines);
		lines += cache_lines_needed(&cfg->l1d);
		cache_init(&c->dtlb, &tlb, lines);
		lines += cache_lines_needed(&tlb);
		if (cfg->l2.size) {
			cache_init(&c->l2, &cfg->l2, lines);
			lines += cache_lines_needed(&cfg->l2);
		}
		c->last_page = c->last_line = CACHE_INVALID;
		c->page = (struct vpmu_counters *)((char *)shm + VPMU_COUNTERS_AT(i));
		c->ctl = (const volatile struct vpmu_control *)((char *)shm + VPMU_CONTROL_AT(i));
		memset(c->page, 0, sizeof *c->page);
	}
	write_header(m);
	return NULL;
}

void vpmu_model_fini(struct vpmu_model *m)
{
	pthread_mutex_destroy(&m->llc_lock);
	free(m->storage);
	m->storage = NULL;
}

void vpmu_model_refresh_cycles(struct vpmu_model *m, uint32_t vcpu)
{
	struct vpmu_cpu *c = &m->cpu[vcpu];
	uint64_t *t = c->page->total;
	/* Per block: a whole CPI (the default 1.0) needs no division. */
	uint64_t base = m->cpi_whole ? t[VPMU_EV_INSTRUCTIONS] * m->cpi_whole
				     : t[VPMU_EV_INSTRUCTIONS] * m->cfg.cpi_milli / 1000;
	t[VPMU_EV_CYCLES] = base + c->stall_cycles;
}

void vpmu_model_insns(struct vpmu_model *m, uint32_t vcpu, uint32_t n)
{
	m->cpu[vcpu].page->total[VPMU_EV_INSTRUCTIONS] += n;
	vpmu_model_refresh_cycles(m, vcpu);
}

/* The LLC owner of vCPU VCPU's fills now: its vCPU and the guest's tag. */
static uint16_t llc_owner(const struct vpmu_cpu *c, uint32_t vcpu)
{
	uint32_t tag = c->ctl->llc_tag;
	return (uint16_t)(vcpu * VPMU_LLC_TAGS + (tag < VPMU_LLC_TAGS ? tag : 0));
}

/* Publish owner O's occupancy: its tag's entry and its vCPU's sum. */
static void publish_occupancy(struct vpmu_model *m, uint16_t o)
{
	struct vpmu_counters *page = m->cpu[o / VPMU_LLC_TAGS].page;
	const uint64_t *occ = &m->llc.occupancy[o - o % VPMU_LLC_TAGS];
	uint64_t sum = 0;

	for (uint32_t t = 0; t < VPMU_LLC_TAGS; t++)
		sum += occ[t];
	page->llc_occupancy_tag[o % VPMU_LLC_TAGS] = occ[o % VPMU_LLC_TAGS];
	page->llc_occupancy_lines = sum;
}

/* Lines FROM..TO of vCPU VCPU's current access in the LLC, under the lock:
 * fills, occupancy and who was evicted are all shared state. The access
 * counts one reference when it first gets here and one miss when a line
 * first misses. */
static void llc_lines(struct vpmu_model *m, uint32_t vcpu, uint64_t from, uint64_t to)
{
	struct vpmu_cpu *c = &m->cpu[vcpu];
	uint64_t *t = c->page->total;
	struct cache *k = &m->llc;
	uint16_t owner = llc_owner(c, vcpu);

	if (m->n_vcpus > 1)
		pthread_mutex_lock(&m->llc_lock);
	if (!(c->acc_state & ACC_LLC_REACHED)) {
		c->acc_state |= ACC_LLC_REACHED;
		t[VPMU_EV_LLC_REFERENCES]++;
		c->stall_cycles += m->cfg.lat_llc;
	}
	for (uint64_t line = from; line <= to; line++) {
		struct cache_result r = cache_access(k, line << k->line_shift, owner);
		if (r.hit)
			continue;
		if (!(c->acc_state & ACC_LLC_MISSED)) {
			c->acc_state |= ACC_LLC_MISSED;
			t[VPMU_EV_LLC_MISSES]++;
			c->stall_cycles += m->cfg.lat_mem - m->cfg.lat_llc;
		}
		t[VPMU_EV_LLC_FILLS]++;
		m->hdr->llc_fills_global++;
		if (r.victim_owner != CACHE_NO_OWNER) {
			if (r.victim_owner / VPMU_LLC_TAGS != vcpu)
				t[VPMU_EV_LLC_CROSS_EVICTIONS]++;
			publish_occupancy(m, r.victim_owner);
		}
		publish_occupancy(m, owner);
		m->hdr->llc_lines_valid = k->valid;
	}
	if (m->n_vcpus > 1)
		pthread_mutex_unlock(&m->llc_lock);
}

/* Lines FROM..TO of the current access below a missed L1D: through the L2
 * if there is one (once the access misses it, all its lines go on to the
 * LLC, as below), else straight to the LLC. */
static void below_l1d(struct vpmu_model *m, uint32_t vcpu, uint64_t from, uint64_t to)
{
	struct vpmu_cpu *c = &m->cpu[vcpu];
	uint64_t *t = c->page->total;

	if (!m->cfg.l2.size) {
		llc_lines(m, vcpu, from, to);
		return;
	}
	for (uint64_t line = from; line <= to; line++) {
		if (!(c->acc_state & ACC_L2_REACHED)) {
			c->acc_state |= ACC_L2_REACHED;
			t[VPMU_EV_L2_ACCESSES]++;
			c->stall_cycles += m->cfg.lat_l2;
		}
		bool hit = cache_access(&c->l2, line << c->l2.line_shift, (uint16_t)vcpu).hit;
		if (!hit && !(c->acc_state & ACC_L2_MISSED)) {
			c->acc_state |= ACC_L2_MISSED;
			t[VPMU_EV_L2_MISSES]++;
			c->stall_cycles -= m->cfg.lat_l2;	/* served below instead */
			if (line > c->acc_first)
				llc_lines(m, vcpu, c->acc_first, line - 1);
		}
		if (c->acc_state & ACC_L2_MISSED)
			llc_lines(m, vcpu, line, line);
	}
}

/* Lines FROM..TO, not yet touched, of vCPU VCPU's current access through
 * its L1D and on down. The rule is cachegrind's for an access straddling
 * lines, for any number of lines: it misses a level once if any line does,
 * and then every line of it, earlier ones included, goes to the next level;
 * each cache sees the lines in address order. */
static void access_lines(struct vpmu_model *m, uint32_t vcpu, uint64_t from, uint64_t to)
{
	struct vpmu_cpu *c = &m->cpu[vcpu];

	for (uint64_t line = from; line <= to; line++) {
		uint64_t addr = line << c->l1d.line_shift;
		bool hit = cache_mru_hit(&c->l1d, addr) || cache_access(&c->l1d, addr, (uint16_t)vcpu).hit;
		c->last_line = line;
		if (!hit && !(c->acc_state & ACC_L1D_MISSED)) {
			c->acc_state |= ACC_L1D_MISSED;
			c->page->total[VPMU_EV_L1D_MISSES]++;
			if (line > c->acc_first)
				below_l1d(m, vcpu, c->acc_first, line - 1);
		}
		if (c->acc_state & ACC_L1D_MISSED)
			below_l1d(m, vcpu, line, line);
	}
}

void vpmu_model_access(struct vpmu_model *m, uint32_t vcpu, uint64_t vaddr, uint64_t paddr, uint32_t size)
{
	struct vpmu_cpu *c = &m->cpu[vcpu];
	uint64_t *t = c->page->total;
	uint64_t page = vaddr >> c->dtlb.line_shift;
	uint64_t first = paddr >> c->l1d.line_shift, last = (paddr + size - 1) >> c->l1d.line_shift;

	t[VPMU_EV_L1D_ACCESSES]++;
	if (page != c->last_page) {
		c->last_page = page;
		if (!cache_mru_hit(&c->dtlb, vaddr) && !tlb_access(&c->dtlb, vaddr)) {
			uint32_t refs = vpmu_walk_refs(c->ctl->paging);
			t[VPMU_EV_DTLB_MISSES]++;
			t[VPMU_EV_PAGE_WALK_REFS] += refs;
			c->stall_cycles += (uint64_t)refs * m->cfg.lat_walk_ref;
		}
	}
	c->acc_first = first;
	c->acc_state = 0;
	if (last == first) {
		if (first == c->last_line)
			return;
		if (cache_mru_hit(&c->l1d, paddr)) {	/* a hit that changes nothing either */
			c->last_line = first;
			return;
		}
	}
	access_lines(m, vcpu, first, last);
}

void vpmu_model_access_more(struct vpmu_model *m, uint32_t vcpu, uint64_t paddr, uint32_t size)
{
	struct vpmu_cpu *c = &m->cpu[vcpu];
	uint64_t first = paddr >> c->l1d.line_shift, last = (paddr + size - 1) >> c->l1d.line_shift;

	/* Lines this access already touched are the most recent of their sets. */
	if (first <= c->last_line)
		first = c->last_line + 1;
	if (first <= last)
		access_lines(m, vcpu, first, last);
}

uint64_t vpmu_model_total(struct vpmu_model *m, uint32_t vcpu, enum vpmu_event ev)
{
	if (ev == VPMU_EV_LLC_FILLS_GLOBAL)
		return __atomic_load_n(&m->hdr->llc_fills_global, __ATOMIC_RELAXED);
	return m->cpu[vcpu].page->total[ev];
}
