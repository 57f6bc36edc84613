/*
 * Replays a fuzz target's inputs: runs the harness (LLVMFuzzerTestOneInput,
 * the interface AFL++'s driver and libFuzzer both call) once per file, for
 * every file given and every file inside every directory given, in sorted
 * order. Built with gcc and ASan/UBSan (tests/fuzz/fuzz.mk), so `make test`
 * replays the seed corpus and every crash ever found without AFL++.
 *
 *   replay_TARGET DIR|FILE...    prints "TARGET: N inputs replayed"
 *
 * A sanitizer report or a harness abort ends the run non-zero, naming the file.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned replayed;

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	/* A copy of exactly n bytes, so ASan sees reads past the input's end. */
	uint8_t *in = malloc(n ? n : 1);
	memcpy(in, buf, n);
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(in, n);
	free(in);
	replayed++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay_path(const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	struct dirent **names;
	int n = scandir(path, &names, NULL, by_name);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char sub[4096];
			snprintf(sub, sizeof sub, "%s/%s", path, names[i]->d_name);
			replay_path(sub);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s TARGET DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		replay_path(argv[i]);
	printf("%s: %u inputs replayed\n", argv[1], replayed);
	return 0;
}
