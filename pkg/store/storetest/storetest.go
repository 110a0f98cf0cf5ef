// Package storetest is the conformance suite every store.Store
// implementation passes: the directory store in package store and the S3
// store in store/s3store (against a real MinIO). A behaviour the pipeline
// relies on belongs here, so that both backends are held to it.
//
// RunFaults checks, through store/faulty, that the suite's guarantees hold
// when calls fail: failed writes leave nothing, cut reads are errors.
//
// It is imported by tests only (never by a binary; the root package's
// layering test checks that), and imports only pkg/store and store/faulty.
package storetest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/store"
)

// clockSlack is how far LastModified may lie outside the interval around a
// Put: S3 reports whole seconds, and MinIO's clock is this machine's.
const clockSlack = 2 * time.Second

// Run runs the conformance suite. newStore returns an empty store for one
// subtest (a fresh directory or bucket); it may register cleanups on t.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("Keys", func(t *testing.T) { testKeys(t, newStore(t)) })
	t.Run("ListOrder", func(t *testing.T) { testListOrder(t, newStore(t)) })
	t.Run("ListPrefix", func(t *testing.T) { testListPrefix(t, newStore(t)) })
	t.Run("ListStops", func(t *testing.T) { testListStops(t, newStore(t)) })
	t.Run("Missing", func(t *testing.T) { testMissing(t, newStore(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newStore(t)) })
	t.Run("Overwrite", func(t *testing.T) { testOverwrite(t, newStore(t)) })
	t.Run("IfNoneMatch", func(t *testing.T) { testIfNoneMatch(t, newStore(t)) })
	t.Run("IfMatch", func(t *testing.T) { testIfMatch(t, newStore(t)) })
	t.Run("IfNoneMatchRace", func(t *testing.T) { testIfNoneMatchRace(t, newStore(t)) })
	t.Run("LastModified", func(t *testing.T) { testLastModified(t, newStore(t)) })
	t.Run("Bodies", func(t *testing.T) { testBodies(t, newStore(t)) })
	t.Run("SizeMismatch", func(t *testing.T) { testSizeMismatch(t, newStore(t)) })
	t.Run("Large", func(t *testing.T) { testLarge(t, newStore(t)) })
	t.Run("Canceled", func(t *testing.T) { testCanceled(t, newStore(t)) })
}

// md5hex is the ETag S3 gives a single-part upload of b.
func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// onlyReader hides every method but Read (no Seek, no WriteTo), as a
// network body would.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func put(t *testing.T, s store.Store, key string, data []byte, opt store.PutOptions) store.Object {
	t.Helper()
	obj, err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return obj
}

func get(t *testing.T, s store.Store, key string) ([]byte, store.Object) {
	t.Helper()
	rc, obj, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	return data, obj
}

func list(t *testing.T, s store.Store, prefix string) []store.Object {
	t.Helper()
	var objs []store.Object
	if err := s.List(context.Background(), prefix, func(o store.Object) error {
		objs = append(objs, o)
		return nil
	}); err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return objs
}

func keys(objs []store.Object) []string {
	ks := make([]string, len(objs))
	for i, o := range objs {
		ks[i] = o.Key
	}
	return ks
}

// checkObject compares the fields every backend must fill.
func checkObject(t *testing.T, what string, got store.Object, key string, data []byte) {
	t.Helper()
	if got.Key != key {
		t.Errorf("%s: Key = %q, want %q", what, got.Key, key)
	}
	if got.Size != int64(len(data)) {
		t.Errorf("%s: Size = %d, want %d", what, got.Size, len(data))
	}
	if want := md5hex(data); got.ETag != want {
		t.Errorf("%s: ETag = %q, want %q (hex MD5 of the content)", what, got.ETag, want)
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	const key = "raw/crm/2024-03 export.csv"
	data := []byte("工单编号,客服\nT1,张三\n")
	putObj := put(t, s, key, data, store.PutOptions{ContentType: "text/csv"})
	checkObject(t, "Put", putObj, key, data)

	got, getObj := get(t, s, key)
	if !bytes.Equal(got, data) {
		t.Errorf("Get = %q, want %q", got, data)
	}
	checkObject(t, "Get", getObj, key, data)

	headObj, err := s.Head(context.Background(), key)
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	checkObject(t, "Head", headObj, key, data)
	if !headObj.LastModified.Equal(getObj.LastModified) {
		t.Errorf("Head LastModified %v != Get LastModified %v", headObj.LastModified, getObj.LastModified)
	}

	objs := list(t, s, "")
	if len(objs) != 1 {
		t.Fatalf("List = %v, want one object", keys(objs))
	}
	checkObject(t, "List", objs[0], key, data)
	// S3 lists milliseconds and heads seconds: compare at second precision.
	if !objs[0].LastModified.Truncate(time.Second).Equal(headObj.LastModified.Truncate(time.Second)) {
		t.Errorf("List LastModified %v != Head LastModified %v", objs[0].LastModified, headObj.LastModified)
	}

	// An empty object is an object.
	put(t, s, "empty", nil, store.PutOptions{})
	got, obj := get(t, s, "empty")
	if len(got) != 0 {
		t.Errorf("Get(empty) = %q", got)
	}
	checkObject(t, "Get(empty)", obj, "empty", nil)
}

// testKeys stores keys that trip URL encoders and file systems.
func testKeys(t *testing.T, s store.Store) {
	tests := []struct{ name, key string }{
		{"space", "raw/crm/March export (final).csv"},
		{"chinese", "raw/survey/满意度 调查/三月.xlsx"},
		{"plus", "raw/crm/a+b.csv"},
		{"percent", "raw/crm/100%25 done%.csv"},
		{"equals", "normalized/tickets/month=2024-03/x.parquet"},
		{"query", "raw/crm/what?.csv"},
		{"hash", "raw/crm/#1.csv"},
		{"ampersand", "raw/crm/a&b;c.csv"},
		{"tilde", "raw/crm/~a'b\".csv"},
		{"dotfile", "raw/crm/.hidden"},
		{"dots", "raw/crm/a..b"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(fmt.Sprintf("body %d of %s", i, tt.key))
			put(t, s, tt.key, data, store.PutOptions{})
			got, obj := get(t, s, tt.key)
			if !bytes.Equal(got, data) {
				t.Errorf("Get = %q, want %q", got, data)
			}
			checkObject(t, "Get", obj, tt.key, data)
			head, err := s.Head(context.Background(), tt.key)
			if err != nil {
				t.Fatalf("Head: %v", err)
			}
			checkObject(t, "Head", head, tt.key, data)
			if objs := list(t, s, tt.key); len(objs) != 1 || objs[0].Key != tt.key {
				t.Errorf("List(%q) = %q, want exactly the key", tt.key, keys(objs))
			}
		})
	}
	want := make([]string, len(tests))
	for i, tt := range tests {
		want[i] = tt.key
	}
	slices.Sort(want)
	if got := keys(list(t, s, "")); !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}

// testListOrder stores keys whose byte order differs from the order of a
// directory walk ('-' and '.' sort before '/', directories are walked
// whole) and from a case-insensitive or Unicode-collated order. No two keys
// differ only in case, so that it also runs on case-insensitive file systems.
func testListOrder(t *testing.T, s store.Store) {
	ks := []string{
		"a0", "a/b", "a-c", "a.d", "a/b/c", "a/b-c", "a/b0", "A1", "a", "b", "中", "z", "Y/x", "a b",
	}
	for _, k := range ks {
		if k == "a" || k == "a/b" {
			continue // a directory cannot hold both "a" and "a/b"
		}
		put(t, s, k, []byte(k), store.PutOptions{})
	}
	want := []string{"A1", "Y/x", "a b", "a-c", "a.d", "a/b-c", "a/b/c", "a/b0", "a0", "b", "z", "中"}
	if got := keys(list(t, s, "")); !slices.Equal(got, want) {
		t.Errorf("List = %q\nwant   %q", got, want)
	}
}

func testListPrefix(t *testing.T, s store.Store) {
	// Not "a/b" itself: a directory cannot hold both "a/b" and "a/b/c".
	for _, k := range []string{"a/a", "a/b/c", "a/b/d/e", "a/bc", "a/c", "a-b", "ab", "b/a/b"} {
		put(t, s, k, []byte(k), store.PutOptions{})
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a-b", "a/a", "a/b/c", "a/b/d/e", "a/bc", "a/c", "ab", "b/a/b"}},
		{"a/b", []string{"a/b/c", "a/b/d/e", "a/bc"}},
		{"a/b/", []string{"a/b/c", "a/b/d/e"}},
		{"a/b/d", []string{"a/b/d/e"}},
		{"a", []string{"a-b", "a/a", "a/b/c", "a/b/d/e", "a/bc", "a/c", "ab"}},
		{"a/", []string{"a/a", "a/b/c", "a/b/d/e", "a/bc", "a/c"}},
		{"a/b/c", []string{"a/b/c"}},
		{"a/bc", []string{"a/bc"}},
		{"b/a/b", []string{"b/a/b"}},
		{"a/b/c/", nil},
		{"x", nil},
		{"a/b/c/d", nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.prefix), func(t *testing.T) {
			if got := keys(list(t, s, tt.prefix)); !slices.Equal(got, tt.want) {
				t.Errorf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
			}
		})
	}
}

func testListStops(t *testing.T, s store.Store) {
	if got := list(t, s, ""); len(got) != 0 {
		t.Fatalf("List of an empty store = %q", keys(got))
	}
	for _, k := range []string{"k1", "k2", "k3"} {
		put(t, s, k, []byte(k), store.PutOptions{})
	}
	stop := errors.New("stop here")
	var seen []string
	err := s.List(context.Background(), "", func(o store.Object) error {
		seen = append(seen, o.Key)
		if o.Key == "k2" {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("List error = %v, want the callback's error", err)
	}
	if want := []string{"k1", "k2"}; !slices.Equal(seen, want) {
		t.Errorf("List called back with %q, want %q", seen, want)
	}
}

func testMissing(t *testing.T, s store.Store) {
	ctx := context.Background()
	put(t, s, "dir/present", []byte("x"), store.PutOptions{})
	for _, key := range []string{"absent", "dir/absent", "dir", "dir/present/below", "no/such/dir/key"} {
		t.Run(key, func(t *testing.T) {
			rc, _, err := s.Get(ctx, key)
			if err == nil {
				rc.Close()
			}
			if !errors.Is(err, store.ErrNotExist) {
				t.Errorf("Get(%q) error = %v, want ErrNotExist", key, err)
			} else if !strings.Contains(err.Error(), key) {
				t.Errorf("Get(%q) error %q does not name the key", key, err)
			}
			if _, err := s.Head(ctx, key); !errors.Is(err, store.ErrNotExist) {
				t.Errorf("Head(%q) error = %v, want ErrNotExist", key, err)
			} else if !strings.Contains(err.Error(), key) {
				t.Errorf("Head(%q) error %q does not name the key", key, err)
			}
		})
	}
}

func testDelete(t *testing.T, s store.Store) {
	ctx := context.Background()
	put(t, s, "d/1", []byte("1"), store.PutOptions{})
	put(t, s, "d/2", []byte("2"), store.PutOptions{})
	for i := range 2 { // the second delete finds nothing and is fine
		if err := s.Delete(ctx, "d/1"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	if _, err := s.Head(ctx, "d/1"); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Head after Delete: error = %v, want ErrNotExist", err)
	}
	if err := s.Delete(ctx, "never/was"); err != nil {
		t.Errorf("Delete of a missing key: %v", err)
	}
	if got := keys(list(t, s, "")); !slices.Equal(got, []string{"d/2"}) {
		t.Errorf("List after Delete = %q, want [d/2]", got)
	}
	// Once "d/2" is gone too, "d" can be an object (S3 has no directories).
	if err := s.Delete(ctx, "d/2"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	put(t, s, "d", []byte("now a file"), store.PutOptions{})
	if got := keys(list(t, s, "")); !slices.Equal(got, []string{"d"}) {
		t.Errorf("List = %q, want [d]", got)
	}
}

func testOverwrite(t *testing.T, s store.Store) {
	const key = "reports/ingest/x.json"
	put(t, s, key, []byte("first version, longer"), store.PutOptions{})
	second := []byte("second")
	obj := put(t, s, key, second, store.PutOptions{})
	checkObject(t, "Put", obj, key, second)
	got, getObj := get(t, s, key)
	if !bytes.Equal(got, second) {
		t.Errorf("Get = %q, want %q", got, second)
	}
	checkObject(t, "Get", getObj, key, second)
	// Same size, different content, immediately after (file modification
	// times are coarse): the ETag must still change.
	third := []byte("SECOND")
	put(t, s, key, third, store.PutOptions{})
	head, err := s.Head(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	checkObject(t, "Head", head, key, third)
	objs := list(t, s, key)
	if len(objs) != 1 {
		t.Fatalf("List = %q", keys(objs))
	}
	checkObject(t, "List", objs[0], key, third)
}

func testIfNoneMatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	const key = "payroll/month=2024-03/v1/manifest.json"
	first := []byte(`{"version":1}`)
	obj := put(t, s, key, first, store.PutOptions{IfNoneMatch: true})
	checkObject(t, "Put", obj, key, first)

	second := []byte(`{"version":"other"}`)
	for _, body := range []io.Reader{bytes.NewReader(second), onlyReader{bytes.NewReader(second)}} {
		_, err := s.Put(ctx, key, body, int64(len(second)), store.PutOptions{IfNoneMatch: true})
		if !errors.Is(err, store.ErrExists) {
			t.Fatalf("second Put with IfNoneMatch: error = %v, want ErrExists", err)
		}
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error %q does not name the key", err)
		}
	}
	got, getObj := get(t, s, key)
	if !bytes.Equal(got, first) {
		t.Errorf("after a failed IfNoneMatch Put, Get = %q, want %q", got, first)
	}
	checkObject(t, "Get", getObj, key, first)

	// Without IfNoneMatch the write replaces; after a Delete, IfNoneMatch
	// creates again.
	put(t, s, key, second, store.PutOptions{})
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	put(t, s, key, first, store.PutOptions{IfNoneMatch: true})
	if got, _ := get(t, s, key); !bytes.Equal(got, first) {
		t.Errorf("Get = %q, want %q", got, first)
	}
}

func testIfNoneMatchRace(t *testing.T, s store.Store) {
	const (
		key     = "payroll/month=2024-03/v2/manifest.json"
		writers = 8
	)
	var (
		wg   sync.WaitGroup
		errs [writers]error
		objs [writers]store.Object
		body [writers][]byte
	)
	start := make(chan struct{})
	for i := range writers {
		body[i] = bytes.Repeat([]byte(fmt.Sprintf("writer %d\n", i)), 1000+i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			objs[i], errs[i] = s.Put(context.Background(), key, bytes.NewReader(body[i]), int64(len(body[i])), store.PutOptions{IfNoneMatch: true})
		}()
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("writers %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrExists):
			t.Errorf("writer %d: error = %v, want ErrExists", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no writer succeeded")
	}
	checkObject(t, "winner's Put", objs[winner], key, body[winner])
	got, obj := get(t, s, key)
	if !bytes.Equal(got, body[winner]) {
		t.Errorf("object holds %d bytes starting %q, want writer %d's", len(got), got[:min(len(got), 10)], winner)
	}
	checkObject(t, "Get", obj, key, body[winner])
}

func testLastModified(t *testing.T, s store.Store) {
	const key = "raw/roster/roster.csv"
	before := time.Now()
	obj := put(t, s, key, []byte("x"), store.PutOptions{})
	after := time.Now()
	within := func(what string, lm time.Time) {
		t.Helper()
		if lm.Before(before.Add(-clockSlack)) || lm.After(after.Add(clockSlack)) {
			t.Errorf("%s LastModified = %v, want within %v of [%v, %v]", what, lm, clockSlack, before, after)
		}
	}
	// S3's PutObject does not return the upload time: Put may leave it zero.
	if !obj.LastModified.IsZero() {
		within("Put", obj.LastModified)
	}
	head, err := s.Head(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	within("Head", head.LastModified)
	_, getObj := get(t, s, key)
	within("Get", getObj.LastModified)
	for _, o := range list(t, s, key) {
		within("List", o.LastModified)
	}
}

// testBodies puts through every kind of body: seekable, plain reader, with
// and without a known size, and a seekable body not at its start.
func testBodies(t *testing.T, s store.Store) {
	data := []byte(strings.Repeat("客服,工单\n", 5000))
	tests := []struct {
		name string
		body func() io.Reader
		size int64
		want []byte
	}{
		{"seeker", func() io.Reader { return bytes.NewReader(data) }, int64(len(data)), data},
		{"seeker unknown size", func() io.Reader { return bytes.NewReader(data) }, -1, data},
		{"reader", func() io.Reader { return onlyReader{bytes.NewReader(data)} }, int64(len(data)), data},
		{"reader unknown size", func() io.Reader { return onlyReader{bytes.NewReader(data)} }, -1, data},
		{"seeker past start", func() io.Reader {
			r := bytes.NewReader(data)
			r.Seek(100, io.SeekStart)
			return r
		}, int64(len(data) - 100), data[100:]},
		{"seeker past start unknown size", func() io.Reader {
			r := bytes.NewReader(data)
			r.Seek(100, io.SeekStart)
			return r
		}, -1, data[100:]},
		{"empty unknown size", func() io.Reader { return onlyReader{strings.NewReader("")} }, -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "bodies/" + tt.name
			obj, err := s.Put(context.Background(), key, tt.body(), tt.size, store.PutOptions{})
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			checkObject(t, "Put", obj, key, tt.want)
			got, getObj := get(t, s, key)
			if !bytes.Equal(got, tt.want) {
				t.Errorf("Get returned %d bytes, want %d", len(got), len(tt.want))
			}
			checkObject(t, "Get", getObj, key, tt.want)
		})
	}
}

// testSizeMismatch: a body that does not hold size bytes is an error, and
// nothing is stored (a truncated upload must not become an object).
func testSizeMismatch(t *testing.T, s store.Store) {
	data := []byte("0123456789")
	tests := []struct {
		name string
		body func() io.Reader
		size int64
	}{
		{"seeker short", func() io.Reader { return bytes.NewReader(data) }, 11},
		{"seeker long", func() io.Reader { return bytes.NewReader(data) }, 9},
		{"reader short", func() io.Reader { return onlyReader{bytes.NewReader(data)} }, 11},
		{"reader long", func() io.Reader { return onlyReader{bytes.NewReader(data)} }, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "mismatch/" + tt.name
			if _, err := s.Put(context.Background(), key, tt.body(), tt.size, store.PutOptions{}); err == nil {
				t.Errorf("Put of %d bytes with size %d succeeded", len(data), tt.size)
			} else if !strings.Contains(err.Error(), key) {
				t.Errorf("error %q does not name the key", err)
			}
			if _, err := s.Head(context.Background(), key); !errors.Is(err, store.ErrNotExist) {
				t.Errorf("Head after a failed Put: error = %v, want ErrNotExist", err)
			}
		})
	}
}

// testLarge streams 20 MiB through a body that cannot seek, and back.
func testLarge(t *testing.T, s store.Store) {
	const (
		key  = "raw/crm/large.csv"
		size = 20 << 20
	)
	src := rand.NewChaCha8([32]byte{1, 2, 3})
	h := md5.New()
	body := io.TeeReader(io.LimitReader(src, size), h)
	obj, err := s.Put(context.Background(), key, onlyReader{body}, size, store.PutOptions{})
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	want := hex.EncodeToString(h.Sum(nil))
	if obj.Size != size || obj.ETag != want {
		t.Errorf("Put = size %d ETag %q, want %d %q", obj.Size, obj.ETag, size, want)
	}
	rc, getObj, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	defer rc.Close()
	h.Reset()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("reading: %v", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != size || got != want {
		t.Errorf("Get read %d bytes with MD5 %s, want %d %s", n, got, size, want)
	}
	if getObj.Size != size || getObj.ETag != want {
		t.Errorf("Get = size %d ETag %q, want %d %q", getObj.Size, getObj.ETag, size, want)
	}
}

func testCanceled(t *testing.T, s store.Store) {
	put(t, s, "present", []byte("x"), store.PutOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, "canceled", strings.NewReader("x"), 1, store.PutOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context: error = %v, want context.Canceled", err)
	}
	if _, err := s.Head(context.Background(), "canceled"); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Head after a canceled Put: error = %v, want ErrNotExist", err)
	}
	if rc, _, err := s.Get(ctx, "present"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a canceled context: error = %v, want context.Canceled", err)
		if err == nil {
			rc.Close()
		}
	}
	if err := s.List(ctx, "", func(store.Object) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("List with a canceled context: error = %v, want context.Canceled", err)
	}
}

// testIfMatch: GetWith IfMatch reads the object only while its ETag is the
// one given; after a re-upload it fails with ErrChanged (S3 If-Match, 412).
// A missing key stays ErrNotExist.
func testIfMatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	const key = "raw/crm/2024-03 工单.csv"
	first := []byte("first export\n")
	obj := put(t, s, key, first, store.PutOptions{})
	rc, got, err := s.GetWith(ctx, key, store.GetOptions{IfMatch: obj.ETag})
	if err != nil {
		t.Fatalf("GetWith(IfMatch current): %v", err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(data, first) {
		t.Fatalf("GetWith(IfMatch current) = %q, %v; want %q", data, err, first)
	}
	checkObject(t, "GetWith", got, key, first)

	second := []byte("second export, re-uploaded\n")
	put(t, s, key, second, store.PutOptions{})
	rc, _, err = s.GetWith(ctx, key, store.GetOptions{IfMatch: obj.ETag})
	if err == nil {
		rc.Close()
		t.Fatal("GetWith(IfMatch old ETag) after a re-upload succeeded; want ErrChanged")
	}
	if !errors.Is(err, store.ErrChanged) {
		t.Fatalf("GetWith(IfMatch old ETag) = %v; want ErrChanged", err)
	}
	if errors.Is(err, store.ErrNotExist) {
		t.Errorf("GetWith(IfMatch old ETag) = %v: also ErrNotExist", err)
	}
	// No option: the newest version, as Get.
	rc, _, err = s.GetWith(ctx, key, store.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, _ = io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(data, second) {
		t.Errorf("GetWith() = %q, want %q", data, second)
	}
	_, _, err = s.GetWith(ctx, "raw/crm/missing.csv", store.GetOptions{IfMatch: obj.ETag})
	if !errors.Is(err, store.ErrNotExist) {
		t.Errorf("GetWith(missing, IfMatch) = %v; want ErrNotExist", err)
	}
}
