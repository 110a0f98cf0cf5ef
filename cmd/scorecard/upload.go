package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/source"
	"github.com/scorecard/scorecard/pkg/store"
)

// cmdUpload: scorecard upload --store S FILE... --as raw/SOURCE/.
//
// An object's upload time decides which of several exports of the same
// data is the latest, and a directory store takes it from the file's
// modification time, which `cp -r` sets in whatever order it copies. upload
// copies the files one at a time in the order given, each strictly later
// than the one before (S3 keeps whole seconds, so it waits for the next
// second when it must), then ingests them in that order and prints what the
// ingest made of each, as `scorecard ingest KEY...` does.
func cmdUpload(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("upload", stderr)
	storeSpec := fs.String("store", "", "directory, s3://bucket or s3://bucket/prefix")
	as := fs.String("as", "", "the raw/ folder the files go to: raw/crm/, raw/survey/, raw/evaluations/ or raw/roster/")
	verbose := fs.Bool("v", false, "log each step")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *storeSpec == "" || *as == "" || len(files) == 0 {
		return fmt.Errorf("%w: --store, --as and at least one FILE are required", errUsage)
	}
	src, err := rawFolder(*as)
	if err != nil {
		return err
	}
	keys := make([]string, len(files))
	for i, f := range files {
		keys[i] = bucket.Raw(src, filepath.Base(f))
		if j := slices.Index(keys[:i], keys[i]); j >= 0 {
			return fmt.Errorf("%w: %s and %s would both be %s", errUsage, files[j], f, keys[i])
		}
		if fi, err := os.Stat(f); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		} else if !fi.Mode().IsRegular() {
			return fmt.Errorf("%w: %s is not a regular file", errUsage, f)
		}
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	var prev time.Time
	for i, f := range files {
		obj, err := uploadAfter(ctx, st, f, keys[i], prev)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "uploaded %s -> %s (%d bytes, %s)\n", f, keys[i], obj.Size, obj.LastModified.UTC().Format(time.RFC3339Nano))
		prev = obj.LastModified
	}
	fmt.Fprintln(stdout)
	return ingestKeys(ctx, withIngestProgress(ingestJob(st, cliEnv(fs, stderr, *verbose)), stderr), keys, stdout)
}

// uploadAfter puts file at key with an upload time after prev. A store with
// whole-second times (S3) is given the next second first; and since the
// store's clock (a file system's coarse clock, an S3 server's) need not be
// this process's, an upload whose time is still not after prev is redone a
// moment later, a few times, before giving up.
func uploadAfter(ctx context.Context, st store.Store, file, key string, prev time.Time) (store.Object, error) {
	if !prev.IsZero() && prev.Equal(prev.Truncate(time.Second)) {
		if err := sleepUntil(ctx, prev.Add(time.Second)); err != nil {
			return store.Object{}, err
		}
	}
	for try := 0; ; try++ {
		obj, err := put(ctx, st, file, key)
		if err != nil || obj.LastModified.After(prev) {
			return obj, err
		}
		if try == 20 {
			return store.Object{}, fmt.Errorf("uploading %s: %s got upload time %s, not after the previous file's %s", file, key, obj.LastModified, prev)
		}
		if err := sleepUntil(ctx, time.Now().Add(100*time.Millisecond)); err != nil {
			return store.Object{}, err
		}
	}
}

func sleepUntil(ctx context.Context, t time.Time) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Until(t)):
		return nil
	}
}

// put uploads file to key and returns the object as the store lists it.
func put(ctx context.Context, st store.Store, file, key string) (store.Object, error) {
	f, err := os.Open(file)
	if err != nil {
		return store.Object{}, fmt.Errorf("uploading %s: %w", file, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return store.Object{}, fmt.Errorf("uploading %s: %w", file, err)
	}
	if _, err := st.Put(ctx, key, f, fi.Size(), store.PutOptions{}); err != nil {
		return store.Object{}, fmt.Errorf("uploading %s to %s: %w", file, key, err)
	}
	obj, err := st.Head(ctx, key)
	if err != nil {
		return store.Object{}, fmt.Errorf("uploading %s: reading back %s: %w", file, key, err)
	}
	return obj, nil
}

// rawFolder is the source of --as raw/SOURCE/ (the trailing slash optional).
func rawFolder(as string) (string, error) {
	name, _, ok := bucket.ParseRaw(strings.TrimSuffix(as, "/") + "/x")
	if !ok || strings.Contains(name, "/") || !slices.Contains(source.Names(), name) {
		return "", fmt.Errorf("%w: --as %q: want one of raw/%s/", errUsage, as, strings.Join(source.Names(), "/, raw/"))
	}
	return name, nil
}

// parseInterspersed parses flags wherever they are among the arguments
// (upload FILE... --as raw/crm/) and returns the other arguments in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		if n := len(args) - fs.NArg(); n > 0 && args[n-1] == "--" {
			return append(rest, fs.Args()...), nil // "--": no flags after it
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}
