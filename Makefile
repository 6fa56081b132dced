# FieldDesk. `make run` and `make test` are all a newcomer needs (see README.md).
GO      ?= go
TAGS    := migrated_fynedo,no_animations
BIN     := bin
ARGS    ?=
export LANG := $(if $(filter-out C POSIX,$(LANG)),$(LANG),C.UTF-8)

.PHONY: run build server deps test-deps test test-windows dist vet fmt-check bench fuzz clean

## run: install missing system packages, build, open the app on its embedded store
run: build
	./$(BIN)/fielddesk $(ARGS)

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN)/fielddesk ./cmd/fielddesk

## server: a local newsroom server on loopback with demo accounts (printed)
server:
	scripts/server.sh

deps:
	@scripts/deps.sh build

test-deps:
	@scripts/deps.sh test

## test: everything CI checks (the Windows build's tests under Wine among it)
test: test-deps fmt-check vet
	$(GO) test -race -timeout 30m -tags $(TAGS) -count=1 ./...
	@echo "the server's and sync's tests again, on PostgreSQL and an S3-compatible store:"
	FIELDDESK_TEST_BACKEND=postgres $(GO) test -race -timeout 30m -tags $(TAGS) -count=1 ./sync/server ./sync/client
	cd internal/earlyenv && $(GO) vet . && $(GO) test -race -count=1 .
	GOOS=windows $(GO) vet -tags $(TAGS) $$(GOOS=windows $(GO) list -e -f '{{if .GoFiles}}{{.ImportPath}}{{end}}' ./... | grep -v '/cmd/fielddesk$$')
	TAGS=$(TAGS) scripts/test-windows.sh
	@scripts/backends.sh

## dist: the Windows installer and programs, and the Linux .deb and tarball, in dist/out;
## then the installer is installed, upgraded and uninstalled under Wine (scripts/dist-check.sh)
dist:
	TAGS=$(TAGS) scripts/dist.sh
	scripts/dist-check.sh

## test-windows: the Windows build's tests, cross-compiled and run under Wine
test-windows: test-deps
	TAGS=$(TAGS) scripts/test-windows.sh

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: deps
	$(GO) vet -tags $(TAGS) ./...

## bench: the benchmarks behind docs/BENCHMARKS.md
bench: deps
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem ./...

## fuzz: a short run of every fuzz target
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./bundle
	$(GO) test -run '^$$' -fuzz FuzzOrientation -fuzztime 20s ./photo
	$(GO) test -run '^$$' -fuzz FuzzInspect -fuzztime 20s ./photo
	$(GO) test -run '^$$' -fuzz FuzzClean -fuzztime 20s ./photo
	$(GO) test -run '^$$' -fuzz FuzzRender -fuzztime 30s ./render
	$(GO) test -run '^$$' -fuzz FuzzDecodeSummary -fuzztime 20s ./store
	$(GO) test -run '^$$' -fuzz FuzzTyper -fuzztime 30s ./vietnamese
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime 30s ./vietnamese
	$(GO) test -run '^$$' -fuzz FuzzDecodePush -fuzztime 30s ./sync/wire
	$(GO) test -run '^$$' -fuzz FuzzDecodeSmall -fuzztime 30s ./sync/wire
	$(GO) test -run '^$$' -fuzz FuzzReadFrame -fuzztime 20s ./sync/wire
	$(GO) test -run '^$$' -fuzz FuzzMerge -fuzztime 30s .
	$(GO) test -run '^$$' -fuzz FuzzServer -fuzztime 60s ./sync/server

clean:
	rm -rf $(BIN)
