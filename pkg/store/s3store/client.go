package s3store

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// HTTPClient sends requests; *http.Client is one (and so is aws.HTTPClient).
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Config is where and as whom the store talks S3.
type Config struct {
	// Endpoint is the base URL of an S3-compatible server, such as
	// http://127.0.0.1:9000 for a local MinIO; its buckets are addressed in
	// the path (http://host/bucket/key). "" is AWS S3 in Region:
	// https://s3.<region>.amazonaws.com (amazonaws.com.cn in China).
	Endpoint string
	// Region signs the requests and, without Endpoint, picks the AWS
	// endpoint. With Endpoint, "" means us-east-1.
	Region string
	// AccessKey, SecretKey and SessionToken are static credentials, used
	// when Credentials is nil.
	AccessKey, SecretKey, SessionToken string
	// Credentials, if not nil, provides the credentials instead.
	Credentials aws.CredentialsProvider
	// HTTPClient sends the requests; nil is a client configured like the
	// AWS SDK's default one.
	HTTPClient HTTPClient
	// MaxAttempts bounds the tries of one request when S3 throttles, fails
	// with a 5xx or the connection breaks; 0 means 3, 1 means no retries.
	MaxAttempts int
	// PathStyle addresses the bucket in the URL path on AWS too (a custom
	// Endpoint always is). Bucket names with dots always are, since the
	// TLS certificate of *.s3.<region>.amazonaws.com does not cover them.
	PathStyle bool
	// Now is the clock requests are signed with (SigV4 dates every
	// request). Required: the wiring passes time.Now.
	Now func() time.Time
}

// defaultMaxAttempts is the AWS SDK's standard retry mode's.
const defaultMaxAttempts = 3

// Backoff between attempts: full jitter over base·2^(retry-1), capped.
const (
	backoffBase = 500 * time.Millisecond
	backoffMax  = 20 * time.Second
)

// expectContinueSize is the body size above which a request asks whether
// to send it (the AWS SDK's threshold).
const expectContinueSize = 2 << 20

// emptySHA256 is the payload hash of a request without a body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// client is a minimal S3 REST client for one bucket: the five object
// operations the store needs, signed with SigV4.
type client struct {
	bucket      string
	base        *url.URL // scheme and host (bucket.host in virtual-hosted style), no trailing /
	bucketPath  string   // escaped path prefix of the bucket: "/bucket" or ""
	region      string
	creds       aws.CredentialsProvider
	http        HTTPClient
	signer      *v4.Signer
	now         func() time.Time
	maxAttempts int
	// backoff is the wait before retry n (1, 2, ...); replaced in tests.
	backoff func(n int) time.Duration
	// maxKeys is the page size of ListObjectsV2 (0: the server's, 1000).
	maxKeys int
}

func newClient(cfg Config, bucket string) (*client, error) {
	if bucket == "" {
		return nil, errors.New("empty bucket name")
	}
	if cfg.Now == nil {
		return nil, errors.New("no clock to sign requests with (Config.Now is nil)")
	}
	c := &client{
		bucket:      bucket,
		now:         cfg.Now,
		region:      cfg.Region,
		creds:       cfg.Credentials,
		http:        cfg.HTTPClient,
		maxAttempts: cfg.MaxAttempts,
		backoff:     jitteredBackoff,
		signer: v4.NewSigner(func(o *v4.SignerOptions) {
			// S3 signs the path as sent, not escaped a second time.
			o.DisableURIPathEscaping = true
		}),
	}
	if c.creds == nil {
		c.creds = credentialsProvider{cfg.AccessKey, cfg.SecretKey, cfg.SessionToken}
	}
	if _, cached := c.creds.(*aws.CredentialsCache); !cached {
		c.creds = aws.NewCredentialsCache(c.creds)
	}
	if c.http == nil {
		c.http = defaultHTTPClient()
	}
	if c.maxAttempts <= 0 {
		c.maxAttempts = defaultMaxAttempts
	}
	pathStyle := cfg.PathStyle || strings.Contains(bucket, ".") || !validHostLabel(bucket)
	endpoint := cfg.Endpoint
	if endpoint == "" {
		if cfg.Region == "" {
			return nil, errors.New("no AWS region: set AWS_REGION (or give an endpoint)")
		}
		if !validHostLabel(cfg.Region) {
			return nil, fmt.Errorf("region %q is not a valid region name", cfg.Region)
		}
		endpoint = "https://s3." + cfg.Region + "." + dnsSuffix(cfg.Region)
	} else {
		pathStyle = true
		if c.region == "" {
			c.region = "us-east-1"
		}
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", endpoint, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("endpoint %q: want http(s)://host[:port][/path]", endpoint)
	}
	basePath := strings.TrimSuffix(u.EscapedPath(), "/")
	c.base = &url.URL{Scheme: u.Scheme, Host: u.Host}
	if pathStyle {
		c.bucketPath = basePath + "/" + escapePath(bucket)
	} else {
		c.base.Host = bucket + "." + u.Host
		c.bucketPath = basePath
	}
	return c, nil
}

// dnsSuffix is the domain of the AWS partition region is in.
func dnsSuffix(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "amazonaws.com.cn"
	case strings.HasPrefix(region, "us-isob-"):
		return "sc2s.sgov.gov"
	case strings.HasPrefix(region, "us-isof-"):
		return "csp.hci.ic.gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "c2s.ic.gov"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "cloud.adc-e.uk"
	}
	return "amazonaws.com"
}

// validHostLabel reports whether s can be one label of a host name.
func validHostLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// credentialsProvider returns static credentials, or says there are none.
type credentialsProvider struct{ id, secret, token string }

func (p credentialsProvider) Retrieve(context.Context) (aws.Credentials, error) {
	if p.id == "" || p.secret == "" {
		return aws.Credentials{}, errors.New("no AWS credentials: no access key id and secret access key")
	}
	return aws.Credentials{AccessKeyID: p.id, SecretAccessKey: p.secret, SessionToken: p.token, Source: "StaticCredentials"}, nil
}

// defaultHTTPClient is configured like the AWS SDK's default client, but
// does not follow redirects: S3 redirects to another region's endpoint,
// which the request is not signed for.
func defaultHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   10,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: 1 * time.Second,
			TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
			// An object stored with Content-Encoding: gzip is returned as stored.
			DisableCompression: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// jitteredBackoff is a random wait in [0, min(backoffMax, backoffBase·2^(n-1))).
func jitteredBackoff(n int) time.Duration {
	d := backoffMax
	if n < 16 {
		d = min(backoffMax, backoffBase<<(n-1))
	}
	return time.Duration(rand.Int64N(int64(d)))
}

// escapePath escapes an object key (or bucket name) for the URL path the
// way S3 expects and signs it: every byte but the unreserved characters
// A-Z a-z 0-9 - . _ ~ and '/' as %XX.
func escapePath(s string) string { return escape(s, false) }

// escapeQuery escapes a query parameter name or value (SigV4 style: '/'
// and ' ' escaped too, no '+').
func escapeQuery(s string) string { return escape(s, true) }

func escape(s string, slash bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '/' && !slash {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// request is one S3 operation.
type request struct {
	op     string // the S3 API operation, for errors: "GetObject"
	method string
	key    string // "" addresses the bucket
	query  map[string]string
	header http.Header
	// body is nil, or size bytes to send. Only an io.ReadSeeker body is sent
	// again when the request is retried; any other is sent at most once.
	body io.Reader
	size int64
}

// url returns the request's URL.
func (c *client) url(r *request) *url.URL {
	u := *c.base
	raw := c.bucketPath
	if r.key != "" {
		raw += "/" + escapePath(r.key)
	} else if raw == "" {
		raw = "/"
	}
	u.RawPath = raw
	u.Path, _ = url.PathUnescape(raw) // cannot fail: raw is escaped here
	if len(r.query) > 0 {
		names := make([]string, 0, len(r.query))
		for k := range r.query {
			names = append(names, k)
		}
		sort.Strings(names)
		var q strings.Builder
		for i, k := range names {
			if i > 0 {
				q.WriteByte('&')
			}
			q.WriteString(escapeQuery(k))
			q.WriteByte('=')
			q.WriteString(escapeQuery(r.query[k]))
		}
		u.RawQuery = q.String()
	}
	return &u
}

// do sends r, retrying throttling, 5xx answers and broken connections with
// a jittered backoff when the request can be sent again, and returns the
// 2xx response (the caller closes its body) or the error: an *Error for
// an S3 error answer.
func (c *client) do(ctx context.Context, r *request) (*http.Response, error) {
	var start int64
	rs, replayable := r.body.(io.ReadSeeker)
	if r.body == nil {
		replayable = true
	} else if replayable {
		var err error
		if start, err = rs.Seek(0, io.SeekCurrent); err != nil {
			replayable = false
		}
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("S3 %s: %w", r.op, err)
		}
		resp, body, err := c.send(ctx, r)
		if err != nil && body != nil {
			// The transport may go on reading the body of a failed
			// attempt; cut it off, so that the body can be rewound.
			body.detach()
		}
		if err == nil {
			return resp, nil
		}
		if attempt >= c.maxAttempts || !replayable || !retryable(ctx, err) {
			return nil, err
		}
		if body != nil {
			if _, serr := rs.Seek(start, io.SeekStart); serr != nil {
				return nil, fmt.Errorf("%w (and rewinding the body to retry: %v)", err, serr)
			}
		}
		t := time.NewTimer(c.backoff(attempt))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("S3 %s: %w (retrying after: %v)", r.op, ctx.Err(), err)
		}
	}
}

// detachableBody is the body of one attempt: once detached, it no longer
// reads from the caller's body, so that the body can be rewound for the
// next attempt while the transport's goroutine of this one still runs.
type detachableBody struct {
	mu       sync.Mutex
	r        io.Reader
	detached bool
}

var errDetached = errors.New("request body detached: the attempt was abandoned")

func (b *detachableBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.detached {
		return 0, errDetached
	}
	return b.r.Read(p)
}

func (b *detachableBody) Close() error { return nil }

func (b *detachableBody) detach() {
	b.mu.Lock()
	b.detached = true
	b.mu.Unlock()
}

// send makes one attempt at r.
func (c *client) send(ctx context.Context, r *request) (*http.Response, *detachableBody, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, "", nil)
	if err != nil {
		return nil, nil, fmt.Errorf("S3 %s: %w", r.op, err)
	}
	req.URL = c.url(r)
	req.Host = req.URL.Host
	for k, v := range r.header {
		req.Header[k] = append([]string(nil), v...)
	}
	// Objects stored with Content-Encoding: gzip are returned as stored.
	req.Header.Set("Accept-Encoding", "identity")
	payloadHash := emptySHA256
	var body *detachableBody
	if r.body != nil {
		payloadHash = "UNSIGNED-PAYLOAD"
		req.ContentLength = r.size
		if r.size == 0 {
			req.Body = http.NoBody
		} else {
			body = &detachableBody{r: io.LimitReader(r.body, r.size)}
			req.Body = body
			if r.size > expectContinueSize {
				// Hear an error (a wrong signature, a failed
				// If-None-Match) before sending megabytes, as the SDK does.
				req.Header.Set("Expect", "100-continue")
			}
		}
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds, err := c.creds.Retrieve(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("S3 %s: retrieving credentials: %w", r.op, err)
	}
	if err := c.signer.SignHTTP(ctx, creds, req, payloadHash, "s3", c.region, c.now()); err != nil {
		return nil, nil, fmt.Errorf("S3 %s: signing: %w", r.op, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w: %w", ctxErr, err)
		}
		return nil, body, &transportError{op: r.op, err: err}
	}
	if resp.StatusCode/100 == 2 {
		return resp, body, nil
	}
	return nil, body, c.readError(r, resp)
}

// transportError is a request that got no answer.
type transportError struct {
	op  string
	err error
}

func (e *transportError) Error() string { return "S3 " + e.op + ": " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// Error is an error answer of S3.
type Error struct {
	// Op is the S3 operation: GetObject, HeadObject, PutObject,
	// ListObjectsV2 or DeleteObject.
	Op         string
	StatusCode int
	// Code is S3's error code (NoSuchKey, AccessDenied, SlowDown, ...); for
	// an answer without a body (HEAD) it is the HTTP status text without
	// spaces (NotFound, Forbidden), as the AWS SDK reports it.
	Code      string
	Message   string
	RequestID string
	// Region is the bucket's region when S3 says it is another one.
	Region string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "S3 %s: %d %s", e.Op, e.StatusCode, e.Code)
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Region != "" {
		b.WriteString(" (the bucket is in region " + e.Region + ")")
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// readError reads an error answer and closes its body.
func (c *client) readError(r *request, resp *http.Response) error {
	defer resp.Body.Close()
	e := &Error{
		Op:         r.op,
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get("X-Amz-Request-Id"),
		Region:     resp.Header.Get("X-Amz-Bucket-Region"),
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var x struct {
		Code      string
		Message   string
		RequestID string `xml:"RequestId"`
		Region    string
	}
	if len(b) > 0 && xml.Unmarshal(b, &x) == nil {
		e.Code, e.Message = x.Code, x.Message
		if x.RequestID != "" {
			e.RequestID = x.RequestID
		}
		if x.Region != "" && e.Region == "" {
			e.Region = x.Region
		}
	}
	if e.Code == "" {
		e.Code = strings.ReplaceAll(http.StatusText(resp.StatusCode), " ", "")
		if e.Code == "" {
			e.Code = "Status" + strconv.Itoa(resp.StatusCode)
		}
		if e.Message == "" && len(b) > 0 && r.method != http.MethodHead {
			e.Message = strings.TrimSpace(string(b[:min(len(b), 200)]))
		}
	}
	if e.Region == c.region {
		e.Region = "" // a hint only when it is another region
	}
	return e
}

// retryableCodes are the S3 and AWS error codes the AWS SDK retries.
var retryableCodes = map[string]bool{
	"SlowDown": true, "Throttling": true, "ThrottlingException": true, "ThrottledException": true,
	"RequestThrottled": true, "RequestThrottledException": true, "TooManyRequestsException": true,
	"RequestLimitExceeded": true, "BandwidthLimitExceeded": true, "LimitExceededException": true,
	"ProvisionedThroughputExceededException": true, "TransactionInProgressException": true,
	"PriorRequestNotComplete": true, "EC2ThrottledException": true,
	"RequestTimeout": true, "RequestTimeoutException": true, "InternalError": true, "ServiceUnavailable": true,
}

// retryable reports whether a failed attempt is worth another.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		switch e.StatusCode {
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
			http.StatusGatewayTimeout, http.StatusTooManyRequests:
			return true
		}
		return retryableCodes[e.Code]
	}
	var te *transportError
	if !errors.As(err, &te) {
		return false // credentials, signing
	}
	// A connection that could not be made, was reset or closed, or timed
	// out: another may work. A certificate that does not verify will not.
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostnameErr) || errors.As(err, &invalidCert) {
		return false
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) && strings.Contains(urlErr.Err.Error(), "unsupported protocol scheme") {
		return false
	}
	return true
}
