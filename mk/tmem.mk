# tmem (issue 4): the codec CLI, libFuzzer targets, benchmarks, and the
# test steps `make test` runs for them (appended to TEST_EXTRA).

TMEM_SRCS := $(sort $(wildcard tmem/*.c)) lib/fmt.c lib/err.c
TMEM_HDRS := $(wildcard tmem/*.h) lib/err.h lib/fmt.h
# Host tools and benchmarks: optimised, no sanitizers.
TMEM_OPT_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -I. \
	-D_DEFAULT_SOURCE -DFALLOW_HOST=1

.PHONY: fuzz fuzz-smoke bench codec-cli-check

# ------------------------------------------------------------ codec CLI
$(HOST)/fallow-codec: tools/fallow-codec.c tmem/lz4.c lib/err.c $(TMEM_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(TMEM_OPT_CFLAGS) -o $@ tools/fallow-codec.c tmem/lz4.c lib/err.c

# Round trips through the CLI on a text file, a binary and zeros.
codec-cli-check: $(HOST)/fallow-codec
	@set -e; d=$(HOST)/codec-check; mkdir -p $$d; \
	head -c 200000 /dev/zero > $$d/zero; \
	cat tmem/*.c > $$d/text; cp $(HOST)/fallow-codec $$d/binary; \
	for f in zero text binary; do \
		n=$$(wc -c < $$d/$$f); \
		$(HOST)/fallow-codec compress < $$d/$$f > $$d/$$f.lz4; \
		$(HOST)/fallow-codec decompress $$n < $$d/$$f.lz4 | cmp -s - $$d/$$f || \
			{ echo "codec-cli-check: $$f did not round-trip"; exit 1; }; \
	done; \
	if $(HOST)/fallow-codec decompress 10 < $$d/text.lz4 >/dev/null 2>&1; then \
		echo "codec-cli-check: short SIZE accepted"; exit 1; fi; \
	echo "codec-cli-check: 3 round trips ok"

# ------------------------------------------------------------ fuzzing
FUZZ_CC := clang
FUZZ_CFLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -I. -D_DEFAULT_SOURCE -DFALLOW_HOST=1
FUZZ_TARGETS := lz4_decompress tmem_ops
FUZZ_BINS := $(patsubst %,$(HOST)/fuzz/%,$(FUZZ_TARGETS))
# `make fuzz FUZZ_TIME=600` runs longer; the smoke run in `make test` is brief.
FUZZ_TIME ?= 20
FUZZ_SMOKE_TIME := 15

$(HOST)/fuzz/%: tests/fuzz/fuzz_%.c $(TMEM_SRCS) $(TMEM_HDRS) tests/unit/test_tmem_platform.h | deps-test
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(TMEM_SRCS)

# Seed corpora, made fresh in build/: real LZ4 blocks for the decoder,
# and a few byte streams for the operation sequences.
$(HOST)/fuzz/corpus.stamp: $(HOST)/fallow-codec
	@mkdir -p $(HOST)/fuzz/corpus-lz4_decompress $(HOST)/fuzz/corpus-tmem_ops
	@set -e; c=$(HOST)/fuzz/corpus-lz4_decompress; \
	head -c 4096 /dev/zero | $(HOST)/fallow-codec compress > $$c/zero; \
	head -c 4096 tmem/lz4.c | $(HOST)/fallow-codec compress > $$c/text; \
	head -c 4096 $(HOST)/fallow-codec | $(HOST)/fallow-codec compress > $$c/binary; \
	for f in $$c/*; do { printf 'x'; cat $$f; } > $$f.seed; rm $$f; done; \
	o=$(HOST)/fuzz/corpus-tmem_ops; \
	head -c 2048 tmem/store.c > $$o/a; head -c 2048 $(HOST)/fallow-codec > $$o/b; \
	head -c 512 /dev/zero > $$o/c
	@touch $@

fuzz: $(FUZZ_BINS) $(HOST)/fuzz/corpus.stamp
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz $$t ($(FUZZ_TIME)s)"; \
		$(HOST)/fuzz/$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			$(HOST)/fuzz/corpus-$$t || exit 1; done

fuzz-smoke: $(FUZZ_BINS) $(HOST)/fuzz/corpus.stamp
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz-smoke $$t"; \
		log=$(HOST)/fuzz/$$t.log; \
		$(HOST)/fuzz/$$t -max_total_time=$(FUZZ_SMOKE_TIME) -runs=2000000 \
			$(HOST)/fuzz/corpus-$$t > $$log 2>&1 || \
			{ tail -n 40 $$log; echo "fuzz-smoke: $$t FAILED"; exit 1; }; \
		tail -n 1 $$log; done

# ------------------------------------------------------------ benchmarks
$(HOST)/bench/bench_tmem: tests/bench/bench_tmem.c $(TMEM_SRCS) $(TMEM_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(TMEM_OPT_CFLAGS) -o $@ $< $(TMEM_SRCS) -llz4

bench: $(HOST)/bench/bench_tmem
	$(HOST)/bench/bench_tmem

TEST_EXTRA += codec-cli-check fuzz-smoke
