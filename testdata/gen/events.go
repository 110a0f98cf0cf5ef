package main

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const bucket = "scorecard-data"

// s3KeyEscape encodes an object key the way S3 event notifications do:
// form encoding (space as '+', other bytes outside [A-Za-z0-9-_.*] as
// upper-case %XX), with '/' left as is.
func s3KeyEscape(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '*', c == '/':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

type s3Event struct {
	Records []s3Record `json:"Records"`
}

type s3Record struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      principal         `json:"userIdentity"`
	RequestParameters map[string]string `json:"requestParameters"`
	ResponseElements  map[string]string `json:"responseElements"`
	S3                s3Entity          `json:"s3"`
	Source            *minioSource      `json:"source,omitempty"`
}

type principal struct {
	PrincipalID string `json:"principalId"`
}

type s3Entity struct {
	SchemaVersion   string   `json:"s3SchemaVersion"`
	ConfigurationID string   `json:"configurationId"`
	Bucket          s3Bucket `json:"bucket"`
	Object          s3Object `json:"object"`
}

type s3Bucket struct {
	Name          string    `json:"name"`
	OwnerIdentity principal `json:"ownerIdentity"`
	ARN           string    `json:"arn"`
}

type s3Object struct {
	Key          string            `json:"key"`
	Size         int               `json:"size"`
	ETag         string            `json:"eTag"`
	ContentType  string            `json:"contentType,omitempty"`
	UserMetadata map[string]string `json:"userMetadata,omitempty"`
	VersionID    string            `json:"versionId,omitempty"`
	Sequencer    string            `json:"sequencer"`
}

type minioSource struct {
	Host      string `json:"host"`
	Port      string `json:"port"`
	UserAgent string `json:"userAgent"`
}

// minioEvent is what a MinIO webhook target posts.
type minioEvent struct {
	EventName string     `json:"EventName"`
	Key       string     `json:"Key"`
	Records   []s3Record `json:"Records"`
}

func etag(data []byte) string {
	sum := md5.Sum(data)
	return hex.EncodeToString(sum[:])
}

// digest derives stable request ids from the key.
func digest(parts ...string) []byte {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return sum[:]
}

func awsRecord(f *rawFile) s3Record {
	d := digest("aws", f.key)
	return s3Record{
		EventVersion: "2.1",
		EventSource:  "aws:s3",
		AWSRegion:    "ap-east-1",
		EventTime:    f.uploaded.UTC().Format("2006-01-02T15:04:05.000Z"),
		EventName:    "ObjectCreated:Put",
		UserIdentity: principal{"AWS:AIDAEXAMPLEHRUPLOAD1"},
		RequestParameters: map[string]string{
			"sourceIPAddress": "203.0.113.10",
		},
		ResponseElements: map[string]string{
			"x-amz-request-id": strings.ToUpper(hex.EncodeToString(d[:8])),
			"x-amz-id-2":       base64.StdEncoding.EncodeToString(d[8:32]) + "/" + base64.StdEncoding.EncodeToString(d[:24]),
		},
		S3: s3Entity{
			SchemaVersion:   "1.0",
			ConfigurationID: "scorecard-ingest-raw",
			Bucket:          s3Bucket{Name: bucket, OwnerIdentity: principal{"A3NL1KOZZKExample"}, ARN: "arn:aws:s3:::" + bucket},
			Object: s3Object{
				Key:       s3KeyEscape(f.key),
				Size:      len(f.data),
				ETag:      etag(f.data),
				Sequencer: fmt.Sprintf("00%016X", f.uploaded.UnixNano()),
			},
		},
	}
}

func minioRecord(f *rawFile) s3Record {
	d := digest("minio", f.key)
	return s3Record{
		EventVersion: "2.0",
		EventSource:  "minio:s3",
		AWSRegion:    "",
		EventTime:    f.uploaded.UTC().Format("2006-01-02T15:04:05.000Z"),
		EventName:    "s3:ObjectCreated:Put",
		UserIdentity: principal{"minioadmin"},
		RequestParameters: map[string]string{
			"principalId":     "minioadmin",
			"region":          "",
			"sourceIPAddress": "127.0.0.1",
		},
		ResponseElements: map[string]string{
			"x-amz-id-2":              hex.EncodeToString(d[:32]),
			"x-amz-request-id":        fmt.Sprintf("%X", f.uploaded.UnixNano()+7),
			"x-minio-deployment-id":   "5f4c2a9e-1b7d-4c3e-9a61-0d2e8b7c4f10",
			"x-minio-origin-endpoint": "http://127.0.0.1:9000",
		},
		S3: s3Entity{
			SchemaVersion:   "1.0",
			ConfigurationID: "Config",
			Bucket:          s3Bucket{Name: bucket, OwnerIdentity: principal{"minioadmin"}, ARN: "arn:aws:s3:::" + bucket},
			Object: s3Object{
				// MinIO escapes the whole name with url.QueryEscape: '/' becomes %2F.
				Key:          url.QueryEscape(f.key),
				Size:         len(f.data),
				ETag:         etag(f.data),
				ContentType:  f.contentType,
				UserMetadata: map[string]string{"content-type": f.contentType},
				Sequencer:    fmt.Sprintf("%X", f.uploaded.UnixNano()),
			},
		},
		Source: &minioSource{Host: "127.0.0.1", Port: "", UserAgent: "MinIO (linux; amd64) minio-go/v7.0.95 mc/RELEASE.2025-08-13T08-35-41Z"},
	}
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// renderEvents writes the event fixtures; sizes and ETags are those of the
// rendered exports.
func renderEvents(files []*rawFile) (map[string][]byte, error) {
	byKey := map[string]*rawFile{}
	for _, f := range files {
		byKey[f.key] = f
	}
	scheduled := time.Date(2026, 10, 3, 2, 0, 0, 0, cst)
	events := map[string]any{
		"s3-put-crm.json":   s3Event{Records: []s3Record{awsRecord(byKey[keyCRM])}},
		"s3-put-multi.json": s3Event{Records: []s3Record{awsRecord(byKey[keyWJX]), awsRecord(byKey[keyPhone])}},
		"minio-put.json": minioEvent{EventName: "s3:ObjectCreated:Put", Key: bucket + "/" + keyXLSX,
			Records: []s3Record{minioRecord(byKey[keyXLSX])}},
		"scheduler-close.json":     map[string]string{"scheduled_time": scheduled.Format(time.RFC3339)},
		"scheduler-close-utc.json": map[string]string{"scheduled_time": scheduled.UTC().Format(time.RFC3339)},
		"manual-close.json": struct {
			Month  string `json:"month"`
			Reopen bool   `json:"reopen"`
		}{"2026-09", false},
	}
	out := map[string][]byte{}
	for name, v := range events {
		data, err := marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encoding event %s: %w", name, err)
		}
		out[name] = data
	}
	return out, nil
}
