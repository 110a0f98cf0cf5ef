package s3store

import (
	"net/http"
	"time"
)

// SetBackoff replaces the wait between retries.
func SetBackoff(s *Store, f func(retry int) time.Duration) { s.c.backoff = f }

// SetListPageSize sets max-keys of ListObjectsV2.
func SetListPageSize(s *Store, n int) { s.c.maxKeys = n }

// ObjectURL is the URL a request for key goes to.
func ObjectURL(s *Store, key string) string { return s.c.url(&request{key: key}).String() }

// HTTPDefault is the HTTP client used when Config has none.
func HTTPDefault() *http.Client { return defaultHTTPClient() }
