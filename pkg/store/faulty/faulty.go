// Package faulty owns a fault-injecting store.Store for tests: a wrapper
// around any store (a Dir, an S3 store on MinIO) that passes every call
// through unchanged until a test adds rules that fail a chosen call, cut a
// Get body short, make a Put fail after reading its body, delay a call, or
// "crash" the process after a number of successful writes. It also keeps a
// log of every call and its outcome, so that a test can count the writes an
// operation made.
//
// It is in the spirit of perkeep's storagetest and upspin's test stores.
//
// The package imports only pkg/store and the standard library. It is for
// tests: functions/* and cmd/* must never import it (faulty_test.go checks
// both).
//
// A typical crash-and-rerun test:
//
//	f := faulty.New(dir)
//	f.CrashAfter(2)                 // the third write "kills the process"
//	err := step(ctx, f)             // fails with faulty.ErrInjected
//	f.Restart()                     // the process comes back
//	err = step(ctx, f)              // must finish the job
//
// and a targeted fault:
//
//	f.Add(faulty.Rule{Op: faulty.OpPut, Nth: 2, Prefix: "payroll/"})
//
// fails the second Put under payroll/ with faulty.ErrInjected.
package faulty

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/scorecard/scorecard/pkg/store"
)

// ErrInjected is the error of an injected failure when a rule names none,
// and of every mutating call after a crash (see CrashAfter). Injected errors
// wrap it (or the rule's error) and name the operation and the key.
var ErrInjected = errors.New("faulty: injected fault")

// Op is a store operation.
type Op int

// The operations of store.Store.
const (
	OpGet Op = iota + 1
	OpHead
	OpPut
	OpList
	OpDelete
)

var opNames = [...]string{OpGet: "Get", OpHead: "Head", OpPut: "Put", OpList: "List", OpDelete: "Delete"}

func (op Op) String() string {
	if op < OpGet || op > OpDelete {
		return fmt.Sprintf("Op(%d)", int(op))
	}
	return opNames[op]
}

// Mutating reports whether op changes the store (Put and Delete).
func (op Op) Mutating() bool { return op == OpPut || op == OpDelete }

// Kind is the kind of a fault.
type Kind int

const (
	// KindNone: no fault was applied (only in a Call).
	KindNone Kind = iota
	// KindFail: the call returned an error without reaching the inner store.
	KindFail
	// KindCutBody: the Get body ends with io.ErrUnexpectedEOF after K bytes.
	KindCutBody
	// KindFailAfterBody: the Put read its body in full, then failed without
	// reaching the inner store.
	KindFailAfterBody
	// KindDelay: the call waited before going on.
	KindDelay
	// KindCrash: a mutating call after the crash point of CrashAfter.
	KindCrash
)

var kindNames = [...]string{
	KindNone: "none", KindFail: "fail", KindCutBody: "cut body",
	KindFailAfterBody: "fail after body", KindDelay: "delay", KindCrash: "crash",
}

func (k Kind) String() string {
	if k < KindNone || k > KindCrash {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Fault is what a rule does to the calls it applies to. The zero Fault is
// Fail(nil).
type Fault struct {
	kind Kind
	err  error
	n    int64
	d    time.Duration
}

// Fail makes the call return err (ErrInjected if err is nil), wrapped with
// the operation and the key, without reaching the inner store. A failed Put
// does not read its body.
func Fail(err error) Fault { return Fault{kind: KindFail, err: err} }

// CutBody (Get only) lets the call through but cuts the body short: once k
// bytes have been read, Read returns io.ErrUnexpectedEOF. An object shorter
// than k bytes is read in full and ends normally; one of exactly k bytes
// ends with io.ErrUnexpectedEOF.
func CutBody(k int64) Fault { return Fault{kind: KindCutBody, n: max(k, 0)} }

// FailAfterBody (Put only) reads the body to its end, as an upload that
// dies before it is committed would, then returns err (ErrInjected if nil)
// without calling the inner Put: nothing is written. If reading the body
// fails, Put returns that error instead.
func FailAfterBody(err error) Fault { return Fault{kind: KindFailAfterBody, err: err} }

// Delay makes the call wait d before going on to the inner store. If the
// context is done first the call returns its error (wrapped) and does not
// reach the inner store.
func Delay(d time.Duration) Fault { return Fault{kind: KindDelay, d: d} }

// Kind is the kind of the fault.
func (f Fault) Kind() Kind {
	if f.kind == KindNone {
		return KindFail
	}
	return f.kind
}

func (f Fault) String() string {
	switch f.Kind() {
	case KindCutBody:
		return fmt.Sprintf("cut body after %d bytes", f.n)
	case KindDelay:
		return fmt.Sprintf("delay %v", f.d)
	case KindFail, KindFailAfterBody:
		if f.err != nil {
			return fmt.Sprintf("%v: %v", f.Kind(), f.err)
		}
	}
	return f.Kind().String()
}

// Rule selects calls and the fault to apply to them.
type Rule struct {
	// Op is the operation the rule applies to; it is required.
	Op Op
	// Nth makes the rule apply only to the Nth call (1-based) of Op that
	// matches Prefix and Match, counted from when the rule was added; the
	// rule is then spent. Zero applies it to every matching call.
	Nth int
	// Prefix, if not empty, limits the rule to keys that start with it.
	// For List the key is the listing prefix.
	Prefix string
	// Match, if not nil, limits the rule to keys for which it returns true.
	// It is called with the Store's lock held and must not call the Store.
	Match func(key string) bool
	// Fault is what happens to the selected calls; the zero Fault fails
	// them with ErrInjected.
	Fault Fault
}

func (r Rule) matches(op Op, key string) bool {
	return r.Op == op && strings.HasPrefix(key, r.Prefix) && (r.Match == nil || r.Match(key))
}

// Call is one entry of the call log.
type Call struct {
	Op Op
	// Key is the object key, or the prefix of a List.
	Key string
	// Err is the error the caller got (nil for success). A cut Get body
	// fails later, when it is read: its Call has Err nil and Fault
	// KindCutBody.
	Err error
	// Fault is the fault applied to the call: KindNone if it went through
	// untouched, KindDelay if it was only delayed.
	Fault Kind
}

// Succeeded reports whether the call returned no error.
func (c Call) Succeeded() bool { return c.Err == nil }

func (c Call) String() string {
	s := fmt.Sprintf("%v %q", c.Op, c.Key)
	if c.Fault != KindNone {
		s += " [" + c.Fault.String() + "]"
	}
	if c.Err != nil {
		return s + ": " + c.Err.Error()
	}
	return s + ": ok"
}

// rule is an added Rule and its state.
type rule struct {
	Rule
	seen  int  // matching calls so far
	spent bool // an Nth rule that has fired
}

// Store is a store.Store that passes calls to an inner store, applying the
// faults of its rules and crash mode. It is safe for concurrent use; rules
// may be added and removed while calls are in flight.
type Store struct {
	inner store.Store

	mu    sync.Mutex
	rules []*rule
	calls []Call
	// Crash mode: while crashOn, a mutating call reaches the inner store
	// only if budget > 0; it takes one unit before the call and gives it
	// back if the call fails, so concurrent calls cannot overshoot.
	crashOn bool
	budget  int
}

var _ store.Store = (*Store)(nil)

// New returns a Store that passes every call through to inner unchanged
// until rules are added.
func New(inner store.Store) *Store {
	return &Store{inner: inner}
}

// Inner is the wrapped store, to inspect it behind the faults' back.
func (s *Store) Inner() store.Store { return s.inner }

// Add adds rules. Every rule whose selection matches a call counts the
// call; when several fire on one call, their delays add up and the failure
// (or body cut) of the earliest added rule applies. Add panics on a rule
// without a valid Op, with a negative Nth, or with a fault its Op cannot
// have (CutBody other than on Get, FailAfterBody other than on Put).
func (s *Store) Add(rules ...Rule) {
	for _, r := range rules {
		switch {
		case r.Op < OpGet || r.Op > OpDelete:
			panic(fmt.Sprintf("faulty: rule with invalid Op %v", r.Op))
		case r.Nth < 0:
			panic(fmt.Sprintf("faulty: rule with negative Nth %d", r.Nth))
		case r.Fault.Kind() == KindCutBody && r.Op != OpGet:
			panic(fmt.Sprintf("faulty: CutBody on %v; it applies to Get only", r.Op))
		case r.Fault.Kind() == KindFailAfterBody && r.Op != OpPut:
			panic(fmt.Sprintf("faulty: FailAfterBody on %v; it applies to Put only", r.Op))
		}
		if r.Fault.kind == KindNone {
			r.Fault = Fail(nil)
		}
		s.mu.Lock()
		s.rules = append(s.rules, &rule{Rule: r})
		s.mu.Unlock()
	}
}

// Clear removes every rule. It does not change crash mode or the call log.
func (s *Store) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// CrashAfter simulates a process that dies after n more successful
// mutating calls (Put and Delete, counted from now): every mutating call
// after the nth returns ErrInjected without reaching the inner store,
// until Restart. Reads keep working, so that the test can look at what
// was left behind. CrashAfter(0) crashes at once. While one mutating call
// is in flight with the last unit of the budget, a concurrent one fails,
// so at most n ever succeed.
func (s *Store) CrashAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crashOn = true
	s.budget = max(n, 0)
}

// Crashed reports whether crash mode is on and its budget used up: the
// next mutating call will fail.
func (s *Store) Crashed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.crashOn && s.budget == 0
}

// Restart turns crash mode off: the process has come back, and mutating
// calls go through again. Rules and the call log are kept.
func (s *Store) Restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crashOn = false
	s.budget = 0
}

// Calls returns the log of every call so far, in the order they returned.
func (s *Store) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Mutations returns the mutating calls (Put and Delete) that succeeded, in
// the order they returned: what the inner store has seen written.
func (s *Store) Mutations() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var m []Call
	for _, c := range s.calls {
		if c.Op.Mutating() && c.Err == nil {
			m = append(m, c)
		}
	}
	return m
}

// ResetCalls empties the call log.
func (s *Store) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// plan is what the rules say to do with one call.
type plan struct {
	delay time.Duration
	fault *Fault // the failure or body cut to apply, if any
}

// plan counts the call against every matching rule and collects the faults
// of those that fire.
func (s *Store) plan(op Op, key string) plan {
	s.mu.Lock()
	defer s.mu.Unlock()
	var p plan
	for _, r := range s.rules {
		if r.spent || !r.matches(op, key) {
			continue
		}
		r.seen++
		if r.Nth > 0 {
			if r.seen != r.Nth {
				continue
			}
			r.spent = true
		}
		if r.Fault.Kind() == KindDelay {
			p.delay += r.Fault.d
		} else if p.fault == nil {
			f := r.Fault
			p.fault = &f
		}
	}
	return p
}

// reserve takes a unit of the crash budget for a mutating call. It reports
// false if the process has crashed; taken says whether a unit was taken
// (and must be settled).
func (s *Store) reserve() (ok, taken bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.crashOn {
		return true, false
	}
	if s.budget == 0 {
		return false, false
	}
	s.budget--
	return true, true
}

// settle gives back a unit taken by reserve if the call failed.
func (s *Store) settle(taken bool, err error) {
	if !taken || err == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.crashOn { // unless Restart came in between
		s.budget++
	}
}

func (s *Store) log(op Op, key string, kind Kind, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Op: op, Key: key, Err: err, Fault: kind})
}

func wrap(op Op, key string, err error) error {
	return fmt.Errorf("%v %q: %w", op, key, err)
}

func injected(f Fault) error {
	if f.err != nil {
		return f.err
	}
	return ErrInjected
}

// before runs the part of a call that comes before the inner store: the
// delay, then an injected failure, then the crash check for a mutating
// call. If it returns a non-nil error, the call ends with it (already
// logged). Otherwise kind is the fault so far (KindNone, KindDelay or
// KindCutBody) and cut the body cut to apply (-1 for none).
func (s *Store) before(ctx context.Context, op Op, key string, body io.Reader) (kind Kind, cut int64, taken bool, err error) {
	p := s.plan(op, key)
	kind, cut = KindNone, -1
	if p.delay > 0 {
		kind = KindDelay
		t := time.NewTimer(p.delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			err = wrap(op, key, ctx.Err())
			s.log(op, key, KindDelay, err)
			return kind, cut, false, err
		}
	}
	if p.fault != nil {
		switch p.fault.Kind() {
		case KindCutBody:
			kind, cut = KindCutBody, p.fault.n
		case KindFailAfterBody:
			if _, rerr := io.Copy(io.Discard, body); rerr != nil {
				err = wrap(op, key, rerr)
			} else {
				err = wrap(op, key, injected(*p.fault))
			}
			s.log(op, key, KindFailAfterBody, err)
			return KindFailAfterBody, cut, false, err
		default:
			err = wrap(op, key, injected(*p.fault))
			s.log(op, key, KindFail, err)
			return KindFail, cut, false, err
		}
	}
	if op.Mutating() {
		ok, t := s.reserve()
		if !ok {
			err = wrap(op, key, ErrInjected)
			s.log(op, key, KindCrash, err)
			return KindCrash, cut, false, err
		}
		taken = t
	}
	return kind, cut, taken, nil
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	return s.GetWith(ctx, key, store.GetOptions{})
}

// GetWith implements store.Store; its faults are those of OpGet.
func (s *Store) GetWith(ctx context.Context, key string, opt store.GetOptions) (io.ReadCloser, store.Object, error) {
	kind, cut, _, err := s.before(ctx, OpGet, key, nil)
	if err != nil {
		return nil, store.Object{}, err
	}
	rc, obj, err := s.inner.GetWith(ctx, key, opt)
	s.log(OpGet, key, kind, err)
	if err != nil {
		return nil, obj, err
	}
	if cut >= 0 {
		rc = &cutReader{rc: rc, left: cut}
	}
	return rc, obj, nil
}

// Head implements store.Store.
func (s *Store) Head(ctx context.Context, key string) (store.Object, error) {
	kind, _, _, err := s.before(ctx, OpHead, key, nil)
	if err != nil {
		return store.Object{}, err
	}
	obj, err := s.inner.Head(ctx, key)
	s.log(OpHead, key, kind, err)
	return obj, err
}

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error) {
	kind, _, taken, err := s.before(ctx, OpPut, key, body)
	if err != nil {
		return store.Object{}, err
	}
	obj, err := s.inner.Put(ctx, key, body, size, opt)
	s.settle(taken, err)
	s.log(OpPut, key, kind, err)
	return obj, err
}

// List implements store.Store.
func (s *Store) List(ctx context.Context, prefix string, fn func(store.Object) error) error {
	kind, _, _, err := s.before(ctx, OpList, prefix, nil)
	if err != nil {
		return err
	}
	err = s.inner.List(ctx, prefix, fn)
	s.log(OpList, prefix, kind, err)
	return err
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	kind, _, taken, err := s.before(ctx, OpDelete, key, nil)
	if err != nil {
		return err
	}
	err = s.inner.Delete(ctx, key)
	s.settle(taken, err)
	s.log(OpDelete, key, kind, err)
	return err
}

// cutReader ends a body with io.ErrUnexpectedEOF once left bytes have been
// read from it.
type cutReader struct {
	rc   io.ReadCloser
	left int64
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	if c.left == 0 && err == io.EOF {
		// The object was exactly as long as the cut: the cut still shows,
		// on the next Read, whatever the inner reader's EOF timing.
		err = nil
	}
	return n, err
}

func (c *cutReader) Close() error { return c.rc.Close() }
