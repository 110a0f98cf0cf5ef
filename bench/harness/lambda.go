package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Binary is the size of one Lambda bootstrap.
type Binary struct {
	Function string `json:"function"`
	Arch     string `json:"arch"`
	Path     string `json:"path"`
	Bytes    int64  `json:"bytes"`
}

// StartToReady is the time from exec of a bootstrap to its first
// GET /2018-06-01/runtime/invocation/next.
type StartToReady struct {
	Function string    `json:"function"`
	Arch     string    `json:"arch"`
	SamplesM []float64 `json:"samples_ms"`
	MedianMS float64   `json:"median_ms"`
}

// GoBench is one line of `go test -bench` output.
type GoBench struct {
	Name    string  `json:"name"`
	N       int64   `json:"n"`
	NsPerOp float64 `json:"ns_per_op"`
	// BytesPerOp and AllocsPerOp are -1 when not reported.
	BytesPerOp  int64 `json:"bytes_per_op"`
	AllocsPerOp int64 `json:"allocs_per_op"`
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+([0-9.]+) ns/op(?:\s+(\d+) B/op)?(?:\s+(\d+) allocs/op)?`)

// ParseGoBench reads the benchmark result lines of `go test -bench` output.
func ParseGoBench(r io.Reader) ([]GoBench, error) {
	var out []GoBench
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		b := GoBench{Name: m[1], BytesPerOp: -1, AllocsPerOp: -1}
		var err error
		if b.N, err = strconv.ParseInt(m[2], 10, 64); err != nil {
			return nil, fmt.Errorf("reading benchmark line %q: %w", sc.Text(), err)
		}
		if b.NsPerOp, err = strconv.ParseFloat(m[3], 64); err != nil {
			return nil, fmt.Errorf("reading benchmark line %q: %w", sc.Text(), err)
		}
		if m[4] != "" {
			b.BytesPerOp, _ = strconv.ParseInt(m[4], 10, 64)
		}
		if m[5] != "" {
			b.AllocsPerOp, _ = strconv.ParseInt(m[5], 10, 64)
		}
		out = append(out, b)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading benchmark output: %w", err)
	}
	return out, nil
}

// runtimeStub is a stand-in for the Lambda runtime API: it reports when a
// runtime first asks for an invocation and never answers it.
type runtimeStub struct {
	ln    net.Listener
	srv   *http.Server
	ready chan time.Time
}

const nextPath = "/2018-06-01/runtime/invocation/next"

func newRuntimeStub() (*runtimeStub, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the runtime API stub: %w", err)
	}
	s := &runtimeStub{ln: ln, ready: make(chan time.Time, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+nextPath, func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.ready <- time.Now():
		default:
		}
		// Hold the request until the runtime goes away (or the stub closes):
		// the function stays idle, as between invocations.
		<-r.Context().Done()
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Addr is the value for AWS_LAMBDA_RUNTIME_API.
func (s *runtimeStub) Addr() string { return s.ln.Addr().String() }

func (s *runtimeStub) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
	return s.srv.Close()
}

// measureStart runs argv with env plus AWS_LAMBDA_RUNTIME_API pointing at
// the stub, and returns the time from just before exec to the runtime's
// first request for an invocation. The process is killed then; a process
// that exits first, or does not ask within timeout, is an error.
func (s *runtimeStub) measureStart(argv []string, env []string, timeout time.Duration) (time.Duration, error) {
	d, _, err := s.start(argv, env, timeout)
	return d, err
}

// start is measureStart that also returns what the process wrote to
// standard error.
func (s *runtimeStub) start(argv []string, env []string, timeout time.Duration) (time.Duration, string, error) {
	for len(s.ready) > 0 {
		<-s.ready
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(env, "AWS_LAMBDA_RUNTIME_API="+s.Addr())
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, "", fmt.Errorf("starting %s: %w", argv[0], err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case at := <-s.ready:
		cmd.Process.Kill()
		<-exited
		return at.Sub(start), stderr.String(), nil
	case err := <-exited:
		if err == nil {
			err = errors.New("exited with status 0")
		}
		return 0, "", fmt.Errorf("%s ended before asking for an invocation: %w\n%s", argv[0], err, tail([]byte(stderr.String()), 2000))
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-exited
		return 0, "", fmt.Errorf("%s did not ask for an invocation within %v", argv[0], timeout)
	}
}

// InitEntry is one package's initialisation, from GODEBUG=inittrace=1.
type InitEntry struct {
	Package string  `json:"package"`
	ClockMS float64 `json:"clock_ms"`
	Bytes   int64   `json:"bytes"`
}

// InitTrace is the package initialisation of one bootstrap start: the
// slowest packages and the sum over all of them.
type InitTrace struct {
	Function string      `json:"function"`
	TotalMS  float64     `json:"total_ms"`
	Packages int         `json:"packages"`
	Slowest  []InitEntry `json:"slowest"`
}

var initLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock, (\d+) bytes, \d+ allocs$`)

// ParseInitTrace reads GODEBUG=inittrace=1 lines from a process's standard
// error and returns the total and the n slowest packages, slowest first.
func ParseInitTrace(stderr string, n int) (total float64, count int, slowest []InitEntry) {
	for _, line := range strings.Split(stderr, "\n") {
		m := initLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		ms, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			continue
		}
		b, _ := strconv.ParseInt(m[3], 10, 64)
		total += ms
		count++
		slowest = append(slowest, InitEntry{Package: m[1], ClockMS: ms, Bytes: b})
	}
	sort.SliceStable(slowest, func(i, j int) bool { return slowest[i].ClockMS > slowest[j].ClockMS })
	if len(slowest) > n {
		slowest = slowest[:n]
	}
	return total, count, slowest
}

// lambdaEnv is the environment a bootstrap gets for the start-to-ready
// measurement: a bucket, a customer key given directly (no SSM call), a
// dummy S3 endpoint and static credentials, no AWS files, no metadata
// service.
func lambdaEnv(scratch string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + scratch,
		"TZ=UTC",
		"SCORECARD_BUCKET=bench-bucket",
		"SCORECARD_CUSTOMER_KEY=benchkey",
		"SCORECARD_TMPDIR=" + scratch,
		"AWS_REGION=cn-north-1",
		"AWS_ACCESS_KEY_ID=bench",
		"AWS_SECRET_ACCESS_KEY=bench",
		"AWS_ENDPOINT_URL=http://127.0.0.1:9",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_NAME=bench",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024",
	}
}
