package store

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"
)

// tmpDirName is the hidden directory under a Dir's root that holds objects
// being written. A key whose first segment is tmpDirName is invalid.
const tmpDirName = ".tmp"

// Dir is a Store on a local directory laid out like the bucket: the object
// with key "a/b/c.csv" is the file root/a/b/c.csv, its LastModified is the
// file's modification time and its ETag the hex MD5 of its content.
//
// Writes go to a temporary file under root/.tmp/, are synced and then
// renamed (or, with IfNoneMatch, hard-linked) into place, so readers never
// see a partial object. root/.tmp must therefore be on the same file system
// as root, which it is unless someone mounts something there.
//
// A directory cannot hold both an object "a" and an object "a/b" (S3 can):
// putting the second one fails with an error naming the key.
//
// A symbolic link under the root is followed only while it stays inside
// the root: a key whose path leads out of it (a link to a file or a
// directory elsewhere) cannot be read, described, written or deleted
// (ErrOutsideRoot), and List skips it. The check resolves the path before
// each call; it guards against links placed in the directory, not against a
// process racing to swap a directory for a link during the call.
//
// A Dir is safe for concurrent use, also by several processes.
type Dir struct {
	root string
	real string // root with its own symbolic links resolved

	mu    sync.Mutex
	etags map[string]etagEntry // by file path
}

// etagEntry remembers the MD5 of a file, valid while the file is the same
// inode with the same size and modification time.
type etagEntry struct {
	info fs.FileInfo
	etag string
}

// NewDir returns a Dir rooted at root, creating the directory if missing.
func NewDir(root string) (*Dir, error) {
	if root == "" {
		return nil, errors.New("opening directory store: empty root")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("opening directory store %s: %w", root, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("opening directory store %s: %w", root, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("opening directory store %s: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("opening directory store %s: not a directory", root)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("opening directory store %s: %w", root, err)
	}
	return &Dir{root: abs, real: real, etags: make(map[string]etagEntry)}, nil
}

// Root returns the absolute path of the directory.
func (d *Dir) Root() string { return d.root }

// checkKey reports whether key can name a file under a Dir: a non-empty,
// valid UTF-8, slash-separated path of non-empty segments, none of them "."
// or "..", without NUL or backslash, not starting with "/" and not inside
// the hidden temporary directory.
func checkKey(key string) error {
	switch {
	case key == "":
		return errors.New("invalid key \"\": empty")
	case !utf8.ValidString(key):
		return fmt.Errorf("invalid key %q: not UTF-8", key)
	case strings.HasPrefix(key, "/"):
		return fmt.Errorf("invalid key %q: starts with /", key)
	case strings.ContainsRune(key, 0):
		return fmt.Errorf("invalid key %q: contains NUL", key)
	case strings.ContainsRune(key, '\\'):
		return fmt.Errorf("invalid key %q: contains a backslash", key)
	}
	for i, seg := range strings.Split(key, "/") {
		switch {
		case seg == "":
			return fmt.Errorf("invalid key %q: empty path segment", key)
		case seg == "." || seg == "..":
			return fmt.Errorf("invalid key %q: %q path segment", key, seg)
		case i == 0 && seg == tmpDirName:
			return fmt.Errorf("invalid key %q: %s/ is reserved for objects being written", key, tmpDirName)
		}
	}
	return nil
}

// ErrOutsideRoot is returned (wrapped) by a Dir for a key whose path leads
// out of the directory through a symbolic link.
var ErrOutsideRoot = errors.New("symbolic link out of the store's root: not followed")

// path returns the file path of key, or an error naming an invalid key.
func (d *Dir) path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.root, filepath.FromSlash(key)), nil
}

// confined is path, and an error for a key whose path (its parent
// directory, and with target the file itself) resolves out of the root.
func (d *Dir) confined(key string, target bool) (string, error) {
	p, err := d.path(key)
	if err != nil {
		return "", err
	}
	q := p
	if !target {
		q = filepath.Dir(p)
	}
	if !d.inside(q) {
		return "", fmt.Errorf("%s: %w", key, ErrOutsideRoot)
	}
	return p, nil
}

// inside reports whether the file path p resolves to the root or below it.
// A path that does not exist is judged by its deepest existing ancestor (a
// missing file under a linked directory is outside too); a dangling link
// counts as missing, and opening it finds nothing.
func (d *Dir) inside(p string) bool {
	for q := p; ; q = filepath.Dir(q) {
		real, err := filepath.EvalSymlinks(q)
		if err == nil {
			return real == d.real || strings.HasPrefix(real, d.real+string(filepath.Separator))
		}
		if q == d.root || len(q) <= len(d.root) {
			return true
		}
	}
}

// notExist reports whether err means "no file at this path": missing, or a
// parent that is a file rather than a directory.
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// Get opens the object for streaming. The caller closes the reader.
func (d *Dir) Get(ctx context.Context, key string) (io.ReadCloser, Object, error) {
	return d.GetWith(ctx, key, GetOptions{})
}

// GetWith opens the object for streaming if its ETag is opt.IfMatch (when
// given), else fails with ErrChanged. The ETag is that of the open file, so
// the reader streams exactly the checked content: a Put replaces the file
// by a rename and never rewrites it in place. VersionID is ignored.
func (d *Dir) GetWith(ctx context.Context, key string, opt GetOptions) (io.ReadCloser, Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, Object{}, fmt.Errorf("getting %s: %w", key, err)
	}
	p, err := d.confined(key, true)
	if err != nil {
		return nil, Object{}, fmt.Errorf("getting: %w", err)
	}
	f, err := os.Open(p)
	if err != nil {
		if notExist(err) {
			return nil, Object{}, fmt.Errorf("getting %s: %w", key, ErrNotExist)
		}
		return nil, Object{}, fmt.Errorf("getting %s: %w", key, err)
	}
	obj, err := d.describe(key, p, f)
	if err != nil {
		f.Close()
		return nil, Object{}, fmt.Errorf("getting %s: %w", key, err)
	}
	if opt.IfMatch != "" && obj.ETag != opt.IfMatch {
		f.Close()
		return nil, Object{}, fmt.Errorf("getting %s: ETag %s, expected %s: %w", key, obj.ETag, opt.IfMatch, ErrChanged)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, Object{}, fmt.Errorf("getting %s: %w", key, err)
	}
	return f, obj, nil
}

// Head describes the object without reading it (except to compute an ETag
// not yet cached).
func (d *Dir) Head(ctx context.Context, key string) (Object, error) {
	if err := ctx.Err(); err != nil {
		return Object{}, fmt.Errorf("describing %s: %w", key, err)
	}
	p, err := d.confined(key, true)
	if err != nil {
		return Object{}, fmt.Errorf("describing: %w", err)
	}
	obj, err := d.stat(key, p)
	if err != nil {
		return Object{}, fmt.Errorf("describing %s: %w", key, err)
	}
	return obj, nil
}

// stat describes the object stored at path p, using the cached ETag when
// the file is unchanged.
func (d *Dir) stat(key, p string) (Object, error) {
	fi, err := os.Stat(p)
	if err != nil {
		if notExist(err) {
			return Object{}, ErrNotExist
		}
		return Object{}, err
	}
	if !fi.Mode().IsRegular() {
		return Object{}, ErrNotExist
	}
	if etag, ok := d.cachedETag(p, fi); ok {
		return object(key, fi, etag), nil
	}
	f, err := os.Open(p)
	if err != nil {
		if notExist(err) {
			return Object{}, ErrNotExist
		}
		return Object{}, err
	}
	defer f.Close()
	return d.describe(key, p, f)
}

// describe describes the object open as f (at path p), hashing the file
// unless its ETag is cached. It may move f's offset.
func (d *Dir) describe(key, p string, f *os.File) (Object, error) {
	fi, err := f.Stat()
	if err != nil {
		return Object{}, err
	}
	if !fi.Mode().IsRegular() {
		return Object{}, ErrNotExist
	}
	if etag, ok := d.cachedETag(p, fi); ok {
		return object(key, fi, etag), nil
	}
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return Object{}, err
	}
	etag := hex.EncodeToString(h.Sum(nil))
	// The file may have been rewritten in place while we hashed it: cache
	// (and report) the hash only for the state we saw before and after.
	after, err := f.Stat()
	if err != nil {
		return Object{}, err
	}
	if sameState(fi, after) {
		d.cacheETag(p, fi, etag)
	}
	return object(key, after, etag), nil
}

func object(key string, fi fs.FileInfo, etag string) Object {
	return Object{Key: key, Size: fi.Size(), ETag: etag, LastModified: fi.ModTime().UTC()}
}

// sameState reports whether two FileInfos describe the same file with the
// same size and modification time.
func sameState(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

func (d *Dir) cachedETag(p string, fi fs.FileInfo) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.etags[p]
	if !ok || !sameState(e.info, fi) {
		return "", false
	}
	return e.etag, true
}

func (d *Dir) cacheETag(p string, fi fs.FileInfo, etag string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.etags[p] = etagEntry{info: fi, etag: etag}
}

func (d *Dir) forgetETag(p string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.etags, p)
}

// Put writes the object in full or not at all. If size is not -1 and the
// body holds a different number of bytes, nothing is written and Put
// returns an error.
func (d *Dir) Put(ctx context.Context, key string, body io.Reader, size int64, opt PutOptions) (Object, error) {
	if err := ctx.Err(); err != nil {
		return Object{}, fmt.Errorf("putting %s: %w", key, err)
	}
	p, err := d.confined(key, false)
	if err != nil {
		return Object{}, fmt.Errorf("putting: %w", err)
	}
	tmp, written, etag, err := d.writeTemp(ctx, body, size)
	if err != nil {
		return Object{}, fmt.Errorf("putting %s: %w", key, err)
	}
	defer os.Remove(tmp) // after a rename, a no-op; after a link, drops the temp name
	if err := d.publish(tmp, p, opt.IfNoneMatch); err != nil {
		return Object{}, fmt.Errorf("putting %s: %w", key, err)
	}
	// Rename and link keep the inode and its modification time, so written
	// describes the object. Cache its ETag unless a concurrent Put has
	// already replaced it (the cache compares inodes, so this is only to
	// keep a useless entry out).
	if fi, err := os.Stat(p); err == nil && sameState(fi, written) {
		d.cacheETag(p, fi, etag)
	}
	return object(key, written, etag), nil
}

// writeTemp copies body into a new synced file under root/.tmp and returns
// its path, its FileInfo and the hex MD5 of what it wrote.
func (d *Dir) writeTemp(ctx context.Context, body io.Reader, size int64) (path string, fi fs.FileInfo, etag string, err error) {
	tmpDir := filepath.Join(d.root, tmpDirName)
	if err := os.MkdirAll(tmpDir, 0o755); err != nil {
		return "", nil, "", err
	}
	if !d.inside(tmpDir) {
		return "", nil, "", fmt.Errorf("%s: %w", tmpDirName, ErrOutsideRoot)
	}
	f, err := os.CreateTemp(tmpDir, "put-*")
	if err != nil {
		return "", nil, "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(f, h), ctxReader{ctx, body})
	if err != nil {
		return "", nil, "", fmt.Errorf("reading body: %w", err)
	}
	if size >= 0 && n != size {
		return "", nil, "", fmt.Errorf("body has %d bytes, expected %d", n, size)
	}
	if err := f.Chmod(0o644); err != nil {
		return "", nil, "", err
	}
	if err := f.Sync(); err != nil {
		return "", nil, "", err
	}
	if fi, err = f.Stat(); err != nil {
		return "", nil, "", err
	}
	if err := f.Close(); err != nil {
		return "", nil, "", err
	}
	return f.Name(), fi, hex.EncodeToString(h.Sum(nil)), nil
}

// publish moves the written temp file to p: a rename (atomic replace), or
// with exclusive a hard link, which fails if p exists. It creates missing
// parent directories, retrying if a concurrent Delete prunes them.
func (d *Dir) publish(tmp, p string, exclusive bool) error {
	const attempts = 5
	var err error
	for range attempts {
		if err = os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("a parent of the key is an object: %w", err)
			}
			return err
		}
		if exclusive {
			err = os.Link(tmp, p)
		} else {
			err = os.Rename(tmp, p)
		}
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if err != nil {
		if fi, serr := os.Lstat(p); serr == nil && fi.IsDir() {
			return fmt.Errorf("keys below it exist, a directory cannot hold both: %w", err)
		}
		if exclusive && errors.Is(err, fs.ErrExist) {
			return ErrExists
		}
		return err
	}
	return syncDir(filepath.Dir(p))
}

// syncDir makes a rename or link in directory dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}

// ctxReader stops reading when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// List calls fn for every object whose key starts with prefix, in lexical
// (byte) key order. Files whose paths are not valid keys, the temporary
// directory, anything but regular files (and symbolic links to them inside
// the root) and links out of the root are not objects and are skipped.
func (d *Dir) List(ctx context.Context, prefix string, fn func(Object) error) error {
	type entry struct{ key, path string }
	var entries []entry
	err := filepath.WalkDir(d.root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if p != d.root && notExist(err) {
				return nil // deleted while walking
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == d.root {
			return nil
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if de.IsDir() {
			if key == tmpDirName {
				return filepath.SkipDir
			}
			// Descend only where keys can start with prefix.
			dirKey := key + "/"
			if !strings.HasPrefix(dirKey, prefix) && !strings.HasPrefix(prefix, dirKey) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(key, prefix) || checkKey(key) != nil {
			return nil
		}
		if de.Type()&fs.ModeSymlink != 0 && !d.inside(p) {
			return nil
		}
		entries = append(entries, entry{key, p})
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing %q: %w", prefix, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("listing %q: %w", prefix, err)
		}
		obj, err := d.stat(e.key, e.path)
		if errors.Is(err, ErrNotExist) {
			continue // deleted since the walk, or not a regular file
		}
		if err != nil {
			return fmt.Errorf("listing %q: %s: %w", prefix, e.key, err)
		}
		if err := fn(obj); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes the object and then any directories left empty by it,
// up to the root. Deleting a missing key is not an error.
func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	p, err := d.confined(key, false)
	if err != nil {
		return fmt.Errorf("deleting: %w", err)
	}
	fi, err := os.Lstat(p)
	if err != nil {
		if notExist(err) {
			return nil
		}
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	if fi.IsDir() {
		return nil // keys below it exist, but no object with this key
	}
	d.forgetETag(p)
	if err := os.Remove(p); err != nil && !notExist(err) {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	// Prune empty parents so that a later Put of a key equal to one of
	// them can create a file there. Failure (not empty, or a concurrent
	// Put) just stops the pruning.
	for dir := filepath.Dir(p); dir != d.root && strings.HasPrefix(dir, d.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break
		}
	}
	return nil
}
