package snsnotify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Queue sends messages to one SQS queue with a signed SendMessage request
// (the Query API), so that the ingest can put an event that can never
// succeed on its failure queue once, instead of failing it through the
// platform's retries.
type Queue struct {
	URL         string // the queue URL (CloudFormation's Ref of the queue)
	Region      string
	Credentials aws.Credentials
	HTTPClient  *http.Client
	Now         func() time.Time
}

// QueueFromEnv is the queue at url with the Lambda's credentials.
func QueueFromEnv(queueURL string) (*Queue, error) {
	t, err := FromEnv("")
	if err != nil {
		return nil, fmt.Errorf("dead-letter queue: %w", err)
	}
	return &Queue{URL: queueURL, Region: t.Region, Credentials: t.Credentials}, nil
}

// Send sends body as one message.
func (q *Queue) Send(ctx context.Context, body []byte) error {
	form := url.Values{
		"Action":      {"SendMessage"},
		"Version":     {"2012-11-05"},
		"MessageBody": {string(body)},
	}
	enc := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, q.URL, strings.NewReader(enc))
	if err != nil {
		return fmt.Errorf("sending to %s: %w", q.URL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(enc))
	now := time.Now
	if q.Now != nil {
		now = q.Now
	}
	if err := v4.NewSigner().SignHTTP(ctx, q.Credentials, req, hex.EncodeToString(sum[:]), "sqs", q.Region, now()); err != nil {
		return fmt.Errorf("sending to %s: signing: %w", q.URL, err)
	}
	c := q.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("sending to %s: %w", q.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("sending to %s: %s: %s", q.URL, resp.Status, strings.TrimSpace(string(b)))
	}
	return nil
}
