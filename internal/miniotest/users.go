package miniotest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/secure-io/sio-go"
	"golang.org/x/crypto/argon2"
)

// AddUser creates a MinIO user with the given credentials whose only
// permissions are policyJSON (an IAM policy document: Version 2012-10-17,
// Allow and Deny statements on s3:* actions and arn:aws:s3::: resources),
// and returns an S3 client that signs as that user. The policy is created
// as a canned policy named after the user and attached to it; MinIO
// rejects a policy it cannot parse, which fails the test.
//
// It uses MinIO's admin API (/minio/admin/v3/...), signed with the root
// credentials, so no mc client is needed.
func (s *Server) AddUser(tb testing.TB, accessKey, secretKey, policyJSON string) *s3.Client {
	tb.Helper()
	ctx := context.Background()
	if err := s.admin(ctx, http.MethodPut, "add-canned-policy", url.Values{"name": {accessKey}}, []byte(policyJSON)); err != nil {
		tb.Fatalf("miniotest: adding policy %s: %v\n%s", accessKey, err, policyJSON)
	}
	req, _ := json.Marshal(map[string]string{"secretKey": secretKey, "status": "enabled"})
	enc, err := encryptData(s.SecretKey, req)
	if err != nil {
		tb.Fatalf("miniotest: %v", err)
	}
	if err := s.admin(ctx, http.MethodPut, "add-user", url.Values{"accessKey": {accessKey}}, enc); err != nil {
		tb.Fatalf("miniotest: adding user %s: %v", accessKey, err)
	}
	q := url.Values{"policyName": {accessKey}, "userOrGroup": {accessKey}, "isGroup": {"false"}}
	if err := s.admin(ctx, http.MethodPut, "set-user-or-group-policy", q, nil); err != nil {
		tb.Fatalf("miniotest: attaching policy %s: %v", accessKey, err)
	}
	return s.ClientAs(accessKey, secretKey)
}

// ClientAs returns an S3 client for the server that signs with the given
// credentials (path-style addressing).
func (s *Server) ClientAs(accessKey, secretKey string) *s3.Client {
	return s3.New(s3.Options{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
	})
}

// admin sends one admin API request signed with the root credentials.
func (s *Server) admin(ctx context.Context, method, op string, query url.Values, body []byte) error {
	u := s.Endpoint + "/minio/admin/v3/" + op
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.ContentLength = int64(len(body))
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	creds := aws.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hash, "s3", s.Region, time.Now()); err != nil {
		return err
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("%s %s: %s: %s", method, op, resp.Status, msg)
	}
	return nil
}

// encryptData is madmin-go's EncryptData (argon2id, AES-256-GCM): the
// admin API wants credentials in a request body encrypted with the root
// secret key. Its layout is salt(32) | algorithm id (0 = argon2id with
// AES-GCM) | nonce | sio stream.
func encryptData(password string, data []byte) ([]byte, error) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	key := argon2.IDKey([]byte(password), salt, 1, 64*1024, 4, 32)
	stream, err := sio.AES_256_GCM.Stream(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, stream.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Write(salt)
	out.WriteByte(0x00)
	out.Write(nonce)
	w := stream.EncryptWriter(&out, nonce, nil)
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
