package ingest

import (
	"encoding/binary"
	"errors"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// GBK two-byte sequences: a lead byte 0x81-0xFE and a trail byte 0x40-0x7E
// or 0x80-0xFE, 190 trails per lead.
const (
	gbLeads  = 0xFE - 0x81 + 1
	gbTrails = 190
)

// gbPairs maps every GBK two-byte sequence to the rune x/text's GB18030
// decoder gives it, or 0 where that is not one rune for the two bytes
// (U+FFFD): those take x/text's own path. Built once, from x/text, so the
// two decoders cannot disagree.
var gbPairs = sync.OnceValue(func() *[gbLeads * gbTrails]uint16 {
	var t [gbLeads * gbTrails]uint16
	dec := simplifiedchinese.GB18030.NewDecoder()
	var dst [8]byte
	for lead := 0x81; lead <= 0xFE; lead++ {
		for _, trail := range gbTrailBytes() {
			nDst, nSrc, err := dec.Transform(dst[:], []byte{byte(lead), trail}, true)
			if err != nil || nSrc != 2 {
				continue
			}
			r, size := utf8.DecodeRune(dst[:nDst])
			if size != nDst || r == utf8.RuneError || r > 0xFFFF {
				continue
			}
			t[gbPairIndex(byte(lead), trail)] = uint16(r)
		}
	}
	return &t
})

func gbTrailBytes() []byte {
	b := make([]byte, 0, gbTrails)
	for c := 0x40; c < 0xFF; c++ {
		if c != 0x7F {
			b = append(b, byte(c))
		}
	}
	return b
}

// gbPairIndex is the index of a lead and trail byte in gbPairs, or -1 when
// trail is not a two-byte trail.
func gbPairIndex(lead, trail byte) int {
	switch {
	case 0x40 <= trail && trail < 0x7F:
		return int(lead-0x81)*gbTrails + int(trail-0x40)
	case 0x80 <= trail && trail < 0xFF:
		return int(lead-0x81)*gbTrails + int(trail-0x41)
	}
	return -1
}

// gbDecode is slow.Transform (the x/text GB18030 decoder) with fast paths:
// ASCII runs are copied, and two-byte sequences are looked up in gbPairs;
// anything else (the euro sign 0x80, four-byte sequences, invalid bytes,
// a sequence cut by the end of src) is left to slow, one sequence at a
// time. Its results (nDst, nSrc, err) are the same as slow's for every
// input when dst holds 3×len(src)+4 bytes; FuzzGBDecode checks it.
func gbDecode(slow transform.Transformer, dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	pairs := gbPairs()
	for nSrc < len(src) {
		if len(dst)-nDst < utf8.UTFMax {
			return nDst, nSrc, transform.ErrShortDst
		}
		c := src[nSrc]
		if c < utf8.RuneSelf {
			n := min(asciiPrefix(src[nSrc:]), len(dst)-nDst)
			copy(dst[nDst:], src[nSrc:nSrc+n])
			nDst += n
			nSrc += n
			continue
		}
		if c >= 0x81 && c <= 0xFE && nSrc+1 < len(src) {
			if i := gbPairIndex(c, src[nSrc+1]); i >= 0 {
				if r := pairs[i]; r != 0 {
					nDst += utf8.EncodeRune(dst[nDst:], rune(r))
					nSrc += 2
					continue
				}
			}
		}
		// A GB18030 sequence is at most 4 bytes: a window of 4 holds a
		// whole one unless src ends first (then x/text sees atEOF as is).
		end := min(nSrc+4, len(src))
		n, m, e := slow.Transform(dst[nDst:], src[nSrc:end], atEOF && end == len(src))
		nDst += n
		nSrc += m
		if e != nil && !(errors.Is(e, transform.ErrShortSrc) && end < len(src)) {
			return nDst, nSrc, e
		}
		if m == 0 {
			return nDst, nSrc, transform.ErrShortSrc
		}
	}
	return nDst, nSrc, nil
}

const highBits = 0x8080808080808080

// asciiPrefix returns the length of the run of ASCII bytes b starts with.
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&highBits != 0 {
			break
		}
	}
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// highPrefix returns the length of the run of non-ASCII bytes b starts with.
func highPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&highBits != highBits {
			break
		}
	}
	for i < len(b) && b[i] >= utf8.RuneSelf {
		i++
	}
	return i
}
