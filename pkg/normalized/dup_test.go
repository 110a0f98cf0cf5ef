package normalized

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDupFinder(t *testing.T) {
	d := NewDupFinder(DefaultDupFinderBits)
	for i := range 100_000 {
		d.Add(fmt.Sprintf("GD%08d", i))
	}
	falsePositives := d.Suspects()
	require.Less(t, falsePositives, 10, "false positives at 100k ids in 64 Mi bits")
	require.False(t, d.Suspect([]byte("GD00000007")))
	require.False(t, d.Suspect([]byte("GD00099999")))
	for _, id := range []string{"GD00000007", "GD00099999", "GD00000007"} {
		d.Add(id)
	}
	require.True(t, d.Suspect([]byte("GD00000007")))
	require.True(t, d.Suspect([]byte("GD00099999")))
	require.Equal(t, falsePositives+2, d.Suspects())
	require.Equal(t, int64(100_003), d.Added())

	tiny := NewDupFinder(1) // rounds up to one 256-bit block
	require.Len(t, tiny.filter, 1)
	for i := range 200 {
		tiny.Add(fmt.Sprint(i))
	}
	require.Greater(t, tiny.Suspects(), 100, "a full filter flags almost everything")

	// The id is copied: a caller's reused buffer does not change the suspects.
	buf := []byte("AAAA")
	d2 := NewDupFinder(1024)
	d2.Add(string(buf))
	id := string(buf)
	d2.Add(id)
	buf[0] = 'B'
	require.True(t, d2.Suspect([]byte("AAAA")))
}
