// Package initbench holds the benchmarks of Lambda handler construction
// (docs/benchmarks.md, "Init"): what functions/ingest and functions/close do
// in main before lambda.Start, that is opening the store and reading the
// configuration from the environment, then building the Ingester or
// Closer. The target is under 50 ms per construction.
//
//	go test -run '^$' -bench . -benchmem ./bench/initbench
//
// The S3 variants open the store the way the Lambdas do (s3://bucket, the
// AWS SDK's default configuration chain) against a dummy endpoint with
// static credentials and no AWS files: construction makes no request. The
// directory variants open a local store, as `scorecard` does.
package initbench
