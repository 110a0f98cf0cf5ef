package storetest

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/scorecard/scorecard/pkg/store"
)

// Prefix is the prefix NewPrefixed puts the suite's keys under: two
// segments, one with a space and Chinese characters, so that it is
// escaped like any key.
const Prefix = "shared/团队 a/"

// decoys are objects of the inner store outside Prefix, next to it in key
// order: a Prefixed must neither list, read nor change them.
var decoys = []string{
	"raw/crm/root.csv",   // the bucket's root layout
	"shared/x",           // the parent
	"shared/团队 a.csv",    // the prefix without its "/"
	"shared/团队 ab/raw/x", // a longer segment
	"shared/团队 /x",       // a shorter one
	"团队 a/raw/x",         // the last segment alone
}

// NewPrefixed returns store.WithPrefix(inner, Prefix), inner holding
// decoy objects outside the prefix; when t ends it checks that they are
// still there, unchanged, and that nothing else was written outside it.
// Run and RunFaults over it hold a Prefixed to the suite.
func NewPrefixed(t *testing.T, inner store.Store) store.Store {
	t.Helper()
	for _, k := range decoys {
		put(t, inner, k, []byte("decoy "+k), store.PutOptions{})
	}
	t.Cleanup(func() {
		var outside []string
		err := inner.List(context.Background(), "", func(o store.Object) error {
			if len(o.Key) < len(Prefix) || o.Key[:len(Prefix)] != Prefix {
				outside = append(outside, o.Key)
			}
			return nil
		})
		if err != nil {
			t.Errorf("listing the inner store: %v", err)
			return
		}
		want := slices.Clone(decoys)
		slices.Sort(want)
		if !slices.Equal(outside, want) {
			t.Errorf("inner keys outside %q = %q, want the decoys %q", Prefix, outside, want)
		}
		for _, k := range decoys {
			if got, _ := get(t, inner, k); !bytes.Equal(got, []byte("decoy "+k)) {
				t.Errorf("decoy %q = %q, changed", k, got)
			}
		}
	})
	p, err := store.WithPrefix(inner, Prefix)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
