package main

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for a Lambda bootstrap: with
// HARNESS_FAKE_BOOTSTRAP set it behaves as that variable says.
func TestMain(m *testing.M) {
	switch os.Getenv("HARNESS_FAKE_BOOTSTRAP") {
	case "":
		os.Exit(m.Run())
	case "ready":
		// Ask for the next invocation, as lambda.Start does, and wait.
		resp, err := http.Get("http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + nextPath)
		if err == nil {
			resp.Body.Close()
		}
		os.Exit(4)
	case "crash":
		os.Stderr.WriteString("SCORECARD_BUCKET is not set\n")
		os.Exit(1)
	case "hang":
		time.Sleep(time.Minute)
		os.Exit(5)
	}
}

func TestMeasureStart(t *testing.T) {
	stub, err := newRuntimeStub()
	if err != nil {
		t.Fatal(err)
	}
	defer stub.Close()
	tests := []struct {
		mode    string
		wantErr string
	}{
		{"ready", ""},
		{"ready", ""}, // the stub serves more than one start
		{"crash", "SCORECARD_BUCKET is not set"},
		{"hang", "did not ask"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			env := append(os.Environ(), "HARNESS_FAKE_BOOTSTRAP="+tt.mode)
			d, err := stub.measureStart([]string{os.Args[0]}, env, 2*time.Second)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d <= 0 {
				t.Errorf("start to ready %v, want a positive duration", d)
			}
		})
	}
}

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
goarch: amd64
pkg: github.com/scorecard/scorecard/bench/initbench
cpu: Oxide Virtual Turin-like Processor
BenchmarkIngesterS3-2    	      50	   5759099 ns/op	 1724973 B/op	   11961 allocs/op
BenchmarkCloserDir-2     	      50	      5296.5 ns/op
BenchmarkNoProcs 	 1000	 12 ns/op	 0 B/op	 0 allocs/op
PASS
ok  	github.com/scorecard/scorecard/bench/initbench	0.890s
`
	got, err := ParseGoBench(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []GoBench{
		{Name: "BenchmarkIngesterS3", N: 50, NsPerOp: 5759099, BytesPerOp: 1724973, AllocsPerOp: 11961},
		{Name: "BenchmarkCloserDir", N: 50, NsPerOp: 5296.5, BytesPerOp: -1, AllocsPerOp: -1},
		{Name: "BenchmarkNoProcs", N: 1000, NsPerOp: 12, BytesPerOp: 0, AllocsPerOp: 0},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d results %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		t.Run(want[i].Name, func(t *testing.T) {
			if got[i] != want[i] {
				t.Errorf("got %+v, want %+v", got[i], want[i])
			}
		})
	}
}

func TestLambdaEnv(t *testing.T) {
	env := lambdaEnv("/scratch")
	seen := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		seen[k] = v
	}
	// No AWS file, no metadata service and no SSM call may be reached.
	for k, want := range map[string]string{
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED": "true", "SCORECARD_CUSTOMER_KEY": "benchkey",
		"HOME": "/scratch",
	} {
		if seen[k] != want {
			t.Errorf("%s = %q, want %q", k, seen[k], want)
		}
	}
	if _, ok := seen["SCORECARD_CUSTOMER_KEY_PARAM"]; ok {
		t.Error("SCORECARD_CUSTOMER_KEY_PARAM is set: the bootstrap would call SSM")
	}
}

func TestParseInitTrace(t *testing.T) {
	in := `init internal/bytealg @0.003 ms, 0 ms clock, 0 bytes, 0 allocs
init github.com/aws/aws-sdk-go-v2/service/ssm/schemas @48 ms, 13 ms clock, 1427032 bytes, 7857 allocs
some log line
init github.com/xuri/excelize/v2 @72 ms, 11.5 ms clock, 1407248 bytes, 21837 allocs
init os @17 ms, 0.76 ms clock, 416 bytes, 9 allocs
`
	total, count, slowest := ParseInitTrace(in, 2)
	if total != 25.26 || count != 4 {
		t.Errorf("total %v over %d packages, want 25.26 over 4", total, count)
	}
	want := []InitEntry{
		{Package: "github.com/aws/aws-sdk-go-v2/service/ssm/schemas", ClockMS: 13, Bytes: 1427032},
		{Package: "github.com/xuri/excelize/v2", ClockMS: 11.5, Bytes: 1407248},
	}
	if len(slowest) != len(want) {
		t.Fatalf("got %+v, want %+v", slowest, want)
	}
	for i := range want {
		if slowest[i] != want[i] {
			t.Errorf("slowest[%d] = %+v, want %+v", i, slowest[i], want[i])
		}
	}
}
