package store_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/faulty"
	"github.com/scorecard/scorecard/pkg/store/storetest"
)

func newDir(t *testing.T) *store.Dir {
	t.Helper()
	d, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDirConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return newDir(t) })
}

// TestDirConformanceFaulty: a faulty.Store without rules is the store it
// wraps, as far as the suite can tell.
func TestDirConformanceFaulty(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return faulty.New(newDir(t)) })
}

func TestDirFaults(t *testing.T) {
	storetest.RunFaults(t, func(t *testing.T) store.Store { return newDir(t) })
}

func TestNewDirCreatesRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "a", "b")
	d, err := store.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		t.Fatalf("root not created: %v", err)
	}
	if d.Root() != root {
		t.Errorf("Root() = %q, want %q", d.Root(), root)
	}
}

func TestNewDirOnFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewDir(file); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("NewDir on a file: error = %v, want one naming it", err)
	}
}

func TestDirKeyIsPath(t *testing.T) {
	d := newDir(t)
	const key = "raw/survey/满意度 调查/三月.xlsx"
	if _, err := d.Put(context.Background(), key, strings.NewReader("x"), 1, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(d.Root(), "raw", "survey", "满意度 调查", "三月.xlsx"))
	if err != nil || string(got) != "x" {
		t.Errorf("file = %q, %v; want %q", got, err, "x")
	}
}

func TestDirInvalidKeys(t *testing.T) {
	d := newDir(t)
	ctx := context.Background()
	for _, key := range []string{
		"", "/abs", "a/../b", "..", "a/..", "./a", "a/./b", "a//b", "a/", "nul\x00", `back\slash`,
		".tmp/x", ".tmp", "bad\xffutf8",
	} {
		t.Run(key, func(t *testing.T) {
			check := func(op string, err error) {
				t.Helper()
				if err == nil {
					t.Errorf("%s(%q) succeeded", op, key)
					return
				}
				if !strings.Contains(err.Error(), fmt.Sprintf("%q", key)) {
					t.Errorf("%s(%q) error %q does not name the key", op, key, err)
				}
				if errors.Is(err, store.ErrNotExist) {
					t.Errorf("%s(%q) error %q is ErrNotExist, want an invalid-key error", op, key, err)
				}
			}
			_, err := d.Put(ctx, key, strings.NewReader("x"), 1, store.PutOptions{})
			check("Put", err)
			_, _, err = d.Get(ctx, key)
			check("Get", err)
			_, err = d.Head(ctx, key)
			check("Head", err)
			check("Delete", d.Delete(ctx, key))
		})
	}
	entries, err := os.ReadDir(d.Root())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != ".tmp" {
			t.Errorf("invalid keys left %s in the root", e.Name())
		}
	}
}

// TestDirListSkips: files that are not objects (temporaries, names that are
// not valid keys, directories, empty directories) are not listed.
func TestDirListSkips(t *testing.T) {
	d := newDir(t)
	ctx := context.Background()
	if _, err := d.Put(ctx, "k", strings.NewReader("x"), 1, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{".tmp/put-123", `a\b`, "sub/.tmp/x"} {
		full := filepath.Join(d.Root(), filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(d.Root(), "empty", "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("k", filepath.Join(d.Root(), "link")); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := d.List(ctx, "", func(o store.Object) error {
		got = append(got, o.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// ".tmp" is reserved only at the root; "sub/.tmp/x" is a key.
	if want := []string{"k", "link", "sub/.tmp/x"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}

// TestDirETagFollowsExternalEdits: a file changed behind the Dir's back
// (same size, new modification time) gets a fresh ETag.
func TestDirETagFollowsExternalEdits(t *testing.T) {
	d := newDir(t)
	ctx := context.Background()
	if _, err := d.Put(ctx, "k", strings.NewReader("aaaa"), 4, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d.Root(), "k")
	if err := os.WriteFile(p, []byte("bbbb"), 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	obj, err := d.Head(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum([]byte("bbbb"))
	if want := hex.EncodeToString(sum[:]); obj.ETag != want {
		t.Errorf("ETag = %q, want %q", obj.ETag, want)
	}
	if !obj.LastModified.Equal(mtime) {
		t.Errorf("LastModified = %v, want the file's mtime %v", obj.LastModified, mtime)
	}
}

// TestDirETagOtherWriter: another writer (a second Dir, as in another
// process) replaces an object with one of the same size and modification
// time; the first Dir must not serve its cached ETag.
func TestDirETagOtherWriter(t *testing.T) {
	ctx := context.Background()
	d1 := newDir(t)
	d2, err := store.NewDir(d1.Root())
	if err != nil {
		t.Fatal(err)
	}
	first, err := d1.Put(ctx, "k", strings.NewReader("aaaa"), 4, store.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d1.Head(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := d2.Put(ctx, "k", strings.NewReader("bbbb"), 4, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d1.Root(), "k")
	if err := os.Chtimes(p, first.LastModified, first.LastModified); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum([]byte("bbbb"))
	want := hex.EncodeToString(sum[:])
	obj, err := d1.Head(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if obj.ETag != want || !obj.LastModified.Equal(first.LastModified) {
		t.Errorf("Head = ETag %q at %v, want %q at %v", obj.ETag, obj.LastModified, want, first.LastModified)
	}
}

// TestDirFileAndDirectoryKeys: a directory cannot hold both "a" and "a/b";
// the second Put fails naming its key and leaves the first object alone.
func TestDirFileAndDirectoryKeys(t *testing.T) {
	ctx := context.Background()
	for _, ifNoneMatch := range []bool{false, true} {
		d := newDir(t)
		opt := store.PutOptions{IfNoneMatch: ifNoneMatch}
		if _, err := d.Put(ctx, "a", strings.NewReader("file"), 4, opt); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Put(ctx, "a/b", strings.NewReader("below"), 5, opt); err == nil || !strings.Contains(err.Error(), "a/b") {
			t.Errorf("Put(a/b) over object a: error = %v, want one naming a/b", err)
		}
		if _, err := d.Put(ctx, "x/y", strings.NewReader("below"), 5, opt); err != nil {
			t.Fatal(err)
		}
		_, err := d.Put(ctx, "x", strings.NewReader("file"), 4, opt)
		if err == nil || !strings.Contains(err.Error(), `x`) {
			t.Errorf("Put(x) over x/y: error = %v, want one naming x", err)
		}
		if errors.Is(err, store.ErrExists) {
			t.Errorf("Put(x) over x/y: error %v is ErrExists, but no object x exists", err)
		}
		if err := d.Delete(ctx, "x"); err != nil {
			t.Errorf("Delete(x) with keys below it: %v", err)
		}
		rc, _, err := d.Get(ctx, "x/y")
		if err != nil {
			t.Fatalf("Get(x/y) after Delete(x): %v", err)
		}
		rc.Close()
	}
}

// TestDirNoTempLeftovers: failed and successful writes leave nothing in
// the temporary directory.
func TestDirNoTempLeftovers(t *testing.T) {
	d := newDir(t)
	ctx := context.Background()
	d.Put(ctx, "ok", strings.NewReader("x"), 1, store.PutOptions{IfNoneMatch: true})
	d.Put(ctx, "ok", strings.NewReader("x"), 1, store.PutOptions{IfNoneMatch: true})
	d.Put(ctx, "short", strings.NewReader("x"), 2, store.PutOptions{})
	d.Put(ctx, "ok", strings.NewReader("y"), 1, store.PutOptions{})
	entries, err := os.ReadDir(filepath.Join(d.Root(), ".tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf(".tmp holds %d files after the writes", len(entries))
	}
}

func ExampleNewDir() {
	root, err := os.MkdirTemp("", "store-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(root)
	d, err := store.NewDir(root)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	body := []byte("hello")
	once := store.PutOptions{IfNoneMatch: true}
	obj, err := d.Put(ctx, "raw/crm/hello.txt", bytes.NewReader(body), int64(len(body)), once)
	if err != nil {
		panic(err)
	}
	fmt.Println(obj.Key, obj.Size, obj.ETag)
	_, err = d.Put(ctx, "raw/crm/hello.txt", bytes.NewReader(body), int64(len(body)), once)
	fmt.Println(errors.Is(err, store.ErrExists))
	// Output:
	// raw/crm/hello.txt 5 5d41402abc4b2a76b9719d911017c592
	// true
}

// TestDirSymlinksOutOfRoot: a symbolic link inside the root that leads out
// of it is never followed. Reading, describing, writing or deleting through
// it is an error (ErrOutsideRoot), and List skips it; a link that stays
// inside the root still works.
func TestDirSymlinksOutOfRoot(t *testing.T) {
	d := newDir(t)
	ctx := context.Background()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	if err := os.WriteFile(secret, []byte("not in the store"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(d.Root(), "raw", "crm"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(d.Root(), "raw", "crm", "leak.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(d.Root(), "normalized")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Put(ctx, "inside.csv", strings.NewReader("x"), 1, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "..", "inside.csv"), filepath.Join(d.Root(), "raw", "crm", "alias.csv")); err != nil {
		t.Fatal(err)
	}
	outsideErr := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s through a link out of the root succeeded", what)
		} else if !errors.Is(err, store.ErrOutsideRoot) {
			t.Errorf("%s = %v, want ErrOutsideRoot", what, err)
		}
	}
	for _, key := range []string{"raw/crm/leak.csv", "normalized/secret.csv"} {
		rc, _, err := d.Get(ctx, key)
		if err == nil {
			rc.Close()
		}
		outsideErr("Get "+key, err)
		_, err = d.Head(ctx, key)
		outsideErr("Head "+key, err)
	}
	_, err := d.Put(ctx, "normalized/new.parquet", strings.NewReader("x"), 1, store.PutOptions{})
	outsideErr("Put", err)
	_, err = d.Put(ctx, "normalized/new2.parquet", strings.NewReader("x"), 1, store.PutOptions{IfNoneMatch: true})
	outsideErr("Put IfNoneMatch", err)
	outsideErr("Delete", d.Delete(ctx, "normalized/secret.csv"))
	if _, err := os.Stat(secret); err != nil {
		t.Errorf("the file outside the root is gone: %v", err)
	}
	for _, name := range []string{"new.parquet", "new2.parquet"} {
		if _, err := os.Stat(filepath.Join(outside, name)); err == nil {
			t.Errorf("Put wrote %s outside the root", name)
		}
	}
	var got []string
	if err := d.List(ctx, "", func(o store.Object) error {
		got = append(got, o.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"inside.csv", "raw/crm/alias.csv"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
	rc, obj, err := d.Get(ctx, "raw/crm/alias.csv")
	if err != nil {
		t.Fatalf("Get of a link inside the root: %v", err)
	}
	rc.Close()
	if obj.Size != 1 {
		t.Errorf("Get of a link inside the root: %+v", obj)
	}
}

// TestPrefixedDirConformance: a Dir under a key prefix is a store, and
// leaves the keys outside its prefix alone.
func TestPrefixedDirConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.NewPrefixed(t, newDir(t)) })
	t.Run("Faults", func(t *testing.T) {
		storetest.RunFaults(t, func(t *testing.T) store.Store { return storetest.NewPrefixed(t, newDir(t)) })
	})
}
