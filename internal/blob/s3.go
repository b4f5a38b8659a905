package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/kodera-packages/kodera/internal/domain"
)

// s3PartSize is the part size of multipart uploads. minio-go buffers one
// part in memory while streaming a body of unknown length, so this bounds a
// Put's memory; 16 MiB parts reach S3's 10,000-part limit at about 156 GiB.
const s3PartSize = 16 << 20

// S3Config says where an S3-compatible bucket is.
type S3Config struct {
	// Endpoint is the server's base URL, "http://host:port" or
	// "https://host". Buckets are addressed path-style under it, which every
	// on-premise S3 server supports and which needs no wildcard DNS.
	Endpoint string
	// Bucket is created by NewS3 if it does not exist.
	Bucket string
	// AccessKey and SecretKey are static credentials.
	AccessKey string
	SecretKey string
	// Region defaults to "us-east-1", which most self-hosted servers expect.
	Region string
}

// S3 is a [Driver] backed by an S3-compatible bucket. It also implements
// [Presigner].
//
// S3 shows an object only once its PutObject or multipart upload completes,
// which gives Put its atomicity for free. It has no rename, so S3 does not
// implement [Mover]; the Store keeps objects at the key they were written to.
type S3 struct {
	client *minio.Client
	bucket string
}

var (
	_ Driver      = (*S3)(nil)
	_ Presigner   = (*S3)(nil)
	_ TempSweeper = (*S3)(nil)
)

// NewS3 connects to the bucket described by cfg, creating it if missing.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("blob: s3 endpoint: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("blob: s3 endpoint %q: want http(s)://host[:port]", cfg.Endpoint)
	}
	if cfg.Bucket == "" {
		return nil, errors.New("blob: s3: bucket is required")
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       region,
		BucketLookup: minio.BucketLookupPath,
		// A few quick retries ride over a blip; an outage must become a
		// clear 503 in about a second, not a request hanging on backoff.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: s3: %w", err)
	}
	d := &S3{client: client, bucket: cfg.Bucket}

	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: s3 bucket %q: %w", cfg.Bucket, err)
	}
	if !ok {
		err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: region})
		// Another node may have created it since we looked.
		if err != nil && minioCode(err) != "BucketAlreadyOwnedByYou" {
			return nil, fmt.Errorf("blob: s3 create bucket %q: %w", cfg.Bucket, err)
		}
	}
	return d, nil
}

// Put implements [Driver]. If r fails or ctx is cancelled, minio-go aborts
// the multipart upload, so nothing becomes visible; an abort that itself
// fails (the server is gone, or ctx was already cancelled) leaves invisible
// parts behind, which the bucket's AbortIncompleteMultipartUpload lifecycle
// rule should reap.
func (d *S3) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	// Hiding any io.ReaderAt keeps minio-go on its sequential path: one
	// part buffer at a time, and r consumed in order, as the Store's hashing
	// needs. exactReader keeps to the contract of stopping at size (net/http
	// would fail a longer body) and makes a short body fail fast.
	src := struct{ io.Reader }{r}
	if size >= 0 {
		src.Reader = &exactReader{r: r, n: size}
	} else {
		size = -1
	}
	_, err := d.client.PutObject(ctx, d.bucket, key, src, size, minio.PutObjectOptions{
		ContentType: "application/octet-stream",
		PartSize:    s3PartSize,
	})
	if err != nil {
		return fmt.Errorf("blob: s3 put %q: %w", key, convertMinioErr(err))
	}
	return nil
}

// Open implements [Driver]. It issues the GET before returning, so a missing
// key or bad range fails here rather than on the first Read.
func (d *S3) Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	if offset < 0 {
		return nil, fmt.Errorf("blob: s3 open %q: negative offset %d: %w", key, offset, ErrRange)
	}
	if length == 0 {
		// HTTP cannot ask for zero bytes; check the object and read nothing.
		return d.emptyAt(ctx, key, offset)
	}
	var opts minio.GetObjectOptions
	switch {
	case offset == 0 && length < 0:
		// Whole object: no Range header.
	case length < 0:
		opts.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	default:
		opts.Set("Range", fmt.Sprintf("bytes=%d-%d", offset, offset+length-1))
	}
	core := minio.Core{Client: d.client}
	body, info, hdr, err := core.GetObject(ctx, d.bucket, key, opts)
	if err != nil {
		if minioCode(err) == "InvalidRange" || minioStatus(err) == http.StatusRequestedRangeNotSatisfiable {
			// S3 refuses a range starting at the end, which we define as
			// an empty read, and one starting beyond it.
			return d.emptyAt(ctx, key, offset)
		}
		return nil, fmt.Errorf("blob: s3 open %q: %w", key, convertMinioErr(err))
	}
	if offset > 0 && hdr.Get("Content-Range") == "" {
		// The server ignored the Range and sent the whole object; skip to
		// the offset ourselves rather than trust every server's ranges.
		if offset > info.Size {
			body.Close()
			return nil, fmt.Errorf("blob: s3 open %q: offset %d, size %d: %w", key, offset, info.Size, ErrRange)
		}
		if _, err := io.CopyN(io.Discard, body, offset); err != nil {
			body.Close()
			return nil, fmt.Errorf("blob: s3 open %q: %w", key, err)
		}
	}
	if length < 0 {
		return body, nil
	}
	return readCloser{io.LimitReader(body, length), body}, nil
}

// emptyAt returns an empty reader if offset is at most the object's size,
// and ErrRange if beyond it.
func (d *S3) emptyAt(ctx context.Context, key string, offset int64) (io.ReadCloser, error) {
	info, err := d.Stat(ctx, key)
	if err != nil {
		return nil, err
	}
	if offset > info.Size {
		return nil, fmt.Errorf("blob: s3 open %q: offset %d, size %d: %w", key, offset, info.Size, ErrRange)
	}
	return io.NopCloser(strings.NewReader("")), nil
}

// Stat implements [Driver].
func (d *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, err
	}
	oi, err := d.client.StatObject(ctx, d.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, fmt.Errorf("blob: s3 stat %q: %w", key, convertMinioErr(err))
	}
	return Info{Key: key, Size: oi.Size, ModTime: oi.LastModified}, nil
}

// Delete implements [Driver]. S3 itself treats deleting a missing key as
// success.
func (d *S3) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	err := d.client.RemoveObject(ctx, d.bucket, key, minio.RemoveObjectOptions{})
	if err = convertMinioErr(err); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: s3 delete %q: %w", key, err)
	}
	return nil
}

// List implements [Driver].
func (d *S3) List(ctx context.Context, prefix string, fn func(Info) error) error {
	if err := validatePrefix(prefix); err != nil {
		return err
	}
	// Cancelling stops minio-go's listing goroutine when fn stops early.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for oi := range d.client.ListObjectsIter(ctx, d.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			return fmt.Errorf("blob: s3 list %q: %w", prefix, convertMinioErr(oi.Err))
		}
		if strings.HasSuffix(oi.Key, "/") {
			// A directory marker some servers (and consoles) create; never
			// one of our keys.
			continue
		}
		if err := fn(Info{Key: oi.Key, Size: oi.Size, ModTime: oi.LastModified}); err != nil {
			return err
		}
	}
	return nil
}

// Ping implements [Driver]: the server answers and the bucket exists.
func (d *S3) Ping(ctx context.Context) error {
	ok, err := d.client.BucketExists(ctx, d.bucket)
	if err != nil {
		return fmt.Errorf("blob: s3 ping: %w", err)
	}
	if !ok {
		return fmt.Errorf("blob: s3 ping: bucket %q: %w", d.bucket, fs.ErrNotExist)
	}
	return nil
}

// PresignGet implements [Presigner]. The URL names the configured endpoint,
// so it only helps clients that can reach that address.
func (d *S3) PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error) {
	if err := ValidateKey(key); err != nil {
		return "", err
	}
	u, err := d.client.PresignedGetObject(ctx, d.bucket, key, ttl, nil)
	if err != nil {
		return "", fmt.Errorf("blob: s3 presign %q: %w", key, err)
	}
	return u.String(), nil
}

// SweepTemp implements [TempSweeper]: it aborts the incomplete multipart
// uploads (a Put whose process died) that got no part since idleSince. An
// upload's own date is when it began, so a long live one is told apart by
// its parts' dates.
func (d *S3) SweepTemp(ctx context.Context, idleSince time.Time) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	core := minio.Core{Client: d.client}
	removed := 0
	for mu := range d.client.ListIncompleteUploads(ctx, d.bucket, "", true) {
		if mu.Err != nil {
			return removed, fmt.Errorf("blob: s3 sweep: %w", convertMinioErr(mu.Err))
		}
		if !mu.Initiated.Before(idleSince) {
			continue
		}
		last, err := d.lastPart(ctx, core, mu.Key, mu.UploadID)
		if errors.Is(err, fs.ErrNotExist) {
			continue // completed or aborted meanwhile
		}
		if err != nil {
			return removed, err
		}
		if !last.Before(idleSince) {
			continue
		}
		err = core.AbortMultipartUpload(ctx, d.bucket, mu.Key, mu.UploadID)
		if err = convertMinioErr(err); err != nil && !errors.Is(err, fs.ErrNotExist) && minioCode(err) != "NoSuchUpload" {
			return removed, fmt.Errorf("blob: s3 sweep %q: %w", mu.Key, err)
		}
		removed++
	}
	return removed, nil
}

// lastPart returns when the latest part of a multipart upload was written
// (the zero time when it has none).
func (d *S3) lastPart(ctx context.Context, core minio.Core, key, uploadID string) (time.Time, error) {
	var last time.Time
	marker := 0
	for {
		res, err := core.ListObjectParts(ctx, d.bucket, key, uploadID, marker, 1000)
		if err != nil {
			if minioCode(err) == "NoSuchUpload" {
				return last, fmt.Errorf("blob: s3 upload %q: %w", key, fs.ErrNotExist)
			}
			return last, fmt.Errorf("blob: s3 sweep %q: %w", key, convertMinioErr(err))
		}
		for _, p := range res.ObjectParts {
			if p.LastModified.After(last) {
				last = p.LastModified
			}
		}
		if !res.IsTruncated || res.NextPartNumberMarker <= marker {
			return last, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// errStoreUnavailable is what an unreachable or overloaded object store
// becomes: a 503 with Retry-After on every protocol.
var errStoreUnavailable = domain.Unavailablef("the object store is not answering; try again shortly")

// convertMinioErr translates S3's "not found" into fs.ErrNotExist, so
// callers test one error whatever the driver (as Gitea's storage does), and
// a store that does not answer (connection refused, timeout, 503) into
// domain.ErrUnavailable. Other errors pass through unchanged.
func convertMinioErr(err error) error {
	if err == nil {
		return nil
	}
	switch minioCode(err) {
	case "NoSuchKey", "NoSuchBucket":
		return fmt.Errorf("%w (%w)", fs.ErrNotExist, err)
	case "AccessDenied":
		return fmt.Errorf("%w (%w)", fs.ErrPermission, err)
	case "ServiceUnavailable", "SlowDown", "RequestTimeout", "XMinioServerNotInitialized":
		return fmt.Errorf("%w (%w)", errStoreUnavailable, err)
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return fmt.Errorf("%w (%w)", errStoreUnavailable, err)
	}
	return err
}

func minioCode(err error) string {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return ""
}

func minioStatus(err error) int {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.StatusCode
	}
	return 0
}
