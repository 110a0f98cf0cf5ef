// Package snsnotify publishes close events (pkg/notify) to an SNS topic,
// and sends undeliverable ingest events to an SQS queue, each with one
// signed HTTPS request (the Query API's Publish and SendMessage actions), so
// that the Lambdas need no SNS or SQS SDK client. Credentials and region come from the
// Lambda environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN, AWS_REGION).
//
// It imports the SDK's core signer only; nothing but internal/wire uses it.
package snsnotify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/scorecard/scorecard/pkg/notify"
)

// Topic publishes to one SNS topic.
type Topic struct {
	ARN         string
	Region      string
	Endpoint    string // "" = https://sns.<region>.amazonaws.com (.com.cn in China)
	Credentials aws.Credentials
	HTTPClient  *http.Client
	// Now is the signing clock; nil is time.Now.
	Now func() time.Time
}

// FromEnv is the topic named by arn with the Lambda's credentials.
func FromEnv(arn string) (*Topic, error) {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return nil, errors.New("events topic: AWS_REGION is not set")
	}
	creds := aws.Credentials{
		AccessKeyID:     os.Getenv("AWS_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken:    os.Getenv("AWS_SESSION_TOKEN"),
	}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return nil, errors.New("events topic: no AWS credentials in the environment")
	}
	return &Topic{ARN: arn, Region: region, Credentials: creds, Endpoint: os.Getenv("AWS_ENDPOINT_URL_SNS")}, nil
}

func (t *Topic) endpoint() string {
	if t.Endpoint != "" {
		return strings.TrimSuffix(t.Endpoint, "/") + "/"
	}
	domain := "amazonaws.com"
	if strings.HasPrefix(t.Region, "cn-") {
		domain = "amazonaws.com.cn"
	}
	return "https://sns." + t.Region + "." + domain + "/"
}

// Notify publishes ev as the message, with the status as its subject.
func (t *Topic) Notify(ctx context.Context, ev notify.Event) error {
	msg, err := ev.Marshal()
	if err != nil {
		return err
	}
	form := url.Values{
		"Action":   {"Publish"},
		"Version":  {"2010-03-31"},
		"TopicArn": {t.ARN},
		"Subject":  {"scorecard " + ev.Status + " " + ev.Month},
		"Message":  {strings.TrimSpace(string(msg))},
	}
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.endpoint(), strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("publishing %s event to %s: %w", ev.Status, t.ARN, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	if err := v4.NewSigner().SignHTTP(ctx, t.Credentials, req, hex.EncodeToString(sum[:]), "sns", t.Region, now()); err != nil {
		return fmt.Errorf("publishing %s event to %s: signing: %w", ev.Status, t.ARN, err)
	}
	c := t.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("publishing %s event to %s: %w", ev.Status, t.ARN, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("publishing %s event to %s: %s: %s", ev.Status, t.ARN, resp.Status, strings.TrimSpace(string(b)))
	}
	return nil
}
