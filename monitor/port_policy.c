/* The I/O-port allowlist (see port_policy.h). */
#include "monitor/port_policy.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What a sandbox may have without owning a PCI function. */
static const struct port_range allowed[] = {
	{ 0x0080, 0x0080 },   /* POST codes */
	{ 0x0278, 0x027F },   /* LPT2 */
	{ 0x02E8, 0x02EF },   /* COM4 */
	{ 0x02F8, 0x02FF },   /* COM2 */
	{ 0x0378, 0x037F },   /* LPT1 */
	{ 0x03BC, 0x03BF },   /* LPT3 */
	{ 0x03E8, 0x03EF },   /* COM3 */
	{ 0x03F8, 0x03FF },   /* COM1 */
};

static bool owns(const struct sandbox_config *sc, uint16_t bdf)
{
	for (unsigned i = 0; i < sc->npci; i++)
		if (sc->pci[i] == bdf)
			return true;
	return false;
}

static void put_bdf(struct config_error *err, uint16_t bdf)
{
	static const char hex[] = "0123456789abcdef";
	char s[8] = { hex[bdf >> 12], hex[bdf >> 8 & 15], ':', hex[bdf >> 7 & 1],
		      hex[bdf >> 3 & 15], '.', hex[bdf & 7], 0 };
	config_error_str(err, s);
}

static int refuse(struct config_error *err, const struct sandbox_config *sc, unsigned port,
		  const char *why)
{
	config_error_begin(err, sc->line);
	config_error_str(err, "port ");
	config_error_hex(err, port);
	config_error_str(err, why);
	return -1;
}

/* 0 if sandbox s may have port, else -1 with *err. */
static int check_port(const struct system_config *cfg, unsigned s, unsigned port,
		      const struct port_hazard *acpi, unsigned nacpi,
		      const struct io_window *bars, unsigned nbars, struct config_error *err)
{
	const struct sandbox_config *sc = &cfg->sandbox[s];
	unsigned i, at;

	for (i = 0; i < COUNT(allowed); i++)
		if (port >= allowed[i].first && port <= allowed[i].last)
			return 0;
	for (i = 0; i < nacpi; i++)
		if (port_first_common(port, port, acpi[i].first, acpi[i].last, &at)) {
			refuse(err, sc, port, " is refused: ");
			config_error_str(err, acpi[i].what);
			return -1;
		}
	for (i = 0; i < nbars; i++) {
		if (port < bars[i].first || port > bars[i].last)
			continue;
		if (owns(sc, bars[i].bdf))
			return 0;
		refuse(err, sc, port, " is an I/O BAR of PCI ");
		put_bdf(err, bars[i].bdf);
		config_error_str(err, ", which sandbox ");
		config_error_dec(err, s);
		config_error_str(err, " does not own");
		return -1;
	}
	return refuse(err, sc, port, " is not on the allowlist (UARTs, parallel ports, 0x80, "
		      "its own PCI functions' I/O BARs)");
}

int port_check_platform(const struct system_config *cfg,
			const struct port_hazard *acpi, unsigned nacpi,
			const struct io_window *bars, unsigned nbars,
			struct config_error *err)
{
	for (unsigned s = 0; s < cfg->nsandboxes; s++) {
		const struct sandbox_config *sc = &cfg->sandbox[s];
		for (unsigned r = 0; r < sc->nports; r++)
			for (unsigned p = sc->ports[r].first; p <= sc->ports[r].last; p++)
				if (check_port(cfg, s, p, acpi, nacpi, bars, nbars, err))
					return -1;
	}
	return 0;
}
