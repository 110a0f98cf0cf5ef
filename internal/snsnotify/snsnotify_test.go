package snsnotify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/scorecard/scorecard/pkg/notify"
)

func TestNotify(t *testing.T) {
	var got url.Values
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, _ = url.ParseQuery(string(b))
		auth = r.Header.Get("Authorization")
		if r.Header.Get("X-Amz-Security-Token") != "tok" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		io.WriteString(w, "<PublishResponse/>")
	}))
	defer srv.Close()
	topic := &Topic{
		ARN: "arn:aws:sns:cn-north-1:123456789012:events", Region: "cn-north-1", Endpoint: srv.URL,
		Credentials: aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret", SessionToken: "tok"},
		Now:         func() time.Time { return time.Date(2026, 10, 3, 2, 0, 0, 0, time.UTC) },
	}
	ev := notify.Event{Status: notify.Published, Month: "2026-09", Version: 1, TotalPayout: "51260.00", At: time.Date(2026, 10, 3, 2, 0, 0, 0, time.UTC)}
	if err := topic.Notify(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if got.Get("Action") != "Publish" || got.Get("TopicArn") != topic.ARN || !strings.Contains(got.Get("Message"), `"status":"published"`) {
		t.Errorf("form %v", got)
	}
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKID/20261003/cn-north-1/sns/aws4_request") {
		t.Errorf("authorization %q", auth)
	}
	topic.Credentials.SessionToken = "wrong"
	if err := topic.Notify(context.Background(), ev); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a refused publish: %v", err)
	}
	if (&Topic{Region: "cn-northwest-1"}).endpoint() != "https://sns.cn-northwest-1.amazonaws.com.cn/" {
		t.Error("China endpoint")
	}
}

func TestQueueSend(t *testing.T) {
	var got url.Values
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, _ = url.ParseQuery(string(b))
		auth = r.Header.Get("Authorization")
		io.WriteString(w, "<SendMessageResponse/>")
	}))
	defer srv.Close()
	q := &Queue{URL: srv.URL + "/123456789012/ingest-failures", Region: "cn-north-1",
		Credentials: aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"},
		Now:         func() time.Time { return time.Date(2026, 10, 3, 2, 0, 0, 0, time.UTC) }}
	if err := q.Send(context.Background(), []byte(`{"reason":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if got.Get("Action") != "SendMessage" || got.Get("MessageBody") != `{"reason":"x"}` {
		t.Errorf("form %v", got)
	}
	if !strings.Contains(auth, "/cn-north-1/sqs/aws4_request") {
		t.Errorf("authorization %q", auth)
	}
}
