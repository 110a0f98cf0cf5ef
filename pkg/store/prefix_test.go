package store_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/scorecard/scorecard/pkg/store"
)

func TestWithPrefixRefuses(t *testing.T) {
	for _, prefix := range []string{
		"", "/", "team-a", "team-a//", "/team-a/", "//team-a/", "a//b/", "../", "a/../", "./", "a/./",
		"a\x00b/", `a\b/`, "\xff/",
	} {
		if p, err := store.WithPrefix(newDir(t), prefix); err == nil {
			t.Errorf("WithPrefix(%q) = %v, want an error", prefix, p)
		} else if !strings.Contains(err.Error(), "invalid prefix") {
			t.Errorf("WithPrefix(%q) error %q does not say the prefix is invalid", prefix, err)
		}
	}
	for _, prefix := range []string{"team-a/", "shared/team-a/", "团队 a/", "a..b/"} {
		if _, err := store.WithPrefix(newDir(t), prefix); err != nil {
			t.Errorf("WithPrefix(%q): %v", prefix, err)
		}
	}
}

// counting is a store that counts the calls reaching it: S3 would take
// keys a Dir refuses, so the Prefixed must refuse them before the inner store.
type counting struct {
	store.Store
	calls int
}

func (c *counting) GetWith(ctx context.Context, key string, opt store.GetOptions) (io.ReadCloser, store.Object, error) {
	c.calls++
	return c.Store.GetWith(ctx, key, opt)
}

func (c *counting) Head(ctx context.Context, key string) (store.Object, error) {
	c.calls++
	return c.Store.Head(ctx, key)
}

func (c *counting) Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error) {
	c.calls++
	return c.Store.Put(ctx, key, body, size, opt)
}

func (c *counting) Delete(ctx context.Context, key string) error {
	c.calls++
	return c.Store.Delete(ctx, key)
}

// TestPrefixedKeys: a key is the inner key after the prefix; a key that
// would not stay below it is refused by every method before the inner
// store sees it, naming the full key.
func TestPrefixedKeys(t *testing.T) {
	ctx := context.Background()
	d := newDir(t)
	inner := &counting{Store: d}
	p, err := store.WithPrefix(inner, "team-a/")
	if err != nil {
		t.Fatal(err)
	}
	obj, err := p.Put(ctx, "raw/crm/x.csv", strings.NewReader("x"), 1, store.PutOptions{})
	if err != nil || obj.Key != "raw/crm/x.csv" {
		t.Fatalf("Put = %+v, %v", obj, err)
	}
	if _, err := d.Head(ctx, "team-a/raw/crm/x.csv"); err != nil {
		t.Errorf("inner Head of the full key: %v", err)
	}
	_, err = p.Head(ctx, "raw/crm/missing.csv")
	if !errors.Is(err, store.ErrNotExist) || !strings.Contains(err.Error(), "team-a/raw/crm/missing.csv") {
		t.Errorf("Head(missing) error = %v, want ErrNotExist naming the full key", err)
	}
	for _, key := range []string{"", "/x", "../team-b/x", "raw/../../x", "a//b", "a/./b", "a/"} {
		before := inner.calls
		calls := map[string]error{}
		_, _, calls["Get"] = p.Get(ctx, key)
		_, _, calls["GetWith"] = p.GetWith(ctx, key, store.GetOptions{})
		_, calls["Head"] = p.Head(ctx, key)
		_, calls["Put"] = p.Put(ctx, key, bytes.NewReader(nil), 0, store.PutOptions{})
		calls["Delete"] = p.Delete(ctx, key)
		for name, err := range calls {
			if err == nil || !strings.Contains(err.Error(), "team-a/"+key) || !strings.Contains(err.Error(), "invalid key") {
				t.Errorf("%s(%q) error = %v, want an invalid key naming team-a/%s", name, key, err, key)
			}
		}
		if inner.calls != before {
			t.Errorf("key %q reached the inner store %d times", key, inner.calls-before)
		}
	}
	var all []string
	if err := d.List(ctx, "", func(o store.Object) error { all = append(all, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0] != "team-a/raw/crm/x.csv" {
		t.Errorf("inner keys = %q, want only team-a/raw/crm/x.csv", all)
	}
	rc, obj, err := p.Get(ctx, "raw/crm/x.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, _ := io.ReadAll(rc); string(b) != "x" || obj.Key != "raw/crm/x.csv" {
		t.Errorf("Get = %q, %+v", b, obj)
	}
}
