package s3store

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestNonReplayableBodyNotRetried: a body that cannot seek is sent once,
// whatever S3 answers; a seekable one is rewound for each try.
func TestNonReplayableBodyNotRetried(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if b, _ := io.ReadAll(r.Body); string(b) != "body" {
			t.Errorf("sent %q", b)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "<Error><Code>SlowDown</Code></Error>")
	}))
	defer srv.Close()
	c, err := newClient(Config{Endpoint: srv.URL, AccessKey: "a", SecretKey: "s", Now: time.Now}, "bkt")
	if err != nil {
		t.Fatal(err)
	}
	c.backoff = func(int) time.Duration { return 0 }
	for _, tt := range []struct {
		body  io.Reader
		calls int32
	}{
		{onlyReader{strings.NewReader("body")}, 1},
		{strings.NewReader("body"), defaultMaxAttempts},
	} {
		calls.Store(0)
		_, err := c.do(context.Background(), &request{op: "PutObject", method: http.MethodPut, key: "k", body: tt.body, size: 4})
		if ErrorCode(err) != "SlowDown" || calls.Load() != tt.calls {
			t.Errorf("%T: %d calls, %v; want %d and SlowDown", tt.body, calls.Load(), err, tt.calls)
		}
	}
}

func TestJitteredBackoff(t *testing.T) {
	for n := 1; n < 40; n++ {
		limit := min(backoffMax, backoffBase<<min(n-1, 15))
		for range 100 {
			if d := jitteredBackoff(n); d < 0 || d >= limit {
				t.Fatalf("backoff(%d) = %v, want in [0, %v)", n, d, limit)
			}
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"a b/c+d":  "a%20b/c%2Bd",
		"中/~._-":   "%E4%B8%AD/~._-",
		"%#?&=;:@": "%25%23%3F%26%3D%3B%3A%40",
	} {
		if got := escapePath(in); got != want {
			t.Errorf("escapePath(%q) = %q, want %q", in, got, want)
		}
	}
	if got := escapeQuery("a/b c+"); got != "a%2Fb%20c%2B" {
		t.Errorf("escapeQuery = %q", got)
	}
}
