package faulty_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/faulty"
)

// newStores returns a faulty Store under test and, between it and a fresh
// directory, a second one without rules whose log shows what reached the
// inner store.
func newStores(t *testing.T) (f, seen *faulty.Store) {
	t.Helper()
	d, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	seen = faulty.New(d)
	return faulty.New(seen), seen
}

// call is one call a test makes.
type call struct {
	op  faulty.Op
	key string
}

func (c call) String() string { return fmt.Sprintf("%v %q", c.op, c.key) }

// do makes c on s and returns its error. A Get reads the body to the end,
// so that a cut body is an error; a Put writes the key as its content.
func do(s store.Store, c call) error {
	ctx := context.Background()
	switch c.op {
	case faulty.OpGet:
		rc, _, err := s.Get(ctx, c.key)
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.ReadAll(rc)
		return err
	case faulty.OpHead:
		_, err := s.Head(ctx, c.key)
		return err
	case faulty.OpPut:
		_, err := s.Put(ctx, c.key, strings.NewReader(c.key), int64(len(c.key)), store.PutOptions{})
		return err
	case faulty.OpList:
		return s.List(ctx, c.key, func(store.Object) error { return nil })
	case faulty.OpDelete:
		return s.Delete(ctx, c.key)
	}
	panic("bad op")
}

func logOf(calls []faulty.Call) []string {
	var s []string
	for _, c := range calls {
		s = append(s, fmt.Sprintf("%v %s", c.Op, c.Key))
	}
	return s
}

// TestPassThrough: without rules every call reaches the inner store and
// returns what it returned, and the log records each one.
func TestPassThrough(t *testing.T) {
	f, seen := newStores(t)
	ctx := context.Background()
	obj, err := f.Put(ctx, "a/b.csv", strings.NewReader("abc"), 3, store.PutOptions{})
	if err != nil || obj.Size != 3 || obj.Key != "a/b.csv" {
		t.Fatalf("Put = %+v, %v", obj, err)
	}
	if err := do(f, call{faulty.OpGet, "a/b.csv"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Head(ctx, "missing"); !errors.Is(err, store.ErrNotExist) {
		t.Fatalf("Head(missing) error = %v, want the inner ErrNotExist", err)
	}
	if err := do(f, call{faulty.OpList, "a/"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete(ctx, "a/b.csv"); err != nil {
		t.Fatal(err)
	}
	want := []string{"Put a/b.csv", "Get a/b.csv", "Head missing", "List a/", "Delete a/b.csv"}
	if got := logOf(f.Calls()); !slices.Equal(got, want) {
		t.Errorf("Calls() = %q, want %q", got, want)
	}
	if got := logOf(seen.Calls()); !slices.Equal(got, want) {
		t.Errorf("inner saw %q, want %q", got, want)
	}
	for _, c := range f.Calls() {
		if c.Fault != faulty.KindNone {
			t.Errorf("%v: Fault = %v, want none", c, c.Fault)
		}
		if (c.Err == nil) != (c.Op != faulty.OpHead) {
			t.Errorf("%v: unexpected outcome", c)
		}
	}
	if got, want := logOf(f.Mutations()), []string{"Put a/b.csv", "Delete a/b.csv"}; !slices.Equal(got, want) {
		t.Errorf("Mutations() = %q, want %q", got, want)
	}
	if f.Inner() != store.Store(seen) {
		t.Error("Inner() is not the wrapped store")
	}
	f.ResetCalls()
	if n := len(f.Calls()); n != 0 {
		t.Errorf("after ResetCalls, %d calls logged", n)
	}
}

var errCustom = errors.New("disk on fire")

// TestFail: which calls a rule fails, counting the Nth among the calls of
// its op that match its prefix and predicate.
func TestFail(t *testing.T) {
	put := func(k string) call { return call{faulty.OpPut, k} }
	get := func(k string) call { return call{faulty.OpGet, k} }
	isJSON := func(k string) bool { return strings.HasSuffix(k, ".json") }
	tests := []struct {
		name  string
		setup []call // made before the rules are added: not counted
		rules []faulty.Rule
		calls []call
		fail  []int // indexes into calls that must fail with wantErr
		// notExist are calls that reach the inner store and fail there
		// with ErrNotExist.
		notExist []int
		// wantErr is what the failing calls return; nil means ErrInjected.
		wantErr error
	}{
		{
			name:  "every Put",
			rules: []faulty.Rule{{Op: faulty.OpPut}},
			calls: []call{put("a"), put("b"), put("c")},
			fail:  []int{0, 1, 2},
		},
		{
			name:  "first Put",
			rules: []faulty.Rule{{Op: faulty.OpPut, Nth: 1}},
			calls: []call{put("a"), put("b"), put("a")},
			fail:  []int{0},
		},
		{
			name:  "second Put",
			rules: []faulty.Rule{{Op: faulty.OpPut, Nth: 2}},
			calls: []call{put("a"), put("b"), put("c"), put("d")},
			fail:  []int{1},
		},
		{
			name:  "counting only Puts",
			setup: []call{put("a")},
			rules: []faulty.Rule{{Op: faulty.OpPut, Nth: 2}},
			calls: []call{get("a"), put("b"), get("a"), get("b"), put("c"), put("d")},
			fail:  []int{4},
		},
		{
			name:  "counted from when the rule was added",
			setup: []call{put("a"), put("b")},
			rules: []faulty.Rule{{Op: faulty.OpPut, Nth: 2}},
			calls: []call{put("c"), put("d"), put("e")},
			fail:  []int{1},
		},
		{
			name:  "second Put under a prefix",
			rules: []faulty.Rule{{Op: faulty.OpPut, Nth: 2, Prefix: "payroll/"}},
			calls: []call{put("raw/1"), put("payroll/1"), put("raw/2"), put("payroll/2"), put("payroll/3")},
			fail:  []int{3},
		},
		{
			name:  "every Put under a prefix",
			rules: []faulty.Rule{{Op: faulty.OpPut, Prefix: "payroll/"}},
			calls: []call{put("payroll"), put("payroll/1"), put("raw/payroll/2"), put("payroll/2")},
			fail:  []int{1, 3},
		},
		{
			name:  "predicate",
			rules: []faulty.Rule{{Op: faulty.OpPut, Nth: 2, Match: isJSON}},
			calls: []call{put("a.json"), put("b.csv"), put("c.csv"), put("d.json"), put("e.json")},
			fail:  []int{3},
		},
		{
			name:  "prefix and predicate",
			rules: []faulty.Rule{{Op: faulty.OpPut, Prefix: "reports/", Match: isJSON}},
			calls: []call{put("a.json"), put("reports/a.csv"), put("reports/a.json")},
			fail:  []int{2},
		},
		{
			name:  "Get",
			setup: []call{put("a")},
			rules: []faulty.Rule{{Op: faulty.OpGet, Nth: 2}},
			calls: []call{get("a"), {faulty.OpHead, "a"}, get("a"), get("a")},
			fail:  []int{2},
		},
		{
			name:  "Head",
			setup: []call{put("a")},
			rules: []faulty.Rule{{Op: faulty.OpHead, Nth: 1}},
			calls: []call{get("a"), {faulty.OpHead, "a"}, {faulty.OpHead, "a"}},
			fail:  []int{1},
		},
		{
			name:  "List by its prefix",
			setup: []call{put("a/1"), put("b/1")},
			rules: []faulty.Rule{{Op: faulty.OpList, Prefix: "b"}},
			calls: []call{{faulty.OpList, ""}, {faulty.OpList, "a/"}, {faulty.OpList, "b/"}},
			fail:  []int{2},
		},
		{
			name:     "Delete",
			setup:    []call{put("a"), put("b")},
			rules:    []faulty.Rule{{Op: faulty.OpDelete, Nth: 1}},
			calls:    []call{{faulty.OpDelete, "a"}, {faulty.OpDelete, "b"}, {faulty.OpHead, "a"}, {faulty.OpHead, "b"}},
			fail:     []int{0},
			notExist: []int{3},
		},
		{
			name:    "custom error",
			setup:   []call{put("a")},
			rules:   []faulty.Rule{{Op: faulty.OpGet, Fault: faulty.Fail(errCustom)}},
			calls:   []call{get("a"), {faulty.OpHead, "a"}},
			fail:    []int{0},
			wantErr: errCustom,
		},
		{
			name:    "injected ErrNotExist",
			setup:   []call{put("a")},
			rules:   []faulty.Rule{{Op: faulty.OpHead, Fault: faulty.Fail(store.ErrNotExist)}},
			calls:   []call{{faulty.OpHead, "a"}},
			fail:    []int{0},
			wantErr: store.ErrNotExist,
		},
		{
			name: "earliest rule's error wins",
			rules: []faulty.Rule{
				{Op: faulty.OpPut, Nth: 2, Fault: faulty.Fail(errCustom)},
				{Op: faulty.OpPut, Nth: 2},
			},
			calls:   []call{put("a"), put("b"), put("c")},
			fail:    []int{1},
			wantErr: errCustom,
		},
		{
			name:  "several Nth rules",
			rules: []faulty.Rule{{Op: faulty.OpPut, Nth: 1}, {Op: faulty.OpPut, Nth: 3}},
			calls: []call{put("a"), put("b"), put("c"), put("d")},
			fail:  []int{0, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, seen := newStores(t)
			for _, c := range tt.setup {
				if err := do(f, c); err != nil {
					t.Fatalf("setup %v: %v", c, err)
				}
			}
			f.Add(tt.rules...)
			seen.ResetCalls()
			var reached []string
			for i, c := range tt.calls {
				err := do(f, c)
				if !slices.Contains(tt.fail, i) {
					if slices.Contains(tt.notExist, i) {
						if !errors.Is(err, store.ErrNotExist) {
							t.Errorf("call %d (%v): %v, want ErrNotExist", i, c, err)
						}
					} else if err != nil {
						t.Errorf("call %d (%v): %v, want success", i, c, err)
					}
					reached = append(reached, fmt.Sprintf("%v %s", c.op, c.key))
					continue
				}
				want := tt.wantErr
				if want == nil {
					want = faulty.ErrInjected
				}
				if !errors.Is(err, want) {
					t.Errorf("call %d (%v): error = %v, want %v", i, c, err, want)
				} else if !strings.Contains(err.Error(), c.op.String()) || !strings.Contains(err.Error(), fmt.Sprintf("%q", c.key)) {
					t.Errorf("call %d: error %q does not name the op and the key", i, err)
				}
				if want != faulty.ErrInjected && errors.Is(err, faulty.ErrInjected) {
					t.Errorf("call %d: error %v is ErrInjected, want only %v", i, err, want)
				}
				if f.Calls()[len(tt.setup)+i].Fault != faulty.KindFail {
					t.Errorf("call %d: logged as %v", i, f.Calls()[len(tt.setup)+i])
				}
			}
			// Injected failures never reach the inner store.
			if got := logOf(seen.Calls()); !slices.Equal(got, reached) {
				t.Errorf("inner store saw %q, want %q", got, reached)
			}
		})
	}
}

// TestFailedPutNotWritten: a failed Put, either kind, writes nothing, and
// only FailAfterBody reads the body.
func TestFailedPutNotWritten(t *testing.T) {
	tests := []struct {
		name     string
		fault    faulty.Fault
		wantKind faulty.Kind
		wantRead bool
	}{
		{"fail", faulty.Fail(nil), faulty.KindFail, false},
		{"zero fault", faulty.Fault{}, faulty.KindFail, false},
		{"fail after body", faulty.FailAfterBody(nil), faulty.KindFailAfterBody, true},
		{"fail after body, custom error", faulty.FailAfterBody(errCustom), faulty.KindFailAfterBody, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, seen := newStores(t)
			f.Add(faulty.Rule{Op: faulty.OpPut, Nth: 1, Fault: tt.fault})
			body := strings.NewReader(strings.Repeat("x", 100000))
			_, err := f.Put(context.Background(), "k", body, -1, store.PutOptions{})
			want := faulty.ErrInjected
			if tt.fault == faulty.FailAfterBody(errCustom) {
				want = errCustom
			}
			if !errors.Is(err, want) {
				t.Fatalf("Put error = %v, want %v", err, want)
			}
			if read := body.Len() == 0; read != tt.wantRead {
				t.Errorf("body read to the end: %v, want %v (%d bytes left)", read, tt.wantRead, body.Len())
			}
			if n := len(seen.Calls()); n != 0 {
				t.Errorf("inner store saw %v", seen.Calls())
			}
			if _, err := seen.Head(context.Background(), "k"); !errors.Is(err, store.ErrNotExist) {
				t.Errorf("Head after the failed Put: error = %v, want ErrNotExist", err)
			}
			if c := f.Calls()[0]; c.Fault != tt.wantKind || c.Err == nil {
				t.Errorf("logged %v, want a failure of kind %v", c, tt.wantKind)
			}
		})
	}
}

// TestFailAfterBodyReadError: if the body cannot be read, Put returns that
// error, as the real upload would.
func TestFailAfterBodyReadError(t *testing.T) {
	f, seen := newStores(t)
	f.Add(faulty.Rule{Op: faulty.OpPut, Fault: faulty.FailAfterBody(nil)})
	_, err := f.Put(context.Background(), "k", iotest.ErrReader(errCustom), -1, store.PutOptions{})
	if !errors.Is(err, errCustom) || errors.Is(err, faulty.ErrInjected) {
		t.Errorf("Put error = %v, want the body's error", err)
	}
	if len(seen.Calls()) != 0 {
		t.Errorf("inner store saw %v", seen.Calls())
	}
}

// TestCutBody: the body ends with io.ErrUnexpectedEOF after K bytes, unless
// the object is shorter, whatever size the reads are.
func TestCutBody(t *testing.T) {
	data := []byte("0123456789")
	tests := []struct {
		cut     int64
		wantN   int
		wantErr error
	}{
		{0, 0, io.ErrUnexpectedEOF},
		{1, 1, io.ErrUnexpectedEOF},
		{5, 5, io.ErrUnexpectedEOF},
		{9, 9, io.ErrUnexpectedEOF},
		{10, 10, io.ErrUnexpectedEOF}, // exactly the object: the cut still shows
		{11, 10, nil},                 // longer than the object: read in full
		{1 << 20, 10, nil},
		{-1, 0, io.ErrUnexpectedEOF}, // a negative cut is a cut at 0
	}
	readers := map[string]func(io.Reader) io.Reader{
		"ReadAll":   func(r io.Reader) io.Reader { return r },
		"one byte":  iotest.OneByteReader,
		"half":      iotest.HalfReader,
		"data+EOF":  iotest.DataErrReader,
		"big reads": func(r io.Reader) io.Reader { return io.LimitReader(r, 1<<30) },
	}
	inners := map[string]func(store.Store) store.Store{
		"dir":           func(s store.Store) store.Store { return s },
		"data with EOF": func(s store.Store) store.Store { return eofStore{s} },
	}
	for _, tt := range tests {
		for name, wrapR := range readers {
			for innerName, inner := range inners {
				if name == "data+EOF" && innerName == "data with EOF" {
					continue // iotest.DataErrReader drops data that comes with EOF
				}
				t.Run(fmt.Sprintf("cut %d/%s/%s", tt.cut, name, innerName), func(t *testing.T) {
					f0, _ := newStores(t)
					f := faulty.New(inner(f0))
					if _, err := f.Put(context.Background(), "k", bytes.NewReader(data), int64(len(data)), store.PutOptions{}); err != nil {
						t.Fatal(err)
					}
					f.Add(faulty.Rule{Op: faulty.OpGet, Nth: 1, Fault: faulty.CutBody(tt.cut)})
					rc, obj, err := f.Get(context.Background(), "k")
					if err != nil {
						t.Fatal(err)
					}
					got, err := io.ReadAll(wrapR(rc))
					if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
						t.Errorf("read error = %v, want %v", err, tt.wantErr)
					}
					if !bytes.Equal(got, data[:tt.wantN]) {
						t.Errorf("read %q, want %q", got, data[:tt.wantN])
					}
					if obj.Size != int64(len(data)) {
						t.Errorf("Object.Size = %d, want the whole object's %d", obj.Size, len(data))
					}
					if err := rc.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
					if c := f.Calls()[1]; c.Fault != faulty.KindCutBody || c.Err != nil {
						t.Errorf("logged %v, want a successful Get with a cut body", c)
					}
					// Spent: the next Get is whole.
					if err := do(f, call{faulty.OpGet, "k"}); err != nil {
						t.Errorf("second Get: %v", err)
					}
				})
			}
		}
	}
}

// eofStore's Get bodies return their last bytes together with io.EOF, as
// some network bodies do.
type eofStore struct{ store.Store }

func (e eofStore) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	rc, obj, err := e.Store.Get(ctx, key)
	if err != nil {
		return nil, obj, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	return io.NopCloser(iotest.DataErrReader(bytes.NewReader(data))), obj, err
}

// TestCutBodyMissing: a cut on a missing object is the inner ErrNotExist.
func TestCutBodyMissing(t *testing.T) {
	f, _ := newStores(t)
	f.Add(faulty.Rule{Op: faulty.OpGet, Fault: faulty.CutBody(3)})
	if _, _, err := f.Get(context.Background(), "nope"); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Get error = %v, want ErrNotExist", err)
	}
}

// TestDelay: a delayed call waits, then goes through; a done context ends
// the wait with its error and the call never reaches the inner store.
func TestDelay(t *testing.T) {
	tests := []struct {
		name    string
		delay   time.Duration
		ctx     func() (context.Context, context.CancelFunc)
		wantErr error
	}{
		{"passes", 50 * time.Millisecond, func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, nil},
		{"deadline", time.Hour, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 30*time.Millisecond)
		}, context.DeadlineExceeded},
		{"canceled during", time.Hour, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(30*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"canceled before", time.Hour, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
	}
	ops := []faulty.Op{faulty.OpGet, faulty.OpHead, faulty.OpPut, faulty.OpList, faulty.OpDelete}
	for _, tt := range tests {
		for _, op := range ops {
			t.Run(tt.name+"/"+op.String(), func(t *testing.T) {
				t.Parallel()
				f, seen := newStores(t)
				if _, err := f.Put(context.Background(), "k", strings.NewReader("x"), 1, store.PutOptions{}); err != nil {
					t.Fatal(err)
				}
				seen.ResetCalls()
				f.Add(faulty.Rule{Op: op, Fault: faulty.Delay(tt.delay)})
				ctx, cancel := tt.ctx()
				defer cancel()
				start := time.Now()
				var err error
				switch op {
				case faulty.OpGet:
					var rc io.ReadCloser
					rc, _, err = f.Get(ctx, "k")
					if err == nil {
						rc.Close()
					}
				case faulty.OpHead:
					_, err = f.Head(ctx, "k")
				case faulty.OpPut:
					_, err = f.Put(ctx, "k", strings.NewReader("y"), 1, store.PutOptions{})
				case faulty.OpList:
					err = f.List(ctx, "", func(store.Object) error { return nil })
				case faulty.OpDelete:
					err = f.Delete(ctx, "k")
				}
				took := time.Since(start)
				if tt.wantErr == nil {
					if err != nil {
						t.Fatalf("%v: %v", op, err)
					}
					if took < tt.delay {
						t.Errorf("%v took %v, want at least %v", op, took, tt.delay)
					}
					if got := logOf(seen.Calls()); len(got) != 1 {
						t.Errorf("inner store saw %q, want the one call", got)
					}
				} else {
					if !errors.Is(err, tt.wantErr) {
						t.Fatalf("%v error = %v, want %v", op, err, tt.wantErr)
					}
					if took > 10*time.Second {
						t.Errorf("%v took %v: the wait ignored the context", op, took)
					}
					if got := seen.Calls(); len(got) != 0 {
						t.Errorf("inner store saw %v, want nothing", got)
					}
				}
				if c := f.Calls()[1]; c.Fault != faulty.KindDelay || !errors.Is(c.Err, tt.wantErr) || (tt.wantErr == nil) != (c.Err == nil) {
					t.Errorf("logged %v", c)
				}
			})
		}
	}
}

// TestDelayThenFail: delays add up and then the failure applies.
func TestDelayThenFail(t *testing.T) {
	f, seen := newStores(t)
	f.Add(
		faulty.Rule{Op: faulty.OpPut, Fault: faulty.Delay(20 * time.Millisecond)},
		faulty.Rule{Op: faulty.OpPut, Nth: 1},
		faulty.Rule{Op: faulty.OpPut, Fault: faulty.Delay(20 * time.Millisecond)},
	)
	start := time.Now()
	err := do(f, call{faulty.OpPut, "k"})
	if !errors.Is(err, faulty.ErrInjected) {
		t.Fatalf("Put error = %v, want ErrInjected", err)
	}
	if took := time.Since(start); took < 40*time.Millisecond {
		t.Errorf("Put took %v, want the two delays (40ms)", took)
	}
	if len(seen.Calls()) != 0 {
		t.Errorf("inner store saw %v", seen.Calls())
	}
	f.Clear()
	start = time.Now()
	if err := do(f, call{faulty.OpPut, "k"}); err != nil {
		t.Fatalf("Put after Clear: %v", err)
	}
	if took := time.Since(start); took > 20*time.Millisecond {
		t.Logf("Put after Clear took %v (slow machine?)", took)
	}
}

// TestCrash: after CrashAfter(n), exactly n mutating calls succeed; the
// rest fail with ErrInjected without reaching the inner store, reads keep
// working, and Restart brings writes back.
func TestCrash(t *testing.T) {
	put := func(k string) call { return call{faulty.OpPut, k} }
	del := func(k string) call { return call{faulty.OpDelete, k} }
	head := func(k string) call { return call{faulty.OpHead, k} }
	tests := []struct {
		name  string
		n     int
		rules []faulty.Rule
		calls []call
		// crashed are the indexes of calls that fail with a crash.
		crashed []int
		// failed are calls that fail otherwise (they do not use up a write).
		failed []int
		// notExist are reads that find nothing.
		notExist []int
		want     []string // Mutations(), in order
	}{
		{
			name:    "at once",
			n:       0,
			calls:   []call{head("pre"), put("a"), del("pre"), head("pre")},
			crashed: []int{1, 2},
		},
		{
			name:     "after one",
			n:        1,
			calls:    []call{put("a"), head("a"), put("b"), del("a"), head("a"), head("b")},
			crashed:  []int{2, 3},
			notExist: []int{5},
			want:     []string{"Put a"},
		},
		{
			name:     "after three, Deletes count",
			n:        3,
			calls:    []call{put("a"), del("pre"), head("pre"), put("b"), put("c"), del("a"), head("a")},
			crashed:  []int{4, 5},
			notExist: []int{2},
			want:     []string{"Put a", "Delete pre", "Put b"},
		},
		{
			name:    "an injected failure does not use up a write",
			n:       2,
			rules:   []faulty.Rule{{Op: faulty.OpPut, Nth: 1}},
			calls:   []call{put("a"), put("b"), put("c"), put("d")},
			failed:  []int{0},
			crashed: []int{3},
			want:    []string{"Put b", "Put c"},
		},
		{
			name:    "a failing inner write does not use up a write",
			n:       1,
			calls:   []call{put("pre/below"), put("a"), put("b")}, // "pre" is an object: "pre/below" cannot be
			failed:  []int{0},
			crashed: []int{2},
			want:    []string{"Put a"},
		},
		{
			name:  "not reached",
			n:     5,
			calls: []call{put("a"), put("b")},
			want:  []string{"Put a", "Put b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, seen := newStores(t)
			if err := do(f, call{faulty.OpPut, "pre"}); err != nil {
				t.Fatal(err)
			}
			f.Add(tt.rules...)
			f.CrashAfter(tt.n)
			f.ResetCalls()
			seen.ResetCalls()
			for i, c := range tt.calls {
				err := do(f, c)
				switch {
				case slices.Contains(tt.crashed, i):
					if !errors.Is(err, faulty.ErrInjected) {
						t.Errorf("call %d (%v): error = %v, want ErrInjected", i, c, err)
					}
					if got := f.Calls()[i].Fault; got != faulty.KindCrash {
						t.Errorf("call %d (%v): logged fault %v, want crash", i, c, got)
					}
				case slices.Contains(tt.failed, i):
					if err == nil {
						t.Errorf("call %d (%v) succeeded, want a failure", i, c)
					}
				case slices.Contains(tt.notExist, i):
					if !errors.Is(err, store.ErrNotExist) {
						t.Errorf("call %d (%v): %v, want ErrNotExist", i, c, err)
					}
				default:
					if err != nil {
						t.Errorf("call %d (%v): %v", i, c, err)
					}
				}
			}
			if got := logOf(f.Mutations()); !slices.Equal(got, tt.want) {
				t.Errorf("Mutations() = %q, want %q", got, tt.want)
			}
			// The inner store saw exactly the successful writes.
			if got := logOf(seen.Mutations()); !slices.Equal(got, tt.want) {
				t.Errorf("inner store's writes = %q, want %q", got, tt.want)
			}
			if got, want := f.Crashed(), len(tt.crashed) > 0; got != want {
				t.Errorf("Crashed() = %v, want %v", got, want)
			}
			f.Restart()
			if f.Crashed() {
				t.Error("Crashed() after Restart")
			}
			if err := do(f, put("after")); err != nil {
				t.Errorf("Put after Restart: %v", err)
			}
		})
	}
}

// TestCrashConcurrent: racing writers cannot overshoot the crash point.
func TestCrashConcurrent(t *testing.T) {
	f, seen := newStores(t)
	const n, writers = 5, 40
	f.CrashAfter(n)
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() { errs[i] = do(f, call{faulty.OpPut, fmt.Sprintf("k%02d", i)}) })
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, faulty.ErrInjected):
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if ok != n || len(f.Mutations()) != n || len(seen.Mutations()) != n {
		t.Errorf("%d writes succeeded (%d logged, %d reached the inner store), want %d", ok, len(f.Mutations()), len(seen.Mutations()), n)
	}
	if len(f.Calls()) != writers {
		t.Errorf("%d calls logged, want %d", len(f.Calls()), writers)
	}
}

// TestConcurrentRules: rules added, spent and cleared while calls run (for
// the race detector), and an Nth rule fires exactly once.
func TestConcurrentRules(t *testing.T) {
	f, _ := newStores(t)
	f.Add(faulty.Rule{Op: faulty.OpPut, Nth: 10})
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() { errs[i] = do(f, call{faulty.OpPut, fmt.Sprintf("k%02d", i)}) })
	}
	for range 10 {
		wg.Go(func() {
			f.Add(faulty.Rule{Op: faulty.OpHead, Prefix: "never"})
			_ = f.Calls()
			_ = f.Crashed()
		})
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if errors.Is(err, faulty.ErrInjected) {
			failed++
		} else if err != nil {
			t.Error(err)
		}
	}
	if failed != 1 {
		t.Errorf("%d Puts failed, want exactly the 10th", failed)
	}
	f.Clear()
	if err := do(f, call{faulty.OpHead, "k00"}); err != nil && !errors.Is(err, store.ErrNotExist) {
		t.Error(err)
	}
}

func TestAddPanics(t *testing.T) {
	tests := []struct {
		name string
		rule faulty.Rule
	}{
		{"no op", faulty.Rule{}},
		{"bad op", faulty.Rule{Op: faulty.Op(99)}},
		{"negative Nth", faulty.Rule{Op: faulty.OpPut, Nth: -1}},
		{"cut body on Head", faulty.Rule{Op: faulty.OpHead, Fault: faulty.CutBody(1)}},
		{"fail after body on Get", faulty.Rule{Op: faulty.OpGet, Fault: faulty.FailAfterBody(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Add did not panic")
				}
			}()
			faulty.New(nil).Add(tt.rule)
		})
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{faulty.OpDelete.String(), "Delete"},
		{faulty.Op(0).String(), "Op(0)"},
		{faulty.KindFailAfterBody.String(), "fail after body"},
		{faulty.Fault{}.String(), "fail"},
		{faulty.Fail(errCustom).String(), "fail: disk on fire"},
		{faulty.CutBody(5).String(), "cut body after 5 bytes"},
		{faulty.Delay(time.Second).String(), "delay 1s"},
		{faulty.Call{Op: faulty.OpPut, Key: "k"}.String(), `Put "k": ok`},
		{faulty.Call{Op: faulty.OpPut, Key: "k", Fault: faulty.KindCrash, Err: faulty.ErrInjected}.String(), `Put "k" [crash]: faulty: injected fault`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestImports keeps the package a leaf for tests: it depends on pkg/store
// and the standard library only, and no Lambda or command links it in.
func TestImports(t *testing.T) {
	const self = "github.com/scorecard/scorecard/pkg/store/faulty"
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != self && dep != "github.com/scorecard/scorecard/pkg/store" {
			t.Errorf("faulty depends on %s", dep)
		}
	}
	for _, pattern := range []string{"github.com/scorecard/scorecard/functions/...", "github.com/scorecard/scorecard/cmd/..."} {
		out, err := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", pattern).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pattern, err, out)
		}
		if slices.Contains(strings.Fields(string(out)), self) {
			t.Errorf("%s imports %s", pattern, self)
		}
	}
}

// A process that dies between two writes, and the rerun that must finish
// the job.
func ExampleStore_CrashAfter() {
	root, _ := os.MkdirTemp("", "faulty-example")
	defer os.RemoveAll(root)
	dir, _ := store.NewDir(root)
	f := faulty.New(dir)
	ctx := context.Background()
	publish := func() error {
		for _, k := range []string{"v1/data.parquet", "v1/manifest.json"} {
			if _, err := f.Head(ctx, k); err == nil {
				continue
			}
			if _, err := f.Put(ctx, k, strings.NewReader(k), -1, store.PutOptions{IfNoneMatch: true}); err != nil {
				return err
			}
		}
		return nil
	}
	f.CrashAfter(1)
	fmt.Println(errors.Is(publish(), faulty.ErrInjected))
	f.Restart()
	f.ResetCalls()
	fmt.Println(publish(), f.Mutations())
	// Output:
	// true
	// <nil> [Put "v1/manifest.json": ok]
}
