# Buyer Protection: `make run` serves the app on http://127.0.0.1:8080, `make test` runs
# every test. Both install what is missing first.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
DEBIAN_PACKAGES := libfcgi-dev libsqlite3-dev nginx
# What the tests use on top: a sendmail-compatible client and an SMTP sink; Chromium, its
# driver and Python's venv for the browser suite (its PyPI packages go into .venv);
# strace and a C compiler for the durability suite; libfaketime to set the server's clock
# in the deadline tests (business days, the appeal window); Prometheus to scrape /metrics;
# PHP to check webhook signatures with the README's PHP snippet.
TEST_PACKAGES := msmtp python3-aiosmtpd chromium chromium-driver python3-venv default-jre-headless strace gcc libc6-dev faketime prometheus php-cli zbar-tools

.PHONY: all deps build run test bench instructions fuzz format install install-files clean

all: build

deps:
	@scripts/install-deps $(DEBIAN_PACKAGES)

build: deps
	$(SWIFT) build -c release --product bp

run: build
	scripts/run

# Debug build of everything (the tests start .build/debug/bp behind a private nginx).
test: deps
	@scripts/install-deps $(TEST_PACKAGES)
	$(SWIFT) format lint --strict --recursive Sources
	$(SWIFT) build --build-tests
	rm -f .build/api-exchanges.jsonl .build/webhook-bodies.jsonl
	$(SWIFT) test --skip-build
	scripts/validate-api
	scripts/browser-tests
	scripts/durability-tests
	scripts/deploy-tests

# Measures the release build against a C FastCGI "hello" and a C upload sink behind the
# same nginx (see README, Performance). Seeds bench/results/ on its first run.
bench: build
	bench/run

# Instructions bp serve executes per request (valgrind's callgrind): steady where time is
# not, for comparing two builds (see README, Performance). Uses the data make bench seeds.
instructions: build
	bench/instructions

# Every parser of client input under libFuzzer for FUZZ_SECONDS (60) each.
fuzz: deps
	scripts/fuzz

# Rewrites Sources/ in the style `.swift-format` describes (what `make test` checks).
format:
	$(SWIFT) format format --in-place --recursive Sources

# Installs bp into PREFIX/bin and what it reads at run time (Strings, Public, Data, the
# OpenAPI document) with the deployment files into PREFIX/share/buyer-protection
# (docs/OPERATIONS.md). DESTDIR stages it for packaging.
PREFIX ?= /usr/local
SHARE := $(DESTDIR)$(PREFIX)/share/buyer-protection
BIN ?= .build/release/bp
install: build install-files
install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/docs
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/bp
	cp -R Strings Public Data deploy $(SHARE)/
	install -m 0644 docs/openapi.json docs/OPERATIONS.md docs/DURABILITY.md $(SHARE)/docs/

clean:
	rm -rf .build
