// Package initbench holds the benchmarks of Lambda handler construction
// (docs/benchmarks.md, "Init"): what functions/ingest and functions/close do
// in main before lambda.Start, that is wire.LambdaEnv (opening the store
// and reading the configuration from the environment), then building the
// ingestjob.Job or closejob.Job. The benchmark names keep the earlier
// Ingester and Closer for continuity of the results. The reference is
// under 50 ms per construction.
//
//	go test -run '^$' -bench . -benchmem ./bench/initbench
//
// The S3 variants open the store the way the Lambdas do (s3://bucket, the
// AWS SDK's default configuration chain) against a dummy endpoint with
// static credentials and no AWS files: construction makes no request. The
// directory variants open a local store, as `scorecard` does.
package initbench
