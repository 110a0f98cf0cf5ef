package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// verify reads every rendered export back the way a careful reader would
// (decode, then split fields) and checks the record counts, so a rendering
// mistake cannot slip into the committed files.
func verify(files []*rawFile) error {
	for _, f := range files {
		if !strings.HasPrefix(f.key, "raw/") {
			continue
		}
		n, err := countRecords(f)
		if err != nil {
			return fmt.Errorf("reading back %s: %w", f.key, err)
		}
		if n != f.rowsRead {
			return fmt.Errorf("reading back %s: %d data rows, rendered %d", f.key, n, f.rowsRead)
		}
	}
	return nil
}

func countRecords(f *rawFile) (int, error) {
	if strings.HasSuffix(f.key, ".xlsx") {
		x, err := excelize.OpenReader(bytes.NewReader(f.data))
		if err != nil {
			return 0, err
		}
		defer x.Close()
		rows, err := x.GetRows(x.GetSheetList()[0])
		if err != nil {
			return 0, err
		}
		return len(rows) - 1, nil
	}
	text := f.data
	var err error
	switch {
	case bytes.HasPrefix(text, []byte{0xFF, 0xFE}):
		text, err = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(text)
	case bytes.HasPrefix(text, []byte("\ufeff")):
		text = text[3:]
	case f.key == keyCRM:
		text, err = simplifiedchinese.GBK.NewDecoder().Bytes(text)
	}
	if err != nil {
		return 0, err
	}
	r := csv.NewReader(bytes.NewReader(text))
	if f.delim == "\t" {
		r.Comma = '\t'
	}
	recs, err := r.ReadAll()
	if err != nil {
		return 0, err
	}
	for i, rec := range recs {
		if len(rec) != len(recs[0]) {
			return 0, fmt.Errorf("record %d has %d fields, header %d", i, len(rec), len(recs[0]))
		}
	}
	return len(recs) - 1, nil
}
