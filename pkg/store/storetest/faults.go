package storetest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/faulty"
)

// RunFaults checks, through a faulty.Store around each backend, the
// assumptions the pipeline's failure handling rests on: a Put that fails
// leaves no object (and no change to an existing one), a Get whose body is
// cut short fails instead of returning short data, a failed Delete leaves
// the object, and a process that "crashes" between two writes leaves
// exactly the writes before the crash. newStore is as for Run.
func RunFaults(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("FailedPutLeavesNothing", func(t *testing.T) { testFailedPutLeavesNothing(t, newStore(t)) })
	t.Run("FailedPutKeepsOld", func(t *testing.T) { testFailedPutKeepsOld(t, newStore(t)) })
	t.Run("CutGet", func(t *testing.T) { testCutGet(t, newStore(t)) })
	t.Run("FailedDelete", func(t *testing.T) { testFailedDelete(t, newStore(t)) })
	t.Run("Crash", func(t *testing.T) { testCrash(t, newStore(t)) })
	t.Run("DelayCanceled", func(t *testing.T) { testDelayCanceled(t, newStore(t)) })
}

// putFaults are the ways a Put can fail.
var putFaults = []struct {
	name  string
	fault faulty.Fault
}{
	{"fail", faulty.Fail(nil)},
	{"fail after body", faulty.FailAfterBody(nil)},
}

// putBodies are the kinds of body a failing Put gets.
var putBodies = []struct {
	name string
	body func([]byte) io.Reader
	size func([]byte) int64
}{
	{"seeker", func(b []byte) io.Reader { return bytes.NewReader(b) }, func(b []byte) int64 { return int64(len(b)) }},
	{"reader", func(b []byte) io.Reader { return onlyReader{bytes.NewReader(b)} }, func(b []byte) int64 { return int64(len(b)) }},
	{"reader unknown size", func(b []byte) io.Reader { return onlyReader{bytes.NewReader(b)} }, func([]byte) int64 { return -1 }},
}

func testFailedPutLeavesNothing(t *testing.T, inner store.Store) {
	ctx := context.Background()
	f := faulty.New(inner)
	data := bytes.Repeat([]byte("工单,"), 10000)
	for _, pf := range putFaults {
		for _, b := range putBodies {
			for _, once := range []bool{false, true} {
				name := pf.name + "/" + b.name
				if once {
					name += "/IfNoneMatch"
				}
				t.Run(name, func(t *testing.T) {
					// One level of keys: a directory cannot hold both "a/b" and "a/b/c".
					key := "faults/" + strings.ReplaceAll(name, "/", " - ")
					f.Add(faulty.Rule{Op: faulty.OpPut, Nth: 1, Match: func(k string) bool { return k == key }, Fault: pf.fault})
					_, err := f.Put(ctx, key, b.body(data), b.size(data), store.PutOptions{IfNoneMatch: once})
					if !errors.Is(err, faulty.ErrInjected) {
						t.Fatalf("Put error = %v, want ErrInjected", err)
					}
					if _, err := f.Head(ctx, key); !errors.Is(err, store.ErrNotExist) {
						t.Errorf("Head after a failed Put: error = %v, want ErrNotExist", err)
					}
					if rc, _, err := f.Get(ctx, key); !errors.Is(err, store.ErrNotExist) {
						t.Errorf("Get after a failed Put: error = %v, want ErrNotExist", err)
						if err == nil {
							rc.Close()
						}
					}
					if objs := list(t, f, key); len(objs) != 0 {
						t.Errorf("List after a failed Put = %q", keys(objs))
					}
					// The rule is spent: the retry writes the object.
					put(t, f, key, data, store.PutOptions{IfNoneMatch: once})
					if got, _ := get(t, f, key); !bytes.Equal(got, data) {
						t.Errorf("after the retry, Get returned %d bytes, want %d", len(got), len(data))
					}
				})
			}
		}
	}
}

func testFailedPutKeepsOld(t *testing.T, inner store.Store) {
	ctx := context.Background()
	f := faulty.New(inner)
	const key = "reports/close/2024-03.json"
	old := []byte(`{"version":1}`)
	oldObj := put(t, f, key, old, store.PutOptions{})
	for _, pf := range putFaults {
		t.Run(pf.name, func(t *testing.T) {
			f.Add(faulty.Rule{Op: faulty.OpPut, Nth: 1, Fault: pf.fault})
			next := []byte(`{"version":2, "longer": true}`)
			if _, err := f.Put(ctx, key, onlyReader{bytes.NewReader(next)}, int64(len(next)), store.PutOptions{}); !errors.Is(err, faulty.ErrInjected) {
				t.Fatalf("Put error = %v, want ErrInjected", err)
			}
			got, obj := get(t, f, key)
			if !bytes.Equal(got, old) {
				t.Errorf("after a failed overwrite, Get = %q, want %q", got, old)
			}
			if obj.ETag != oldObj.ETag {
				t.Errorf("after a failed overwrite, ETag = %q, want %q", obj.ETag, oldObj.ETag)
			}
		})
	}
}

func testCutGet(t *testing.T, inner store.Store) {
	ctx := context.Background()
	f := faulty.New(inner)
	const key = "normalized/tickets/month=2024-03/part-0.parquet"
	data := bytes.Repeat([]byte("0123456789"), 100<<10) // 1 MB: several reads
	put(t, f, key, data, store.PutOptions{})
	for _, cut := range []int64{0, 1, 4096, int64(len(data)) / 2, int64(len(data)) - 1, int64(len(data))} {
		f.Add(faulty.Rule{Op: faulty.OpGet, Nth: 1, Fault: faulty.CutBody(cut)})
		rc, obj, err := f.Get(ctx, key)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut at %d: reading returned %d bytes and error %v, want io.ErrUnexpectedEOF", cut, len(got), err)
		}
		if !bytes.Equal(got, data[:cut]) {
			t.Errorf("cut at %d: read %d bytes, want the first %d", cut, len(got), cut)
		}
		// The Object still describes the whole object, so a reader that
		// compared lengths would notice too.
		if obj.Size != int64(len(data)) {
			t.Errorf("cut at %d: Object.Size = %d, want %d", cut, obj.Size, len(data))
		}
	}
	// The rules are spent: the next Get reads it all.
	if got, _ := get(t, f, key); !bytes.Equal(got, data) {
		t.Errorf("uncut Get returned %d bytes, want %d", len(got), len(data))
	}
}

func testFailedDelete(t *testing.T, inner store.Store) {
	ctx := context.Background()
	f := faulty.New(inner)
	put(t, f, "d/keep", []byte("x"), store.PutOptions{})
	f.Add(faulty.Rule{Op: faulty.OpDelete, Nth: 1})
	if err := f.Delete(ctx, "d/keep"); !errors.Is(err, faulty.ErrInjected) {
		t.Fatalf("Delete error = %v, want ErrInjected", err)
	}
	if _, err := f.Head(ctx, "d/keep"); err != nil {
		t.Errorf("Head after a failed Delete: %v", err)
	}
	if err := f.Delete(ctx, "d/keep"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if _, err := f.Head(ctx, "d/keep"); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Head after Delete: error = %v, want ErrNotExist", err)
	}
}

// testCrash: a run that dies after two writes leaves exactly those two; a
// rerun through the same store, restarted, completes.
func testCrash(t *testing.T, inner store.Store) {
	ctx := context.Background()
	f := faulty.New(inner)
	put(t, f, "old", []byte("old"), store.PutOptions{})
	run := func() error {
		for _, k := range []string{"v1/a", "v1/b", "v1/c"} {
			if _, err := f.Head(ctx, k); err == nil {
				continue // done by an earlier run
			}
			body := []byte(k)
			if _, err := f.Put(ctx, k, bytes.NewReader(body), int64(len(body)), store.PutOptions{IfNoneMatch: true}); err != nil {
				return err
			}
		}
		return f.Delete(ctx, "old")
	}
	f.CrashAfter(2)
	f.ResetCalls()
	if err := run(); !errors.Is(err, faulty.ErrInjected) {
		t.Fatalf("run with a crash after 2 writes: error = %v, want ErrInjected", err)
	}
	if !f.Crashed() {
		t.Error("Crashed() = false after the crash")
	}
	var muts []string
	for _, c := range f.Mutations() {
		muts = append(muts, c.Op.String()+" "+c.Key)
	}
	if want := []string{"Put v1/a", "Put v1/b"}; !slices.Equal(muts, want) {
		t.Errorf("Mutations() = %q, want %q", muts, want)
	}
	if got, want := keys(list(t, inner, "")), []string{"old", "v1/a", "v1/b"}; !slices.Equal(got, want) {
		t.Errorf("after the crash the store holds %q, want %q", got, want)
	}
	f.Restart()
	f.ResetCalls()
	if err := run(); err != nil {
		t.Fatalf("rerun: %v", err)
	}
	muts = muts[:0]
	for _, c := range f.Mutations() {
		muts = append(muts, c.Op.String()+" "+c.Key)
	}
	if want := []string{"Put v1/c", "Delete old"}; !slices.Equal(muts, want) {
		t.Errorf("rerun Mutations() = %q, want %q", muts, want)
	}
	if got, want := keys(list(t, inner, "")), []string{"v1/a", "v1/b", "v1/c"}; !slices.Equal(got, want) {
		t.Errorf("after the rerun the store holds %q, want %q", got, want)
	}
}

// testDelayCanceled: a Put delayed past its context's deadline fails with
// the context's error and writes nothing.
func testDelayCanceled(t *testing.T, inner store.Store) {
	f := faulty.New(inner)
	f.Add(faulty.Rule{Op: faulty.OpPut, Fault: faulty.Delay(time.Hour)})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.Put(ctx, "slow", strings.NewReader("x"), 1, store.PutOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("delayed Put: error = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("delayed Put took %v after its deadline", d)
	}
	if _, err := inner.Head(context.Background(), "slow"); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Head after a canceled Put: error = %v, want ErrNotExist", err)
	}
}
