package normalized

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// zstdWindow is the zstd window of the default codec. A Parquet page is
// compressed on its own and is about PageBufferSize (256 KiB) long, so a
// larger window finds nothing more; parquet.Zstd uses the 8 MiB default and
// keeps a 16 MiB history per pooled encoder, which dominated the heap.
const zstdWindow = 1 << 20

// zstdCodec is the zstd Parquet codec with one encoder and a small window.
// It is safe for concurrent use (calls queue for the encoder).
type zstdCodec struct {
	level zstd.EncoderLevel

	once sync.Once
	enc  *zstd.Encoder
	dec  *zstd.Decoder
	err  error
}

// defaultZstd is the codec used when Options.Compression is nil.
var defaultZstd = &zstdCodec{level: zstd.SpeedDefault}

func (c *zstdCodec) init() error {
	c.once.Do(func() {
		c.enc, c.err = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(c.level),
			zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(zstdWindow),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false),
		)
		if c.err != nil {
			return
		}
		c.dec, c.err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	})
	if c.err != nil {
		return fmt.Errorf("creating zstd codec: %w", c.err)
	}
	return nil
}

func (c *zstdCodec) String() string { return "ZSTD" }

func (c *zstdCodec) CompressionCodec() format.CompressionCodec { return format.Zstd }

func (c *zstdCodec) Encode(dst, src []byte) ([]byte, error) {
	if err := c.init(); err != nil {
		return dst[:0], err
	}
	return c.enc.EncodeAll(src, dst[:0]), nil
}

func (c *zstdCodec) Decode(dst, src []byte) ([]byte, error) {
	if err := c.init(); err != nil {
		return dst[:0], err
	}
	return c.dec.DecodeAll(src, dst[:0])
}
