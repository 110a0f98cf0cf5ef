package miniotest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/scorecard/scorecard/internal/miniotest"
)

func TestAddUser(t *testing.T) {
	srv := miniotest.Start(t)
	bkt := srv.NewBucket(t)
	ctx := context.Background()
	policy := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::` + bkt + `/in/*"]},
		{"Effect":"Deny","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::` + bkt + `/in/locked*"]}]}`
	c := srv.AddUser(t, "reader", "reader-secret", policy)
	put := func(key string) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bkt), Key: aws.String(key), Body: strings.NewReader("x")})
		return err
	}
	if err := put("in/a.txt"); err != nil {
		t.Fatalf("allowed put: %v", err)
	}
	for _, k := range []string{"out/a.txt", "in/locked.txt"} {
		if err := put(k); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
			t.Errorf("put %s: %v, want AccessDenied", k, err)
		}
	}
	if _, err := c.ListBuckets(ctx, &s3.ListBucketsInput{}); err == nil {
		t.Error("ListBuckets allowed without s3:ListAllMyBuckets")
	}
}
