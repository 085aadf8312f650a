# berth: build, set-up, demo, benchmark and tests. `make` builds ./berth; `make test` is what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := berth

GO ?= go
BATS ?= bats
BATS_FLAGS ?=
# The binary the integration tests drive; point it at /usr/sbin/runc to check the tests themselves.
BERTH_BIN ?= $(CURDIR)/berth
# Integration test files to run (names in tests/integration, or paths); default: all of them.
TESTS ?=
# Client suites to run (names in tests/clients, or paths); default: all of them.
CLIENT_TESTS ?=
STATICCHECK_VERSION ?= v0.8.2

VERSION := $(shell cat VERSION)
GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# urfave_cli_no_docs drops the man-page generator (blackfriday), whose init costs 0.5 ms per exec.
# The binary is static (libseccomp.a from libseccomp-dev, Go's own user and DNS code): berth starts
# twice per container (berth, then berth init), and dynamic loading cost ~2 ms of each start.
# STATIC= builds a dynamically linked binary.
BUILDTAGS ?= urfave_cli_no_docs netgo osusergo
STATIC ?= 1
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.gitCommit=$(GIT_COMMIT) \
	$(if $(STATIC),-linkmode external -extldflags -static)

# What the binary is built from (the test helpers under tests/ are built separately).
GO_SOURCES := $(shell find . -path ./.cache -prune -o -path ./tests -prune -o \
	\( -name '*.go' -o -name '*.c' -o -name '*.h' \) -print) go.mod go.sum VERSION
TEST_CMDS := $(wildcard tests/cmd/*)
INTEGRATION := $(if $(TESTS),$(foreach t,$(TESTS),$(if $(wildcard $(t)),$(t),tests/integration/$(t))),tests/integration)
CLIENTS := $(if $(CLIENT_TESTS),$(foreach t,$(CLIENT_TESTS),$(if $(wildcard $(t)),$(t),tests/clients/$(t))),tests/clients)

export BERTH_BIN

.PHONY: deps demo test test-unit test-integration test-clients test-helpers bench lint clean man install uninstall fuzz

# Where `make install` puts things (DESTDIR for staging, as packagers use it).
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

berth: $(GO_SOURCES)
	CGO_ENABLED=1 $(GO) build -trimpath -tags "$(BUILDTAGS)" -ldflags "$(LDFLAGS)" -o $@ .

deps:
	@bash scripts/install-deps.sh

# berth(8), generated from the CLI definitions by a build with urfave/cli's man-page writer
# (docs_gen.go), which the release binary leaves out.
man: .cache/man/berth.8

.cache/man/berth.8: $(GO_SOURCES)
	@mkdir -p .cache/man
	CGO_ENABLED=1 $(GO) build -trimpath -tags berth_docs -ldflags "$(LDFLAGS)" -o .cache/berth-docs .
	.cache/berth-docs gen-man .cache/man

install: berth man
	install -D -m 0755 berth $(DESTDIR)$(BINDIR)/berth
	install -D -m 0644 .cache/man/berth.8 $(DESTDIR)$(MANDIR)/man8/berth.8
	install -D -m 0644 contrib/completions/bash/berth $(DESTDIR)$(BASHCOMPDIR)/berth
	install -D -m 0644 contrib/completions/zsh/_berth $(DESTDIR)$(ZSHCOMPDIR)/_berth

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/berth $(DESTDIR)$(MANDIR)/man8/berth.8 \
		$(DESTDIR)$(BASHCOMPDIR)/berth $(DESTDIR)$(ZSHCOMPDIR)/_berth

demo: deps berth
	bash scripts/mkbundle.sh .cache/demo
	bash scripts/demo.sh .cache/demo

# Unit tests, integration tests and client suites all run, so one failure does not hide another;
# the exit status is non-zero if any failed.
test: deps berth test-helpers
	@rc=0; \
	$(GO) test ./... || rc=1; \
	$(BATS) $(BATS_FLAGS) $(INTEGRATION) || rc=1; \
	$(MAKE) --no-print-directory test-clients || rc=1; \
	exit $$rc

test-unit:
	$(GO) test ./...

test-integration: deps berth test-helpers
	$(BATS) $(BATS_FLAGS) $(INTEGRATION)

# The runtime driven by real clients (podman, containerd's ctr, crictl), each suite installing its client
# and running it privately (tests/clients/helpers.bash). BERTH_BIN=/usr/sbin/runc checks the suites.
test-clients: deps berth
	$(BATS) $(BATS_FLAGS) $(CLIENTS)

# Helper programs the bats tests call (recvtty, ...), built into .cache/bin, and berth-faults:
# berth with fault injection (BERTH_FAULT=op:phase kills it there; libcontainer/container/faults.go).
test-helpers:
	@mkdir -p .cache/bin
ifneq ($(TEST_CMDS),)
	CGO_ENABLED=1 $(GO) build -trimpath -o .cache/bin/ ./tests/cmd/...
endif
	CGO_ENABLED=1 $(GO) build -trimpath -tags "$(BUILDTAGS) berth_faults" -ldflags "$(LDFLAGS)" -o .cache/bin/berth-faults .

# Every go test fuzz target (func FuzzX in a _test.go file), FUZZTIME each, one after another;
# new failing inputs land in the package's testdata/fuzz, to be checked in with the fix.
FUZZTIME ?= 30s
fuzz:
	@set -e; grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u | \
	while read -r pkg; do \
		for target in $$(grep -h '^func Fuzz' $$pkg/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "fuzz: $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

# berth, runc, crun and the C floor side by side (scripts/bench.sh says what and how): tables on
# the terminal, a JSON file and a PNG under .cache/bench/. ROUNDS=N for fewer rounds (50 by
# default), BENCH_SCALE=1 adds the run with 1,000 live containers per runtime (minutes).
bench: deps berth
	bash scripts/bench.sh

# The test VM (Debian 12, pure cgroup v2, systemd, AppArmor; qemu under TCG): vm-image builds and
# caches it outside the repo (scripts/vm/build-image.sh, BERTH_VM_CACHE); test-vm runs the bats
# tests tagged `vm` (`# bats file_tags=vm` / `test_tags=vm`) in it, TAP on stdout. TESTS narrows
# the files as for test-integration.
.PHONY: vm-image test-vm

vm-image:
	bash scripts/vm/build-image.sh

test-vm: berth test-helpers
	bash scripts/vm/run-tests.sh --filter-tags vm $(INTEGRATION)

lint:
	@unformatted=$$(find . -path ./.cache -prune -o -name '*.go' -print | xargs -r gofmt -l); \
	if [[ -n $$unformatted ]]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

clean:
	rm -f berth
	rm -rf .cache
