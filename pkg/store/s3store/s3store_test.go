package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/scorecard/scorecard/internal/miniotest"
	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/faulty"
	"github.com/scorecard/scorecard/pkg/store/s3store"
	"github.com/scorecard/scorecard/pkg/store/storetest"
)

// setEnv points the standard AWS environment at srv and away from any
// configuration files of the machine running the tests.
func setEnv(t *testing.T, srv *miniotest.Server) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_DEFAULT_REGION", s3store.PathStyleEnv} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// TestConformance runs the store suite against a real MinIO through New,
// the way the Lambdas and the CLI open a bucket.
func TestConformance(t *testing.T) {
	srv := miniotest.Start(t)
	setEnv(t, srv)
	newStore := func(t *testing.T) store.Store {
		s, err := s3store.New(context.Background(), srv.NewBucket(t), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	storetest.Run(t, newStore)
	// A faulty.Store without rules is the S3 store, as far as the suite can
	// tell; with rules, the suite's guarantees survive the faults.
	t.Run("Faulty", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store { return faulty.New(newStore(t)) })
	})
	t.Run("Faults", func(t *testing.T) { storetest.RunFaults(t, newStore) })
	// A bucket under a key prefix (s3://bucket/prefix) is a store too, and
	// leaves the rest of the bucket alone.
	prefixed := func(t *testing.T) store.Store { return storetest.NewPrefixed(t, newStore(t)) }
	t.Run("Prefixed", func(t *testing.T) { storetest.Run(t, prefixed) })
	t.Run("PrefixedFaults", func(t *testing.T) { storetest.RunFaults(t, prefixed) })
}

// rootStore is a store on bucket of srv signing as root, through NewWith.
func rootStore(t *testing.T, srv *miniotest.Server, bucket string) *s3store.Store {
	t.Helper()
	s, err := s3store.NewWith(s3store.Config{Endpoint: srv.Endpoint, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Now: time.Now}, bucket)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMinIO: NewWith works the same as New, errors name the bucket and the
// key, listings page, and odd keys are the keys the SDK stores.
func TestMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	ctx := context.Background()

	t.Run("NewWith", func(t *testing.T) {
		bucket := srv.NewBucket(t)
		s := rootStore(t, srv, bucket)
		if _, err := s.Put(ctx, "a/b.csv", strings.NewReader("x"), 1, store.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Head(ctx, "a/b.csv"); err != nil {
			t.Fatal(err)
		}
		_, err := s.Head(ctx, "a/missing.csv")
		if !errors.Is(err, store.ErrNotExist) || !strings.Contains(err.Error(), "s3://"+bucket+"/a/missing.csv") {
			t.Errorf("Head of a missing key: error = %v, want ErrNotExist naming s3://%s/a/missing.csv", err, bucket)
		}
		_, _, err = s.Get(ctx, "a/missing.csv")
		if !errors.Is(err, store.ErrNotExist) || !strings.Contains(err.Error(), "GetObject") || !strings.Contains(err.Error(), "NoSuchKey") {
			t.Errorf("Get of a missing key: error = %v, want ErrNotExist naming GetObject and NoSuchKey", err)
		}
		// A missing bucket is a configuration error, not a missing object.
		other := rootStore(t, srv, "no-such-bucket")
		if _, _, err := other.Get(ctx, "k"); err == nil || errors.Is(err, store.ErrNotExist) || s3store.ErrorCode(err) != "NoSuchBucket" {
			t.Errorf("Get from a missing bucket: error = %v, want NoSuchBucket, not ErrNotExist", err)
		}
		// Wrong credentials: a signature error, not retried, naming the key.
		bad, err := s3store.NewWith(s3store.Config{Endpoint: srv.Endpoint, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: "wrong", Now: time.Now}, bucket)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bad.Put(ctx, "a/c.csv", strings.NewReader("x"), 1, store.PutOptions{}); err == nil ||
			!strings.Contains(err.Error(), "s3://"+bucket+"/a/c.csv") || s3store.ErrorCode(err) != "SignatureDoesNotMatch" {
			t.Errorf("Put with a wrong secret: error = %v, want SignatureDoesNotMatch naming the key", err)
		}
	})

	t.Run("Pagination", func(t *testing.T) {
		bucket := srv.NewBucket(t)
		s := rootStore(t, srv, bucket)
		s3store.SetListPageSize(s, 3)
		var want []string
		for i := range 20 {
			// Keys that need escaping, on page boundaries too.
			k := fmt.Sprintf("p/%02d %s+%%#?.csv", i, []string{"a", "中", "é"}[i%3])
			want = append(want, k)
			if _, err := s.Put(ctx, k, strings.NewReader(k), -1, store.PutOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Put(ctx, "q/other", strings.NewReader("x"), 1, store.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := s.List(ctx, "p/", func(o store.Object) error {
			got = append(got, o.Key)
			if o.Size != int64(len(o.Key)) || o.ETag == "" || o.LastModified.IsZero() {
				t.Errorf("listed %+v", o)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("List = %q\nwant %q", got, want)
		}
		n := 0
		if err := s.List(ctx, "", func(store.Object) error { n++; return nil }); err != nil || n != 21 {
			t.Errorf("List of all: %d objects, %v; want 21", n, err)
		}
	})

	t.Run("Pagination1001", func(t *testing.T) {
		bucket := srv.NewBucket(t)
		s := rootStore(t, srv, bucket)
		var wg sync.WaitGroup
		errs := make(chan error, 1001)
		sem := make(chan struct{}, 32)
		for i := range 1001 {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				_, err := s.Put(ctx, fmt.Sprintf("k/%04d", i), strings.NewReader(""), 0, store.PutOptions{})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		i := 0
		if err := s.List(ctx, "k/", func(o store.Object) error {
			if want := fmt.Sprintf("k/%04d", i); o.Key != want {
				return fmt.Errorf("key %d is %s, want %s", i, o.Key, want)
			}
			i++
			return nil
		}); err != nil || i != 1001 {
			t.Errorf("List: %d keys, %v; want 1001", i, err)
		}
	})

	t.Run("KeysAsTheSDKStoresThem", func(t *testing.T) {
		bucket := srv.NewBucket(t)
		s := rootStore(t, srv, bucket)
		sdk := srv.Client()
		for _, k := range []string{
			"raw/crm/March export (final).csv", "raw/survey/满意度 调查/三月.xlsx", "a+b", "100%25 done%", "#1", "what?", "a%2Fb",
			"sp ace/ /x", "semi;colon=eq&amp", "tab\tand\x01ctl", "emoji 😀", "trailing/",
		} {
			if _, err := s.Put(ctx, k, strings.NewReader("mine "+k), -1, store.PutOptions{}); err != nil {
				t.Fatalf("Put %q: %v", k, err)
			}
			out, err := sdk.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(k)})
			if err != nil {
				t.Fatalf("SDK GetObject %q: %v", k, err)
			}
			b, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if string(b) != "mine "+k {
				t.Errorf("SDK read %q as %q", k, b)
			}
			if _, err := sdk.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader("sdk " + k)}); err != nil {
				t.Fatal(err)
			}
			rc, _, err := s.Get(ctx, k)
			if err != nil {
				t.Fatalf("Get %q: %v", k, err)
			}
			b, _ = io.ReadAll(rc)
			rc.Close()
			if string(b) != "sdk "+k {
				t.Errorf("Get %q = %q", k, b)
			}
			var listed []string
			if err := s.List(ctx, k, func(o store.Object) error { listed = append(listed, o.Key); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(listed) == 0 || listed[0] != k {
				t.Errorf("List(%q) = %q", k, listed)
			}
		}
	})
}

func TestNewErrors(t *testing.T) {
	if _, err := s3store.New(context.Background(), "", time.Now); err == nil {
		t.Error("New with an empty bucket name succeeded")
	}
	for _, cfg := range []s3store.Config{
		{Now: time.Now}, // no region, no endpoint
		{Region: "us-east-1/evil", Now: time.Now},            // not a region
		{Endpoint: "ftp://x", Region: "r", Now: time.Now},    // not http
		{Endpoint: "http://", Region: "r", Now: time.Now},    // no host
		{Endpoint: "http://h?q", Region: "r", Now: time.Now}, // a query
		{Endpoint: "http://127.0.0.1:9000", Region: "r"},     // no clock
	} {
		if _, err := s3store.NewWith(cfg, "bkt"); err == nil {
			t.Errorf("NewWith(%+v) succeeded", cfg)
		}
	}
}

// TestEndpoints: where requests go.
func TestEndpoints(t *testing.T) {
	tests := []struct {
		cfg    s3store.Config
		bucket string
		want   string
	}{
		{s3store.Config{Region: "eu-west-1", Now: time.Now}, "bkt", "https://bkt.s3.eu-west-1.amazonaws.com/raw/a%20b.csv"},
		{s3store.Config{Region: "cn-north-1", Now: time.Now}, "bkt", "https://bkt.s3.cn-north-1.amazonaws.com.cn/raw/a%20b.csv"},
		{s3store.Config{Region: "cn-northwest-1", PathStyle: true, Now: time.Now}, "bkt", "https://s3.cn-northwest-1.amazonaws.com.cn/bkt/raw/a%20b.csv"},
		{s3store.Config{Region: "us-gov-west-1", Now: time.Now}, "bkt", "https://bkt.s3.us-gov-west-1.amazonaws.com/raw/a%20b.csv"},
		{s3store.Config{Region: "eu-west-1", Now: time.Now}, "my.dotted.bucket", "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/raw/a%20b.csv"},
		{s3store.Config{Endpoint: "http://127.0.0.1:9000", Now: time.Now}, "bkt", "http://127.0.0.1:9000/bkt/raw/a%20b.csv"},
		{s3store.Config{Endpoint: "https://minio.example/s3/", Region: "x", Now: time.Now}, "bkt", "https://minio.example/s3/bkt/raw/a%20b.csv"},
	}
	for _, tt := range tests {
		s, err := s3store.NewWith(tt.cfg, tt.bucket)
		if err != nil {
			t.Fatal(err)
		}
		if got := s3store.ObjectURL(s, "raw/a b.csv"); got != tt.want {
			t.Errorf("%+v %s: URL %s, want %s", tt.cfg, tt.bucket, got, tt.want)
		}
	}
}

// TestEscaping: the request line carries each byte of the key that is not
// unreserved as %XX, '/' as is.
func TestEscaping(t *testing.T) {
	var got []string
	var mu sync.Mutex
	s := fakeS3(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.RequestURI)
		mu.Unlock()
		w.Header().Set("ETag", `"e"`)
	})
	ctx := context.Background()
	keys := map[string]string{
		"raw/crm/March export (final).csv": "/bkt/raw/crm/March%20export%20%28final%29.csv",
		"raw/survey/满意度 调查/三月.xlsx":        "/bkt/raw/survey/%E6%BB%A1%E6%84%8F%E5%BA%A6%20%E8%B0%83%E6%9F%A5/%E4%B8%89%E6%9C%88.xlsx",
		"a+b%25c%d#e?f&g=h;i~j_k-l.m":      "/bkt/a%2Bb%2525c%25d%23e%3Ff%26g%3Dh%3Bi~j_k-l.m",
		"a//b/":                            "/bkt/a//b/",
	}
	for k, want := range keys {
		got = nil
		if _, err := s.Head(ctx, k); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("Head(%q) requested %q, want %q", k, got, want)
		}
	}
	got = nil
	if err := s.List(ctx, "raw/a b+c/中", func(store.Object) error { return nil }); err == nil {
		t.Error("List of a non-XML answer succeeded")
	}
	if want := "/bkt?encoding-type=url&list-type=2&prefix=raw%2Fa%20b%2Bc%2F%E4%B8%AD"; len(got) != 1 || got[0] != want {
		t.Errorf("List requested %q, want %q", got, want)
	}
}

// fakeS3 is a store on bucket "bkt" of a local server answering with h,
// retrying without waiting.
func fakeS3(t *testing.T, h http.HandlerFunc) *s3store.Store {
	t.Helper()
	return fakeS3With(t, s3store.Config{Now: time.Now}, h)
}

func fakeS3With(t *testing.T, cfg s3store.Config, h http.HandlerFunc) *s3store.Store {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg.Endpoint, cfg.Region = srv.URL, "eu-west-1"
	if cfg.AccessKey == "" {
		cfg.AccessKey, cfg.SecretKey = "AKID", "SECRET"
	}
	s, err := s3store.NewWith(cfg, "bkt")
	if err != nil {
		t.Fatal(err)
	}
	s3store.SetBackoff(s, func(int) time.Duration { return 0 })
	return s
}

// s3Error answers like S3 does.
func s3Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", "REQ1")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>from the fake</Message><RequestId>REQ1</RequestId></Error>`, code)
}

// TestSigning: requests are SigV4-signed for s3 in the region, with the
// session token and an unsigned payload.
func TestSigning(t *testing.T) {
	var hdr http.Header
	s := fakeS3With(t, s3store.Config{AccessKey: "AKID", SecretKey: "S", SessionToken: "TOKEN", Now: time.Now}, func(w http.ResponseWriter, r *http.Request) {
		hdr = r.Header.Clone()
		io.Copy(io.Discard, r.Body)
	})
	if _, err := s.Put(context.Background(), "k", strings.NewReader("body"), 4, store.PutOptions{ContentType: "text/csv"}); err != nil {
		t.Fatal(err)
	}
	auth := hdr.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKID/") || !strings.Contains(auth, "/eu-west-1/s3/aws4_request") ||
		!strings.Contains(auth, "x-amz-content-sha256") || !strings.Contains(auth, "x-amz-security-token") {
		t.Errorf("Authorization = %q", auth)
	}
	if hdr.Get("X-Amz-Content-Sha256") != "UNSIGNED-PAYLOAD" || hdr.Get("X-Amz-Security-Token") != "TOKEN" || hdr.Get("Content-Type") != "text/csv" {
		t.Errorf("headers %v", hdr)
	}
	s2, _ := s3store.NewWith(s3store.Config{Endpoint: "http://127.0.0.1:9", Region: "r", Now: time.Now}, "bkt")
	if _, err := s2.Head(context.Background(), "k"); err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Errorf("Head without credentials: %v", err)
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		status     int
		code       string
		notExist   bool
		otherError bool // of Delete
	}{
		{404, "NoSuchKey", true, false},
		{404, "", true, false}, // HEAD: no body, code NotFound
		{404, "NoSuchBucket", false, true},
		{403, "AccessDenied", false, true},
		{400, "InvalidArgument", false, true},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, tt.code), func(t *testing.T) {
			s := fakeS3(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.code == "" {
					w.WriteHeader(tt.status)
					return
				}
				s3Error(w, tt.status, tt.code)
			})
			code := tt.code
			if code == "" {
				code = "NotFound"
			}
			_, _, getErr := s.Get(ctx, "raw/k 1.csv")
			_, headErr := s.Head(ctx, "raw/k 1.csv")
			_, putErr := s.Put(ctx, "raw/k 1.csv", strings.NewReader("x"), 1, store.PutOptions{})
			listErr := s.List(ctx, "raw/k 1.csv", func(store.Object) error { return nil })
			for op, err := range map[string]error{"Get": getErr, "Head": headErr, "Put": putErr, "List": listErr} {
				code, notExist := code, tt.notExist && op == "Get"
				if op == "Head" {
					// An answer to HEAD has no body: the code is the
					// status's, and any 404 is a missing key.
					code = strings.ReplaceAll(http.StatusText(tt.status), " ", "")
					notExist = tt.status == 404
				}
				if got := errors.Is(err, store.ErrNotExist); got != notExist {
					t.Errorf("%s: errors.Is(%v, ErrNotExist) = %v", op, err, got)
				}
				if errors.Is(err, store.ErrExists) {
					t.Errorf("%s: %v is ErrExists", op, err)
				}
				if err == nil || !strings.Contains(err.Error(), "s3://bkt/raw/k 1.csv") || !strings.Contains(err.Error(), code) {
					t.Errorf("%s: error %v does not name the object and the S3 error %s", op, err, code)
				}
			}
			delErr := s.Delete(ctx, "raw/k 1.csv")
			if (delErr != nil) != tt.otherError {
				t.Errorf("Delete: error = %v, want an error: %v", delErr, tt.otherError)
			}
		})
	}
}

// TestObjectHeaders: what Get, Head and Put read from S3's headers.
func TestObjectHeaders(t *testing.T) {
	s := fakeS3(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "identity" {
			t.Errorf("Accept-Encoding = %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("ETag", `"0123abcd"`)
		w.Header().Set("X-Amz-Version-Id", "v42")
		if r.Method != http.MethodPut {
			w.Header().Set("Last-Modified", "Tue, 06 Oct 2026 09:10:11 GMT")
			w.Header().Set("Content-Encoding", "gzip") // stored as is, not to be decoded
			w.Header().Set("Content-Length", "5")
			w.Write([]byte("gzip?"))
		}
	})
	ctx := context.Background()
	want := store.Object{Key: "k", Size: 5, ETag: "0123abcd", VersionID: "v42", LastModified: time.Date(2026, 10, 6, 9, 10, 11, 0, time.UTC)}
	rc, obj, err := s.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(b) != "gzip?" || obj != want {
		t.Errorf("Get = %q %+v %v, want %+v", b, obj, err, want)
	}
	if obj, err := s.Head(ctx, "k"); err != nil || obj != want {
		t.Errorf("Head = %+v %v, want %+v", obj, err, want)
	}
	want.LastModified, want.Size = time.Time{}, 3
	if obj, err := s.Put(ctx, "k", strings.NewReader("abc"), 3, store.PutOptions{}); err != nil || obj != want {
		t.Errorf("Put = %+v %v, want %+v", obj, err, want)
	}
}

func TestPutConditional(t *testing.T) {
	tests := []struct {
		name      string
		answers   []string // error code per attempt, "" for success
		wantErr   error
		wantCalls int
	}{
		{"success", []string{""}, nil, 1},
		{"precondition failed", []string{"PreconditionFailed"}, store.ErrExists, 1},
		{"conflict then success", []string{"ConditionalRequestConflict", ""}, nil, 2},
		{"conflict then exists", []string{"ConditionalRequestConflict", "PreconditionFailed"}, store.ErrExists, 2},
		{"conflict persists", []string{"ConditionalRequestConflict", "ConditionalRequestConflict", "ConditionalRequestConflict"}, store.ErrExists, 3},
		{"other error", []string{"AccessDenied"}, nil, 1},
		{"internal error, retried", []string{"InternalError", "InternalError", ""}, nil, 3},
		{"internal error persists", []string{"InternalError", "InternalError", "InternalError"}, nil, 3},
	}
	status := map[string]int{"PreconditionFailed": 412, "ConditionalRequestConflict": 409, "AccessDenied": 403, "InternalError": 500}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			s := fakeS3(t, func(w http.ResponseWriter, r *http.Request) {
				calls++
				if r.Header.Get("If-None-Match") != "*" {
					t.Errorf("If-None-Match = %q, want *", r.Header.Get("If-None-Match"))
				}
				if body, _ := io.ReadAll(r.Body); string(body) != "body" {
					t.Errorf("attempt %d sent %q, want the whole body", calls, body)
				}
				if calls > len(tt.answers) {
					t.Fatalf("attempt %d", calls)
				}
				if code := tt.answers[calls-1]; code != "" {
					s3Error(w, status[code], code)
					return
				}
				w.Header().Set("ETag", `"etag"`)
				w.Header().Set("X-Amz-Version-Id", "v1")
			})
			body := onlyReader{strings.NewReader("body")}
			obj, err := s.Put(context.Background(), "k", body, 4, store.PutOptions{IfNoneMatch: true})
			if calls != tt.wantCalls {
				t.Errorf("PutObject called %d times, want %d", calls, tt.wantCalls)
			}
			switch {
			case tt.answers[len(tt.answers)-1] == "" && err != nil:
				t.Fatalf("Put: %v", err)
			case tt.answers[len(tt.answers)-1] == "":
				if want := (store.Object{Key: "k", Size: 4, ETag: "etag", VersionID: "v1"}); obj != want {
					t.Errorf("Put = %+v, want %+v", obj, want)
				}
			case err == nil:
				t.Fatal("Put succeeded")
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("Put error = %v, want %v", err, tt.wantErr)
			case tt.wantErr == nil && (errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrNotExist)):
				t.Errorf("Put error = %v, want neither ErrExists nor ErrNotExist", err)
			}
			if err != nil && (!strings.Contains(err.Error(), "s3://bkt/k") || !strings.Contains(err.Error(), "PutObject")) {
				t.Errorf("error %q does not name the object and the operation", err)
			}
		})
	}
}

// TestRetries: throttling, 5xx and broken connections are retried, up to
// MaxAttempts tries; client errors are not.
func TestRetries(t *testing.T) {
	ctx := context.Background()
	type answer func(w http.ResponseWriter, r *http.Request)
	slowDown := func(w http.ResponseWriter, r *http.Request) { s3Error(w, 503, "SlowDown") }
	internal := func(w http.ResponseWriter, r *http.Request) { s3Error(w, 500, "InternalError") }
	throttled := func(w http.ResponseWriter, r *http.Request) { s3Error(w, 400, "RequestTimeout") }
	htmlBadGateway := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(502)
		w.Write([]byte("<html>bad gateway</html>"))
	}
	reset := func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Fatal(err)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST
		}
		conn.Close()
	}
	denied := func(w http.ResponseWriter, r *http.Request) { s3Error(w, 403, "AccessDenied") }
	ok := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("ETag", `"e"`)
		if r.URL.Query().Get("list-type") == "2" {
			w.Write([]byte(`<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>4</Size></Contents></ListBucketResult>`))
		}
	}
	ops := map[string]func(s *s3store.Store) error{
		"Get": func(s *s3store.Store) error {
			rc, _, err := s.Get(ctx, "k")
			if err == nil {
				rc.Close()
			}
			return err
		},
		"Head": func(s *s3store.Store) error { _, err := s.Head(ctx, "k"); return err },
		"Put": func(s *s3store.Store) error {
			_, err := s.Put(ctx, "k", strings.NewReader("body"), 4, store.PutOptions{})
			return err
		},
		"PutRaw": func(s *s3store.Store) error {
			_, err := s.Put(ctx, "k", onlyReader{strings.NewReader("body")}, -1, store.PutOptions{})
			return err
		},
		"List":   func(s *s3store.Store) error { return s.List(ctx, "", func(store.Object) error { return nil }) },
		"Delete": func(s *s3store.Store) error { return s.Delete(ctx, "k") },
	}
	tests := []struct {
		name        string
		maxAttempts int
		answers     []answer
		wantErr     bool
		skip        string // an op the answers do not apply to
	}{
		{"503 twice then 200", 0, []answer{slowDown, slowDown, ok}, false, ""},
		{"503 thrice", 0, []answer{slowDown, slowDown, slowDown}, true, ""},
		{"500, 502, 200", 0, []answer{internal, htmlBadGateway, ok}, false, ""},
		{"RequestTimeout then 200", 0, []answer{throttled, ok}, false, "Head"}, // HEAD answers have no code
		{"reset then 200", 0, []answer{reset, ok}, false, ""},
		{"5 attempts", 5, []answer{slowDown, reset, slowDown, internal, ok}, false, ""},
		{"no retries", 1, []answer{slowDown}, true, ""},
		{"403 not retried", 0, []answer{denied}, true, ""},
	}
	for _, tt := range tests {
		for name, op := range ops {
			if name == tt.skip {
				continue
			}
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				var mu sync.Mutex
				calls := 0
				s := fakeS3With(t, s3store.Config{MaxAttempts: tt.maxAttempts, Now: time.Now}, func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					calls++
					n := calls
					mu.Unlock()
					if r.Method == http.MethodPut {
						if b, _ := io.ReadAll(r.Body); string(b) != "body" {
							t.Errorf("attempt %d sent %q", n, b)
						}
					}
					if n > len(tt.answers) {
						t.Errorf("attempt %d", n)
						s3Error(w, 500, "TooMany")
						return
					}
					tt.answers[n-1](w, r)
				})
				err := op(s)
				if (err != nil) != tt.wantErr {
					t.Errorf("error = %v, want an error: %v", err, tt.wantErr)
				}
				if err != nil && !strings.Contains(err.Error(), "s3://bkt/") {
					t.Errorf("error %v does not name the object", err)
				}
				if calls != len(tt.answers) {
					t.Errorf("%d attempts, want %d", calls, len(tt.answers))
				}
			})
		}
	}
}

// TestRetryCanceled: a canceled context ends the backoff.
func TestRetryCanceled(t *testing.T) {
	s := fakeS3(t, func(w http.ResponseWriter, r *http.Request) { s3Error(w, 503, "SlowDown") })
	s3store.SetBackoff(s, func(int) time.Duration { return time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := s.Get(ctx, "k")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "SlowDown") {
		t.Errorf("error = %v, want DeadlineExceeded after SlowDown", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}

type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestPutBodies: a seekable body goes to S3 as is; any other is spooled to
// a temporary file that is removed afterwards.
func TestPutBodies(t *testing.T) {
	spool := t.TempDir()
	var spooled []int
	s := fakeS3(t, func(w http.ResponseWriter, r *http.Request) {
		left, _ := os.ReadDir(spool)
		spooled = append(spooled, len(left))
		if b, _ := io.ReadAll(r.Body); string(b) != "abc" || r.ContentLength != 3 {
			t.Errorf("sent %q, Content-Length %d", b, r.ContentLength)
		}
		w.Header().Set("ETag", `"e"`)
	})
	s.TempDir = spool
	ctx := context.Background()
	for _, body := range []io.Reader{bytes.NewReader([]byte("abc")), onlyReader{strings.NewReader("abc")}} {
		if _, err := s.Put(ctx, "k", body, -1, store.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if want := []int{0, 1}; !slices.Equal(spooled, want) {
		t.Errorf("spool files during the puts = %v, want %v", spooled, want)
	}
	if left, _ := os.ReadDir(spool); len(left) != 0 {
		t.Errorf("%d spool files left behind", len(left))
	}
}

// TestListPages: continuation tokens are followed, url-encoded keys
// decoded, and a truncated page without a token is an error.
func TestListPages(t *testing.T) {
	pages := map[string]string{
		"":      `<ListBucketResult><IsTruncated>true</IsTruncated><EncodingType>url</EncodingType><NextContinuationToken>t/1+=</NextContinuationToken><Contents><Key>a+b%2Bc%25</Key><LastModified>2026-10-06T09:10:11.123Z</LastModified><ETag>&quot;e1&quot;</ETag><Size>7</Size></Contents></ListBucketResult>`,
		"t/1+=": `<ListBucketResult><IsTruncated>true</IsTruncated><EncodingType>url</EncodingType><NextContinuationToken>t2</NextContinuationToken><Contents><Key>%E4%B8%AD</Key><Size>1</Size></Contents><Contents><Key>%01x</Key><Size>2</Size></Contents></ListBucketResult>`,
		"t2":    `<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>raw+key</Key></Contents></ListBucketResult>`,
		"bad":   `<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>`,
	}
	s := fakeS3(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("list-type") != "2" || q.Get("prefix") != "p re" {
			t.Errorf("query %v", q)
		}
		page, ok := pages[q.Get("continuation-token")]
		if !ok {
			s3Error(w, 400, "InvalidArgument")
			return
		}
		w.Write([]byte(page))
	})
	var got []store.Object
	err := s.List(context.Background(), "p re", func(o store.Object) error { got = append(got, o); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Object{
		{Key: "a b+c%", Size: 7, ETag: "e1", LastModified: time.Date(2026, 10, 6, 9, 10, 11, 123e6, time.UTC)},
		{Key: "中", Size: 1}, {Key: "\x01x", Size: 2}, {Key: "raw+key"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("List = %+v\nwant %+v", got, want)
	}
	pages[""] = pages["bad"]
	if err := s.List(context.Background(), "p re", func(store.Object) error { return nil }); err == nil || !strings.Contains(err.Error(), "continuation token") {
		t.Errorf("truncated page without a token: %v", err)
	}
}

// TestDefaultHTTPClient does not follow redirects (S3 sends to another
// region, which the signature is not for) and does not decode gzip.
func TestDefaultHTTPClient(t *testing.T) {
	c := s3store.HTTPDefault()
	if c.CheckRedirect == nil || c.CheckRedirect(nil, nil) != http.ErrUseLastResponse {
		t.Error("follows redirects")
	}
	if !c.Transport.(*http.Transport).DisableCompression {
		t.Error("decodes gzip")
	}
	s := fakeS3(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amz-Bucket-Region", "cn-north-1")
		s3Error(w, 301, "PermanentRedirect")
	})
	if _, _, err := s.Get(context.Background(), "k"); err == nil || !strings.Contains(err.Error(), "cn-north-1") {
		t.Errorf("Get from a bucket in another region: %v, want the region named", err)
	}
}
