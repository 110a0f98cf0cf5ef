package store

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Prefixed is a store whose every key lives under one key prefix of another
// store: the whole bucket layout (raw/, normalized/, ...) of one team inside
// a shared bucket. Key "raw/crm/x.csv" of a Prefixed with prefix "team-a/"
// is key "team-a/raw/x.csv" of the inner store. List lists only under the
// prefix and returns keys without it; objects outside the prefix are not
// reachable through it. Errors come from the inner store and so name the
// full key.
type Prefixed struct {
	inner  Store
	prefix string
}

// WithPrefix returns inner with every key under prefix. prefix is a key
// prefix of whole segments ending with exactly one "/" ("team-a/",
// "shared/team-a/"): no empty, "." or ".." segment, not starting with "/".
func WithPrefix(inner Store, prefix string) (*Prefixed, error) {
	if err := CheckPrefix(prefix); err != nil {
		return nil, err
	}
	return &Prefixed{inner: inner, prefix: prefix}, nil
}

// CheckPrefix reports whether prefix can be the prefix of a Prefixed (see
// WithPrefix); the error names the prefix and what is wrong with it.
func CheckPrefix(prefix string) error {
	trimmed, ok := strings.CutSuffix(prefix, "/")
	if !ok {
		return fmt.Errorf("invalid prefix %q: does not end with /", prefix)
	}
	if err := checkKey(trimmed); err != nil {
		return fmt.Errorf("invalid prefix %q: %w", prefix, err)
	}
	return nil
}

// Prefix returns the prefix, ending with "/".
func (p *Prefixed) Prefix() string { return p.prefix }

// full is the inner key of key, or an error for a key that is empty or
// would not stay a key below the prefix (a leading "/", an empty, "." or
// ".." segment): S3 would store "team-a/../x" as it is, but a directory
// store, a console or a sync tool reads it as "x", outside the prefix.
func (p *Prefixed) full(doing, key string) (string, error) {
	if err := checkSegments(key); err != nil {
		return "", fmt.Errorf("%s %s%s: %w", doing, p.prefix, key, err)
	}
	return p.prefix + key, nil
}

// checkSegments: key is not empty, does not start with "/" and has no
// empty, "." or ".." segment.
func checkSegments(key string) error {
	if key == "" {
		return fmt.Errorf("invalid key %q: empty", key)
	}
	for _, seg := range strings.Split(key, "/") {
		switch seg {
		case "":
			return fmt.Errorf("invalid key %q: empty path segment", key)
		case ".", "..":
			return fmt.Errorf("invalid key %q: %q path segment", key, seg)
		}
	}
	return nil
}

// strip makes obj's key relative to the prefix again.
func (p *Prefixed) strip(obj Object) Object {
	obj.Key = strings.TrimPrefix(obj.Key, p.prefix)
	return obj
}

// Get opens the object for streaming. The caller closes the reader.
func (p *Prefixed) Get(ctx context.Context, key string) (io.ReadCloser, Object, error) {
	return p.GetWith(ctx, key, GetOptions{})
}

// GetWith is Get of exactly one version (see GetOptions).
func (p *Prefixed) GetWith(ctx context.Context, key string, opt GetOptions) (io.ReadCloser, Object, error) {
	k, err := p.full("reading", key)
	if err != nil {
		return nil, Object{}, err
	}
	rc, obj, err := p.inner.GetWith(ctx, k, opt)
	if err != nil {
		return nil, Object{}, err
	}
	return rc, p.strip(obj), nil
}

// Head describes the object without reading it.
func (p *Prefixed) Head(ctx context.Context, key string) (Object, error) {
	k, err := p.full("describing", key)
	if err != nil {
		return Object{}, err
	}
	obj, err := p.inner.Head(ctx, k)
	if err != nil {
		return Object{}, err
	}
	return p.strip(obj), nil
}

// Put writes the object in full or not at all.
func (p *Prefixed) Put(ctx context.Context, key string, body io.Reader, size int64, opt PutOptions) (Object, error) {
	k, err := p.full("writing", key)
	if err != nil {
		return Object{}, err
	}
	obj, err := p.inner.Put(ctx, k, body, size, opt)
	if err != nil {
		return Object{}, err
	}
	return p.strip(obj), nil
}

// List calls fn for every object under the prefix whose key (without the
// prefix) starts with prefix, in lexical key order: the inner order, since
// every inner key shares the same prefix.
func (p *Prefixed) List(ctx context.Context, prefix string, fn func(Object) error) error {
	return p.inner.List(ctx, p.prefix+prefix, func(obj Object) error {
		rel, ok := strings.CutPrefix(obj.Key, p.prefix)
		if !ok {
			return fmt.Errorf("listing %s%s: the store returned %q, outside the prefix", p.prefix, prefix, obj.Key)
		}
		obj.Key = rel
		return fn(obj)
	})
}

// Delete removes the object; deleting a missing key is not an error.
func (p *Prefixed) Delete(ctx context.Context, key string) error {
	k, err := p.full("deleting", key)
	if err != nil {
		return err
	}
	return p.inner.Delete(ctx, k)
}
